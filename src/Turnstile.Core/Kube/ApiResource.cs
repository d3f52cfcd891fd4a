namespace Turnstile.Core.Kube;

/// <summary>Where a served API comes from: the API server itself, or something EKS adds on top of it.</summary>
public enum ApiSource
{
    /// <summary>Served by a stock kube-apiserver v1.32 with default feature gates and runtime config.</summary>
    Kubernetes,

    /// <summary>A built-in beta API that upstream leaves off by default but EKS serves (storage.k8s.io/v1beta1).</summary>
    EksEnabledBeta,

    /// <summary>A CustomResourceDefinition every EKS cluster with the default add-ons has (VPC CNI, network policy agent, VPC resource controller).</summary>
    EksCustomResource,

    /// <summary>The metrics.k8s.io aggregated API served by the metrics-server add-on.</summary>
    MetricsServer,

    /// <summary>A CustomResourceDefinition created in the cluster at run time.</summary>
    CustomResource,

    /// <summary>Read from the cluster itself: a CustomResourceDefinition or a <c>kubectl api-resources</c> row of a snapshot.</summary>
    Cluster,
}

/// <summary>
/// A subresource as discovery lists it (<c>pods/log</c>, <c>deployments/scale</c>...).
/// <see cref="Group"/>/<see cref="Version"/> are set only when the response kind lives in another group-version
/// (Scale is autoscaling/v1, Eviction is policy/v1, TokenRequest is authentication.k8s.io/v1).
/// </summary>
public sealed record ApiSubresource(string Name, string Kind, IReadOnlyList<string> Verbs, string Group = "", string Version = "");

/// <summary>One resource served at one group-version, as an <c>APIResourceList</c> entry describes it.</summary>
public sealed record ApiResource
{
    /// <summary>Plural resource name (<c>pods</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Singular name from discovery; empty when the server does not report one (metrics-server).</summary>
    public string SingularName { get; init; } = "";

    public required bool Namespaced { get; init; }
    public required string Kind { get; init; }
    public required string Group { get; init; }
    public required string Version { get; init; }
    public required IReadOnlyList<string> Verbs { get; init; }
    public IReadOnlyList<string> ShortNames { get; init; } = [];
    public IReadOnlyList<string> Categories { get; init; } = [];
    public IReadOnlyList<ApiSubresource> Subresources { get; init; } = [];
    public ApiSource Source { get; init; } = ApiSource.Kubernetes;

    /// <summary>
    /// Legacy discovery's <c>storageVersionHash</c>: a fingerprint of the group/version/kind the resource is stored as
    /// (first 8 bytes of SHA-256 of <c>group/version/kind</c>, base64). Empty for resources without storage (reviews,
    /// bindings, componentstatuses, aggregated APIs).
    /// </summary>
    public string StorageVersionHash { get; init; } = "";

    /// <summary><c>v1</c> for the core group, otherwise <c>group/version</c>.</summary>
    public string GroupVersion => Group.Length == 0 ? Version : Group + "/" + Version;

    /// <summary><c>resource</c> for the core group, otherwise <c>resource.group</c> (Go's <c>GroupResource.String()</c>).</summary>
    public string QualifiedName => Group.Length == 0 ? Name : Name + "." + Group;

    /// <summary>kube-apiserver's storage version hash of the group/version/kind a resource is stored as.</summary>
    public static string StorageVersionHashOf(string group, string version, string kind)
    {
        var digest = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{group}/{version}/{kind}"));
        return Convert.ToBase64String(digest, 0, 8);
    }

    public bool HasVerb(string verb) => Verbs.Contains(verb, StringComparer.Ordinal);

    public ApiSubresource? FindSubresource(string name) =>
        Subresources.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal));
}

/// <summary>The resources one group serves at one version.</summary>
public sealed record ApiGroupVersion(string Group, string Version, IReadOnlyList<ApiResource> Resources)
{
    public string GroupVersionString => Group.Length == 0 ? Version : Group + "/" + Version;

    public ApiResource? Find(string resource) =>
        Resources.FirstOrDefault(r => string.Equals(r.Name, resource, StringComparison.Ordinal));
}

/// <summary>An API group with its served versions, preferred version first (the order discovery reports).</summary>
public sealed record ApiGroup(string Name, IReadOnlyList<ApiGroupVersion> Versions, ApiSource Source = ApiSource.Kubernetes)
{
    public string PreferredVersion => Versions[0].Version;

    public ApiGroupVersion? FindVersion(string version) =>
        Versions.FirstOrDefault(v => string.Equals(v.Version, version, StringComparison.Ordinal));
}
