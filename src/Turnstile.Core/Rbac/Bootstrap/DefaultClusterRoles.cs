using static Turnstile.Core.Rbac.Bootstrap.ApiGroups;
using static Turnstile.Core.Rbac.Bootstrap.BootstrapMeta;
using static Turnstile.Core.Rbac.Bootstrap.RuleBuilder;
using static Turnstile.Core.Rbac.Bootstrap.VerbSets;

namespace Turnstile.Core.Rbac.Bootstrap;

/// <summary>The 31 general-purpose default ClusterRoles and their 12 bindings (upstream v1.32, default feature gates).</summary>
internal static class DefaultClusterRoles
{
    public static List<ClusterRole> Build() =>
    [
        Aggregated("admin", aggregateFrom: AggregateToAdmin),
        new(Meta("cluster-admin"),
        [
            Rule("*").Groups(Any).Resources("*"),
            Rule("*").Urls("*"),
        ]),
        Aggregated("edit", aggregateFrom: AggregateToEdit, labels: AggregateToAdmin),
        new(Meta("system:aggregate-to-admin", labels: AggregateToAdmin),
        [
            Rule("create").Groups(Authorization).Resources("localsubjectaccessreviews"),
            Rule(ReadWrite).Groups(RbacApi).Resources("roles", "rolebindings"),
        ]),
        new(Meta("system:aggregate-to-edit", labels: AggregateToEdit), AggregateToEditRules()),
        new(Meta("system:aggregate-to-view", labels: AggregateToView), AggregateToViewRules()),
        new(Meta("system:auth-delegator"),
        [
            Rule("create").Groups(Authentication).Resources("tokenreviews"),
            Rule("create").Groups(Authorization).Resources("subjectaccessreviews"),
        ]),
        new(Meta("system:basic-user"),
        [
            Rule("create").Groups(Authorization).Resources("selfsubjectaccessreviews", "selfsubjectrulesreviews"),
            Rule("create").Groups(Authentication).Resources("selfsubjectreviews"),
        ]),
        new(Meta("system:certificates.k8s.io:certificatesigningrequests:nodeclient"),
        [
            Rule("create").Groups(Certificates).Resources("certificatesigningrequests/nodeclient"),
        ]),
        new(Meta("system:certificates.k8s.io:certificatesigningrequests:selfnodeclient"),
        [
            Rule("create").Groups(Certificates).Resources("certificatesigningrequests/selfnodeclient"),
        ]),
        SignerApprover("system:certificates.k8s.io:kube-apiserver-client-approver", "kubernetes.io/kube-apiserver-client"),
        SignerApprover("system:certificates.k8s.io:kube-apiserver-client-kubelet-approver", "kubernetes.io/kube-apiserver-client-kubelet"),
        SignerApprover("system:certificates.k8s.io:kubelet-serving-approver", "kubernetes.io/kubelet-serving"),
        SignerApprover("system:certificates.k8s.io:legacy-unknown-approver", "kubernetes.io/legacy-unknown"),
        new(Meta("system:discovery"),
        [
            Rule("get").Urls("/livez", "/readyz", "/healthz", "/version", "/version/",
                "/openapi", "/openapi/*", "/api", "/api/*", "/apis", "/apis/*"),
        ]),
        new(Meta("system:heapster"),
        [
            Rule(Read).Groups(Legacy).Resources("events", "pods", "nodes", "namespaces"),
            Rule(Read).Groups(Extensions).Resources("deployments"),
        ]),
        new(Meta("system:kube-aggregator"),
        [
            Rule(Read).Groups(Legacy).Resources("services", "endpoints"),
        ]),
        new(Meta("system:kube-controller-manager"), KubeControllerManagerRules()),
        new(Meta("system:kube-dns"),
        [
            Rule("list", "watch").Groups(Legacy).Resources("endpoints", "services"),
        ]),
        new(Meta("system:kube-scheduler"), KubeSchedulerRules()),
        new(Meta("system:kubelet-api-admin"),
        [
            Rule(Read).Groups(Legacy).Resources("nodes"),
            Rule("proxy").Groups(Legacy).Resources("nodes"),
            Rule("*").Groups(Legacy).Resources("nodes/proxy", "nodes/metrics", "nodes/stats", "nodes/log"),
        ]),
        new(Meta("system:monitoring"),
        [
            Rule("get").Urls("/metrics", "/metrics/slis", "/livez", "/readyz", "/healthz",
                "/livez/*", "/readyz/*", "/healthz/*"),
        ]),
        new(Meta("system:node"), NodeRules()),
        new(Meta("system:node-bootstrapper"),
        [
            Rule("create", "get", "list", "watch").Groups(Certificates).Resources("certificatesigningrequests"),
        ]),
        new(Meta("system:node-problem-detector"),
        [
            Rule("get").Groups(Legacy).Resources("nodes"),
            Rule("patch").Groups(Legacy).Resources("nodes/status"),
            EventsRule(),
        ]),
        new(Meta("system:node-proxier"),
        [
            Rule("list", "watch").Groups(Legacy).Resources("services", "endpoints"),
            Rule(Read).Groups(Legacy).Resources("nodes"),
            EventsRule(),
            Rule("list", "watch").Groups(Discovery).Resources("endpointslices"),
        ]),
        new(Meta("system:persistent-volume-provisioner"),
        [
            Rule("get", "list", "watch", "create", "delete").Groups(Legacy).Resources("persistentvolumes"),
            // update is needed to add or remove the pvc-protection finalizer
            Rule("get", "list", "watch", "update").Groups(Legacy).Resources("persistentvolumeclaims"),
            Rule(Read).Groups(Storage).Resources("storageclasses"),
            Rule("watch").Groups(Legacy).Resources("events"),
            EventsRule(),
        ]),
        new(Meta("system:public-info-viewer"),
        [
            Rule("get").Urls("/livez", "/readyz", "/healthz", "/version", "/version/"),
        ]),
        new(Meta("system:service-account-issuer-discovery"),
        [
            Rule("get").Urls("/.well-known/openid-configuration", "/.well-known/openid-configuration/",
                "/openid/v1/jwks", "/openid/v1/jwks/"),
        ]),
        new(Meta("system:volume-scheduler"),
        [
            Rule(ReadUpdate).Groups(Legacy).Resources("persistentvolumes"),
            Rule(Read).Groups(Storage).Resources("storageclasses"),
            Rule(ReadUpdate).Groups(Legacy).Resources("persistentvolumeclaims"),
        ]),
        Aggregated("view", aggregateFrom: AggregateToView, labels: AggregateToEdit),
    ];

