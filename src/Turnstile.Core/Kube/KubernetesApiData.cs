namespace Turnstile.Core.Kube;

// The API surface of a stock kube-apiserver v1.32 (default feature gates and --runtime-config), transcribed from a
// discovery capture of a v1.32 server with every alpha/beta API filtered back out, plus what an EKS cluster adds.
// Resource order within a version and group order follow what the server reports.
internal static class KubernetesApiData
{
    private static readonly string[] Crud = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
    private static readonly string[] GetPatchUpdate = ["get", "patch", "update"];

    // apiextensions-apiserver lists custom resource verbs in this (unsorted) order.
    internal static readonly string[] CustomResourceVerbs = ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"];

    internal static IReadOnlyList<ApiGroup> Upstream() =>
    [
        Core(), Apiregistration(), Apps(), Events(), Authentication(), Authorization(), Autoscaling(), Batch(),
        Certificates(), Networking(), Policy(), Rbac(), Storage(), Admissionregistration(), Apiextensions(),
        Scheduling(), Coordination(), Node(), Discovery(), Flowcontrol(),
    ];

    /// <summary>
    /// Upstream plus what an EKS cluster serves on top: storage.k8s.io/v1beta1 (VolumeAttributesClass), the CRDs of the
    /// default networking add-ons, and metrics-server. CRD groups sort after built-ins (aggregator group priority 1000,
    /// then by name); metrics.k8s.io registers with priority 100 so it comes last.
    /// </summary>
    internal static IReadOnlyList<ApiGroup> Eks()
    {
        var groups = Upstream().ToList();
        var storage = groups.FindIndex(g => g.Name == "storage.k8s.io");
        groups[storage] = groups[storage] with
        {
            Versions = [.. groups[storage].Versions, V("v1beta1",
                R("volumeattributesclasses", "volumeattributesclass", false, "VolumeAttributesClass", Crud, shortNames: ["vac"]))("storage.k8s.io", ApiSource.EksEnabledBeta)],
        };
        groups.Add(G("crd.k8s.amazonaws.com", ApiSource.EksCustomResource,
            V("v1alpha1",
                R("eniconfigs", "eniconfig", false, "ENIConfig", CustomResourceVerbs))));
        groups.Add(G("networking.k8s.aws", ApiSource.EksCustomResource,
            V("v1alpha1",
                R("policyendpoints", "policyendpoint", true, "PolicyEndpoint", CustomResourceVerbs,
                    subresources: [Sub("status", "PolicyEndpoint", GetPatchUpdate)]))));
        groups.Add(G("vpcresources.k8s.aws", ApiSource.EksCustomResource,
            V("v1beta1",
                R("securitygrouppolicies", "securitygrouppolicy", true, "SecurityGroupPolicy", CustomResourceVerbs, shortNames: ["sgp"])),
            V("v1alpha1",
                R("cninodes", "cninode", false, "CNINode", CustomResourceVerbs, shortNames: ["cnd"]))));
        // metrics-server reports no singular names; clients fall back to guessing from the kind.
        groups.Add(G("metrics.k8s.io", ApiSource.MetricsServer,
            V("v1beta1",
                R("nodes", "", false, "NodeMetrics", ["get", "list"]),
                R("pods", "", true, "PodMetrics", ["get", "list"]))));
        return groups;
    }

    private delegate ApiGroupVersion VersionBuilder(string group, ApiSource source);

    private static ApiGroup G(string name, params VersionBuilder[] versions) => G(name, ApiSource.Kubernetes, versions);

    private static ApiGroup G(string name, ApiSource source, params VersionBuilder[] versions) =>
        new(name, versions.Select(v => v(name, source)).ToArray(), source);

    private static VersionBuilder V(string version, params ApiResource[] resources) =>
        (group, source) => new ApiGroupVersion(group, version,
            resources.Select(r => r with
            {
                Group = group,
                Version = version,
                Source = source,
                StorageVersionHash = source == ApiSource.MetricsServer ? "" : StorageHash(group, version, r),
            }).ToArray());

    // Stored resources are exactly those that can be watched. Two are stored at another group-version than they are
    // served at: events.k8s.io events share core v1 Event storage, and HPAs are stored as autoscaling/v2.
    private static string StorageHash(string group, string version, ApiResource r)
    {
        if (!r.Verbs.Contains("watch")) return "";
        (group, version) = (group, r.Name) switch
        {
            ("events.k8s.io", "events") => ("", "v1"),
            ("autoscaling", "horizontalpodautoscalers") => ("autoscaling", "v2"),
            _ => (group, version),
        };
        return ApiResource.StorageVersionHashOf(group, version, r.Kind);
    }

