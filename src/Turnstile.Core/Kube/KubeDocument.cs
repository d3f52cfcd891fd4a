using Turnstile.Core.Rbac;

namespace Turnstile.Core.Kube;

/// <summary>
/// One Kubernetes object read from a text. <see cref="Object"/> is a <see cref="Role"/>, <see cref="ClusterRole"/>,
/// <see cref="RoleBinding"/>, <see cref="ClusterRoleBinding"/> or <see cref="ConfigMap"/>; for any other kind it is
/// null and only the identifying fields are filled, so callers can report the object as ignored.
/// </summary>
/// <param name="DocumentNumber">1-based number of the YAML/JSON document the object came from.</param>
/// <param name="ItemIndex">Index in the <c>items</c> of a List document; null for a top-level object.</param>
/// <param name="UnknownFields">Field paths present in the input but not part of the decoded schema (e.g. <c>rules[0].verb</c>).</param>
public sealed record KubeDocument(
    int DocumentNumber,
    int? ItemIndex,
    string ApiVersion,
    string Kind,
    string Name,
    string Namespace,
    object? Object,
    IReadOnlyList<string> UnknownFields)
{
    public bool IsSupported => Object is not null;

    /// <summary>Where the object came from, e.g. <c>document 2</c> or <c>document 1, items[3]</c>.</summary>
    public string Source => ItemIndex is { } i ? $"document {DocumentNumber}, items[{i}]" : $"document {DocumentNumber}";

    public T? As<T>() where T : class => Object as T;
}
