using Turnstile.Core.Authn;
using Turnstile.Core.Kube;
using Turnstile.Core.Rbac;
using Turnstile.Core.Rbac.Bootstrap;

namespace Turnstile.Core.Tests.Kube;

public class KubectlRulesTableTests
{
    [Fact]
    public void Matches_kubectls_cani_test_layout()
    {
        var review = new SubjectRulesReview(
            [new ResourceRule(["get", "list"], ["*"], ["pod", "job"], ["test-resource"])],
            [new NonResourceRule(["get"], ["/apis/*", "/version"])],
            false, "");
        Assert.Equal(
            "Resources   Non-Resource URLs   Resource Names    Verbs\n" +
            "job.*       []                  [test-resource]   [get list]\n" +
            "pod.*       []                  [test-resource]   [get list]\n" +
            "            [/apis/*]           []                [get]\n" +
            "            [/version]          []                [get]\n",
            KubectlRulesTable.Format(review));
    }

    [Fact]
    public void Basic_user_sees_self_reviews_and_discovery()
    {
        var rbac = new RbacAuthorizer(new RbacPolicy(BootstrapPolicy.ClusterRoles, BootstrapPolicy.ClusterRoleBindings, BootstrapPolicy.Roles, BootstrapPolicy.RoleBindings));
        var review = SubjectRulesReview.For(rbac, KubeUser.Of("u", "system:authenticated"), "default");
        var table = KubectlRulesTable.Format(review);
        Assert.Contains("selfsubjectaccessreviews.authorization.k8s.io   []", table);
        Assert.Contains("[/api/*]", table);
        Assert.False(review.Incomplete);
    }
}
