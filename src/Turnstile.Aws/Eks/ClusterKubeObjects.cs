using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Turnstile.State;

namespace Turnstile.Aws.Eks;

/// <summary>
/// The Kubernetes objects EKS itself writes into a cluster, stored as full v1 objects under the cluster's prefix
/// (without <c>metadata.resourceVersion</c>, which the Kubernetes front derives from the key's revision): the
/// <c>kube-system/aws-auth</c> ConfigMap rows of managed node groups, and the groups' Node objects.
/// </summary>
internal static class ClusterKubeObjects
{
    public const string AwsAuthNamespace = "kube-system";
    public const string AwsAuthName = "aws-auth";

    /// <summary>The field manager EKS's own writes are recorded under (the name real clusters show for aws-auth).</summary>
    public const string FieldManager = "vpcLambda";

    public static string AwsAuthKey(string cluster) => StateKey.KubeObject(cluster, "", "configmaps", AwsAuthNamespace, AwsAuthName);

    public static string NodeKey(string cluster, string name) => StateKey.KubeObject(cluster, "", "nodes", null, name);

    public static string Nodes(string cluster) => StateKey.KubeResource(cluster, "", "nodes");

    /// <summary>aws-auth's <c>data</c>, or null when the cluster has no aws-auth.</summary>
    public static IReadOnlyDictionary<string, string>? AwsAuthData(OptimisticTransaction tx, string cluster) =>
        tx.Read<StoredConfigMap>(AwsAuthKey(cluster)) is { } configMap ? configMap.Data ?? new Dictionary<string, string>() : null;

    public static IReadOnlyDictionary<string, string>? AwsAuthData(IStateView view, string cluster) =>
        view.Get(AwsAuthKey(cluster)) is { } stored ? StoredJson.Decode<StoredConfigMap>(stored).Data ?? new Dictionary<string, string>() : null;

    /// <summary>
    /// Writes aws-auth's <c>data</c>: an existing object keeps every other field as it is (labels, annotations,
    /// other managers' fields); a new one is created as EKS creates it.
    /// </summary>
    public static void WriteAwsAuthData(OptimisticTransaction tx, string cluster, IReadOnlyDictionary<string, string> data, DateTimeOffset at)
    {
        var key = AwsAuthKey(cluster);
        var dataNode = new JsonObject();
        foreach (var (name, value) in data) dataNode[name] = value;
        JsonObject configMap;
        if (tx.Get(key) is { } existing)
        {
            configMap = JsonNode.Parse(existing.Value)!.AsObject();
            configMap["data"] = dataNode;
        }
        else
        {
            configMap = new JsonObject
            {
                ["kind"] = "ConfigMap",
                ["apiVersion"] = "v1",
                ["metadata"] = new JsonObject
                {
                    ["name"] = AwsAuthName,
                    ["namespace"] = AwsAuthNamespace,
                    ["uid"] = Guid.NewGuid().ToString(),
                    ["creationTimestamp"] = Timestamp(at),
                    ["managedFields"] = new JsonArray(ManagedFields(at, new JsonObject
                    {
                        ["f:data"] = new JsonObject { ["."] = new JsonObject(), ["f:mapRoles"] = new JsonObject() },
                    })),
                },
                ["data"] = dataNode,
            };
        }
        tx.Put(key, JsonSerializer.SerializeToUtf8Bytes(configMap));
    }

    private static JsonObject ManagedFields(DateTimeOffset at, JsonObject fields) => new()
    {
        ["manager"] = FieldManager,
        ["operation"] = "Update",
        ["apiVersion"] = "v1",
        ["time"] = Timestamp(at),
        ["fieldsType"] = "FieldsV1",
        ["fieldsV1"] = fields,
    };

    /// <summary>Kubernetes' timestamp format (RFC 3339, seconds, UTC).</summary>
    public static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The instance id of every Node of the cluster (from <c>spec.providerID</c>), mapped to the node name.</summary>
    public static IReadOnlyDictionary<string, string> InstanceDnsNames(IStateView view, string cluster)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var stored in view.List(Nodes(cluster)))
        {
            var node = StoredJson.Decode<StoredNode>(stored);
            if (node.Spec?.ProviderId is { } provider && node.Metadata?.Name is { } name)
                names[provider[(provider.LastIndexOf('/') + 1)..]] = name;
        }
        return names;
    }

    /// <summary>What EKS reads back from a stored ConfigMap.</summary>
    private sealed record StoredConfigMap([property: JsonPropertyName("data")] Dictionary<string, string>? Data);

    private sealed record StoredNode(
        [property: JsonPropertyName("metadata")] StoredMetadata? Metadata,
        [property: JsonPropertyName("spec")] StoredNodeSpec? Spec);

    private sealed record StoredMetadata([property: JsonPropertyName("name")] string? Name);

    private sealed record StoredNodeSpec([property: JsonPropertyName("providerID")] string? ProviderId);
}
