namespace Turnstile.Core.Rbac;

/// <summary>
/// The RBAC objects of one cluster, with ClusterRole aggregation applied. Bindings are kept sorted by
/// (namespace, name) so that "the first binding that allows" is deterministic (kube's informer order is not).
/// </summary>
public sealed class RbacPolicy
{
    private readonly Dictionary<string, ClusterRole> _clusterRoles;
    private readonly Dictionary<(string Ns, string Name), Role> _roles;

    public IReadOnlyList<ClusterRole> ClusterRoles { get; }
    public IReadOnlyList<ClusterRoleBinding> ClusterRoleBindings { get; }
    public IReadOnlyList<Role> Roles { get; }
    public IReadOnlyList<RoleBinding> RoleBindings { get; }

    public RbacPolicy(
        IEnumerable<ClusterRole> clusterRoles,
        IEnumerable<ClusterRoleBinding> clusterRoleBindings,
        IEnumerable<Role> roles,
        IEnumerable<RoleBinding> roleBindings)
    {
        ClusterRoles = ClusterRoleAggregation.Apply(LastWins(clusterRoles, r => r.Name).OrderBy(r => r.Name, StringComparer.Ordinal).ToArray());
        ClusterRoleBindings = LastWins(clusterRoleBindings, b => b.Name).OrderBy(b => b.Name, StringComparer.Ordinal).ToArray();
        Roles = LastWins(roles, r => (r.Namespace, r.Name)).OrderBy(r => r.Namespace, StringComparer.Ordinal).ThenBy(r => r.Name, StringComparer.Ordinal).ToArray();
        RoleBindings = LastWins(roleBindings, b => (b.Namespace, b.Name)).OrderBy(b => b.Namespace, StringComparer.Ordinal).ThenBy(b => b.Name, StringComparer.Ordinal).ToArray();
        _clusterRoles = ClusterRoles.ToDictionary(r => r.Name, StringComparer.Ordinal);
        _roles = Roles.ToDictionary(r => (r.Namespace, r.Name));
    }

    public static RbacPolicy Empty { get; } = new([], [], [], []);

    public ClusterRole? FindClusterRole(string name) => _clusterRoles.GetValueOrDefault(name);

    public Role? FindRole(string ns, string name) => _roles.GetValueOrDefault((ns, name));

    private static IEnumerable<T> LastWins<T, TKey>(IEnumerable<T> items, Func<T, TKey> key) where TKey : notnull
    {
        var map = new Dictionary<TKey, T>();
        foreach (var item in items) map[key(item)] = item;
        return map.Values;
    }
}
