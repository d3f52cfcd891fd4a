namespace Turnstile.Core.Rbac;

/// <summary>
/// The clusterrole-aggregation controller, run to a fixpoint: an aggregated ClusterRole's rules become the
/// de-duplicated union of the rules of every ClusterRole its selectors match (sorted by name, itself excluded).
/// </summary>
public static class ClusterRoleAggregation
{
    public static IReadOnlyList<ClusterRole> Apply(IReadOnlyList<ClusterRole> roles)
    {
        var current = roles.ToDictionary(r => r.Name, StringComparer.Ordinal);
        var sortedNames = current.Keys.Order(StringComparer.Ordinal).ToArray();
        // Each pass can only propagate rules one aggregation level further; chains are short (admin > edit > view).
        for (var pass = 0; pass < roles.Count + 1; pass++)
        {
            var changed = false;
            foreach (var name in sortedNames)
            {
                var role = current[name];
                if (role.AggregationRule is null) continue;
                var rules = Aggregate(role, sortedNames, current);
                if (rules.SequenceEqual(role.Rules)) continue;
                current[name] = role with { Rules = rules };
                changed = true;
            }
            if (!changed) break;
        }
        return roles.Select(r => current[r.Name]).ToArray();
    }

    private static List<PolicyRule> Aggregate(ClusterRole target, string[] sortedNames, Dictionary<string, ClusterRole> roles)
    {
        var result = new List<PolicyRule>();
        foreach (var selector in target.AggregationRule!.ClusterRoleSelectors)
        {
            foreach (var name in sortedNames)
            {
                if (name == target.Name) continue;
                var source = roles[name];
                if (!selector.Matches(source.Metadata.Labels)) continue;
                foreach (var rule in source.Rules)
                    if (!result.Contains(rule)) result.Add(rule);
            }
        }
        return result;
    }
}
