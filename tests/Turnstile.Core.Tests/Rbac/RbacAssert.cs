using Turnstile.Core.Kube;
using Turnstile.Core.Rbac;

namespace Turnstile.Core.Tests.Rbac;

/// <summary>Structural comparison of RBAC objects (the model records hold lists and maps, which compare by reference).</summary>
internal static class RbacAssert
{
    public static void Equal(ObjectMeta expected, ObjectMeta actual, string what)
    {
        Assert.True(expected.Name == actual.Name, $"{what}: name {actual.Name} != {expected.Name}");
        Assert.True(expected.Namespace == actual.Namespace, $"{what}: namespace {actual.Namespace} != {expected.Namespace}");
        Assert.True(Flat(expected.Labels) == Flat(actual.Labels), $"{what}: labels {Flat(actual.Labels)} != {Flat(expected.Labels)}");
        Assert.True(Flat(expected.Annotations) == Flat(actual.Annotations),
            $"{what}: annotations {Flat(actual.Annotations)} != {Flat(expected.Annotations)}");
    }

    public static void Equal(IReadOnlyList<PolicyRule> expected, IReadOnlyList<PolicyRule> actual, string what)
    {
        Assert.True(expected.Count == actual.Count,
            $"{what}: {actual.Count} rules, expected {expected.Count}\nactual:\n{string.Join("\n", actual)}\nexpected:\n{string.Join("\n", expected)}");
        for (var i = 0; i < expected.Count; i++)
            Assert.True(expected[i].Equals(actual[i]), $"{what}: rules[{i}] is {actual[i]}, expected {expected[i]}");
    }

    public static void Equal(Role expected, Role actual)
    {
        Equal(expected.Metadata, actual.Metadata, "Role " + expected.Name);
        Equal(expected.Rules, actual.Rules, "Role " + expected.Name);
    }

    public static void Equal(ClusterRole expected, ClusterRole actual)
    {
        var what = "ClusterRole " + expected.Name;
        Equal(expected.Metadata, actual.Metadata, what);
        Equal(expected.Rules, actual.Rules, what);
        Assert.True(Flat(expected.AggregationRule) == Flat(actual.AggregationRule),
            $"{what}: aggregationRule {Flat(actual.AggregationRule)} != {Flat(expected.AggregationRule)}");
    }

    public static void Equal(RoleBinding expected, RoleBinding actual)
    {
        var what = "RoleBinding " + expected.Name;
        Equal(expected.Metadata, actual.Metadata, what);
        Assert.Equal(expected.RoleRef, actual.RoleRef);
        Assert.True(expected.Subjects.SequenceEqual(actual.Subjects), $"{what}: subjects differ");
    }

    public static void Equal(ClusterRoleBinding expected, ClusterRoleBinding actual)
    {
        var what = "ClusterRoleBinding " + expected.Name;
        Equal(expected.Metadata, actual.Metadata, what);
        Assert.Equal(expected.RoleRef, actual.RoleRef);
        Assert.True(expected.Subjects.SequenceEqual(actual.Subjects), $"{what}: subjects differ");
    }

    public static void Equal(ConfigMap expected, ConfigMap actual)
    {
        Equal(expected.Metadata, actual.Metadata, "ConfigMap " + expected.Name);
        Assert.Equal(Flat(expected.Data), Flat(actual.Data));
    }

    private static string Flat(IReadOnlyDictionary<string, string> map) =>
        string.Join(",", map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));

    private static string Flat(AggregationRule? rule) => rule is null
        ? "<nil>"
        : string.Join(" | ", rule.ClusterRoleSelectors.Select(s =>
            Flat(s.MatchLabels) + ";" + string.Join(",", s.MatchExpressions.Select(e => $"{e.Key} {e.Operator} [{string.Join(",", e.Values)}]"))));
}
