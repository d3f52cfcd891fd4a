using Turnstile.Core.Kube;
using Turnstile.Kube.Storage;
using Turnstile.State;

namespace Turnstile.Kube.Registry;

/// <summary>
/// A resource as the registry serves it: its API entry (group, version, plural, kind, scope, subresources) and the
/// strategy of its kind. Objects of all versions of a group/resource share one storage location.
/// </summary>
public sealed class RegistryResource
{
    public RegistryResource(ApiResource api, KindStrategy strategy)
    {
        Api = api;
        Strategy = strategy;
        ScaleSubresource = api.FindSubresource("scale");
    }

    public ApiResource Api { get; }

    public KindStrategy Strategy { get; }

    public string Group => Api.Group;

    public string Version => Api.Version;

    public string Resource => Api.Name;

    public string Kind => Api.Kind;

    public bool Namespaced => Api.Namespaced;

    public bool HasStatus => Api.FindSubresource("status") is not null;

    public ApiSubresource? ScaleSubresource { get; }

    /// <summary>Not one of kube-apiserver's own types: a CustomResourceDefinition's resource (stored and served as given).</summary>
    public bool IsCustom => Api.Source is not (ApiSource.Kubernetes or ApiSource.EksEnabledBeta);

    /// <summary><c>pods</c>, <c>deployments.apps</c>: Go's <c>GroupResource.String()</c>.</summary>
    public string QualifiedResource => Api.QualifiedName;

    /// <summary><c>Pod</c>, <c>Deployment.apps</c>: Go's <c>GroupKind.String()</c>, used by 422 messages.</summary>
    public string QualifiedKind => Group.Length == 0 ? Kind : Kind + "." + Group;

    public ObjectKey KeyOf(string cluster, string ns, string name) =>
        new(StateKey.KubeObject(cluster, Group, Resource, Namespaced ? ns : null, name), DisplayKey(ns, name));

    /// <summary>The key prefix of the resource's objects in one namespace, or in all when <paramref name="ns"/> is empty.</summary>
    public string PrefixOf(string cluster, string ns) => StateKey.KubeResource(cluster, Group, Resource, Namespaced ? ns : null);

    // kube-apiserver's etcd layout (/registry/<resource>/<namespace>/<name>; custom resources under their group),
    // as its storage errors name keys.
    private string DisplayKey(string ns, string name)
    {
        var root = IsCustom ? $"/registry/{Group}/{Resource}" : $"/registry/{Resource}";
        return Namespaced ? $"{root}/{ns}/{name}" : $"{root}/{name}";
    }
}
