namespace Turnstile.Core.AccessPolicies;

public static class AccessScopeTypes
{
    public const string Cluster = "cluster";
    public const string Namespace = "namespace";
}

/// <summary>
/// Where an associated access policy applies: the whole cluster (like a ClusterRoleBinding) or listed
/// namespaces (like a RoleBinding in each), where a namespace entry may use <c>*</c> as a glob.
/// A namespace scope never grants cluster-scoped resources or non-resource URLs.
/// </summary>
public sealed record AccessScope(string Type, IReadOnlyList<string> Namespaces)
{
    public static AccessScope Cluster { get; } = new(AccessScopeTypes.Cluster, []);

    public static AccessScope ForNamespaces(params string[] namespaces) => new(AccessScopeTypes.Namespace, namespaces);

    public bool IsCluster => Type == AccessScopeTypes.Cluster;

    public bool Covers(string requestNamespace)
    {
        if (IsCluster) return true;
        if (requestNamespace.Length == 0) return false;
        foreach (var pattern in Namespaces)
            if (Glob.Matches(pattern, requestNamespace)) return true;
        return false;
    }

    public override string ToString() => IsCluster ? "cluster" : $"namespace [{string.Join(", ", Namespaces)}]";
}

/// <summary>Glob with <c>*</c> (any run, including empty) over an ordinal string.</summary>
public static class Glob
{
    public static bool Matches(string pattern, string value) => Matches(pattern.AsSpan(), value.AsSpan());

    private static bool Matches(ReadOnlySpan<char> pattern, ReadOnlySpan<char> value)
    {
        int p = 0, v = 0, starP = -1, starV = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                starP = p++;
                starV = v;
            }
            else if (p < pattern.Length && pattern[p] == value[v])
            {
                p++;
                v++;
            }
            else if (starP >= 0)
            {
                p = starP + 1;
                v = ++starV;
            }
            else return false;
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }
}
