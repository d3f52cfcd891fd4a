namespace Turnstile.State;

/// <summary>
/// The key layout: <c>/aws/iam/users/&lt;name&gt;</c>, <c>/aws/eks/clusters/&lt;name&gt;</c>...,
/// <c>/kube/&lt;cluster&gt;/&lt;group&gt;/&lt;resource&gt;/&lt;namespace&gt;/&lt;name&gt;</c> for namespaced Kubernetes objects and
/// <c>/kube/&lt;cluster&gt;/&lt;group&gt;/&lt;resource&gt;/&lt;name&gt;</c> for cluster-scoped ones (group <c>core</c> for the
/// legacy group). A segment may hold any text: <see cref="Segment"/> escapes <c>/</c> and <c>%</c> so a prefix
/// ending in <c>/</c> never matches a longer name.
/// </summary>
public static class StateKey
{
    public const string CoreGroup = "core";

    /// <summary>Escapes one path segment (<c>%</c> as <c>%25</c>, <c>/</c> as <c>%2F</c>).</summary>
    public static string Segment(string value)
    {
        if (value.AsSpan().IndexOfAny('/', '%') < 0) return value;
        return value.Replace("%", "%25", StringComparison.Ordinal).Replace("/", "%2F", StringComparison.Ordinal);
    }

    /// <summary>Reverses <see cref="Segment"/>.</summary>
    public static string Unescape(string segment)
    {
        if (!segment.Contains('%', StringComparison.Ordinal)) return segment;
        return segment.Replace("%2F", "/", StringComparison.Ordinal).Replace("%25", "%", StringComparison.Ordinal);
    }

    /// <summary>A key made of escaped segments: <c>Join("aws", "iam", "users", name)</c> is <c>/aws/iam/users/name</c>.</summary>
    public static string Join(params ReadOnlySpan<string> segments)
    {
        var length = 0;
        foreach (var segment in segments)
        {
            if (segment.AsSpan().IndexOfAny('/', '%') >= 0) return JoinEscaped(segments);
            length += 1 + segment.Length;
        }
        // The common case, built in place: keys are made on every read.
        return string.Create(length, segments, static (span, parts) =>
        {
            foreach (var part in parts)
            {
                span[0] = '/';
                part.AsSpan().CopyTo(span[1..]);
                span = span[(1 + part.Length)..];
            }
        });
    }

    private static string JoinEscaped(ReadOnlySpan<string> segments)
    {
        var builder = new System.Text.StringBuilder();
        foreach (var segment in segments) builder.Append('/').Append(Segment(segment));
        return builder.ToString();
    }

    /// <summary>The prefix of every key below <paramref name="key"/> (the key plus <c>/</c>).</summary>
    public static string Children(string key) => key.EndsWith('/') ? key : key + "/";

    /// <summary>The prefix of a cluster's Kubernetes objects.</summary>
    public static string Kube(string cluster) => Join("kube", cluster) + "/";

    /// <summary>The key of a Kubernetes object; <paramref name="ns"/> null or empty for cluster-scoped kinds.</summary>
    public static string KubeObject(string cluster, string group, string resource, string? ns, string name) =>
        string.IsNullOrEmpty(ns)
            ? Join("kube", cluster, group.Length == 0 ? CoreGroup : group, resource, name)
            : Join("kube", cluster, group.Length == 0 ? CoreGroup : group, resource, ns, name);

    /// <summary>The prefix of a resource's objects, in one namespace or (null) in all.</summary>
    public static string KubeResource(string cluster, string group, string resource, string? ns = null) =>
        (string.IsNullOrEmpty(ns)
            ? Join("kube", cluster, group.Length == 0 ? CoreGroup : group, resource)
            : Join("kube", cluster, group.Length == 0 ? CoreGroup : group, resource, ns)) + "/";

    /// <summary>
    /// Orders keys as every backend does. Ordinal UTF-16 order equals UTF-8 byte order (SQLite BINARY, PostgreSQL
    /// COLLATE "C") except between supplementary characters and U+E000..U+FFFF, which keys never mix in practice.
    /// </summary>
    public static StringComparer Comparer => StringComparer.Ordinal;
}
