using Turnstile.Core.Authz;
using Turnstile.Core.Rbac;

namespace Turnstile.Core.Kube;

/// <summary>The text of kube-apiserver's 403 for a denied request.</summary>
public static class ForbiddenMessage
{
    /// <summary>
    /// What the user may not do, before HTML escaping:
    /// <c>User "u" cannot get resource "pods/log" in API group "" in the namespace "ns"</c>,
    /// <c>... at the cluster scope</c>, or <c>User "u" cannot get path "/api"</c>.
    /// </summary>
    public static string Detail(RequestAttributes attributes, string userName)
    {
        var user = GoQuote.Quote(userName);
        if (!attributes.IsResourceRequest)
            return $"User {user} cannot {attributes.Verb} path {GoQuote.Quote(attributes.Path)}";

        var what = $"User {user} cannot {attributes.Verb} resource {GoQuote.Quote(attributes.ResourceWithSubresource)} in API group {GoQuote.Quote(attributes.ApiGroup)}";
        return attributes.Namespace.Length > 0
            ? $"{what} in the namespace {GoQuote.Quote(attributes.Namespace)}"
            : $"{what} at the cluster scope";
    }

    /// <summary>
    /// The error part of the 403: the HTML-escaped detail, then <c>": " + reason</c> when the authorizer gave one
    /// (the reason itself is not escaped).
    /// </summary>
    public static string Error(RequestAttributes attributes, string userName, string reason = "")
    {
        var detail = HtmlEscape(Detail(attributes, userName));
        return reason.Length == 0 ? detail : detail + ": " + reason;
    }

    /// <summary>The whole Status message: <c>{resource.group}[ "{name}"] is forbidden: {error}</c>, or <c>forbidden: {error}</c> for paths.</summary>
    public static string Message(RequestAttributes attributes, string userName, string reason = "") =>
        KubeStatus.Forbidden(attributes, userName, reason).Message;

    /// <summary>The API server's sanitizer: <c>&amp;</c>, <c>&lt;</c>, <c>&gt;</c> to entities, nothing else.</summary>
    public static string HtmlEscape(string text) =>
        text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
