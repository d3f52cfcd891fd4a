namespace Turnstile.Core.Kube;

/// <summary>
/// The API groups, versions and resources a cluster serves, in discovery order: the core group first, then the
/// named groups in the order <c>/apis</c> lists them, each with its preferred version first.
/// </summary>
public sealed class ApiResourceCatalog
{
    private static readonly Lazy<ApiResourceCatalog> UpstreamCatalog = new(() => new(KubernetesApiData.Upstream()));
    private static readonly Lazy<ApiResourceCatalog> EksCatalog = new(() => new(KubernetesApiData.Eks()));

    /// <summary>A plain kube-apiserver v1.32 with default feature gates and runtime config.</summary>
    public static ApiResourceCatalog Upstream => UpstreamCatalog.Value;

    /// <summary>An EKS v1.32 cluster: <see cref="Upstream"/> plus the beta API, CRDs and metrics API EKS adds.</summary>
    public static ApiResourceCatalog Eks => EksCatalog.Value;

    public ApiResourceCatalog(IEnumerable<ApiGroup> groups)
    {
        Groups = groups.ToArray();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var g in Groups)
        {
            if (!names.Add(g.Name)) throw new ArgumentException($"API group '{g.Name}' listed twice", nameof(groups));
            if (g.Versions.Count == 0) throw new ArgumentException($"API group '{g.Name}' has no versions", nameof(groups));
        }
    }

    public IReadOnlyList<ApiGroup> Groups { get; }

    /// <summary>The core ("") group, if served.</summary>
    public ApiGroup? CoreGroup => FindGroup("");

    /// <summary>Named groups only, as legacy <c>GET /apis</c> lists them.</summary>
    public IEnumerable<ApiGroup> NamedGroups => Groups.Where(g => g.Name.Length > 0);

    /// <summary>Every group-version in discovery order (what client-go's ServerGroupsAndResources walks).</summary>
    public IEnumerable<ApiGroupVersion> GroupVersions => Groups.SelectMany(g => g.Versions);

    /// <summary>Every (group, version, resource) entry, subresources excluded.</summary>
    public IEnumerable<ApiResource> AllResources => GroupVersions.SelectMany(gv => gv.Resources);

    public ApiGroup? FindGroup(string name) =>
        Groups.FirstOrDefault(g => string.Equals(g.Name, name, StringComparison.Ordinal));

    public ApiGroupVersion? FindGroupVersion(string group, string version) => FindGroup(group)?.FindVersion(version);

    public ApiResource? Find(string group, string version, string resource) =>
        FindGroupVersion(group, version)?.Find(resource);

    /// <summary>The resource in the group's preferred version, falling back to the first version that serves it.</summary>
    public ApiResource? FindPreferred(string group, string resource)
    {
        var g = FindGroup(group);
        if (g is null) return null;
        foreach (var gv in g.Versions)
        {
            var r = gv.Find(resource);
            if (r is not null) return r;
        }
        return null;
    }

    /// <summary>
    /// One entry per group/resource, taken from the preferred version when it serves the resource, otherwise from the
    /// first version that does (client-go's ServerPreferredResources, which backs <c>kubectl api-resources</c>).
    /// </summary>
    public IReadOnlyList<ApiResource> PreferredResources()
    {
        var result = new List<ApiResource>();
        foreach (var g in Groups)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var gv in g.Versions)
                foreach (var r in gv.Resources)
                    if (seen.Add(r.Name)) result.Add(r);
        }
        return result;
    }

    /// <summary>A catalog with extra groups appended after the existing ones (custom resources, aggregated APIs).</summary>
    public ApiResourceCatalog With(params ApiGroup[] extraGroups) => new(Groups.Concat(extraGroups));
}
