using Turnstile.Core.Kube;

namespace Turnstile.Core.Tests.Kube;

public class ApiResourceCatalogTests
{
    // `kubectl api-resources` on an EKS cluster with the default add-ons (NAME, SHORTNAMES, APIVERSION, NAMESPACED, KIND).
    private static readonly (string Name, string ShortNames, string ApiVersion, bool Namespaced, string Kind)[] EksApiResources =
    [
        ("bindings", "", "v1", true, "Binding"),
        ("componentstatuses", "cs", "v1", false, "ComponentStatus"),
        ("configmaps", "cm", "v1", true, "ConfigMap"),
        ("endpoints", "ep", "v1", true, "Endpoints"),
        ("events", "ev", "v1", true, "Event"),
        ("limitranges", "limits", "v1", true, "LimitRange"),
        ("namespaces", "ns", "v1", false, "Namespace"),
        ("nodes", "no", "v1", false, "Node"),
        ("persistentvolumeclaims", "pvc", "v1", true, "PersistentVolumeClaim"),
        ("persistentvolumes", "pv", "v1", false, "PersistentVolume"),
        ("pods", "po", "v1", true, "Pod"),
        ("podtemplates", "", "v1", true, "PodTemplate"),
        ("replicationcontrollers", "rc", "v1", true, "ReplicationController"),
        ("resourcequotas", "quota", "v1", true, "ResourceQuota"),
        ("secrets", "", "v1", true, "Secret"),
        ("serviceaccounts", "sa", "v1", true, "ServiceAccount"),
        ("services", "svc", "v1", true, "Service"),
        ("mutatingwebhookconfigurations", "", "admissionregistration.k8s.io/v1", false, "MutatingWebhookConfiguration"),
        ("validatingadmissionpolicies", "", "admissionregistration.k8s.io/v1", false, "ValidatingAdmissionPolicy"),
        ("validatingadmissionpolicybindings", "", "admissionregistration.k8s.io/v1", false, "ValidatingAdmissionPolicyBinding"),
        ("validatingwebhookconfigurations", "", "admissionregistration.k8s.io/v1", false, "ValidatingWebhookConfiguration"),
        ("customresourcedefinitions", "crd,crds", "apiextensions.k8s.io/v1", false, "CustomResourceDefinition"),
        ("apiservices", "", "apiregistration.k8s.io/v1", false, "APIService"),
        ("controllerrevisions", "", "apps/v1", true, "ControllerRevision"),
        ("daemonsets", "ds", "apps/v1", true, "DaemonSet"),
        ("deployments", "deploy", "apps/v1", true, "Deployment"),
        ("replicasets", "rs", "apps/v1", true, "ReplicaSet"),
        ("statefulsets", "sts", "apps/v1", true, "StatefulSet"),
        ("selfsubjectreviews", "", "authentication.k8s.io/v1", false, "SelfSubjectReview"),
        ("tokenreviews", "", "authentication.k8s.io/v1", false, "TokenReview"),
        ("localsubjectaccessreviews", "", "authorization.k8s.io/v1", true, "LocalSubjectAccessReview"),
        ("selfsubjectaccessreviews", "", "authorization.k8s.io/v1", false, "SelfSubjectAccessReview"),
        ("selfsubjectrulesreviews", "", "authorization.k8s.io/v1", false, "SelfSubjectRulesReview"),
        ("subjectaccessreviews", "", "authorization.k8s.io/v1", false, "SubjectAccessReview"),
        ("horizontalpodautoscalers", "hpa", "autoscaling/v2", true, "HorizontalPodAutoscaler"),
        ("cronjobs", "cj", "batch/v1", true, "CronJob"),
        ("jobs", "", "batch/v1", true, "Job"),
        ("certificatesigningrequests", "csr", "certificates.k8s.io/v1", false, "CertificateSigningRequest"),
        ("leases", "", "coordination.k8s.io/v1", true, "Lease"),
        ("eniconfigs", "", "crd.k8s.amazonaws.com/v1alpha1", false, "ENIConfig"),
        ("endpointslices", "", "discovery.k8s.io/v1", true, "EndpointSlice"),
        ("events", "ev", "events.k8s.io/v1", true, "Event"),
        ("flowschemas", "", "flowcontrol.apiserver.k8s.io/v1", false, "FlowSchema"),
        ("prioritylevelconfigurations", "", "flowcontrol.apiserver.k8s.io/v1", false, "PriorityLevelConfiguration"),
        ("nodes", "", "metrics.k8s.io/v1beta1", false, "NodeMetrics"),
        ("pods", "", "metrics.k8s.io/v1beta1", true, "PodMetrics"),
        ("policyendpoints", "", "networking.k8s.aws/v1alpha1", true, "PolicyEndpoint"),
        ("ingressclasses", "", "networking.k8s.io/v1", false, "IngressClass"),
        ("ingresses", "ing", "networking.k8s.io/v1", true, "Ingress"),
        ("networkpolicies", "netpol", "networking.k8s.io/v1", true, "NetworkPolicy"),
        ("runtimeclasses", "", "node.k8s.io/v1", false, "RuntimeClass"),
        ("poddisruptionbudgets", "pdb", "policy/v1", true, "PodDisruptionBudget"),
        ("clusterrolebindings", "", "rbac.authorization.k8s.io/v1", false, "ClusterRoleBinding"),
        ("clusterroles", "", "rbac.authorization.k8s.io/v1", false, "ClusterRole"),
        ("rolebindings", "", "rbac.authorization.k8s.io/v1", true, "RoleBinding"),
        ("roles", "", "rbac.authorization.k8s.io/v1", true, "Role"),
        ("priorityclasses", "pc", "scheduling.k8s.io/v1", false, "PriorityClass"),
        ("csidrivers", "", "storage.k8s.io/v1", false, "CSIDriver"),
        ("csinodes", "", "storage.k8s.io/v1", false, "CSINode"),
        ("csistoragecapacities", "", "storage.k8s.io/v1", true, "CSIStorageCapacity"),
        ("storageclasses", "sc", "storage.k8s.io/v1", false, "StorageClass"),
        ("volumeattachments", "", "storage.k8s.io/v1", false, "VolumeAttachment"),
        ("volumeattributesclasses", "vac", "storage.k8s.io/v1beta1", false, "VolumeAttributesClass"),
        ("cninodes", "cnd", "vpcresources.k8s.aws/v1alpha1", false, "CNINode"),
        ("securitygrouppolicies", "sgp", "vpcresources.k8s.aws/v1beta1", true, "SecurityGroupPolicy"),
    ];

