using Turnstile.Core.Authn;
using Turnstile.Core.Authz;
using Turnstile.Core.Rbac;
using static Turnstile.Core.Tests.Rbac.RbacFixtures;

namespace Turnstile.Core.Tests.Authz;

/// <summary>k8s-authz.md §9.2 cases 64-69 (test/integration/auth/rbac_test.go) at the authorizer level, and the 403 text.</summary>
public class EscalationCheckTests
{
    private static readonly RoleRef WriteJobs = new("ClusterRole", "write-jobs");

    private static EscalationCheck Check() => new(new ClusterAuthorizer(new RbacAuthorizer(new RbacPolicy(
        [
            ClusterRole("write-jobs", R("*", "batch", "*")),
            ClusterRole("create-rolebindings", R("create", "rbac.authorization.k8s.io", "rolebindings")),
            ClusterRole("bind-any-clusterrole", R("bind", "rbac.authorization.k8s.io", "clusterroles")),
        ],
        [
            Crb("write-jobs", "write-jobs", Subject.User("job-writer")),
            Crb("create-rolebindings", "create-rolebindings", Subject.User("job-writer"), Subject.User("nonescalating-rolebinding-writer"), Subject.User("any-rolebinding-writer")),
            Crb("bind-any-clusterrole", "bind-any-clusterrole", Subject.User("any-rolebinding-writer")),
        ],
        [],
        [
            Rb("job-namespace", "write-jobs", "ClusterRole", "write-jobs", Subject.User("job-writer-namespace")),
            Rb("job-namespace", "create-rolebindings", "ClusterRole", "create-rolebindings", Subject.User("job-writer-namespace"), Subject.User("any-rolebinding-writer-namespace")),
            Rb("job-namespace", "bind-any-clusterrole", "ClusterRole", "bind-any-clusterrole", Subject.User("any-rolebinding-writer-namespace")),
        ]))));

    [Theory]
    [InlineData("job-writer-namespace", "job-namespace", true)]                 // 64
    [InlineData("job-writer", "forbidden-namespace", true)]                     // 66
    [InlineData("nonescalating-rolebinding-writer", "job-namespace", false)]    // 67
    [InlineData("any-rolebinding-writer", "job-namespace", true)]               // 68
    [InlineData("any-rolebinding-writer-namespace", "forbidden-namespace", false)] // 69 (no bind there, no coverage)
    public void Binding_a_cluster_role_needs_bind_or_its_rules(string user, string ns, bool allowed) =>
        Assert.Equal(allowed, Check().CheckBinding(KubeUser.Of(user), [], ns, "b", WriteJobs) is null);

    [Fact]
    public void Escalation_message_lists_the_missing_rules_compacted_and_sorted()
    {
        var status = Check().CheckBinding(KubeUser.Of("nonescalating-rolebinding-writer", "system:authenticated"), [], "job-namespace", "b", WriteJobs)!;
        Assert.Equal(403, status.Code);
        Assert.Equal("rolebindings.rbac.authorization.k8s.io \"b\" is forbidden: user \"nonescalating-rolebinding-writer\" (groups=[\"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:\n" +
                     "{APIGroups:[\"batch\"], Resources:[\"*\"], Verbs:[\"*\"]}", status.Message);
    }

    [Fact]
    public void Binding_a_missing_role_without_bind_is_404()
    {
        var status = Check().CheckBinding(KubeUser.Of("job-writer"), [], "job-namespace", "b", new RoleRef("Role", "missing"))!;
        Assert.Equal((404, "roles.rbac.authorization.k8s.io \"missing\" not found"), (status.Code, status.Message));
    }

    [Fact]
    public void System_masters_skip_every_check() =>
        Assert.Null(Check().CheckBinding(KubeUser.Of("root", "system:masters"), [], "x", "b", new RoleRef("Role", "missing")));

    [Fact]
    public void Roles_need_escalate_or_coverage_and_aggregation_needs_full_authority()
    {
        var check = Check();
        Assert.Null(check.CheckRole(KubeUser.Of("job-writer"), [], "job-namespace", "", "r", [R("get", "batch", "jobs")]));
        var denied = check.CheckRole(KubeUser.Of("job-writer"), [], "job-namespace", "", "r", [R("get", "", "secrets")])!;
        Assert.StartsWith("roles.rbac.authorization.k8s.io \"r\" is forbidden: user \"job-writer\" (groups=[]) is attempting to grant", denied.Message);
        var aggregated = check.CheckRole(KubeUser.Of("job-writer"), [], "", "", "agg", [], usesAggregation: true)!;
        Assert.Equal("clusterroles.rbac.authorization.k8s.io \"agg\" is forbidden: must have cluster-admin privileges to use the aggregationRule", aggregated.Message);
    }
}
