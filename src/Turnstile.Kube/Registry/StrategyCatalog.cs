using Turnstile.Core.Kube;
using Turnstile.Kube.Registry.Strategies;
using Turnstile.Kube.Storage;

namespace Turnstile.Kube.Registry;

/// <summary>The strategy of each kind; kinds without their own get <see cref="KindStrategy.Generic"/>.</summary>
public static class StrategyCatalog
{
    private static readonly KindStrategy Namespace = new NamespaceStrategy();
    private static readonly KindStrategy Pod = new PodStrategy();
    private static readonly KindStrategy Node = new NodeStrategy();
    private static readonly KindStrategy Service = new ServiceStrategy();
    private static readonly KindStrategy Secret = new SecretStrategy();
    private static readonly KindStrategy ConfigMap = new ConfigMapStrategy();
    private static readonly KindStrategy Event = new EventStrategy();
    private static readonly KindStrategy ReturnDeleted = new ReturnDeletedStrategy();
    private static readonly KindStrategy CreateOnUpdate = new CreateOnUpdateStrategy();
    private static readonly KindStrategy Rbac = new RbacStrategy();
    private static readonly KindStrategy ClusterRole = new ClusterRoleStrategy();
    private static readonly KindStrategy Workload = new GenerationStrategy();
    private static readonly KindStrategy Deployment = new GenerationStrategy(annotationsCount: true);
    private static readonly KindStrategy StatefulSet = new GenerationStrategy(NameRules.Dns1123Label);
    private static readonly KindStrategy CustomResource = new CustomResourceStrategy();

    private static readonly KindStrategy ReplicationController = new GenerationStrategy(fieldLabels: r =>
        FieldLabels.Custom(true, ["metadata.name", "metadata.namespace"], new Dictionary<string, string>())
            .With("status.replicas", o => KubeObject.Int(o["status"] as System.Text.Json.Nodes.JsonObject, "replicas")?.ToString() ?? "0"));

    private static readonly KindStrategy Job = new GenerationStrategy(fieldLabels: r =>
        FieldLabels.Custom(true, ["metadata.name", "metadata.namespace"], new Dictionary<string, string>(), label => $"field label \"{label}\" not supported for \"Job\"")
            .With("status.successful", o => KubeObject.Int(o["status"] as System.Text.Json.Nodes.JsonObject, "succeeded")?.ToString() ?? "0"));

    private static readonly KindStrategy CertificateSigningRequest = new GenerationStrategy(fieldLabels: r =>
        FieldLabels.Custom(false, ["metadata.name"], new Dictionary<string, string> { ["spec.signerName"] = "spec.signerName" }));

    public static KindStrategy For(ApiResource api)
    {
        if (api.Source is not (ApiSource.Kubernetes or ApiSource.EksEnabledBeta)) return CustomResource;
        return (api.Group, api.Name) switch
        {
            ("", "namespaces") => Namespace,
            ("", "pods") => Pod,
            ("", "nodes") => Node,
            ("", "services") => Service,
            ("", "secrets") => Secret,
            ("", "configmaps") => ConfigMap,
            ("", "events") => Event,
            ("", "replicationcontrollers") => ReplicationController,
            ("", "serviceaccounts" or "persistentvolumes" or "persistentvolumeclaims") => ReturnDeleted,
            ("", "endpoints" or "limitranges") => CreateOnUpdate,
            ("coordination.k8s.io", "leases") or ("discovery.k8s.io", "endpointslices") or ("events.k8s.io", "events") => CreateOnUpdate,
            ("rbac.authorization.k8s.io", "clusterroles") => ClusterRole,
            ("rbac.authorization.k8s.io", _) => Rbac,
            ("apps", "deployments") => Deployment,
            ("apps", "statefulsets") => StatefulSet,
            ("apps", "replicasets" or "daemonsets") => Workload,
            ("batch", "jobs") => Job,
            ("batch", "cronjobs") => Workload,
            ("policy", "poddisruptionbudgets") => Workload,
            ("networking.k8s.io", "ingresses" or "networkpolicies") => Workload,
            ("admissionregistration.k8s.io", _) => Workload,
            ("apiextensions.k8s.io", "customresourcedefinitions") => Workload,
            ("certificates.k8s.io", "certificatesigningrequests") => CertificateSigningRequest,
            _ => KindStrategy.Generic,
        };
    }
}
