using System.Text.RegularExpressions;
using Turnstile.Core.Iam.Policies;
using static Turnstile.Core.Tests.Iam.Policies.PolicyTestKit;

namespace Turnstile.Core.Tests.Iam.Policies;

public class AwsManagedPoliciesTests
{
    public static TheoryData<string> Names => new(AwsManagedPolicies.All.Select(p => p.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_document_is_a_valid_identity_policy(string name)
    {
        var policy = PolicyEvaluatorTests.Managed(name);
        var result = PolicyParser.Parse(policy.Document, PolicyKind.Identity);
        Assert.True(result.IsValid, $"{name}: {result.Error?.Message}");
        Assert.Equal(PolicyVersions.V2012, result.Document.Version);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Metadata_has_iam_shapes(string name)
    {
        var policy = PolicyEvaluatorTests.Managed(name);
        Assert.Matches(new Regex("^ANPA[A-Z2-7]{17}$"), policy.PolicyId);
        Assert.Matches(new Regex("^v[0-9]+$"), policy.DefaultVersionId);
        Assert.Equal($"arn:aws:iam::aws:policy{policy.Path}{name}", policy.Arn);
        Assert.StartsWith("/", policy.Path);
        Assert.EndsWith("/", policy.Path);
        Assert.NotEmpty(policy.Description);
        Assert.True(policy.UpdateDate >= policy.CreateDate);
    }

    [Fact]
    public void Ids_are_unique_and_lookup_accepts_names_and_arns()
    {
        Assert.Equal(AwsManagedPolicies.All.Count, AwsManagedPolicies.All.Select(p => p.PolicyId).Distinct().Count());
        Assert.True(AwsManagedPolicies.TryGet("arn:aws:iam::aws:policy/AmazonEKSClusterPolicy", out var cluster));
        Assert.Equal("ANPAIBTLDQMIC6UOIGFWA", cluster.PolicyId);
        Assert.True(AwsManagedPolicies.TryGet("arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy", out var ebs));
        Assert.Equal("/service-role/", ebs.Path);
        Assert.True(AwsManagedPolicies.TryGet("arn:aws-cn:iam::aws:policy/ReadOnlyAccess", out var readOnly));
        Assert.True(readOnly.IsApproximate);
        Assert.Equal("arn:aws-cn:iam::aws:policy/ReadOnlyAccess", readOnly.ArnIn("aws-cn"));
        Assert.False(AwsManagedPolicies.TryGet("arn:aws:iam::aws:policy/NoSuchPolicy", out _));
        Assert.False(AwsManagedPolicies.TryGet("arn:aws:iam::aws:policy/EBSCSIDriverPolicy", out _));
    }

    private static EvaluationDecision DecideWith(string name, string action, string resource = "*") =>
        Decide(AwsManagedPolicies.Compiled(PolicyEvaluatorTests.Managed(name)), action, resource);

    [Theory]
    [InlineData("AdministratorAccess", "iam:CreateUser", EvaluationDecision.Allowed)]
    [InlineData("ReadOnlyAccess", "eks:DescribeCluster", EvaluationDecision.Allowed)]
    [InlineData("ReadOnlyAccess", "eks:ListClusters", EvaluationDecision.Allowed)]
    [InlineData("ReadOnlyAccess", "eks:AccessKubernetesApi", EvaluationDecision.Allowed)]
    [InlineData("ReadOnlyAccess", "eks:CreateCluster", EvaluationDecision.ImplicitDeny)]
    [InlineData("ReadOnlyAccess", "iam:SimulatePrincipalPolicy", EvaluationDecision.Allowed)]
    [InlineData("PowerUserAccess", "eks:CreateCluster", EvaluationDecision.Allowed)]
    [InlineData("PowerUserAccess", "iam:CreateUser", EvaluationDecision.ImplicitDeny)]
    [InlineData("PowerUserAccess", "iam:ListRoles", EvaluationDecision.Allowed)]
    [InlineData("IAMFullAccess", "iam:AttachRolePolicy", EvaluationDecision.Allowed)]
    [InlineData("IAMFullAccess", "eks:DescribeCluster", EvaluationDecision.ImplicitDeny)]
    [InlineData("IAMReadOnlyAccess", "iam:GetRole", EvaluationDecision.Allowed)]
    [InlineData("IAMReadOnlyAccess", "iam:CreateRole", EvaluationDecision.ImplicitDeny)]
    [InlineData("AmazonEKSWorkerNodePolicy", "eks:DescribeCluster", EvaluationDecision.Allowed)]
    [InlineData("AmazonEKSWorkerNodePolicy", "eks:DeleteCluster", EvaluationDecision.ImplicitDeny)]
    [InlineData("AmazonEC2ContainerRegistryReadOnly", "ecr:BatchGetImage", EvaluationDecision.Allowed)]
    [InlineData("AmazonEC2ContainerRegistryReadOnly", "ecr:PutImage", EvaluationDecision.ImplicitDeny)]
    [InlineData("AmazonEKSClusterPolicy", "ec2:DescribeInstances", EvaluationDecision.Allowed)]
    [InlineData("AmazonEKSClusterPolicy", "iam:CreateServiceLinkedRole", EvaluationDecision.ImplicitDeny)]
    public void Documents_grant_what_they_say(string name, string action, EvaluationDecision expected) =>
        Assert.Equal(expected, DecideWith(name, action, ClusterArn));

    [Fact]
    public void Cluster_policy_conditions_use_the_request_context()
    {
        var policy = AwsManagedPolicies.Compiled(PolicyEvaluatorTests.Managed("AmazonEKSClusterPolicy"));
        var slr = Keys(("iam:AWSServiceName", ContextValue.Of("elasticloadbalancing.amazonaws.com")));
        var result = PolicyEvaluator.Evaluate(Request("iam:CreateServiceLinkedRole", "*", slr), policy);
        Assert.True(result.IsAllowed);
        Assert.Equal(PolicySourceType.AwsManaged, result.MatchedStatements[0].SourceType);
        Assert.Equal("arn:aws:iam::aws:policy/AmazonEKSClusterPolicy", result.MatchedStatements[0].Source);
    }
}
