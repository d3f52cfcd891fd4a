using Turnstile.Core.Rbac;
using Turnstile.Core.Rbac.Bootstrap;

namespace Turnstile.Core.Tests.Rbac.Bootstrap;

/// <summary>k8s-authz.md §2.3: after aggregation view, edit and admin hold exactly the documented rules in order.</summary>
public class BootstrapAggregationTests
{
    private static readonly RbacPolicy Policy = new(BootstrapPolicy.ClusterRoles, BootstrapPolicy.ClusterRoleBindings, BootstrapPolicy.Roles, BootstrapPolicy.RoleBindings);

    private static IReadOnlyList<PolicyRule> Source(string name) => BootstrapPolicy.ClusterRoles.Single(r => r.Name == name).Rules;

    [Fact]
    public void View_is_aggregate_to_view()
    {
        Assert.Equal(Source("system:aggregate-to-view"), Policy.FindClusterRole("view")!.Rules);
        Assert.Equal(10, Policy.FindClusterRole("view")!.Rules.Count);
    }

    [Fact]
    public void Edit_is_aggregate_to_edit_then_view()
    {
        var expected = Source("system:aggregate-to-edit").Concat(Policy.FindClusterRole("view")!.Rules).Distinct().ToArray();
        Assert.Equal(expected, Policy.FindClusterRole("edit")!.Rules);
    }

    [Fact]
    public void Admin_is_edit_then_aggregate_to_admin()
    {
        var expected = Policy.FindClusterRole("edit")!.Rules.Concat(Source("system:aggregate-to-admin")).Distinct().ToArray();
        Assert.Equal(expected, Policy.FindClusterRole("admin")!.Rules);
    }

    [Fact]
    public void View_excludes_secrets_and_edit_excludes_roles()
    {
        var rbac = new RbacAuthorizer(Policy);
        var viewer = Turnstile.Core.Authn.KubeUser.Of("v");
        Assert.DoesNotContain(Policy.FindClusterRole("view")!.Rules, r => r.Resources.Contains("secrets"));
        Assert.DoesNotContain(Policy.FindClusterRole("edit")!.Rules, r => r.Resources.Contains("roles"));
        Assert.Contains(Policy.FindClusterRole("admin")!.Rules, r => r.Resources.Contains("rolebindings"));
        Assert.False(rbac.Authorize(viewer, Turnstile.Core.Authz.RequestAttributes.ForResource("get", "", "pods", "default")).Allowed);
    }

    [Fact]
    public void Authenticated_users_get_discovery_and_self_reviews_only()
    {
        var rbac = new RbacAuthorizer(Policy);
        var user = Turnstile.Core.Authn.KubeUser.Of("someone", "system:authenticated");
        Assert.True(rbac.Authorize(user, Turnstile.Core.Authz.RequestAttributes.ForPath("get", "/api")).Allowed);
        Assert.True(rbac.Authorize(user, Turnstile.Core.Authz.RequestAttributes.ForPath("get", "/apis/apps/v1")).Allowed);
        Assert.True(rbac.Authorize(user, Turnstile.Core.Authz.RequestAttributes.ForResource("create", "authorization.k8s.io", "selfsubjectaccessreviews")).Allowed);
        Assert.Equal("RBAC: allowed by ClusterRoleBinding \"system:discovery\" of ClusterRole \"system:discovery\" to Group \"system:authenticated\"",
            rbac.Authorize(user, Turnstile.Core.Authz.RequestAttributes.ForPath("get", "/api")).Reason);
        Assert.False(rbac.Authorize(user, Turnstile.Core.Authz.RequestAttributes.ForResource("list", "", "nodes")).Allowed);
    }
}