    public static List<ClusterRoleBinding> BuildBindings() =>
    [
        Binding("cluster-admin", Subject.Group("system:masters")),
        Binding("system:basic-user", Subject.Group("system:authenticated")),
        Binding("system:discovery", Subject.Group("system:authenticated")),
        Binding("system:kube-controller-manager", Subject.User("system:kube-controller-manager")),
        Binding("system:kube-dns", Subject.ServiceAccount("kube-system", "kube-dns")),
        Binding("system:kube-scheduler", Subject.User("system:kube-scheduler")),
        Binding("system:monitoring", Subject.Group("system:monitoring")),
        // Nodes are authorized by the Node authorizer; the binding exists but binds nobody.
        Binding("system:node"),
        Binding("system:node-proxier", Subject.User("system:kube-proxy")),
        Binding("system:public-info-viewer", Subject.Group("system:authenticated"), Subject.Group("system:unauthenticated")),
        Binding("system:service-account-issuer-discovery", Subject.Group("system:serviceaccounts")),
        Binding("system:volume-scheduler", Subject.User("system:kube-scheduler")),
    ];

    private static ClusterRoleBinding Binding(string roleName, params Subject[] subjects) =>
        new(Meta(roleName), new RoleRef("ClusterRole", roleName), subjects);

    private static ClusterRole Aggregated(string name, (string Key, string Value) aggregateFrom, (string Key, string Value)? labels = null) =>
        new(Meta(name, labels: labels), [], new AggregationRule(
        [
            new LabelSelector { MatchLabels = new Dictionary<string, string> { [aggregateFrom.Key] = aggregateFrom.Value } },
        ]));

    private static ClusterRole SignerApprover(string name, string signerName) =>
        new(Meta(name), [Rule("approve").Groups(Certificates).Resources("signers").Names(signerName)]);

