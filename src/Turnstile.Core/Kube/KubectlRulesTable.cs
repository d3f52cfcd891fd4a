using System.Text;
using Turnstile.Core.Rbac;

namespace Turnstile.Core.Kube;

/// <summary>
/// <c>kubectl auth can-i --list</c>'s table: rules broken down to one group and resource (and name) each, merged when
/// only verbs differ, sorted by the rule's Go string form, printed as Resources / Non-Resource URLs / Resource Names / Verbs.
/// </summary>
public static class KubectlRulesTable
{
    public static string Format(SubjectRulesReview review)
    {
        var rules = review.ResourceRules
            .Select(r => new PolicyRule { Verbs = r.Verbs, ApiGroups = r.ApiGroups, Resources = r.Resources, ResourceNames = r.ResourceNames })
            .Concat(review.NonResourceRules.Select(r => new PolicyRule { Verbs = r.Verbs, NonResourceUrls = r.NonResourceUrls }))
            .SelectMany(Breakdown);
        var compacted = Compact(rules).OrderBy(GoString, StringComparer.Ordinal).ToArray();

        var rows = new List<string[]> { new[] { "Resources", "Non-Resource URLs", "Resource Names", "Verbs" } };
        rows.AddRange(compacted.Select(r => new[] { CombineResourceGroup(r), GoSlice(r.NonResourceUrls), GoSlice(r.ResourceNames), GoSlice(r.Verbs) }));
        return KubectlTabWriter.Format(rows);
    }

    /// <summary>One rule per (group, resource[, name]) and one per URL, each with the rule's verbs sorted.</summary>
    private static IEnumerable<PolicyRule> Breakdown(PolicyRule rule)
    {
        var verbs = rule.Verbs.Order(StringComparer.Ordinal).ToArray();
        foreach (var group in rule.ApiGroups)
            foreach (var resource in rule.Resources)
            {
                if (rule.ResourceNames.Count == 0)
                    yield return new PolicyRule { Verbs = verbs, ApiGroups = [group], Resources = [resource] };
                else
                    foreach (var name in rule.ResourceNames)
                        yield return new PolicyRule { Verbs = verbs, ApiGroups = [group], Resources = [resource], ResourceNames = [name] };
            }
        foreach (var url in rule.NonResourceUrls)
            yield return new PolicyRule { Verbs = verbs, NonResourceUrls = [url] };
    }

    private static IEnumerable<PolicyRule> Compact(IEnumerable<PolicyRule> rules)
    {
        var merged = new Dictionary<(string, string, string), List<string>>();
        var order = new List<(string Group, string Resource, string Name)>();
        foreach (var rule in rules)
        {
            if (rule.NonResourceUrls.Count > 0)
            {
                yield return rule;
                continue;
            }
            var key = (rule.ApiGroups[0], rule.Resources[0], rule.ResourceNames.Count == 1 ? rule.ResourceNames[0] : "\0");
            if (!merged.TryGetValue(key, out var verbs))
            {
                merged[key] = verbs = [];
                order.Add(key);
            }
            verbs.AddRange(rule.Verbs);
        }
        foreach (var key in order)
            yield return new PolicyRule
            {
                Verbs = merged[key], ApiGroups = [key.Group], Resources = [key.Resource],
                ResourceNames = key.Name == "\0" ? [] : [key.Name],
            };
    }

    /// <summary><c>res.group/sub</c>; the core group adds nothing.</summary>
    private static string CombineResourceGroup(PolicyRule rule)
    {
        if (rule.Resources.Count == 0) return "";
        var parts = rule.Resources[0].Split('/', 2);
        var combined = parts[0];
        if (rule.ApiGroups.Count > 0 && rule.ApiGroups[0].Length > 0) combined += "." + rule.ApiGroups[0];
        return parts.Length == 2 ? combined + "/" + parts[1] : combined;
    }

    /// <summary>The rule as Go's generated <c>String()</c> prints it; kubectl sorts by this text.</summary>
    private static string GoString(PolicyRule r) =>
        $"&PolicyRule{{Verbs:{GoSlice(r.Verbs)},APIGroups:{GoSlice(r.ApiGroups)},Resources:{GoSlice(r.Resources)},ResourceNames:{GoSlice(r.ResourceNames)},NonResourceURLs:{GoSlice(r.NonResourceUrls)},}}";

    private static string GoSlice(IReadOnlyList<string> values) => "[" + string.Join(' ', values) + "]";
}
