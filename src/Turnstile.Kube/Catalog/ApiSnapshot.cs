using Turnstile.Core.Kube;
using Turnstile.Kube.Discovery;
using Turnstile.Kube.OpenApi;

namespace Turnstile.Kube.Catalog;

/// <summary>
/// The API a cluster serves at one moment: the resource catalogue, the CRDs behind its custom resources, and the
/// documents derived from them (built on first use, then reused until the next change).
/// </summary>
public sealed class ApiSnapshot
{
    private readonly Lazy<DiscoveryDocuments> _discovery;
    private readonly Lazy<SchemaSet> _schemas;
    private readonly Lazy<OpenApiDocuments> _openApi;

    internal ApiSnapshot(ApiResourceCatalog catalog, IReadOnlyDictionary<string, CustomResourceDefinition> crds)
    {
        Catalog = catalog;
        CustomResources = crds;
        _discovery = new(() => new DiscoveryDocuments(catalog));
        _schemas = new(() => SchemaSet.For(this));
        _openApi = new(() => new OpenApiDocuments(this));
    }

    public ApiResourceCatalog Catalog { get; }

    /// <summary>The CRDs served, by CRD name (<c>widgets.example.com</c>).</summary>
    public IReadOnlyDictionary<string, CustomResourceDefinition> CustomResources { get; }

    public DiscoveryDocuments Discovery => _discovery.Value;

    /// <summary>The schema of every served kind, built-in and custom.</summary>
    public SchemaSet Schemas => _schemas.Value;

    public OpenApiDocuments OpenApi => _openApi.Value;

    /// <summary>The CRD that serves a group's resource, if any.</summary>
    public CustomResourceDefinition? FindCustomResource(string group, string resource) =>
        CustomResources.Values.FirstOrDefault(c => c.Group == group && c.Names.Plural == resource);
}
