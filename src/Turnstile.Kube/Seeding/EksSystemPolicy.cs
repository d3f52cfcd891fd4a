using Turnstile.Core.Rbac;

namespace Turnstile.Kube.Seeding;

/// <summary>
/// The RBAC objects Amazon EKS adds to every new cluster for its own components: the <c>eks:*</c> ClusterRoles, Roles
/// and their bindings (each bound to the EKS user of the same name), the VPC CNI's <c>aws-node</c>, the VPC resource
/// controller's roles, and the bindings that give the node and kube-proxy identities their bootstrap roles. The names
/// are those EKS documents and clusters show; the rules are a reading of what each component does (EKS does not
/// publish them), see docs/decisions.md.
/// </summary>
public static class EksSystemPolicy
{
    private const string Core = "";
    private const string KubeSystem = "kube-system";

    public static IReadOnlyList<ClusterRole> ClusterRoles { get; } =
    [
        Cluster("aws-node",
            R(["get", "list", "watch"], [Core], ["namespaces", "nodes", "pods", "serviceaccounts"]),
            R(["get", "list", "watch", "update"], [Core], ["nodes"]),
            R(["create", "patch", "update"], [Core, "events.k8s.io"], ["events"]),
            R(["get", "list", "watch"], ["extensions", "apps"], ["daemonsets"]),
            R(["get", "list", "watch"], ["crd.k8s.amazonaws.com"], ["eniconfigs"]),
            R(["get", "list", "watch"], ["networking.k8s.aws"], ["policyendpoints"]),
            R(["get"], ["networking.k8s.aws"], ["policyendpoints/status"]),
            R(["get", "list", "watch"], ["vpcresources.k8s.aws"], ["cninodes"])),
        Cluster("eks:addon-manager",
            R(["*"], [Core], ["configmaps", "serviceaccounts", "services", "endpoints"]),
            R(["*"], ["apps"], ["daemonsets", "deployments", "replicasets"]),
            R(["*"], ["rbac.authorization.k8s.io"], ["clusterroles", "clusterrolebindings", "roles", "rolebindings"]),
            R(["*"], ["apiextensions.k8s.io"], ["customresourcedefinitions"]),
            R(["*"], ["admissionregistration.k8s.io"], ["mutatingwebhookconfigurations", "validatingwebhookconfigurations"]),
            R(["*"], ["policy"], ["poddisruptionbudgets"]),
            R(["get", "list", "watch"], [Core], ["namespaces", "nodes", "pods"])),
        Cluster("eks:az-poller",
            R(["get", "list"], [Core], ["nodes"]),
            R(["list"], [Core], ["pods"])),
        Cluster("eks:certificate-controller-approver",
            R(["approve"], ["certificates.k8s.io"], ["signers"], ["kubernetes.io/kubelet-serving"])),
        Cluster("eks:certificate-controller-signer",
            R(["sign"], ["certificates.k8s.io"], ["signers"], ["beta.eks.amazonaws.com/app-serving"])),
        Cluster("eks:cloud-controller-manager",
            R(["create", "patch", "update"], [Core], ["events"]),
            R(["*"], [Core], ["nodes"]),
            R(["patch"], [Core], ["nodes/status"]),
            R(["list", "patch", "update", "watch"], [Core], ["services"]),
            R(["list", "patch", "update", "watch"], [Core], ["services/status"]),
            R(["create", "get", "list", "update", "watch"], [Core], ["serviceaccounts"]),
            R(["create", "get", "list", "update", "watch"], [Core], ["endpoints"]),
            R(["create", "get", "list", "update", "watch"], ["coordination.k8s.io"], ["leases"])),
        Cluster("eks:cloud-provider-extraction-migration",
            R(["create", "get", "list", "update", "watch"], ["coordination.k8s.io"], ["leases"])),
        Cluster("eks:cluster-event-watcher",
            R(["get", "list", "watch"], [Core, "events.k8s.io"], ["events"])),
        Cluster("eks:fargate-manager",
            R(["get", "list", "watch"], [Core], ["nodes", "pods"]),
            R(["delete"], [Core], ["pods"]),
            R(["create"], [Core], ["pods/eviction"])),
        Cluster("eks:k8s-metrics",
            R(["list"], [Core], ["nodes", "pods", "services", "endpoints", "namespaces"]),
            R(["list"], ["apps"], ["deployments", "daemonsets", "replicasets", "statefulsets"]),
            R(["list"], ["batch"], ["jobs", "cronjobs"]),
            U(["get"], ["/metrics"])),
        Cluster("eks:kube-proxy-windows",
            R(["get", "list", "watch"], [Core], ["services", "endpoints", "nodes"]),
            R(["get", "list", "watch"], ["discovery.k8s.io"], ["endpointslices"]),
            R(["create", "patch", "update"], [Core, "events.k8s.io"], ["events"])),
        Cluster("eks:network-policy-controller",
            R(["get", "list", "watch"], [Core], ["namespaces", "pods", "services"]),
            R(["get", "list", "watch"], ["networking.k8s.io"], ["networkpolicies"]),
            R(["*"], ["networking.k8s.aws"], ["policyendpoints", "policyendpoints/status"])),
        Cluster("eks:node-bootstrapper",
            R(["create"], ["certificates.k8s.io"], ["certificatesigningrequests/selfnodeserver"])),
        Cluster("eks:node-manager",
            R(["create"], [Core], ["pods/eviction"]),
            R(["get", "list", "watch", "delete"], [Core], ["pods"]),
            R(["get", "list", "watch", "patch", "update", "delete"], [Core], ["nodes"]),
            R(["get", "list", "watch"], ["apps"], ["daemonsets"])),
        Cluster("eks:nodewatcher",
            R(["get", "list", "watch"], [Core], ["nodes"])),
        Cluster("eks:pod-identity-mutating-webhook",
            R(["get", "list", "watch"], [Core], ["serviceaccounts"])),
        Cluster("eks:service-operations",
            R(["list", "get"], [Core], ["nodes", "pods", "namespaces", "services", "endpoints"]),
            R(["list", "get"], ["apps"], ["deployments", "daemonsets"])),
        Cluster("eks:tagging-controller",
            R(["get", "list", "watch"], [Core], ["nodes"])),
        Cluster("vpc-resource-controller-role",
            R(["create", "patch", "update"], [Core], ["events"]),
            R(["get", "list", "patch", "watch"], [Core], ["nodes"]),
            R(["get", "list", "watch"], [Core], ["pods", "serviceaccounts"]),
            R(["get", "list", "watch"], ["vpcresources.k8s.aws"], ["securitygrouppolicies"]),
            R(["create", "get", "list", "patch", "update", "watch"], ["vpcresources.k8s.aws"], ["cninodes"])),
    ];

