namespace Turnstile.Core.Authz;

/// <summary>
/// The attributes an authorizer sees for one request (kube-apiserver's authorizer.Attributes):
/// a resource request (verb on group/resource[/subresource] [name] in a namespace or at cluster scope)
/// or a non-resource request (verb on a URL path).
/// </summary>
public sealed record RequestAttributes
{
    public required string Verb { get; init; }
    public bool IsResourceRequest { get; init; }
    public string Path { get; init; } = "";
    public string Namespace { get; init; } = "";
    public string ApiGroup { get; init; } = "";
    public string ApiVersion { get; init; } = "";
    public string Resource { get; init; } = "";
    public string Subresource { get; init; } = "";
    public string Name { get; init; } = "";

    public static RequestAttributes ForResource(string verb, string group, string resource, string ns = "", string name = "", string subresource = "", string version = "") => new()
    {
        Verb = verb,
        IsResourceRequest = true,
        ApiGroup = group,
        Resource = resource,
        Namespace = ns,
        Name = name,
        Subresource = subresource,
        ApiVersion = version,
    };

    public static RequestAttributes ForPath(string verb, string path) => new()
    {
        Verb = verb,
        IsResourceRequest = false,
        Path = path,
    };

    /// <summary><c>resource</c> or <c>resource/subresource</c>, as RBAC rules and messages name it.</summary>
    public string ResourceWithSubresource => Subresource.Length == 0 ? Resource : Resource + "/" + Subresource;
}
