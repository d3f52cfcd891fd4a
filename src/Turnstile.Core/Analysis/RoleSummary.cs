namespace Turnstile.Core.Analysis;

/// <summary>One line of rolesum's table: a resource (or URL) with the names it is limited to and the verbs granted.</summary>
public sealed record SummaryLine(string Resource, IReadOnlyList<string> Names, IReadOnlyList<string> NonResourceUrls, IReadOnlyList<string> Verbs)
{
    /// <summary>rolesum's columns G L W C U P D DC.</summary>
    public static readonly IReadOnlyList<string> StandardVerbs = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"];

    public bool Grants(string verb) => Verbs.Contains("*") || Verbs.Contains(verb);

    public IReadOnlyList<string> OtherVerbs => Verbs.Where(v => v != "*" && !StandardVerbs.Contains(v)).ToArray();
}

/// <summary>One binding (or access policy, or system:masters) with its rules summarized per resource.</summary>
public sealed record SummaryBlock(GrantPath Origin, IReadOnlyList<string> Namespaces, IReadOnlyList<SummaryLine> Lines);

/// <summary>kubectl-rolesum's view, built on <see cref="EffectiveRules"/>: rules grouped by what grants them, merged per resource.</summary>
public static class RoleSummary
{
    public static IReadOnlyList<SummaryBlock> Summarize(IReadOnlyList<EffectiveRule> rules) =>
        rules.GroupBy(r => (r.Origin with { Rule = null }, string.Join(",", r.Namespaces)))
            .Select(g => new SummaryBlock(g.Key.Item1, g.First().Namespaces, Lines(g.Select(r => r))))
            .ToArray();

    private static IReadOnlyList<SummaryLine> Lines(IEnumerable<EffectiveRule> rules)
    {
        var lines = new Dictionary<(string Resource, string Names, string Urls), (SummaryLine Line, SortedSet<string> Verbs)>();
        var order = new List<(string, string, string)>();
        foreach (var rule in rules.Select(r => r.Rule))
        {
            var targets = rule.IsNonResource
                ? rule.NonResourceUrls.Select(u => (Resource: "", Urls: new[] { u }))
                : rule.ApiGroups.SelectMany(g => rule.Resources.Select(res => (Resource: Qualify(res, g), Urls: Array.Empty<string>())));
            foreach (var (resource, urls) in targets)
            {
                var key = (resource, string.Join(",", rule.ResourceNames), string.Join(",", urls));
                if (!lines.TryGetValue(key, out var line))
                {
                    lines[key] = line = (new SummaryLine(resource, rule.ResourceNames, urls, []), new SortedSet<string>(StringComparer.Ordinal));
                    order.Add(key);
                }
                line.Verbs.UnionWith(rule.Verbs);
            }
        }
        return order.Select(k => lines[k].Line with { Verbs = lines[k].Verbs.ToArray() }).ToArray();
    }

    /// <summary><c>pods</c>, <c>deployments.apps</c>, <c>*.*</c>, <c>pods/log</c>: resource and group as rolesum writes them.</summary>
    private static string Qualify(string resource, string group)
    {
        var slash = resource.IndexOf('/');
        var (name, sub) = slash < 0 ? (resource, "") : (resource[..slash], resource[slash..]);
        return (group.Length == 0 ? name : name + "." + group) + sub;
    }
}