    public static IReadOnlyList<ClusterRoleBinding> ClusterRoleBindings { get; } =
    [
        new(Meta("aws-node"), Ref("aws-node"), [Subject.ServiceAccount(KubeSystem, "aws-node")]),
        .. ClusterRoles.Where(r => r.Name.StartsWith("eks:", StringComparison.Ordinal) && r.Name is not ("eks:kube-proxy-windows" or "eks:node-bootstrapper"))
            .Select(r => new ClusterRoleBinding(Meta(r.Name), Ref(r.Name), [Subject.User(r.Name)])),
        new(Meta("eks:kube-proxy-windows"), Ref("system:node-proxier"), [Subject.Group("eks:kube-proxy-windows")]),
        new(Meta("eks:node-bootstrapper"), Ref("eks:node-bootstrapper"), [Subject.Group("system:bootstrappers"), Subject.Group("system:nodes")]),
        new(Meta("vpc-resource-controller-rolebinding"), Ref("vpc-resource-controller-role"), [Subject.User("eks:vpc-resource-controller"),
            Subject.ServiceAccount(KubeSystem, "eks-vpc-resource-controller")]),
    ];

    public static IReadOnlyList<Role> Roles { get; } =
    [
        Namespaced("eks-vpc-resource-controller-role", R(["create", "get", "list", "patch", "update", "watch"], [Core], ["configmaps"])),
        Namespaced("eks:addon-manager", R(["*"], [Core], ["configmaps", "serviceaccounts", "services"]), R(["*"], ["apps"], ["daemonsets", "deployments"])),
        Namespaced("eks:authenticator", R(["get", "list", "watch"], [Core], ["configmaps"], ["aws-auth"])),
        Namespaced("eks:az-poller", R(["get", "list", "watch"], [Core], ["configmaps"])),
        Namespaced("eks:certificate-controller", R(["create", "get", "update", "patch"], [Core], ["configmaps"], ["extension-apiserver-authentication"])),
        Namespaced("eks:fargate-manager", R(["get", "update", "patch"], [Core], ["configmaps"], ["aws-auth"])),
        Namespaced("eks:k8s-metrics", R(["get"], ["apps"], ["deployments"])),
        Namespaced("eks:node-manager", R(["get", "update", "patch"], [Core], ["configmaps"], ["aws-auth"])),
        Namespaced("eks:service-operations-configmaps", R(["get", "list"], [Core], ["configmaps"])),
    ];

    public static IReadOnlyList<RoleBinding> RoleBindings { get; } =
    [
        new(Meta("eks-vpc-resource-controller-rolebinding", KubeSystem), RoleRefTo("eks-vpc-resource-controller-role"),
            [Subject.User("eks:vpc-resource-controller"), Subject.ServiceAccount(KubeSystem, "eks-vpc-resource-controller")]),
        .. Roles.Where(r => r.Name.StartsWith("eks:", StringComparison.Ordinal))
            .Select(r => new RoleBinding(Meta(r.Name, KubeSystem), RoleRefTo(r.Name),
                [Subject.User(r.Name == "eks:service-operations-configmaps" ? "eks:service-operations" : r.Name)])),
    ];

    private static ClusterRole Cluster(string name, params PolicyRule[] rules) => new(Meta(name), rules);

    private static Role Namespaced(string name, params PolicyRule[] rules) => new(Meta(name, KubeSystem), rules);

    private static ObjectMeta Meta(string name, string ns = "") => new() { Name = name, Namespace = ns };

    private static RoleRef Ref(string clusterRole) => new("ClusterRole", clusterRole);

    private static RoleRef RoleRefTo(string role) => new("Role", role);

    private static PolicyRule R(string[] verbs, string[] groups, string[] resources, string[]? names = null) =>
        PolicyRule.ForResources(verbs, groups, resources, names);

    private static PolicyRule U(string[] verbs, string[] urls) => PolicyRule.ForUrls(verbs, urls);
}
