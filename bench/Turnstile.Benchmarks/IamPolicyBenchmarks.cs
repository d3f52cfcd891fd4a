using BenchmarkDotNet.Attributes;
using Turnstile.Core.Iam.Policies;

namespace Turnstile.Benchmarks;

/// <summary>IAM enforcement cost per emulated API call: four identity policies, one with a condition.</summary>
[MemoryDiagnoser]
public class IamPolicyBenchmarks
{
    private const string ClusterArn = "arn:aws:eks:ap-northeast-2:111122223333:cluster/my-cluster";
    private CompiledPolicy[] _policies = null!;
    private RequestContext _request = null!;

    [GlobalSetup]
    public void Setup()
    {
        static AwsManagedPolicy Managed(string name) => AwsManagedPolicies.TryGet(name, out var p) ? p : throw new KeyNotFoundException(name);
        _policies =
        [
            CompiledPolicy.Parse("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["eks:Describe*","eks:List*"],"Resource":"*"},{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}]}""", PolicyKind.Identity, "read"),
            AwsManagedPolicies.Compiled(Managed("AmazonEKSClusterPolicy")),
            AwsManagedPolicies.Compiled(Managed("AmazonEKSWorkerNodePolicy")),
            CompiledPolicy.Parse("""{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"eks:Delete*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalTag/team":"platform"}}}]}""", PolicyKind.Identity, "deny"),
        ];
        var keys = new ContextKeys();
        keys.Set("aws:PrincipalTag/team", ContextValue.Of("apps"));
        _request = new RequestContext { Action = "eks:DescribeCluster", Resource = ClusterArn, Keys = keys };
        if (!PolicyEvaluator.Evaluate(_request, _policies).IsAllowed) throw new InvalidOperationException("request should be allowed");
    }

    [Benchmark]
    public bool EvaluateFourPolicies() => PolicyEvaluator.Evaluate(_request, _policies).IsAllowed;
}
