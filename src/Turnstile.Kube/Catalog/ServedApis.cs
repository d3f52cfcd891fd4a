using Turnstile.Core.Kube;

namespace Turnstile.Kube.Catalog;

/// <summary>
/// The API one cluster serves: the built-in resources plus the CustomResourceDefinitions created in it. Every change
/// gives a new immutable <see cref="ApiSnapshot"/>; readers take <see cref="Current"/> once per request and see one
/// consistent API (discovery, OpenAPI, schemas) even while a CRD is being added.
/// </summary>
public sealed class ServedApis
{
    private readonly ApiResourceCatalog _builtIn;
    private readonly Lock _gate = new();
    private ApiSnapshot _current;

    public ServedApis(ApiResourceCatalog builtIn)
    {
        _builtIn = builtIn;
        _current = new ApiSnapshot(builtIn, new Dictionary<string, CustomResourceDefinition>());
    }

    /// <summary>An EKS 1.32 cluster's API (<see cref="ApiResourceCatalog.Eks"/>) with no CRDs created yet.</summary>
    public static ServedApis ForEks() => new(ApiResourceCatalog.Eks);

    public ApiSnapshot Current => Volatile.Read(ref _current);

    /// <summary>Serves a CRD's resource (or replaces the CRD of the same name) and returns the new snapshot.</summary>
    /// <exception cref="ArgumentException">The CRD's group is a built-in group, or its resource is already served by another CRD.</exception>
    public ApiSnapshot AddOrReplace(CustomResourceDefinition crd)
    {
        lock (_gate)
        {
            var builtInGroup = _builtIn.FindGroup(crd.Group);
            if (builtInGroup is not null && builtInGroup.Source is not ApiSource.EksCustomResource)
                throw new ArgumentException($"group {crd.Group} is served by the API server itself", nameof(crd));
            var crds = new Dictionary<string, CustomResourceDefinition>(_current.CustomResources, StringComparer.Ordinal);
            if (crds.Values.Any(c => c.Name != crd.Name && c.Group == crd.Group && c.Names.Plural == crd.Names.Plural))
                throw new ArgumentException($"{crd.Names.Plural}.{crd.Group} is already served by another CustomResourceDefinition", nameof(crd));
            crds[crd.Name] = crd;
            return Publish(crds);
        }
    }

    /// <summary>Stops serving the CRD of that name (no change if none) and returns the new snapshot.</summary>
    public ApiSnapshot Remove(string crdName)
    {
        lock (_gate)
        {
            if (!_current.CustomResources.ContainsKey(crdName)) return _current;
            var crds = new Dictionary<string, CustomResourceDefinition>(_current.CustomResources, StringComparer.Ordinal);
            crds.Remove(crdName);
            return Publish(crds);
        }
    }

    private ApiSnapshot Publish(Dictionary<string, CustomResourceDefinition> crds)
    {
        var snapshot = new ApiSnapshot(Merge(_builtIn, crds.Values), crds);
        Volatile.Write(ref _current, snapshot);
        return snapshot;
    }

    // Discovery order: the API server's own groups, then CRD groups (aggregator priority 1000) by name, then
    // metrics.k8s.io (priority 100). An EKS add-on group present in the built-in list is taken over by CRDs that
    // serve resources in it; its other resources stay.
    private static ApiResourceCatalog Merge(ApiResourceCatalog builtIn, IEnumerable<CustomResourceDefinition> crds)
    {
        var crdResources = crds
            .SelectMany(c => c.Versions.Where(v => v.Served).Select(v => ToResource(c, v, builtIn)))
            .ToList();
        var extensionGroups = new SortedDictionary<string, List<ApiResource>>(StringComparer.Ordinal);
        foreach (var g in builtIn.Groups.Where(g => g.Source == ApiSource.EksCustomResource))
        {
            var list = extensionGroups[g.Name] = [];
            foreach (var r in g.Versions.SelectMany(v => v.Resources))
                if (!crdResources.Any(c => c.Group == r.Group && c.Name == r.Name)) list.Add(r);
        }
        foreach (var r in crdResources)
        {
            if (!extensionGroups.TryGetValue(r.Group, out var list)) extensionGroups[r.Group] = list = [];
            list.Add(r);
        }

        var groups = builtIn.Groups.Where(g => g.Source is ApiSource.Kubernetes or ApiSource.EksEnabledBeta).ToList();
        foreach (var (name, resources) in extensionGroups)
        {
            if (resources.Count == 0) continue;
            var versions = resources.GroupBy(r => r.Version)
                .OrderBy(v => v.Key, KubeVersionComparer.Instance)
                .Select(v => new ApiGroupVersion(name, v.Key, v.OrderBy(r => r.Name, StringComparer.Ordinal).ToArray()))
                .ToArray();
            groups.Add(new ApiGroup(name, versions, resources[0].Source));
        }
        groups.AddRange(builtIn.Groups.Where(g => g.Source == ApiSource.MetricsServer));
        return new ApiResourceCatalog(groups);
    }

    // apiextensions-apiserver lists custom resource verbs in this (unsorted) order.
    private static readonly string[] CustomResourceVerbs = ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"];
    private static readonly string[] SubresourceVerbs = ["get", "patch", "update"];

    private static ApiResource ToResource(CustomResourceDefinition crd, CrdVersion version, ApiResourceCatalog builtIn)
    {
        var subresources = new List<ApiSubresource>();
        if (version.HasStatus) subresources.Add(new ApiSubresource("status", crd.Names.Kind, SubresourceVerbs));
        if (version.Scale is not null) subresources.Add(new ApiSubresource("scale", "Scale", SubresourceVerbs, "autoscaling", "v1"));
        var storage = crd.StorageVersion;
        return new ApiResource
        {
            Name = crd.Names.Plural,
            SingularName = crd.Names.Singular,
            Namespaced = crd.Namespaced,
            Kind = crd.Names.Kind,
            Group = crd.Group,
            Version = version.Name,
            Verbs = CustomResourceVerbs,
            ShortNames = crd.Names.ShortNames,
            Categories = crd.Names.Categories,
            Subresources = subresources,
            Source = builtIn.FindGroup(crd.Group) is { Source: ApiSource.EksCustomResource } ? ApiSource.EksCustomResource : ApiSource.CustomResource,
            StorageVersionHash = ApiResource.StorageVersionHashOf(crd.Group, storage.Name, crd.Names.Kind),
        };
    }
}