    private static ApiResource R(string name, string singular, bool namespaced, string kind, IReadOnlyList<string> verbs,
        string[]? shortNames = null, string[]? categories = null, ApiSubresource[]? subresources = null) => new()
    {
        Name = name,
        SingularName = singular,
        Namespaced = namespaced,
        Kind = kind,
        Group = "",
        Version = "",
        Verbs = verbs,
        ShortNames = shortNames ?? [],
        Categories = categories ?? [],
        Subresources = subresources ?? [],
    };

    private static ApiSubresource Sub(string name, string kind, IReadOnlyList<string> verbs, string group = "", string version = "") =>
        new(name, kind, verbs, group, version);

    // core group, served under /api/v1 (pods/resize is feature-gated off in v1.32)
    private static ApiGroup Core() => G("",
            V("v1",
                R("bindings", "binding", true, "Binding", ["create"]),
                R("componentstatuses", "componentstatus", false, "ComponentStatus", ["get", "list"], shortNames: ["cs"]),
                R("configmaps", "configmap", true, "ConfigMap", Crud, shortNames: ["cm"]),
                R("endpoints", "endpoints", true, "Endpoints", Crud, shortNames: ["ep"]),
                R("events", "event", true, "Event", Crud, shortNames: ["ev"]),
                R("limitranges", "limitrange", true, "LimitRange", Crud, shortNames: ["limits"]),
                R("namespaces", "namespace", false, "Namespace", ["create", "delete", "get", "list", "patch", "update", "watch"], shortNames: ["ns"], subresources: [Sub("finalize", "Namespace", ["update"]), Sub("status", "Namespace", GetPatchUpdate)]),
                R("nodes", "node", false, "Node", Crud, shortNames: ["no"], subresources: [Sub("proxy", "NodeProxyOptions", ["create", "delete", "get", "patch", "update"]), Sub("status", "Node", GetPatchUpdate)]),
                R("persistentvolumeclaims", "persistentvolumeclaim", true, "PersistentVolumeClaim", Crud, shortNames: ["pvc"], subresources: [Sub("status", "PersistentVolumeClaim", GetPatchUpdate)]),
                R("persistentvolumes", "persistentvolume", false, "PersistentVolume", Crud, shortNames: ["pv"], subresources: [Sub("status", "PersistentVolume", GetPatchUpdate)]),
                R("pods", "pod", true, "Pod", Crud, shortNames: ["po"], categories: ["all"], subresources: [Sub("attach", "PodAttachOptions", ["create", "get"]), Sub("binding", "Binding", ["create"]), Sub("ephemeralcontainers", "Pod", GetPatchUpdate), Sub("eviction", "Eviction", ["create"], "policy", "v1"), Sub("exec", "PodExecOptions", ["create", "get"]), Sub("log", "Pod", ["get"]), Sub("portforward", "PodPortForwardOptions", ["create", "get"]), Sub("proxy", "PodProxyOptions", ["create", "delete", "get", "patch", "update"]), Sub("status", "Pod", GetPatchUpdate)]),
                R("podtemplates", "podtemplate", true, "PodTemplate", Crud),
                R("replicationcontrollers", "replicationcontroller", true, "ReplicationController", Crud, shortNames: ["rc"], categories: ["all"], subresources: [Sub("scale", "Scale", GetPatchUpdate, "autoscaling", "v1"), Sub("status", "ReplicationController", GetPatchUpdate)]),
                R("resourcequotas", "resourcequota", true, "ResourceQuota", Crud, shortNames: ["quota"], subresources: [Sub("status", "ResourceQuota", GetPatchUpdate)]),
                R("secrets", "secret", true, "Secret", Crud),
                R("serviceaccounts", "serviceaccount", true, "ServiceAccount", Crud, shortNames: ["sa"], subresources: [Sub("token", "TokenRequest", ["create"], "authentication.k8s.io", "v1")]),
                R("services", "service", true, "Service", Crud, shortNames: ["svc"], categories: ["all"], subresources: [Sub("proxy", "ServiceProxyOptions", ["create", "delete", "get", "patch", "update"]), Sub("status", "Service", GetPatchUpdate)])));