    private static List<PolicyRule> AggregateToViewRules() =>
    [
        Rule(Read).Groups(Legacy).Resources("pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts",
            "services", "services/status", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "configmaps"),
        Rule(Read).Groups(Legacy).Resources("limitranges", "resourcequotas", "bindings", "events", "pods/status",
            "resourcequotas/status", "namespaces/status", "replicationcontrollers/status", "pods/log"),
        // namespaces are readable but, unlike most namespaced reads, not part of edit's write set
        Rule(Read).Groups(Legacy).Resources("namespaces"),
        Rule(Read).Groups(Discovery).Resources("endpointslices"),
        Rule(Read).Groups(Apps).Resources("controllerrevisions", "statefulsets", "statefulsets/scale", "statefulsets/status",
            "daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status",
            "replicasets", "replicasets/scale", "replicasets/status"),
        Rule(Read).Groups(Autoscaling).Resources("horizontalpodautoscalers", "horizontalpodautoscalers/status"),
        Rule(Read).Groups(Batch).Resources("jobs", "cronjobs", "cronjobs/status", "jobs/status"),
        Rule(Read).Groups(Extensions).Resources("daemonsets", "daemonsets/status", "deployments", "deployments/scale",
            "deployments/status", "ingresses", "ingresses/status", "replicasets", "replicasets/scale", "replicasets/status",
            "replicationcontrollers/scale", "networkpolicies"),
        Rule(Read).Groups(Policy).Resources("poddisruptionbudgets", "poddisruptionbudgets/status"),
        Rule(Read).Groups(Networking).Resources("networkpolicies", "ingresses", "ingresses/status"),
    ];

    private static List<PolicyRule> AggregateToEditRules() =>
    [
        // read access to sensitive subresources that view deliberately lacks
        Rule(Read).Groups(Legacy).Resources("pods/attach", "pods/proxy", "pods/exec", "pods/portforward", "secrets", "services/proxy"),
        Rule("impersonate").Groups(Legacy).Resources("serviceaccounts"),
        Rule(Write).Groups(Legacy).Resources("pods", "pods/attach", "pods/proxy", "pods/exec", "pods/portforward"),
        Rule("create").Groups(Legacy).Resources("pods/eviction"),
        // no endpoints here: write access to endpoints was removed from edit in 1.22
        Rule(Write).Groups(Legacy).Resources("replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts",
            "services", "services/proxy", "persistentvolumeclaims", "configmaps", "secrets", "events"),
        Rule("create").Groups(Legacy).Resources("serviceaccounts/token"),
        Rule(Write).Groups(Apps).Resources("statefulsets", "statefulsets/scale", "daemonsets", "deployments", "deployments/scale",
            "deployments/rollback", "replicasets", "replicasets/scale"),
        Rule(Write).Groups(Autoscaling).Resources("horizontalpodautoscalers"),
        Rule(Write).Groups(Batch).Resources("jobs", "cronjobs"),
        Rule(Write).Groups(Extensions).Resources("daemonsets", "deployments", "deployments/scale", "deployments/rollback",
            "ingresses", "replicasets", "replicasets/scale", "replicationcontrollers/scale", "networkpolicies"),
        Rule(Write).Groups(Policy).Resources("poddisruptionbudgets"),
        Rule(Write).Groups(Networking).Resources("networkpolicies", "ingresses"),
        Rule(ReadWrite).Groups(Coordination).Resources("leases"),
    ];

    private static List<PolicyRule> KubeControllerManagerRules() =>
    [
        EventsRule(),
        // leader election
        Rule("create").Groups(Coordination).Resources("leases"),
        Rule("get", "update").Groups(Coordination).Resources("leases").Names("kube-controller-manager"),
        // token and service-account controllers run with the manager's own identity
        Rule("create").Groups(Legacy).Resources("secrets", "serviceaccounts"),
        Rule("delete").Groups(Legacy).Resources("secrets"),
        Rule("get").Groups(Legacy).Resources("namespaces", "secrets", "serviceaccounts", "configmaps"),
        Rule("update").Groups(Legacy).Resources("secrets", "serviceaccounts"),
        // delegated authentication and authorization
        Rule("create").Groups(Authentication).Resources("tokenreviews"),
        Rule("create").Groups(Authorization).Resources("subjectaccessreviews"),
        // informers of all kinds for the generic controllers
        Rule("list", "watch").Groups(Any).Resources("*"),
        Rule("create").Groups(Legacy).Resources("serviceaccounts/token"),
    ];