    [Fact]
    public void Eks_preferred_resources_match_kubectl_api_resources_on_eks()
    {
        var actual = ApiResourceCatalog.Eks.PreferredResources()
            .Select(r => (r.Name, string.Join(",", r.ShortNames), r.GroupVersion, r.Namespaced, r.Kind))
            .OrderBy(x => x.ToString(), StringComparer.Ordinal)
            .ToList();
        var expected = EksApiResources.OrderBy(x => x.ToString(), StringComparer.Ordinal).ToList();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Upstream_is_eks_without_the_eks_additions()
    {
        var eksOnly = ApiResourceCatalog.Eks.PreferredResources().Where(r => r.Source != ApiSource.Kubernetes).Select(r => r.QualifiedName).Order().ToList();
        Assert.Equal(
        [
            "cninodes.vpcresources.k8s.aws", "eniconfigs.crd.k8s.amazonaws.com", "nodes.metrics.k8s.io", "pods.metrics.k8s.io",
            "policyendpoints.networking.k8s.aws", "securitygrouppolicies.vpcresources.k8s.aws", "volumeattributesclasses.storage.k8s.io",
        ], eksOnly);
        Assert.Equal(
            ApiResourceCatalog.Eks.PreferredResources().Count - eksOnly.Count,
            ApiResourceCatalog.Upstream.PreferredResources().Count);
        Assert.All(ApiResourceCatalog.Upstream.AllResources, r => Assert.Equal(ApiSource.Kubernetes, r.Source));
    }

    [Fact]
    public void Upstream_groups_are_in_discovery_order_with_preferred_version_first()
    {
        var groups = ApiResourceCatalog.Upstream.Groups.Select(g => $"{g.Name}:{string.Join(",", g.Versions.Select(v => v.Version))}");
        Assert.Equal(
        [
            ":v1", "apiregistration.k8s.io:v1", "apps:v1", "events.k8s.io:v1", "authentication.k8s.io:v1", "authorization.k8s.io:v1",
            "autoscaling:v2,v1", "batch:v1", "certificates.k8s.io:v1", "networking.k8s.io:v1", "policy:v1", "rbac.authorization.k8s.io:v1",
            "storage.k8s.io:v1", "admissionregistration.k8s.io:v1", "apiextensions.k8s.io:v1", "scheduling.k8s.io:v1",
            "coordination.k8s.io:v1", "node.k8s.io:v1", "discovery.k8s.io:v1", "flowcontrol.apiserver.k8s.io:v1",
        ], groups);
    }

    [Fact]
    public void Eks_adds_beta_storage_version_and_addon_groups_after_builtins()
    {
        var eks = ApiResourceCatalog.Eks;
        Assert.Equal(["v1", "v1beta1"], eks.FindGroup("storage.k8s.io")!.Versions.Select(v => v.Version));
        Assert.Equal(
            ["crd.k8s.amazonaws.com", "networking.k8s.aws", "vpcresources.k8s.aws", "metrics.k8s.io"],
            eks.Groups.Skip(20).Select(g => g.Name));
        Assert.Equal("v1beta1", eks.FindGroup("vpcresources.k8s.aws")!.PreferredVersion);
        Assert.Equal(ApiSource.MetricsServer, eks.FindGroup("metrics.k8s.io")!.Source);
    }

    [Fact]
    public void Pods_carry_every_v1_32_subresource_but_not_the_gated_resize()
    {
        var pods = ApiResourceCatalog.Upstream.Find("", "v1", "pods")!;
        Assert.Equal(
            ["attach", "binding", "ephemeralcontainers", "eviction", "exec", "log", "portforward", "proxy", "status"],
            pods.Subresources.Select(s => s.Name));
        Assert.Equal(["create", "get"], pods.FindSubresource("exec")!.Verbs);
        Assert.Equal(["get"], pods.FindSubresource("log")!.Verbs);
        Assert.Equal(("Eviction", "policy", "v1"), (pods.FindSubresource("eviction")!.Kind, pods.FindSubresource("eviction")!.Group, pods.FindSubresource("eviction")!.Version));
        Assert.Equal(["all"], pods.Categories);
        Assert.Equal(["po"], pods.ShortNames);
        Assert.Equal("pod", pods.SingularName);
        Assert.True(pods.Namespaced);
    }

    [Theory]
    [InlineData("", "v1", "namespaces", "finalize", "Namespace", "update")]
    [InlineData("", "v1", "namespaces", "status", "Namespace", "get,patch,update")]
    [InlineData("", "v1", "nodes", "proxy", "NodeProxyOptions", "create,delete,get,patch,update")]
    [InlineData("", "v1", "serviceaccounts", "token", "TokenRequest", "create")]
    [InlineData("", "v1", "services", "proxy", "ServiceProxyOptions", "create,delete,get,patch,update")]
    [InlineData("", "v1", "replicationcontrollers", "scale", "Scale", "get,patch,update")]
    [InlineData("apps", "v1", "deployments", "scale", "Scale", "get,patch,update")]
    [InlineData("apps", "v1", "statefulsets", "scale", "Scale", "get,patch,update")]
    [InlineData("apps", "v1", "replicasets", "scale", "Scale", "get,patch,update")]
    [InlineData("certificates.k8s.io", "v1", "certificatesigningrequests", "approval", "CertificateSigningRequest", "get,patch,update")]
    [InlineData("admissionregistration.k8s.io", "v1", "validatingadmissionpolicies", "status", "ValidatingAdmissionPolicy", "get,patch,update")]
    [InlineData("networking.k8s.aws", "v1alpha1", "policyendpoints", "status", "PolicyEndpoint", "get,patch,update")]
    public void Subresources_have_their_discovery_kind_and_verbs(string group, string version, string resource, string sub, string kind, string verbs)
    {
        var s = ApiResourceCatalog.Eks.Find(group, version, resource)!.FindSubresource(sub)!;
        Assert.Equal(kind, s.Kind);
        Assert.Equal(verbs.Split(','), s.Verbs);
    }

    [Fact]
    public void Verb_sets_follow_discovery()
    {
        var c = ApiResourceCatalog.Eks;
        Assert.Equal(["create", "delete", "get", "list", "patch", "update", "watch"], c.Find("", "v1", "namespaces")!.Verbs);
        Assert.Equal(["create"], c.Find("", "v1", "bindings")!.Verbs);
        Assert.Equal(["get", "list"], c.Find("", "v1", "componentstatuses")!.Verbs);
        Assert.Equal(["create"], c.Find("authorization.k8s.io", "v1", "selfsubjectaccessreviews")!.Verbs);
        Assert.Equal(["create"], c.Find("authentication.k8s.io", "v1", "selfsubjectreviews")!.Verbs);
        Assert.Equal(["get", "list"], c.Find("metrics.k8s.io", "v1beta1", "pods")!.Verbs);
        Assert.Equal(["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"], c.Find("vpcresources.k8s.aws", "v1beta1", "securitygrouppolicies")!.Verbs);
        Assert.All(c.AllResources, r => Assert.NotEmpty(r.Verbs));
    }

    [Fact]
    public void Metrics_resources_report_no_singular_name()
    {
        Assert.Equal("", ApiResourceCatalog.Eks.Find("metrics.k8s.io", "v1beta1", "pods")!.SingularName);
        Assert.Equal("PodMetrics", ApiResourceCatalog.Eks.Find("metrics.k8s.io", "v1beta1", "pods")!.Kind);
        Assert.False(ApiResourceCatalog.Eks.Find("metrics.k8s.io", "v1beta1", "nodes")!.Namespaced);
    }

    [Fact]
    public void Hpa_is_served_at_both_autoscaling_versions_and_preferred_at_v2()
    {
        var c = ApiResourceCatalog.Upstream;
        Assert.NotNull(c.Find("autoscaling", "v1", "horizontalpodautoscalers"));
        Assert.Equal("v2", c.FindPreferred("autoscaling", "horizontalpodautoscalers")!.Version);
        Assert.Single(c.PreferredResources(), r => r.Name == "horizontalpodautoscalers");
    }

    [Fact]
    public void Alpha_and_default_off_beta_apis_are_absent()
    {
        var c = ApiResourceCatalog.Upstream;
        Assert.Null(c.FindGroup("resource.k8s.io"));
        Assert.Null(c.FindGroup("storagemigration.k8s.io"));
        Assert.Null(c.FindGroup("internal.apiserver.k8s.io"));
        Assert.Null(c.FindGroupVersion("networking.k8s.io", "v1beta1"));
        Assert.Null(c.FindGroupVersion("authentication.k8s.io", "v1beta1"));
        Assert.Null(c.FindGroupVersion("storage.k8s.io", "v1beta1"));
        Assert.Null(c.Find("coordination.k8s.io", "v1alpha2", "leasecandidates"));
    }

    [Fact]
    public void With_appends_groups_and_rejects_duplicates()
    {
        var crd = new ApiGroup("example.com", [new ApiGroupVersion("example.com", "v1",
        [
            new ApiResource { Name = "widgets", SingularName = "widget", Namespaced = true, Kind = "Widget", Group = "example.com", Version = "v1", Verbs = ["get"] },
        ])]);
        var c = ApiResourceCatalog.Upstream.With(crd);
        Assert.Equal("example.com", c.Groups[^1].Name);
        Assert.NotNull(c.Find("example.com", "v1", "widgets"));
        Assert.Throws<ArgumentException>(() => c.With(crd));
    }
}
