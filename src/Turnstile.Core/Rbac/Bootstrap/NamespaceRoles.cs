using static Turnstile.Core.Rbac.Bootstrap.ApiGroups;
using static Turnstile.Core.Rbac.Bootstrap.BootstrapMeta;
using static Turnstile.Core.Rbac.Bootstrap.RuleBuilder;
using static Turnstile.Core.Rbac.Bootstrap.VerbSets;

namespace Turnstile.Core.Rbac.Bootstrap;

/// <summary>The 7 default Roles and RoleBindings in <c>kube-system</c> and <c>kube-public</c> (upstream v1.32).</summary>
internal static class NamespaceRoles
{
    private const string KubeSystem = "kube-system";
    private const string KubePublic = "kube-public";

    public static List<Role> Build() =>
    [
        new(Meta("system:controller:bootstrap-signer", KubePublic),
        [
            Rule(Read).Groups(Legacy).Resources("configmaps"),
            Rule("update").Groups(Legacy).Resources("configmaps").Names("cluster-info"),
            EventsRule(),
        ]),
        // Lets delegated authenticators read the client-CA and request-header configuration.
        new(Meta("extension-apiserver-authentication-reader", KubeSystem),
        [
            Rule(Read).Groups(Legacy).Resources("configmaps").Names("extension-apiserver-authentication"),
        ]),
        LeaderLocking("kube-controller-manager"),
        LeaderLocking("kube-scheduler"),
        new(Meta("system:controller:bootstrap-signer", KubeSystem),
        [
            Rule(Read).Groups(Legacy).Resources("secrets"),
        ]),
        new(Meta("system:controller:cloud-provider", KubeSystem),
        [
            Rule("create", "get", "list", "watch").Groups(Legacy).Resources("configmaps"),
        ]),
        new(Meta("system:controller:token-cleaner", KubeSystem),
        [
            Rule("delete", "get", "list", "watch").Groups(Legacy).Resources("secrets"),
            EventsRule(),
        ]),
    ];

    public static List<RoleBinding> BuildBindings() =>
    [
        Binding(KubePublic, "system:controller:bootstrap-signer", "system:controller:bootstrap-signer",
            Subject.ServiceAccount(KubeSystem, "bootstrap-signer")),
        Binding(KubeSystem, "system::extension-apiserver-authentication-reader", "extension-apiserver-authentication-reader",
            Subject.User("system:kube-controller-manager"), Subject.User("system:kube-scheduler")),
        Binding(KubeSystem, "system::leader-locking-kube-controller-manager", "system::leader-locking-kube-controller-manager",
            Subject.User("system:kube-controller-manager"),
            Subject.ServiceAccount(KubeSystem, "kube-controller-manager"),
            Subject.ServiceAccount(KubeSystem, "leader-election-controller")),
        Binding(KubeSystem, "system::leader-locking-kube-scheduler", "system::leader-locking-kube-scheduler",
            Subject.User("system:kube-scheduler"), Subject.ServiceAccount(KubeSystem, "kube-scheduler")),
        Binding(KubeSystem, "system:controller:bootstrap-signer", "system:controller:bootstrap-signer",
            Subject.ServiceAccount(KubeSystem, "bootstrap-signer")),
        Binding(KubeSystem, "system:controller:cloud-provider", "system:controller:cloud-provider",
            Subject.ServiceAccount(KubeSystem, "cloud-provider")),
        Binding(KubeSystem, "system:controller:token-cleaner", "system:controller:token-cleaner",
            Subject.ServiceAccount(KubeSystem, "token-cleaner")),
    ];

    /// <summary>Leader election for a control-plane component: its own configmap lock plus leases and lease candidates.</summary>
    private static Role LeaderLocking(string component) =>
        new(Meta("system::leader-locking-" + component, KubeSystem),
        [
            Rule("watch").Groups(Legacy).Resources("configmaps"),
            Rule("get", "update").Groups(Legacy).Resources("configmaps").Names(component),
            Rule("watch", "get", "list", "create", "update").Groups(Coordination).Resources("leases"),
            Rule("watch", "get", "list", "create", "update").Groups(Coordination).Resources("leasecandidates"),
        ]);

    private static RoleBinding Binding(string ns, string name, string roleName, params Subject[] subjects) =>
        new(Meta(name, ns), new RoleRef("Role", roleName), subjects);
}
