using BenchmarkDotNet.Attributes;
using Turnstile.Core.AccessPolicies;
using Turnstile.Core.Authn;
using Turnstile.Core.Authz;
using Turnstile.Core.Rbac;

namespace Turnstile.Benchmarks;

/// <summary>
/// One authorization decision on the generated cluster: the indexed RBAC authorizer, kube-apiserver's linear
/// walk over every binding, and the whole EKS chain (system:masters, RBAC, access policies).
/// </summary>
[MemoryDiagnoser]
public class AuthorizationBenchmarks
{
    private RbacAuthorizer _rbac = null!;
    private ClusterAuthorizer _chain = null!;
    private KubeUser _user = null!;
    private RequestAttributes _allowed = null!;
    private RequestAttributes _denied = null!;
    private AssociatedAccessPolicy[] _policies = null!;

    [GlobalSetup]
    public void Setup()
    {
        _rbac = new RbacAuthorizer(GeneratedCluster.Policy());
        _chain = new ClusterAuthorizer(_rbac);
        // Pick a user and a request that the generated data allows through a RoleBinding deep in the list.
        var binding = _rbac.RoleBindingsIn(GeneratedCluster.Ns(417)).First(b => b.Rules.Count > 0 && b.RoleRef.Kind == "Role");
        var rule = binding.Rules[0];
        _user = KubeUser.Of(binding.Subjects[0].Name, "team-9999", "system:authenticated");
        var resource = rule.Resources[0].Split('/');
        _allowed = RequestAttributes.ForResource(rule.Verbs[0], rule.ApiGroups[0], resource[0], GeneratedCluster.Ns(417),
            subresource: resource.Length > 1 ? resource[1] : "");
        _denied = RequestAttributes.ForResource("delete", "", "nodes");
        _policies = [new AssociatedAccessPolicy("arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", AccessScope.ForNamespaces("ns-4*"))];
        if (!_rbac.Authorize(_user, _allowed).Allowed || !_rbac.AuthorizeByScan(_user, _allowed).Allowed)
            throw new InvalidOperationException("benchmark request is not allowed; generator changed");
        if (_rbac.Authorize(_user, _denied).Allowed) throw new InvalidOperationException("denied request is allowed");
    }

    [Benchmark(Baseline = true)]
    public bool RbacIndexedAllowed() => _rbac.Authorize(_user, _allowed).Allowed;

    [Benchmark]
    public bool RbacLinearScanAllowed() => _rbac.AuthorizeByScan(_user, _allowed).Allowed;

    [Benchmark]
    public bool RbacIndexedDenied() => _rbac.Authorize(_user, _denied).Allowed;

    [Benchmark]
    public bool RbacLinearScanDenied() => _rbac.AuthorizeByScan(_user, _denied).Allowed;

    [Benchmark]
    public bool ChainDeniedThroughAccessPolicies() => _chain.Authorize(_user, _policies, _denied).Allowed;
}