    // apiregistration.k8s.io
    private static ApiGroup Apiregistration() => G("apiregistration.k8s.io",
            V("v1",
                R("apiservices", "apiservice", false, "APIService", Crud, categories: ["api-extensions"], subresources: [Sub("status", "APIService", GetPatchUpdate)])));

    // apps
    private static ApiGroup Apps() => G("apps",
            V("v1",
                R("controllerrevisions", "controllerrevision", true, "ControllerRevision", Crud),
                R("daemonsets", "daemonset", true, "DaemonSet", Crud, shortNames: ["ds"], categories: ["all"], subresources: [Sub("status", "DaemonSet", GetPatchUpdate)]),
                R("deployments", "deployment", true, "Deployment", Crud, shortNames: ["deploy"], categories: ["all"], subresources: [Sub("scale", "Scale", GetPatchUpdate, "autoscaling", "v1"), Sub("status", "Deployment", GetPatchUpdate)]),
                R("replicasets", "replicaset", true, "ReplicaSet", Crud, shortNames: ["rs"], categories: ["all"], subresources: [Sub("scale", "Scale", GetPatchUpdate, "autoscaling", "v1"), Sub("status", "ReplicaSet", GetPatchUpdate)]),
                R("statefulsets", "statefulset", true, "StatefulSet", Crud, shortNames: ["sts"], categories: ["all"], subresources: [Sub("scale", "Scale", GetPatchUpdate, "autoscaling", "v1"), Sub("status", "StatefulSet", GetPatchUpdate)])));

    // events.k8s.io
    private static ApiGroup Events() => G("events.k8s.io",
            V("v1",
                R("events", "event", true, "Event", Crud, shortNames: ["ev"])));

    // authentication.k8s.io
    private static ApiGroup Authentication() => G("authentication.k8s.io",
            V("v1",
                R("selfsubjectreviews", "selfsubjectreview", false, "SelfSubjectReview", ["create"]),
                R("tokenreviews", "tokenreview", false, "TokenReview", ["create"])));

    // authorization.k8s.io
    private static ApiGroup Authorization() => G("authorization.k8s.io",
            V("v1",
                R("localsubjectaccessreviews", "localsubjectaccessreview", true, "LocalSubjectAccessReview", ["create"]),
                R("selfsubjectaccessreviews", "selfsubjectaccessreview", false, "SelfSubjectAccessReview", ["create"]),
                R("selfsubjectrulesreviews", "selfsubjectrulesreview", false, "SelfSubjectRulesReview", ["create"]),
                R("subjectaccessreviews", "subjectaccessreview", false, "SubjectAccessReview", ["create"])));

    // autoscaling
    private static ApiGroup Autoscaling() => G("autoscaling",
            V("v2",
                R("horizontalpodautoscalers", "horizontalpodautoscaler", true, "HorizontalPodAutoscaler", Crud, shortNames: ["hpa"], categories: ["all"], subresources: [Sub("status", "HorizontalPodAutoscaler", GetPatchUpdate)])),
            V("v1",
                R("horizontalpodautoscalers", "horizontalpodautoscaler", true, "HorizontalPodAutoscaler", Crud, shortNames: ["hpa"], categories: ["all"], subresources: [Sub("status", "HorizontalPodAutoscaler", GetPatchUpdate)])));

    // batch
    private static ApiGroup Batch() => G("batch",
            V("v1",
                R("cronjobs", "cronjob", true, "CronJob", Crud, shortNames: ["cj"], categories: ["all"], subresources: [Sub("status", "CronJob", GetPatchUpdate)]),
                R("jobs", "job", true, "Job", Crud, categories: ["all"], subresources: [Sub("status", "Job", GetPatchUpdate)])));

    // certificates.k8s.io
    private static ApiGroup Certificates() => G("certificates.k8s.io",
            V("v1",
                R("certificatesigningrequests", "certificatesigningrequest", false, "CertificateSigningRequest", Crud, shortNames: ["csr"], subresources: [Sub("approval", "CertificateSigningRequest", GetPatchUpdate), Sub("status", "CertificateSigningRequest", GetPatchUpdate)])));

