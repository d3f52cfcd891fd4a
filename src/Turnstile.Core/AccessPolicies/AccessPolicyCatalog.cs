using Turnstile.Core.Rbac;

namespace Turnstile.Core.AccessPolicies;

/// <summary>
/// The EKS access policy catalogue: names, ARNs and, for the policies whose contents AWS documents,
/// their Kubernetes rules (EKS user guide, access policy reference). Sorted by name as ListAccessPolicies returns it.
/// </summary>
public static class AccessPolicyCatalog
{
    private const string ArnPrefix = ":eks::aws:cluster-access-policy/";

    private static readonly string[] Read = ["get", "list", "watch"];
    private static readonly string[] Write = ["create", "delete", "deletecollection", "patch", "update"];

    public static IReadOnlyList<AccessPolicy> All { get; } = Build().OrderBy(p => p.Name, StringComparer.Ordinal).ToArray();

    private static readonly Dictionary<string, AccessPolicy> ByName = All.ToDictionary(p => p.Name, StringComparer.Ordinal);

    public static AccessPolicy? FindByName(string name) => ByName.GetValueOrDefault(name);

    /// <summary>Looks a policy up by ARN in any partition: <c>arn:&lt;p&gt;:eks::aws:cluster-access-policy/&lt;Name&gt;</c>.</summary>
    public static AccessPolicy? FindByArn(string arn)
    {
        if (!arn.StartsWith("arn:", StringComparison.Ordinal)) return null;
        var at = arn.IndexOf(ArnPrefix, StringComparison.Ordinal);
        if (at < 0) return null;
        var partition = arn.AsSpan(4, at - 4);
        if (!Arns.Partitions.IsKnown(partition.ToString())) return null;
        return FindByName(arn[(at + ArnPrefix.Length)..]);
    }

    private static IEnumerable<AccessPolicy> Build()
    {
        var view = ViewRules().ToArray();
        var edit = view.Concat(EditExtraRules()).ToArray();
        var admin = edit.Concat(AdminExtraRules()).ToArray();

        yield return Published("AmazonEKSClusterAdminPolicy",
            Rule(["*"], ["*"], ["*"]),
            PolicyRule.ForUrls(["*"], ["*"]));
        yield return Published("AmazonEKSAdminPolicy", admin);
        yield return Published("AmazonEKSEditPolicy", edit);
        yield return Published("AmazonEKSViewPolicy", view);
        yield return Published("AmazonEKSAdminViewPolicy", Rule(Read, ["*"], ["*"]));
        yield return Published("AmazonEKSSecretReaderPolicy", Rule(Read, [""], ["secrets"]));
        yield return Published("AmazonEKSSecretAdminPolicy", Rule(["*"], [""], ["secrets"]));
        yield return Published("AmazonEKSHybridPolicy", AccessPolicyAudience.ServiceLinkedOnly, Rule(["list"], ["*"], ["nodes"]));
        yield return Published("AmazonARCRegionSwitchScalingPolicy", AccessPolicyAudience.Feature,
            Rule(["get", "update"], ["*"], ["*/scale"]),
            Rule(["get"], ["*"], ["*/status"]),
            Rule(["get", "patch"], ["autoscaling"], ["horizontalpodautoscalers"]));

        foreach (var name in new[]
                 {
                     "AmazonEKSClusterInsightsPolicy", "AmazonEKSComputePolicy", "AmazonEKSBlockStoragePolicy",
                     "AmazonEKSComputeClusterPolicy", "AmazonEKSBlockStorageClusterPolicy",
                 })
            yield return Unpublished(name, AccessPolicyAudience.ServiceLinkedOnly);

        foreach (var name in new[]
                 {
                     "AmazonEKSAutoNodePolicy", "AmazonEKSLoadBalancingPolicy", "AmazonEKSNetworkingPolicy",
                     "AmazonEKSLoadBalancingClusterPolicy", "AmazonEKSNetworkingClusterPolicy", "AmazonEMRJobPolicy",
                     "AmazonSagemakerHyperpodClusterPolicy", "AmazonSagemakerHyperpodControllerPolicy",
                     "AmazonSagemakerHyperpodSystemNamespacePolicy", "AmazonSagemakerHyperpodSpacePolicy",
                     "AmazonSagemakerHyperpodSpaceTemplatePolicy", "AmazonSagemakerHyperpodUserClusterPolicy",
                     "AmazonAIOpsAssistantPolicy", "AIDevOpsAgentAccessPolicy", "AmazonEKSACKPolicy",
                     "AmazonEKSArgoCDPolicy", "AmazonEKSArgoCDClusterPolicy", "AmazonEKSKROPolicy",
                     "AmazonEKSEventPolicy", "AmazonEKSPodIdentityPolicy",
                 })
            yield return Unpublished(name, AccessPolicyAudience.Feature);
    }

