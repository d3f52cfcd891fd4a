using Turnstile.Core.Rbac;
using static Turnstile.Core.Tests.Rbac.RbacFixtures;

namespace Turnstile.Core.Tests.Rbac;

public class ClusterRoleAggregationTests
{
    private static ClusterRole Labeled(string name, string label, params PolicyRule[] rules) =>
        new(new ObjectMeta { Name = name, Labels = new Dictionary<string, string> { [label] = "true" } }, rules);

    private static ClusterRole Aggregating(string name, string selectLabel, string? ownLabel = null) =>
        new(new ObjectMeta { Name = name, Labels = ownLabel is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [ownLabel] = "true" } },
            [], new AggregationRule([new LabelSelector { MatchLabels = new Dictionary<string, string> { [selectLabel] = "true" } }]));

    [Fact]
    public void Chains_aggregate_to_a_fixpoint_in_name_order_without_duplicates()
    {
        var roles = new[]
        {
            Aggregating("admin", "to-admin"),
            Aggregating("edit", "to-edit", "to-admin"),
            Aggregating("view", "to-view", "to-edit"),
            Labeled("system:aggregate-to-admin", "to-admin", R("create", "rbac.authorization.k8s.io", "roles")),
            Labeled("system:aggregate-to-edit", "to-edit", R("create", "", "pods"), R("get", "", "pods")),
            Labeled("system:aggregate-to-view", "to-view", R("get", "", "pods")),
        };
        var policy = new RbacPolicy(roles, [], [], []);
        Assert.Equal([R("get", "", "pods")], policy.FindClusterRole("view")!.Rules);
        Assert.Equal([R("create", "", "pods"), R("get", "", "pods")], policy.FindClusterRole("edit")!.Rules);
        Assert.Equal([R("create", "", "pods"), R("get", "", "pods"), R("create", "rbac.authorization.k8s.io", "roles")], policy.FindClusterRole("admin")!.Rules);
    }
}
