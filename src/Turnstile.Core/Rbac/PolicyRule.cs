namespace Turnstile.Core.Rbac;

/// <summary>An RBAC <c>PolicyRule</c>. Equality is by value (aggregation de-duplicates identical rules).</summary>
public sealed class PolicyRule : IEquatable<PolicyRule>
{
    public const string All = "*";

    public IReadOnlyList<string> Verbs { get; init; } = [];
    public IReadOnlyList<string> ApiGroups { get; init; } = [];
    public IReadOnlyList<string> Resources { get; init; } = [];
    public IReadOnlyList<string> ResourceNames { get; init; } = [];
    public IReadOnlyList<string> NonResourceUrls { get; init; } = [];

    public bool IsNonResource => NonResourceUrls.Count > 0;

    public static PolicyRule ForResources(IEnumerable<string> verbs, IEnumerable<string> groups, IEnumerable<string> resources, IEnumerable<string>? names = null) => new()
    {
        Verbs = verbs.ToArray(),
        ApiGroups = groups.ToArray(),
        Resources = resources.ToArray(),
        ResourceNames = names?.ToArray() ?? [],
    };

    public static PolicyRule ForUrls(IEnumerable<string> verbs, IEnumerable<string> urls) => new()
    {
        Verbs = verbs.ToArray(),
        NonResourceUrls = urls.ToArray(),
    };

    public bool Equals(PolicyRule? other) =>
        other is not null &&
        Verbs.SequenceEqual(other.Verbs) &&
        ApiGroups.SequenceEqual(other.ApiGroups) &&
        Resources.SequenceEqual(other.Resources) &&
        ResourceNames.SequenceEqual(other.ResourceNames) &&
        NonResourceUrls.SequenceEqual(other.NonResourceUrls);

    public override bool Equals(object? obj) => Equals(obj as PolicyRule);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var list in new[] { Verbs, ApiGroups, Resources, ResourceNames, NonResourceUrls })
        {
            hash.Add(list.Count);
            foreach (var item in list) hash.Add(item);
        }
        return hash.ToHashCode();
    }

    /// <summary>Renders the rule like Go's <c>%+v</c> of the compact form kube uses in escalation messages.</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        if (ApiGroups.Count > 0) parts.Add("APIGroups:" + GoQuote.Slice(ApiGroups));
        if (Resources.Count > 0) parts.Add("Resources:" + GoQuote.Slice(Resources));
        if (NonResourceUrls.Count > 0) parts.Add("NonResourceURLs:" + GoQuote.Slice(NonResourceUrls));
        if (ResourceNames.Count > 0) parts.Add("ResourceNames:" + GoQuote.Slice(ResourceNames));
        if (Verbs.Count > 0) parts.Add("Verbs:" + GoQuote.Slice(Verbs));
        return "{" + string.Join(", ", parts) + "}";
    }
}
