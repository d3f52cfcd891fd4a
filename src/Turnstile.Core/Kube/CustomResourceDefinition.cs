using Turnstile.Core.Rbac;

namespace Turnstile.Core.Kube;

/// <summary>The names a CustomResourceDefinition gives its resource (<c>spec.names</c>).</summary>
public sealed record CustomResourceNames(string Plural, string Singular, string Kind, IReadOnlyList<string> ShortNames, IReadOnlyList<string> Categories);

/// <summary>One entry of <c>spec.versions</c>: whether it is served and which subresources it enables.</summary>
public sealed record CustomResourceVersion(string Name, bool Served, bool Storage, bool Status, bool Scale);

/// <summary>
/// An <c>apiextensions.k8s.io/v1</c> CustomResourceDefinition, reduced to what discovery publishes for it: the group,
/// names, scope and served versions with their subresources.
/// </summary>
public sealed record CustomResourceDefinition(ObjectMeta Metadata, string Group, CustomResourceNames Names, bool Namespaced, IReadOnlyList<CustomResourceVersion> Versions)
{
    public const string ApiGroup = "apiextensions.k8s.io";

    public string Name => Metadata.Name;
}