    // networking.k8s.io
    private static ApiGroup Networking() => G("networking.k8s.io",
            V("v1",
                R("ingressclasses", "ingressclass", false, "IngressClass", Crud),
                R("ingresses", "ingress", true, "Ingress", Crud, shortNames: ["ing"], subresources: [Sub("status", "Ingress", GetPatchUpdate)]),
                R("networkpolicies", "networkpolicy", true, "NetworkPolicy", Crud, shortNames: ["netpol"])));

    // policy
    private static ApiGroup Policy() => G("policy",
            V("v1",
                R("poddisruptionbudgets", "poddisruptionbudget", true, "PodDisruptionBudget", Crud, shortNames: ["pdb"], subresources: [Sub("status", "PodDisruptionBudget", GetPatchUpdate)])));

    // rbac.authorization.k8s.io
    private static ApiGroup Rbac() => G("rbac.authorization.k8s.io",
            V("v1",
                R("clusterrolebindings", "clusterrolebinding", false, "ClusterRoleBinding", Crud),
                R("clusterroles", "clusterrole", false, "ClusterRole", Crud),
                R("rolebindings", "rolebinding", true, "RoleBinding", Crud),
                R("roles", "role", true, "Role", Crud)));

    // storage.k8s.io
    private static ApiGroup Storage() => G("storage.k8s.io",
            V("v1",
                R("csidrivers", "csidriver", false, "CSIDriver", Crud),
                R("csinodes", "csinode", false, "CSINode", Crud),
                R("csistoragecapacities", "csistoragecapacity", true, "CSIStorageCapacity", Crud),
                R("storageclasses", "storageclass", false, "StorageClass", Crud, shortNames: ["sc"]),
                R("volumeattachments", "volumeattachment", false, "VolumeAttachment", Crud, subresources: [Sub("status", "VolumeAttachment", GetPatchUpdate)])));

    // admissionregistration.k8s.io
    private static ApiGroup Admissionregistration() => G("admissionregistration.k8s.io",
            V("v1",
                R("mutatingwebhookconfigurations", "mutatingwebhookconfiguration", false, "MutatingWebhookConfiguration", Crud, categories: ["api-extensions"]),
                R("validatingadmissionpolicies", "validatingadmissionpolicy", false, "ValidatingAdmissionPolicy", Crud, categories: ["api-extensions"], subresources: [Sub("status", "ValidatingAdmissionPolicy", GetPatchUpdate)]),
                R("validatingadmissionpolicybindings", "validatingadmissionpolicybinding", false, "ValidatingAdmissionPolicyBinding", Crud, categories: ["api-extensions"]),
                R("validatingwebhookconfigurations", "validatingwebhookconfiguration", false, "ValidatingWebhookConfiguration", Crud, categories: ["api-extensions"])));

    // apiextensions.k8s.io
    private static ApiGroup Apiextensions() => G("apiextensions.k8s.io",
            V("v1",
                R("customresourcedefinitions", "customresourcedefinition", false, "CustomResourceDefinition", Crud, shortNames: ["crd", "crds"], categories: ["api-extensions"], subresources: [Sub("status", "CustomResourceDefinition", GetPatchUpdate)])));

    // scheduling.k8s.io
    private static ApiGroup Scheduling() => G("scheduling.k8s.io",
            V("v1",
                R("priorityclasses", "priorityclass", false, "PriorityClass", Crud, shortNames: ["pc"])));

    // coordination.k8s.io
    private static ApiGroup Coordination() => G("coordination.k8s.io",
            V("v1",
                R("leases", "lease", true, "Lease", Crud)));

    // node.k8s.io
    private static ApiGroup Node() => G("node.k8s.io",
            V("v1",
                R("runtimeclasses", "runtimeclass", false, "RuntimeClass", Crud)));

    // discovery.k8s.io
    private static ApiGroup Discovery() => G("discovery.k8s.io",
            V("v1",
                R("endpointslices", "endpointslice", true, "EndpointSlice", Crud)));

    // flowcontrol.apiserver.k8s.io
    private static ApiGroup Flowcontrol() => G("flowcontrol.apiserver.k8s.io",
            V("v1",
                R("flowschemas", "flowschema", false, "FlowSchema", Crud, subresources: [Sub("status", "FlowSchema", GetPatchUpdate)]),
                R("prioritylevelconfigurations", "prioritylevelconfiguration", false, "PriorityLevelConfiguration", Crud, subresources: [Sub("status", "PriorityLevelConfiguration", GetPatchUpdate)])));
}