    private static List<PolicyRule> KubeSchedulerRules() =>
    [
        EventsRule(),
        // leader election
        Rule("create").Groups(Coordination).Resources("leases"),
        Rule("get", "list", "update", "watch").Groups(Coordination).Resources("leases").Names("kube-scheduler"),
        Rule(ReadWrite).Groups(Coordination).Resources("leasecandidates"),
        // scheduling
        Rule(Read).Groups(Legacy).Resources("nodes"),
        Rule("get", "list", "watch", "delete").Groups(Legacy).Resources("pods"),
        Rule("create").Groups(Legacy).Resources("pods/binding", "bindings"),
        Rule("patch", "update").Groups(Legacy).Resources("pods/status"),
        // spreading and affinity
        Rule(Read).Groups(Legacy).Resources("replicationcontrollers", "services"),
        Rule(Read).Groups(Apps, Extensions).Resources("replicasets"),
        Rule(Read).Groups(Apps).Resources("statefulsets"),
        Rule(Read).Groups(Policy).Resources("poddisruptionbudgets"),
        Rule(Read).Groups(Legacy).Resources("persistentvolumeclaims", "persistentvolumes"),
        // delegated authentication and authorization
        Rule("create").Groups(Authentication).Resources("tokenreviews"),
        Rule("create").Groups(Authorization).Resources("subjectaccessreviews"),
        // volume limits and CSI
        Rule(Read).Groups(Storage).Resources("csinodes"),
        Rule(Read).Groups(Storage).Resources("volumeattachments"),
        Rule(Read).Groups(Legacy).Resources("namespaces"),
        Rule(Read).Groups(Storage).Resources("csidrivers"),
        Rule(Read).Groups(Storage).Resources("csistoragecapacities"),
    ];

    /// <summary>Kubelet permissions (the <c>system:node</c> role), without the rules of gates that are off by default in 1.32.</summary>
    private static List<PolicyRule> NodeRules() =>
    [
        Rule("create").Groups(Authentication).Resources("tokenreviews"),
        Rule("create").Groups(Authorization).Resources("subjectaccessreviews", "localsubjectaccessreviews"),
        Rule(Read).Groups(Legacy).Resources("services"),
        Rule("create", "get", "list", "watch").Groups(Legacy).Resources("nodes"),
        Rule("update", "patch").Groups(Legacy).Resources("nodes/status"),
        Rule("update", "patch").Groups(Legacy).Resources("nodes"),
        Rule("create", "update", "patch").Groups(Legacy).Resources("events"),
        Rule(Read).Groups(Legacy).Resources("pods"),
        Rule("create", "delete").Groups(Legacy).Resources("pods"),
        Rule("update", "patch").Groups(Legacy).Resources("pods/status"),
        Rule("create").Groups(Legacy).Resources("pods/eviction"),
        Rule(Read).Groups(Legacy).Resources("secrets", "configmaps"),
        Rule("get").Groups(Legacy).Resources("persistentvolumeclaims", "persistentvolumes"),
        Rule("get").Groups(Legacy).Resources("endpoints"),
        Rule("create", "get", "list", "watch").Groups(Certificates).Resources("certificatesigningrequests"),
        Rule("get", "create", "update", "patch", "delete").Groups(Coordination).Resources("leases"),
        Rule("get").Groups(Storage).Resources("volumeattachments"),
        Rule("create").Groups(Legacy).Resources("serviceaccounts/token"),
        Rule("get", "update", "patch").Groups(Legacy).Resources("persistentvolumeclaims/status"),
        Rule(Read).Groups(Storage).Resources("csidrivers"),
        Rule("get", "create", "update", "patch", "delete").Groups(Storage).Resources("csinodes"),
        Rule(Read).Groups(Node).Resources("runtimeclasses"),
    ];
}
