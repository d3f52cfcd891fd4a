namespace Turnstile.Core.Kube;

/// <summary>
/// Builds the API catalogue of one real cluster from what a snapshot holds: its CustomResourceDefinitions and,
/// when present, the <c>kubectl api-resources</c> table, which says what the cluster serves. The built-in EKS catalogue
/// fills in what neither export carries (singular names, subresources, non-preferred versions).
/// </summary>
public static class ClusterDiscovery
{
    private static readonly string[] StandardVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
    private static readonly string[] SubresourceVerbs = ["get", "patch", "update"];

    public static ApiResourceCatalog Build(ApiResourceCatalog builtIn, IReadOnlyList<CustomResourceDefinition> crds, ApiResourcesTable? table)
    {
        var known = WithCustomResources(builtIn, crds);
        return table is null ? known : Served(known, table);
    }

    /// <summary>
    /// The catalogue with one group per CRD group (replacing a built-in group of the same name), placed as the aggregator
    /// orders them: after the built-in groups, sorted by name, before metrics.k8s.io.
    /// </summary>
    public static ApiResourceCatalog WithCustomResources(ApiResourceCatalog catalog, IReadOnlyList<CustomResourceDefinition> crds)
    {
        if (crds.Count == 0) return catalog;
        var custom = crds.GroupBy(c => c.Group, StringComparer.Ordinal).Select(ToGroup).Where(g => g.Versions.Count > 0);
        return Arrange(catalog.Groups, custom);
    }

    private static ApiGroup ToGroup(IGrouping<string, CustomResourceDefinition> crds)
    {
        var versions = crds.SelectMany(c => c.Versions.Where(v => v.Served).Select(v => v.Name))
            .Distinct(StringComparer.Ordinal).Order(KubeVersionOrder.Instance).ToArray();
        return new ApiGroup(crds.Key, versions.Select(version => new ApiGroupVersion(crds.Key, version,
            crds.Select(crd => (crd, served: crd.Versions.FirstOrDefault(v => v.Served && v.Name == version)))
                .Where(p => p.served is not null)
                .OrderBy(p => p.crd.Names.Plural, StringComparer.Ordinal)
                .Select(p => ToResource(p.crd, p.served!))
                .ToArray())).ToArray(), ApiSource.Cluster);
    }

    private static ApiResource ToResource(CustomResourceDefinition crd, CustomResourceVersion version)
    {
        var subresources = new List<ApiSubresource>();
        if (version.Status) subresources.Add(new ApiSubresource("status", crd.Names.Kind, SubresourceVerbs));
        if (version.Scale) subresources.Add(new ApiSubresource("scale", "Scale", SubresourceVerbs, "autoscaling", "v1"));
        return new ApiResource
        {
            Name = crd.Names.Plural,
            SingularName = crd.Names.Singular.Length > 0 ? crd.Names.Singular : crd.Names.Kind.ToLowerInvariant(),
            Namespaced = crd.Namespaced,
            Kind = crd.Names.Kind,
            Group = crd.Group,
            Version = version.Name,
            Verbs = KubernetesApiData.CustomResourceVerbs,
            ShortNames = crd.Names.ShortNames,
            Categories = crd.Names.Categories,
            Subresources = subresources,
            Source = ApiSource.Cluster,
        };
    }

    /// <summary>
    /// Exactly the resources the table lists, each group's listed (preferred) version first and its other known versions
    /// after. Verbs come from the table (or, for the narrow table, from what is known, else the standard eight).
    /// </summary>
    private static ApiResourceCatalog Served(ApiResourceCatalog known, ApiResourcesTable table)
    {
        var groups = new List<ApiGroup>();
        foreach (var rows in table.Resources.GroupBy(r => r.Group, StringComparer.Ordinal))
        {
            var knownGroup = known.FindGroup(rows.Key);
            var listed = rows.GroupBy(r => r.Version, StringComparer.Ordinal).Select(v =>
            {
                var knownVersion = knownGroup?.FindVersion(v.Key);
                var ordered = v.OrderBy(r => knownVersion?.Resources.ToList().FindIndex(k => k.Name == r.Name) is { } i and >= 0 ? i : int.MaxValue)
                    .ThenBy(r => r.Name, StringComparer.Ordinal);
                return new ApiGroupVersion(rows.Key, v.Key, ordered.Select(r => Complete(r, known)).ToArray());
            }).ToList();
            var others = knownGroup?.Versions.Where(kv => listed.All(l => l.Version != kv.Version)) ?? [];
            groups.Add(new ApiGroup(rows.Key, [.. listed, .. others], knownGroup?.Source ?? ApiSource.Cluster));
        }
        var order = known.Groups.Select(g => g.Name).ToList();
        var builtIn = groups.Where(g => order.Contains(g.Name)).OrderBy(g => order.IndexOf(g.Name));
        return Arrange(builtIn.ToArray(), groups.Where(g => !order.Contains(g.Name)));
    }

    private static ApiResource Complete(ApiResource row, ApiResourceCatalog known)
    {
        var match = known.Find(row.Group, row.Version, row.Name) ?? known.FindPreferred(row.Group, row.Name);
        return row with
        {
            SingularName = match?.SingularName ?? "",
            Verbs = row.Verbs.Count > 0 ? row.Verbs : match?.Verbs ?? StandardVerbs,
            Subresources = match?.Subresources ?? [],
            Source = match?.Source ?? ApiSource.Cluster,
        };
    }

    /// <summary>Built-in groups in their order, then the custom groups merged in by name before the metrics API.</summary>
    private static ApiResourceCatalog Arrange(IReadOnlyList<ApiGroup> existing, IEnumerable<ApiGroup> custom)
    {
        var added = custom.ToDictionary(g => g.Name, StringComparer.Ordinal);
        var kept = existing.Where(g => !added.ContainsKey(g.Name)).ToList();
        var head = kept.Where(g => g.Source is ApiSource.Kubernetes or ApiSource.EksEnabledBeta).ToList();
        var tail = kept.Where(g => g.Source == ApiSource.MetricsServer).ToList();
        var middle = kept.Where(g => g.Source is ApiSource.EksCustomResource or ApiSource.Cluster).Concat(added.Values)
            .OrderBy(g => g.Name, StringComparer.Ordinal);
        return new ApiResourceCatalog([.. head, .. middle, .. tail]);
    }
}
