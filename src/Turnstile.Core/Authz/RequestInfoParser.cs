using System.Globalization;
using Turnstile.Core.Kube;

namespace Turnstile.Core.Authz;

/// <summary>
/// What the API server derives from a request line before authenticating it (apiserver's <c>RequestInfo</c>).
/// </summary>
/// <param name="Attributes">The authorization attributes (without the user).</param>
/// <param name="ApiPrefix"><c>api</c> or <c>apis</c> for resource requests, otherwise empty.</param>
/// <param name="Parts">Path segments from the resource on (<c>pods/foo/status</c>); empty for non-resource requests.</param>
/// <param name="FieldSelector">Raw first <c>fieldSelector</c> value, recorded for list/watch/deletecollection only.</param>
/// <param name="LabelSelector">Raw first <c>labelSelector</c> value, recorded for list/watch/deletecollection only.</param>
/// <param name="Error">
/// Set when the path cannot be parsed (a bare <c>/watch</c> or <c>/proxy</c>); the server then answers 500 with
/// <c>failed to create RequestInfo: {Error}</c>.
/// </param>
public sealed record RequestInfo(
    RequestAttributes Attributes,
    string ApiPrefix,
    IReadOnlyList<string> Parts,
    string FieldSelector,
    string LabelSelector,
    string? Error);

/// <summary>
/// Turns method + path + query into <see cref="RequestAttributes"/> exactly as kube-apiserver v1.32 does
/// (API prefixes <c>api</c> and <c>apis</c>, the former groupless; selector recording on, as in v1.32's defaults).
/// </summary>
public static class RequestInfoParser
{
    /// <summary>Parses a request.</summary>
    /// <param name="method">HTTP method, upper case as sent (<c>GET</c>, <c>POST</c>...).</param>
    /// <param name="path">The percent-decoded URL path (Go's <c>URL.Path</c>).</param>
    /// <param name="rawQuery">The raw query string, with or without the leading <c>?</c>.</param>
    public static RequestInfo Parse(string method, string path, string? rawQuery = null)
    {
        var query = rawQuery is null ? "" : rawQuery.StartsWith('?') ? rawQuery[1..] : rawQuery;
        var nonResource = new RequestInfo(RequestAttributes.ForPath(method.ToLowerInvariant(), path), "", [], "", "", null);

        var parts = SplitPath(path);
        if (parts.Length < 3) return nonResource;
        var prefix = parts[0];
        if (prefix is not ("api" or "apis")) return nonResource;
        var rest = parts.AsSpan(1);

        var group = "";
        if (prefix == "apis")
        {
            if (rest.Length < 3) return nonResource;
            group = rest[0];
            rest = rest[1..];
        }
        var version = rest[0];
        rest = rest[1..];

        string verb;
        var verbFromPath = false;
        if (rest[0] is "watch" or "proxy")
        {
            if (rest.Length < 2)
            {
                var url = query.Length == 0 ? path : path + "?" + query;
                var partial = RequestAttributes.ForResource(method.ToLowerInvariant(), group, "", version: version) with { Path = path };
                return new RequestInfo(partial, prefix, [], "", "", $"unable to determine kind and namespace from url, {url}");
            }
            verb = rest[0];
            rest = rest[1..];
            verbFromPath = true;
        }
        else
        {
            verb = method switch
            {
                "POST" => "create",
                "GET" or "HEAD" => "get",
                "PUT" => "update",
                "PATCH" => "patch",
                "DELETE" => "delete",
                _ => "",
            };
        }

        var ns = "";
        if (rest[0] == "namespaces" && rest.Length > 1)
        {
            ns = rest[1];
            // namespaces/{ns}/{resource}/... addresses a namespaced resource; namespaces/{ns}[/status|/finalize]
            // addresses the Namespace object itself.
            if (rest.Length > 2 && rest[2] is not ("status" or "finalize")) rest = rest[2..];
        }

        var resourceParts = rest.ToArray();
        var resource = resourceParts[0];
        var name = resourceParts.Length >= 2 ? resourceParts[1] : "";
        var subresource = resourceParts.Length >= 3 && verb != "proxy" ? resourceParts[2] : "";

        if (name.Length == 0 && verb == "get")
        {
            var options = ListOptions.Decode(GoUrlQuery.Parse(query));
            verb = options.Watch ? "watch" : "list";
            if (options.FieldSelector?.RequiresExactMatch("metadata.name") is { } selected && IsValidPathSegmentName(selected))
                name = selected;
        }

        if (name.Length == 0 && verb == "delete") verb = "deletecollection";

        var fieldSelector = "";
        var labelSelector = "";
        if (!verbFromPath && verb is "list" or "watch" or "deletecollection")
        {
            var q = GoUrlQuery.Parse(query);
            fieldSelector = q.First("fieldSelector") ?? "";
            labelSelector = q.First("labelSelector") ?? "";
        }

        var attributes = RequestAttributes.ForResource(verb, group, resource, ns, name, subresource, version) with { Path = path };
        return new RequestInfo(attributes, prefix, resourceParts, fieldSelector, labelSelector, null);
    }

    // Go: strings.Split(strings.Trim(path, "/"), "/"), with "" giving no segments.
    private static string[] SplitPath(string path)
    {
        var trimmed = path.Trim('/');
        return trimmed.Length == 0 ? [] : trimmed.Split('/');
    }

    /// <summary>apimachinery's <c>IsValidPathSegmentName</c>: not <c>.</c> or <c>..</c>, no <c>/</c> or <c>%</c>.</summary>
    public static bool IsValidPathSegmentName(string name) =>
        name is not ("." or "..") && !name.Contains('/') && !name.Contains('%');

    /// <summary>
    /// The parts of metav1 ListOptions that matter here. Decoding fails as a whole when any option is malformed
    /// (non-integer limit/timeoutSeconds, unparsable field or label selector); the server then falls back to reading
    /// only <c>watch</c> and ignores the field selector.
    /// </summary>
    private sealed record ListOptions(bool Watch, FieldSelector? FieldSelector)
    {
        public static ListOptions Decode(GoUrlQuery q)
        {
            var watch = GoBool(q.First("watch"));
            FieldSelector? fieldSelector = null;
            var ok = IsInt64OrAbsent(q.First("limit")) && IsInt64OrAbsent(q.First("timeoutSeconds"));
            if (ok && q.First("labelSelector") is { } ls) ok = LabelSelectorSyntax.IsValid(ls);
            if (ok && q.First("fieldSelector") is { } fs)
            {
                fieldSelector = FieldSelector.TryParse(fs);
                ok = fieldSelector is not null;
            }
            return ok ? new ListOptions(watch, fieldSelector) : new ListOptions(watch, null);
        }

        // Only absence, "0" and a case-insensitive "false" are false; anything else (even "") is true.
        private static bool GoBool(string? value) =>
            value is not null && value != "0" && !string.Equals(value, "false", StringComparison.OrdinalIgnoreCase);

        // strconv.ParseInt(s, 10, 64): optional sign, ASCII digits, no spaces.
        private static bool IsInt64OrAbsent(string? value) =>
            value is null || long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);
    }
}
