namespace Turnstile.Core.Kube;

/// <summary>
/// The warnings <c>kubectl auth can-i</c> v1.32 prints on stderr. Messages are returned as kubectl passes them to its
/// warning printer, which writes <c>Warning: {message}\n</c>; the can-i messages themselves end in a newline, so on a
/// terminal each is followed by an empty line (see <see cref="KubectlErrorText.Warning"/>).
/// </summary>
public static class CanIWarnings
{
    private static readonly HashSet<string> ResourceVerbs = new(StringComparer.Ordinal)
    {
        "get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "use", "bind",
        "impersonate", "*", "approve", "sign", "escalate", "attest",
    };

    private static readonly HashSet<string> NonResourceVerbs = new(StringComparer.Ordinal)
    {
        "get", "put", "post", "head", "options", "delete", "patch", "*",
    };

    // Resources the server authorizes but discovery never lists (impersonation targets); can-i keeps quiet about them.
    private static readonly HashSet<string> NonStandardResourceNames = new(StringComparer.Ordinal) { "users", "groups" };

    public static bool IsKnownResourceVerb(string verb) => ResourceVerbs.Contains(verb);

    public static bool IsKnownNonResourceVerb(string verb) => NonResourceVerbs.Contains(verb);

    /// <summary>True for <c>users</c> and <c>groups</c> (compared after kubectl lower-cases the argument).</summary>
    public static bool IsNonStandardResource(string groupResource) => NonStandardResourceNames.Contains(groupResource);

    public static string UnknownResourceType(string resource, string group) => group.Length == 0
        ? $"the server doesn't have a resource type '{resource}'\n"
        : $"the server doesn't have a resource type '{resource}' in group '{group}'\n";

    public static string NotNamespaceScoped(string resource, string group) => group.Length == 0
        ? $"resource '{resource}' is not namespace scoped\n"
        : $"resource '{resource}' is not namespace scoped in group '{group}'\n";

    public static string UnknownVerb(string verb) => $"verb '{verb}' is not a known verb\n";

    /// <summary>
    /// What can-i's validation step warns about for a resource check, in print order. It only runs when
    /// <c>--all-namespaces</c> is not given (the namespace then comes from <c>-n</c> or the kubeconfig), so the scope
    /// warning appears even without <c>-n</c>, and an unknown verb goes unreported under <c>-A</c>.
    /// </summary>
    public static IReadOnlyList<string> ForResourceCheck(string verb, ResourceResolution resource, bool allNamespaces, ResourceResolver resolver)
    {
        var warnings = new List<string>();
        if (resource.Resource.IsEmpty || allNamespaces) return warnings;
        if (resolver.IsNamespaced(resource.Resource) == false)
            warnings.Add(NotNamespaceScoped(resource.Resource.Resource, resource.Resource.Group));
        if (!IsKnownResourceVerb(verb)) warnings.Add(UnknownVerb(verb));
        return warnings;
    }

    /// <summary>What can-i warns about for a non-resource URL check.</summary>
    public static IReadOnlyList<string> ForNonResourceCheck(string verb) =>
        IsKnownNonResourceVerb(verb) ? [] : [UnknownVerb(verb)];
}
