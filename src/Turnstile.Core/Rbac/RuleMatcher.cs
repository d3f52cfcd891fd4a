using Turnstile.Core.Authz;

namespace Turnstile.Core.Rbac;

/// <summary>kube-apiserver's single-rule matching (RBAC evaluation helpers), allocation-free.</summary>
public static class RuleMatcher
{
    public static bool Allows(PolicyRule rule, RequestAttributes request) =>
        request.IsResourceRequest
            ? VerbMatches(rule, request.Verb) &&
              ApiGroupMatches(rule, request.ApiGroup) &&
              ResourceMatches(rule, request.Resource, request.Subresource) &&
              ResourceNameMatches(rule, request.Name)
            : VerbMatches(rule, request.Verb) && NonResourceUrlMatches(rule, request.Path);

    public static bool VerbMatches(PolicyRule rule, string verb) => ContainsOrStar(rule.Verbs, verb);

    public static bool ApiGroupMatches(PolicyRule rule, string group) => ContainsOrStar(rule.ApiGroups, group);

    /// <summary>
    /// <c>*</c> matches everything; otherwise the combined <c>resource/subresource</c> must appear literally,
    /// or <c>*/subresource</c> when the request has a subresource.
    /// </summary>
    public static bool ResourceMatches(PolicyRule rule, string resource, string subresource)
    {
        // Index loops throughout: enumerating the interface would allocate on every decision.
        var resources = rule.Resources;
        for (var i = 0; i < resources.Count; i++)
        {
            var candidate = resources[i];
            if (candidate == PolicyRule.All) return true;
            if (subresource.Length == 0)
            {
                if (string.Equals(candidate, resource, StringComparison.Ordinal)) return true;
                continue;
            }
            if (IsCombined(candidate, resource, subresource)) return true;
            if (candidate.Length == subresource.Length + 2 && candidate.StartsWith("*/", StringComparison.Ordinal) &&
                candidate.AsSpan(2).SequenceEqual(subresource)) return true;
        }
        return false;
    }

    public static bool ResourceNameMatches(PolicyRule rule, string name)
    {
        var names = rule.ResourceNames;
        if (names.Count == 0) return true;
        for (var i = 0; i < names.Count; i++)
            if (string.Equals(names[i], name, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>Exact path, <c>*</c>, or an entry ending in <c>*</c> whose prefix (all trailing stars removed) starts the path.</summary>
    public static bool NonResourceUrlMatches(PolicyRule rule, string path)
    {
        var urls = rule.NonResourceUrls;
        for (var i = 0; i < urls.Count; i++)
        {
            var candidate = urls[i];
            if (candidate == PolicyRule.All) return true;
            if (string.Equals(candidate, path, StringComparison.Ordinal)) return true;
            if (candidate.Length > 0 && candidate[^1] == '*' &&
                path.AsSpan().StartsWith(candidate.AsSpan().TrimEnd('*'), StringComparison.Ordinal)) return true;
        }
        return false;
    }

    private static bool IsCombined(string candidate, string resource, string subresource) =>
        candidate.Length == resource.Length + 1 + subresource.Length &&
        candidate.AsSpan(0, resource.Length).SequenceEqual(resource) &&
        candidate[resource.Length] == '/' &&
        candidate.AsSpan(resource.Length + 1).SequenceEqual(subresource);

    private static bool ContainsOrStar(IReadOnlyList<string> values, string value)
    {
        for (var i = 0; i < values.Count; i++)
        {
            var candidate = values[i];
            if (candidate == PolicyRule.All || string.Equals(candidate, value, StringComparison.Ordinal)) return true;
        }
        return false;
    }
}
