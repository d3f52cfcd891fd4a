using Turnstile.Core.AccessPolicies;
using Turnstile.Core.Authn;
using Turnstile.Core.Authz;
using Turnstile.Core.Rbac;

namespace Turnstile.Core.Tests.AccessPolicies;

public class AccessPolicyTests
{
    private const string Arn = "arn:aws:eks::aws:cluster-access-policy/";

    [Fact]
    public void Catalogue_is_sorted_and_contains_the_listed_names()
    {
        var names = AccessPolicyCatalog.All.Select(p => p.Name).ToArray();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        foreach (var name in new[] { "AmazonEKSAdminPolicy", "AmazonEKSAdminViewPolicy", "AmazonEKSClusterAdminPolicy", "AmazonEKSEditPolicy",
                     "AmazonEKSHybridPolicy", "AmazonEKSViewPolicy", "AmazonEMRJobPolicy", "AmazonSagemakerHyperpodClusterPolicy",
                     "AmazonSagemakerHyperpodControllerPolicy", "AmazonSagemakerHyperpodSystemNamespacePolicy" })
            Assert.Contains(name, names);
    }

    [Theory]
    [InlineData("arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", "AmazonEKSViewPolicy")]
    [InlineData("arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", "AmazonEKSViewPolicy")]
    [InlineData("arn:aws:eks::aws:cluster-access-policy/NoSuchPolicy", null)]
    [InlineData("arn:aws:iam::aws:policy/AdministratorAccess", null)]
    public void Finds_policies_by_arn(string arn, string? name) => Assert.Equal(name, AccessPolicyCatalog.FindByArn(arn)?.Name);

    [Theory]
    [InlineData("dev-*", "dev-team", true)]
    [InlineData("dev-*", "dev-", true)]
    [InlineData("dev-*", "prod", false)]
    [InlineData("*-system", "kube-system", true)]
    [InlineData("default", "default", true)]
    [InlineData("default", "", false)]
    public void Namespace_scope_globs(string pattern, string ns, bool expected) =>
        Assert.Equal(expected, AccessScope.ForNamespaces(pattern).Covers(ns));

    private static RequestAttributes Req(string verb, string resource, string ns = "", string group = "", string sub = "") =>
        RequestAttributes.ForResource(verb, group, resource, ns, subresource: sub);

    [Fact]
    public void View_policy_in_a_namespace_scope()
    {
        AssociatedAccessPolicy[] view = [new(Arn + "AmazonEKSViewPolicy", AccessScope.ForNamespaces("dev-*"))];
        Assert.True(AccessPolicyAuthorizer.Authorize(view, Req("list", "pods", "dev-a")).Allowed);
        Assert.False(AccessPolicyAuthorizer.Authorize(view, Req("list", "pods", "prod")).Allowed);
        Assert.False(AccessPolicyAuthorizer.Authorize(view, Req("get", "secrets", "dev-a")).Allowed);
        Assert.False(AccessPolicyAuthorizer.Authorize(view, Req("list", "pods")).Allowed);
        Assert.False(AccessPolicyAuthorizer.Authorize(view, Req("list", "nodes")).Allowed);
        Assert.True(AccessPolicyAuthorizer.Authorize(view, Req("get", "deployments", "dev-a", "apps", "scale")).Allowed);
    }

    [Fact]
    public void Cluster_admin_policy_covers_non_resource_urls_only_at_cluster_scope()
    {
        AssociatedAccessPolicy[] cluster = [new(Arn + "AmazonEKSClusterAdminPolicy", AccessScope.Cluster)];
        Assert.True(AccessPolicyAuthorizer.Authorize(cluster, RequestAttributes.ForPath("get", "/metrics")).Allowed);
        Assert.True(AccessPolicyAuthorizer.Authorize(cluster, Req("delete", "nodes")).Allowed);
        AssociatedAccessPolicy[] namespaced = [new(Arn + "AmazonEKSClusterAdminPolicy", AccessScope.ForNamespaces("default"))];
        Assert.False(AccessPolicyAuthorizer.Authorize(namespaced, RequestAttributes.ForPath("get", "/metrics")).Allowed);
        Assert.True(AccessPolicyAuthorizer.Authorize(namespaced, Req("delete", "pods", "default")).Allowed);
    }

    [Fact]
    public void Edit_and_admin_grant_secrets_view_does_not()
    {
        var secret = Req("get", "secrets", "default");
        foreach (var (name, expected) in new[] { ("AmazonEKSViewPolicy", false), ("AmazonEKSEditPolicy", true), ("AmazonEKSAdminPolicy", true), ("AmazonEKSAdminViewPolicy", true), ("AmazonEKSSecretReaderPolicy", true) })
            Assert.Equal(expected, AccessPolicyAuthorizer.Authorize([new AssociatedAccessPolicy(Arn + name, AccessScope.Cluster)], secret).Allowed);
        Assert.True(AccessPolicyAuthorizer.Authorize([new AssociatedAccessPolicy(Arn + "AmazonEKSAdminPolicy", AccessScope.Cluster)], Req("create", "rolebindings", "default", "rbac.authorization.k8s.io")).Allowed);
        Assert.False(AccessPolicyAuthorizer.Authorize([new AssociatedAccessPolicy(Arn + "AmazonEKSEditPolicy", AccessScope.Cluster)], Req("create", "rolebindings", "default", "rbac.authorization.k8s.io")).Allowed);
    }

    [Fact]
    public void Chain_runs_masters_then_rbac_then_access_policies()
    {
        var rbac = new RbacAuthorizer(new RbacPolicy(
            [new ClusterRole(new ObjectMeta { Name = "pod-reader" }, [PolicyRule.ForResources(["get"], [""], ["pods"])])],
            [new ClusterRoleBinding(new ObjectMeta { Name = "readers" }, new RoleRef("ClusterRole", "pod-reader"), [Subject.Group("readers")])],
            [], []));
        var chain = new ClusterAuthorizer(rbac);
        AssociatedAccessPolicy[] view = [new(Arn + "AmazonEKSViewPolicy", AccessScope.Cluster)];

        var masters = chain.Authorize(KubeUser.Of("root", "system:masters"), [], Req("delete", "nodes"));
        Assert.Equal((Decision.Allow, AuthorizerStage.SystemMasters, ""), (masters.Decision, masters.Stage, masters.Reason));

        var byRbac = chain.Authorize(KubeUser.Of("u", "readers"), view, Req("get", "pods", "default"));
        Assert.Equal(AuthorizerStage.Rbac, byRbac.Stage);

        var byPolicy = chain.Authorize(KubeUser.Of("u"), view, Req("list", "deployments", "default", "apps"));
        Assert.Equal(AuthorizerStage.AccessPolicy, byPolicy.Stage);
        Assert.Equal("AmazonEKSViewPolicy", byPolicy.AccessPolicy.Association!.Policy!.Name);

        var impersonated = chain.Authorize(KubeUser.Of("u"), [], Req("list", "deployments", "default", "apps"));
        Assert.Equal(Decision.NoOpinion, impersonated.Decision);
    }
}
