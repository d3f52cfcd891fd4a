namespace Turnstile.Core.Rbac.Bootstrap;

/// <summary>
/// Fluent construction of a <see cref="PolicyRule"/> for the bootstrap data. Every list is de-duplicated and
/// sorted (ordinal), which is the canonical form the upstream policy and its fixtures use.
/// </summary>
internal sealed class RuleBuilder
{
    private readonly SortedSet<string> _verbs = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _groups = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _resources = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _names = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _urls = new(StringComparer.Ordinal);

    private RuleBuilder(IEnumerable<string> verbs) => _verbs.UnionWith(verbs);

    public static RuleBuilder Rule(params IEnumerable<string> verbs) => new(verbs);

    public RuleBuilder Groups(params IEnumerable<string> groups) { _groups.UnionWith(groups); return this; }

    public RuleBuilder Resources(params IEnumerable<string> resources) { _resources.UnionWith(resources); return this; }

    public RuleBuilder Names(params IEnumerable<string> names) { _names.UnionWith(names); return this; }

    public RuleBuilder Urls(params IEnumerable<string> urls) { _urls.UnionWith(urls); return this; }

    public PolicyRule Build()
    {
        if (_verbs.Count == 0) throw new InvalidOperationException("a rule needs at least one verb");
        var isUrlRule = _urls.Count > 0;
        var isResourceRule = _groups.Count > 0 || _resources.Count > 0 || _names.Count > 0;
        if (isUrlRule == isResourceRule) throw new InvalidOperationException("a rule is either a resource rule or a non-resource URL rule");
        if (isResourceRule && (_groups.Count == 0 || _resources.Count == 0))
            throw new InvalidOperationException("a resource rule needs api groups and resources");
        return new PolicyRule
        {
            Verbs = [.. _verbs],
            ApiGroups = [.. _groups],
            Resources = [.. _resources],
            ResourceNames = [.. _names],
            NonResourceUrls = [.. _urls],
        };
    }

    public static implicit operator PolicyRule(RuleBuilder builder) => builder.Build();
}
