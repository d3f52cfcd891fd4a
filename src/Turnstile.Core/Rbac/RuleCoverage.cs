namespace Turnstile.Core.Rbac;

/// <summary>
/// The escalation comparator: every requested rule is broken into atoms (one group x resource x verb x name,
/// or one URL x verb) and each atom must be covered by a single owner rule.
/// </summary>
public static class RuleCoverage
{
    public static (bool Covered, IReadOnlyList<PolicyRule> Missing) Covers(IReadOnlyList<PolicyRule> owner, IEnumerable<PolicyRule> requested)
    {
        var missing = new List<PolicyRule>();
        foreach (var rule in requested)
            foreach (var atom in Atomize(rule))
                if (!owner.Any(o => CoversAtom(o, atom))) missing.Add(atom);
        return (missing.Count == 0, missing);
    }

    /// <summary>Breaks a rule into single-verb, single-group, single-resource (single-name) and single-URL rules.</summary>
    public static IEnumerable<PolicyRule> Atomize(PolicyRule rule)
    {
        foreach (var group in rule.ApiGroups)
            foreach (var resource in rule.Resources)
                foreach (var verb in rule.Verbs)
                {
                    if (rule.ResourceNames.Count == 0)
                        yield return new PolicyRule { Verbs = [verb], ApiGroups = [group], Resources = [resource] };
                    else
                        foreach (var name in rule.ResourceNames)
                            yield return new PolicyRule { Verbs = [verb], ApiGroups = [group], Resources = [resource], ResourceNames = [name] };
                }
        foreach (var url in rule.NonResourceUrls)
            foreach (var verb in rule.Verbs)
                yield return new PolicyRule { Verbs = [verb], NonResourceUrls = [url] };
    }

    public static bool CoversAtom(PolicyRule owner, PolicyRule atom)
    {
        if (!HasAll(owner.Verbs, atom.Verbs)) return false;
        if (atom.NonResourceUrls.Count > 0)
            return atom.NonResourceUrls.All(url => owner.NonResourceUrls.Any(o => NonResourceUrlCovers(o, url)));
        if (!HasAll(owner.ApiGroups, atom.ApiGroups)) return false;
        if (!atom.Resources.All(r => owner.Resources.Any(o => ResourceCovers(o, r)))) return false;
        if (atom.ResourceNames.Count == 0) return owner.ResourceNames.Count == 0;
        return owner.ResourceNames.Count == 0 || HasAll(owner.ResourceNames, atom.ResourceNames);
    }

    public static bool NonResourceUrlCovers(string owner, string requested)
    {
        if (owner == requested) return true;
        if (owner.Length == 0 || owner[^1] != '*') return false;
        return requested.StartsWith(owner.TrimEnd('*'), StringComparison.Ordinal);
    }

    private static bool ResourceCovers(string owner, string requested)
    {
        if (owner == PolicyRule.All || owner == requested) return true;
        // "*/scale" covers "foo/scale"
        if (owner.StartsWith("*/", StringComparison.Ordinal))
        {
            var slash = requested.IndexOf('/');
            return slash >= 0 && requested.AsSpan(slash + 1).SequenceEqual(owner.AsSpan(2));
        }
        return false;
    }

    private static bool HasAll(IReadOnlyList<string> owner, IReadOnlyList<string> requested) =>
        owner.Contains(PolicyRule.All) || requested.All(owner.Contains);

    /// <summary>
    /// kube's compaction for messages: atoms with one group, one resource and the same (at most one) name are
    /// merged by concatenating their verbs, keeping first-seen order.
    /// </summary>
    public static IReadOnlyList<PolicyRule> Compact(IReadOnlyList<PolicyRule> rules)
    {
        var result = new List<PolicyRule>();
        var merged = new Dictionary<(string Group, string Resource, string Name), int>();
        foreach (var rule in rules)
        {
            var simple = rule.NonResourceUrls.Count == 0 && rule.ApiGroups.Count == 1 && rule.Resources.Count == 1 && rule.ResourceNames.Count <= 1;
            if (!simple)
            {
                result.Add(rule);
                continue;
            }
            var key = (rule.ApiGroups[0], rule.Resources[0], rule.ResourceNames.Count == 1 ? rule.ResourceNames[0] : "");
            if (merged.TryGetValue(key, out var at))
            {
                var existing = result[at];
                result[at] = new PolicyRule
                {
                    Verbs = existing.Verbs.Concat(rule.Verbs).ToArray(),
                    ApiGroups = existing.ApiGroups,
                    Resources = existing.Resources,
                    ResourceNames = existing.ResourceNames,
                };
                continue;
            }
            merged[key] = result.Count;
            result.Add(rule);
        }
        return result;
    }
}