    private static IEnumerable<PolicyRule> ViewRules()
    {
        yield return Rule(Read, ["apps"], ["controllerrevisions", "daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status", "replicasets", "replicasets/scale", "replicasets/status", "statefulsets", "statefulsets/scale", "statefulsets/status"]);
        yield return Rule(Read, ["autoscaling"], ["horizontalpodautoscalers", "horizontalpodautoscalers/status"]);
        yield return Rule(Read, ["batch"], ["cronjobs", "cronjobs/status", "jobs", "jobs/status"]);
        yield return Rule(Read, ["discovery.k8s.io"], ["endpointslices"]);
        yield return Rule(Read, ["extensions"], ["daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status", "ingresses", "ingresses/status", "networkpolicies", "replicasets", "replicasets/scale", "replicasets/status", "replicationcontrollers/scale"]);
        yield return Rule(Read, ["networking.k8s.io"], ["ingresses", "ingresses/status", "networkpolicies"]);
        yield return Rule(Read, ["policy"], ["poddisruptionbudgets", "poddisruptionbudgets/status"]);
        yield return Rule(Read, [""], ["configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "services/status"]);
        yield return Rule(Read, [""], ["bindings", "events", "limitranges", "namespaces/status", "pods/log", "pods/status", "replicationcontrollers/status", "resourcequotas", "resourcequotas/status"]);
        yield return Rule(Read, [""], ["namespaces"]);
    }

    private static IEnumerable<PolicyRule> EditExtraRules()
    {
        yield return Rule(Write, ["apps"], ["daemonsets", "deployments", "deployments/rollback", "deployments/scale", "replicasets", "replicasets/scale", "statefulsets", "statefulsets/scale"]);
        yield return Rule(Write, ["autoscaling"], ["horizontalpodautoscalers"]);
        yield return Rule(Write, ["batch"], ["cronjobs", "jobs"]);
        yield return Rule(Write, ["extensions"], ["daemonsets", "deployments", "deployments/rollback", "deployments/scale", "ingresses", "networkpolicies", "replicasets", "replicasets/scale", "replicationcontrollers/scale"]);
        yield return Rule(Write, ["networking.k8s.io"], ["ingresses", "networkpolicies"]);
        yield return Rule(Write, ["policy"], ["poddisruptionbudgets"]);
        yield return Rule(Read, [""], ["pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"]);
        yield return Rule(Write, [""], ["configmaps", "events", "persistentvolumeclaims", "replicationcontrollers", "replicationcontrollers/scale", "secrets", "serviceaccounts", "services", "services/proxy"]);
        yield return Rule(Write, [""], ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"]);
        yield return Rule(["impersonate"], [""], ["serviceaccounts"]);
    }

    private static IEnumerable<PolicyRule> AdminExtraRules()
    {
        yield return Rule(["create"], ["authorization.k8s.io"], ["localsubjectaccessreviews"]);
        yield return Rule(["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"], ["rbac.authorization.k8s.io"], ["rolebindings", "roles"]);
    }

    private static PolicyRule Rule(string[] verbs, string[] groups, string[] resources) => PolicyRule.ForResources(verbs, groups, resources);

    private static AccessPolicy Published(string name, params PolicyRule[] rules) => new(name, AccessPolicyAudience.Any, rules, true);

    private static AccessPolicy Published(string name, AccessPolicyAudience audience, params PolicyRule[] rules) => new(name, audience, rules, true);

    private static AccessPolicy Unpublished(string name, AccessPolicyAudience audience) => new(name, audience, [], false);
}
