using System.Text.Json;

namespace Turnstile.Aws.Eks;

/// <summary><c>kube-system/aws-auth</c>: its <c>data</c> and the metadata Kubernetes shows for it.</summary>
public sealed record AwsAuthConfigMap
{
    public IReadOnlyDictionary<string, string> Data { get; init; } = new Dictionary<string, string>();
    public required string Uid { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset ModifiedAt { get; init; }
}

/// <summary>A worker node of a managed node group, as <c>kubectl get nodes</c> lists it.</summary>
public sealed record ClusterNode
{
    /// <summary>The node name: the instance's private DNS name.</summary>
    public required string Name { get; init; }
    public required string InstanceId { get; init; }
    public required string PrivateIp { get; init; }
    public required string AvailabilityZone { get; init; }
    public required string InstanceType { get; init; }
    public required string NodegroupName { get; init; }
    public required string KubeletVersion { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>
/// The Kubernetes-side state of one cluster that EKS itself writes or that must live and die with the cluster:
/// the aws-auth ConfigMap (null when absent) and the nodes. <see cref="Extensions"/> is where later layers
/// (the Kubernetes front: RBAC objects, namespaces...) persist their own per-cluster documents under their own key;
/// EKS keeps them untouched and deletes them with the cluster.
/// </summary>
public sealed record ClusterObjects
{
    public required string ClusterName { get; init; }
    public AwsAuthConfigMap? AwsAuth { get; init; }
    public IReadOnlyList<ClusterNode> Nodes { get; init; } = [];
    public IReadOnlyDictionary<string, JsonElement> Extensions { get; init; } = new Dictionary<string, JsonElement>();
}
