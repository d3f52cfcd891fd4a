namespace Turnstile.Core.Rbac.Bootstrap;

/// <summary>
/// The default RBAC policy kube-apiserver v1.32 creates at start-up (post-start hook <c>rbac/bootstrap-roles</c>),
/// with the feature gates at their 1.32 defaults. Aggregated roles (<c>admin</c>, <c>edit</c>, <c>view</c>) have empty
/// rules here, as upstream: the aggregation controller fills them. Objects are built once and shared; every
/// collection is read-only.
/// </summary>
public static class BootstrapPolicy
{
    public const string KubernetesVersion = "v1.32";

    public const string BootstrappingLabel = "kubernetes.io/bootstrapping";
    public const string BootstrappingLabelValue = "rbac-defaults";
    public const string AutoUpdateAnnotation = "rbac.authorization.kubernetes.io/autoupdate";
    public const string AggregateToAdminLabel = "rbac.authorization.k8s.io/aggregate-to-admin";
    public const string AggregateToEditLabel = "rbac.authorization.k8s.io/aggregate-to-edit";
    public const string AggregateToViewLabel = "rbac.authorization.k8s.io/aggregate-to-view";

    /// <summary>Name prefix of the per-controller roles and bindings.</summary>
    public const string ControllerRolePrefix = ControllerRoles.Prefix;

    private static readonly Lazy<Data> All = new(Data.Build);

    /// <summary>The 31 general default ClusterRoles (upstream <c>cluster-roles.yaml</c>), sorted by name.</summary>
    public static IReadOnlyList<ClusterRole> DefaultClusterRoles => All.Value.DefaultClusterRoles;

    /// <summary>The 33 <c>system:controller:*</c> ClusterRoles (upstream <c>controller-roles.yaml</c>), sorted by name.</summary>
    public static IReadOnlyList<ClusterRole> ControllerClusterRoles => All.Value.ControllerClusterRoles;

    /// <summary>Every ClusterRole the apiserver seeds: <see cref="DefaultClusterRoles"/> then <see cref="ControllerClusterRoles"/>.</summary>
    public static IReadOnlyList<ClusterRole> ClusterRoles => All.Value.ClusterRoles;

    /// <summary>The 12 general default ClusterRoleBindings (upstream <c>cluster-role-bindings.yaml</c>).</summary>
    public static IReadOnlyList<ClusterRoleBinding> DefaultClusterRoleBindings => All.Value.DefaultClusterRoleBindings;

    /// <summary>The 33 controller ClusterRoleBindings (upstream <c>controller-role-bindings.yaml</c>).</summary>
    public static IReadOnlyList<ClusterRoleBinding> ControllerClusterRoleBindings => All.Value.ControllerClusterRoleBindings;

    /// <summary>Every ClusterRoleBinding the apiserver seeds: default bindings then controller bindings.</summary>
    public static IReadOnlyList<ClusterRoleBinding> ClusterRoleBindings => All.Value.ClusterRoleBindings;

    /// <summary>The 7 namespaced Roles in <c>kube-public</c> and <c>kube-system</c>, sorted by namespace and name.</summary>
    public static IReadOnlyList<Role> Roles => All.Value.Roles;

    /// <summary>The 7 namespaced RoleBindings in <c>kube-public</c> and <c>kube-system</c>, sorted by namespace and name.</summary>
    public static IReadOnlyList<RoleBinding> RoleBindings => All.Value.RoleBindings;

    private sealed record Data(
        IReadOnlyList<ClusterRole> DefaultClusterRoles,
        IReadOnlyList<ClusterRole> ControllerClusterRoles,
        IReadOnlyList<ClusterRole> ClusterRoles,
        IReadOnlyList<ClusterRoleBinding> DefaultClusterRoleBindings,
        IReadOnlyList<ClusterRoleBinding> ControllerClusterRoleBindings,
        IReadOnlyList<ClusterRoleBinding> ClusterRoleBindings,
        IReadOnlyList<Role> Roles,
        IReadOnlyList<RoleBinding> RoleBindings)
    {
        public static Data Build()
        {
            var defaultRoles = Bootstrap.DefaultClusterRoles.Build();
            var controllerRoles = Bootstrap.ControllerRoles.Build();
            var defaultBindings = Bootstrap.DefaultClusterRoles.BuildBindings();
            var controllerBindings = Bootstrap.ControllerRoles.BuildBindings(controllerRoles);
            return new Data(
                defaultRoles.AsReadOnly(),
                controllerRoles.AsReadOnly(),
                defaultRoles.Concat(controllerRoles).ToList().AsReadOnly(),
                defaultBindings.AsReadOnly(),
                controllerBindings.AsReadOnly(),
                defaultBindings.Concat(controllerBindings).ToList().AsReadOnly(),
                NamespaceRoles.Build().AsReadOnly(),
                NamespaceRoles.BuildBindings().AsReadOnly());
        }
    }
}
