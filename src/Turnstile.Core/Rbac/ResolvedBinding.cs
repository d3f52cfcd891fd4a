namespace Turnstile.Core.Rbac;

/// <summary>A RoleBinding or ClusterRoleBinding with its role's rules looked up once.</summary>
public sealed class ResolvedBinding
{
    internal ResolvedBinding(int ordinal, string name, string ns, RoleRef roleRef, IReadOnlyList<Subject> subjects,
        IReadOnlyList<PolicyRule>? rules, object source)
    {
        Ordinal = ordinal;
        Name = name;
        Namespace = ns;
        RoleRef = roleRef;
        Subjects = subjects;
        Rules = rules ?? [];
        ResolutionError = rules is null ? NotFound(roleRef) : null;
        Source = source;
    }

    /// <summary>Position in evaluation order (cluster bindings first, each list sorted by name).</summary>
    public int Ordinal { get; }
    public string Name { get; }
    /// <summary>Empty for a ClusterRoleBinding.</summary>
    public string Namespace { get; }
    public bool IsClusterBinding => Namespace.Length == 0;
    public RoleRef RoleRef { get; }
    public IReadOnlyList<Subject> Subjects { get; }
    public IReadOnlyList<PolicyRule> Rules { get; }
    /// <summary>Set when the referenced role does not exist (the binding then grants nothing).</summary>
    public string? ResolutionError { get; }
    /// <summary>The <see cref="RoleBinding"/> or <see cref="ClusterRoleBinding"/> this came from.</summary>
    public object Source { get; }

    /// <summary><c>ClusterRoleBinding "x" of ClusterRole "y"</c> / <c>RoleBinding "x/ns" of Role "y"</c>.</summary>
    public string Describe() => IsClusterBinding
        ? $"ClusterRoleBinding {GoQuote.Quote(Name)} of ClusterRole {GoQuote.Quote(RoleRef.Name)}"
        : $"RoleBinding {GoQuote.Quote(Name + "/" + Namespace)} of {RoleRef.Kind} {GoQuote.Quote(RoleRef.Name)}";

    private static string NotFound(RoleRef roleRef) => roleRef.Kind switch
    {
        "ClusterRole" => $"clusterrole.rbac.authorization.k8s.io {GoQuote.Quote(roleRef.Name)} not found",
        "Role" => $"role.rbac.authorization.k8s.io {GoQuote.Quote(roleRef.Name)} not found",
        _ => $"unsupported role reference kind: {GoQuote.Quote(roleRef.Kind)}",
    };
}
