using Turnstile.Core.Analysis.Comparison;
using Turnstile.Core.Mapping;
using Turnstile.Core.Rbac;
using static Turnstile.Core.Tests.Analysis.AnalysisFixtures;
using static Turnstile.Core.Tests.Rbac.RbacFixtures;

namespace Turnstile.Core.Tests.Analysis;

public class ComparisonTests
{
    private static readonly string Rows = Row(RoleArn("dev"), "dev", "devs");

    [Fact]
    public void Identical_states_have_no_difference()
    {
        var model = Cluster(mapRoles: Rows, bindings: [Rb("shop", "devs", "ClusterRole", "edit", Subject.Group("devs"))]);
        var comparison = AccessComparer.Compare(model, model, "a", "b");
        Assert.True(comparison.Same);
        Assert.Equal(0, comparison.ChangeCount);
    }

    [Fact]
    public void A_role_binding_changed_in_one_namespace_differs_there_only()
    {
        var reader = ClusterRole("reader", R("get,list", "", "pods"), R("delete", "", "pods", "old-pod"));
        var before = Cluster(mapRoles: Rows, clusterRoles: [reader], bindings: [Rb("shop", "devs", "ClusterRole", "reader", Subject.Group("devs"))]);
        var after = Cluster(mapRoles: Rows, clusterRoles: [reader], bindings: [Rb("blog", "devs", "ClusterRole", "reader", Subject.Group("devs"))]);
        var dev = Assert.Single(AccessComparer.Compare(before, after, "a", "b").Differences);
        Assert.False(dev.AuthenticationChanged);
        var changes = dev.Changes.Select(c => $"{c.Verb} {c.Target} {c.Namespace}: {c.Before} -> {c.After} [{string.Join(",", c.BeforeNames)}|{string.Join(",", c.AfterNames)}]").ToArray();
        Assert.Equal(
        [
            "delete pods blog: Denied -> Partial [|old-pod]", "delete pods shop: Partial -> Denied [old-pod|]",
            "get pods blog: Denied -> Allowed [|]", "get pods shop: Allowed -> Denied [|]",
            "list pods blog: Denied -> Allowed [|]", "list pods shop: Allowed -> Denied [|]",
        ], changes.Order(StringComparer.Ordinal));
        Assert.Equal("RoleBinding shop/devs -> ClusterRole reader to Group \"devs\"", dev.Changes.First(c => c.Namespace == "shop").BeforeGrant);
    }

    [Fact]
    public void Namespace_scoped_policies_are_compared_in_their_namespaces_and_beyond()
    {
        var before = Cluster(AuthenticationMode.Api, entries: [Entry(RoleArn("dev"), policies: Policy("AmazonEKSViewPolicy", "team-*"))]);
        var after = Cluster(AuthenticationMode.Api, entries: [Entry(RoleArn("dev"), policies: Policy("AmazonEKSViewPolicy"))]);
        var changes = Assert.Single(AccessComparer.Compare(before, after, "a", "b").Differences).Changes;
        Assert.DoesNotContain(changes, c => c.Namespace == "team-x");
        Assert.Contains(changes, c => c is { Verb: "list", Target: "deployments.apps", Namespace: "(any other namespace)", Before: Outcome.Denied, After: Outcome.Allowed });
        Assert.Contains(changes, c => c is { Verb: "list", Target: "namespaces", Namespace: "", Before: Outcome.Denied, After: Outcome.Allowed });
        Assert.DoesNotContain(changes, c => c.Target == "secrets");
    }

    [Fact]
    public void Principals_known_to_one_state_only_are_compared_too()
    {
        var before = Cluster(mapRoles: Rows + Row(RoleArn("gone"), "gone", "devs"));
        var after = Cluster(mapRoles: Rows);
        var gone = Assert.Single(AccessComparer.Compare(before, after, "a", "b").Differences);
        Assert.Equal(RoleArn("gone"), gone.Principal);
        Assert.True(gone.AuthenticationChanged);
        Assert.StartsWith("401", gone.After);
    }
}
