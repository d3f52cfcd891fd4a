using System.Text.Json.Nodes;
using Turnstile.Core.Mapping;
using Turnstile.State;

namespace Turnstile.Aws.Eks;

// The IAM check for each operation, per the Service Authorization Reference for Amazon EKS: the resource type each
// action requires (cluster, access-entry, nodegroup, or none) and the condition keys it supports.
public sealed partial class EksService
{
    private AuthorizationRequest Authorize(string operation, JsonObject input, OptimisticTransaction tx)
    {
        var action = "eks:" + operation;
        switch (operation)
        {
            case "ListClusters" or "ListAccessPolicies":
                return new AuthorizationRequest(action, "*");
            case "CreateCluster":
                return new AuthorizationRequest(action, "*", CreateClusterKeys(input));
            case "CreateAccessEntry":
            {
                var keys = ClusterKeys(tx, input);
                keys["eks:principalArn"] = One(Input.String(input, "principalArn"));
                keys["eks:accessEntryType"] = One(Input.String(input, "type") ?? AccessEntryTypes.Standard);
                AddIfPresent(keys, "eks:username", Input.String(input, "username"));
                AddStrings(keys, "eks:kubernetesGroups", SafeStrings(input, "kubernetesGroups"));
                AddRequestTags(keys, input);
                return new AuthorizationRequest(action, ClusterArnOf(input), keys);
            }
            case "CreateNodegroup":
            {
                var keys = ClusterKeys(tx, input);
                AddRequestTags(keys, input);
                return new AuthorizationRequest(action, ClusterArnOf(input), keys);
            }
            case "UpdateClusterConfig":
            {
                var keys = ClusterKeys(tx, input);
                if (Input.Object(input, "accessConfig") is { } access)
                    AddIfPresent(keys, "eks:authenticationMode", Input.String(access, "authenticationMode"));
                return new AuthorizationRequest(action, ClusterArnOf(input), keys);
            }
            case "DescribeCluster" or "DeleteCluster" or "ListAccessEntries" or "ListNodegroups" or "ListUpdates" or "DescribeUpdate":
                return new AuthorizationRequest(action, ClusterArnOf(input), ClusterKeys(tx, input));
            case "DescribeAccessEntry" or "UpdateAccessEntry" or "DeleteAccessEntry" or "AssociateAccessPolicy"
                or "DisassociateAccessPolicy" or "ListAssociatedAccessPolicies":
                return AccessEntryRequest(tx, action, operation, input);
            case "DescribeNodegroup" or "DeleteNodegroup" or "UpdateNodegroupConfig":
            {
                var cluster = SafeClusterName(input);
                var name = Input.String(input, "nodegroupName") ?? "";
                var nodegroup = FindNodegroup(tx, cluster, name);
                var keys = new Dictionary<string, IReadOnlyList<string>>();
                if (nodegroup is not null) AddResourceTags(keys, nodegroup.Tags);
                return new AuthorizationRequest(action, nodegroup?.Arn ?? EksNames.NodegroupArn(Options, cluster, name, "*"), keys);
            }
            case "TagResource" or "UntagResource" or "ListTagsForResource":
                return TagRequest(tx, action, operation, input);
            default:
                return new AuthorizationRequest(action, "*");
        }
    }

    private Dictionary<string, IReadOnlyList<string>> CreateClusterKeys(JsonObject input)
    {
        var keys = new Dictionary<string, IReadOnlyList<string>>();
        var access = Input.Object(input, "accessConfig");
        keys["eks:authenticationMode"] = One((access is null ? null : Input.String(access, "authenticationMode")) ?? AuthenticationMode.ConfigMap.ToWire());
        var bootstrap = access?["bootstrapClusterCreatorAdminPermissions"] is JsonValue v && v.TryGetValue<bool>(out var flag) ? flag : true;
        keys["eks:bootstrapClusterCreatorAdminPermissions"] = One(bootstrap ? "true" : "false");
        keys["eks:kubernetesVersion"] = One(Input.String(input, "version") ?? DefaultKubernetesVersion);
        if (Input.Object(input, "resourcesVpcConfig") is { } vpc)
        {
            if (vpc["endpointPublicAccess"] is JsonValue pub && pub.TryGetValue<bool>(out var isPublic)) keys["eks:endpointPublicAccess"] = One(isPublic ? "true" : "false");
            if (vpc["endpointPrivateAccess"] is JsonValue priv && priv.TryGetValue<bool>(out var isPrivate)) keys["eks:endpointPrivateAccess"] = One(isPrivate ? "true" : "false");
        }
        AddRequestTags(keys, input);
        return keys;
    }

    private AuthorizationRequest AccessEntryRequest(OptimisticTransaction tx, string action, string operation, JsonObject input)
    {
        var cluster = SafeClusterName(input);
        var principalArn = Input.String(input, "principalArn") ?? "";
        var entry = FindEntry(tx, cluster, principalArn);
        var keys = new Dictionary<string, IReadOnlyList<string>>
        {
            ["eks:clusterName"] = One(cluster),
            ["eks:principalArn"] = One(principalArn),
        };
        if (entry is not null)
        {
            keys["eks:accessEntryType"] = One(entry.Type);
            keys["eks:username"] = One(entry.Username);
            AddStrings(keys, "eks:kubernetesGroups", entry.KubernetesGroups);
            AddResourceTags(keys, entry.Tags);
        }
        if (operation == "UpdateAccessEntry")
        {
            AddIfPresent(keys, "eks:username", Input.String(input, "username"));
            if (SafeStrings(input, "kubernetesGroups") is { } groups) keys["eks:kubernetesGroups"] = groups;
        }
        if (operation is "AssociateAccessPolicy" or "DisassociateAccessPolicy")
        {
            AddIfPresent(keys, "eks:policyArn", Input.String(input, "policyArn"));
            if (Input.Object(input, "accessScope") is { } scope)
            {
                AddIfPresent(keys, "eks:accessScope", Input.String(scope, "type"));
                AddStrings(keys, "eks:namespaces", SafeStrings(scope, "namespaces"));
            }
        }
        // Before an entry exists its ARN's UUID is unknown; the request names every entry of the principal.
        var resource = entry?.AccessEntryArn ?? EksNames.AccessEntryArn(Options, cluster, principalArn, "*");
        return new AuthorizationRequest(action, resource, keys);
    }

    private AuthorizationRequest TagRequest(OptimisticTransaction tx, string action, string operation, JsonObject input)
    {
        var resourceArn = Input.String(input, "resourceArn") ?? "*";
        var keys = new Dictionary<string, IReadOnlyList<string>>();
        IReadOnlyDictionary<string, string>? current = null;
        try
        {
            current = ResolveTagged(tx, resourceArn).Tags;
        }
        catch (AwsServiceException)
        {
            // Unknown resources are reported by the operation itself.
        }
        if (current is not null) AddResourceTags(keys, current);
        if (EntriesOf(tx, ArnSegment(resourceArn, 1)).FirstOrDefault(e => e.AccessEntryArn == resourceArn) is { } entry)
        {
            keys["eks:clusterName"] = One(entry.ClusterName);
            keys["eks:principalArn"] = One(entry.PrincipalArn);
            keys["eks:accessEntryType"] = One(entry.Type);
            keys["eks:username"] = One(entry.Username);
            AddStrings(keys, "eks:kubernetesGroups", entry.KubernetesGroups);
        }
        if (operation == "TagResource") AddRequestTags(keys, input);
        if (operation == "UntagResource") AddStrings(keys, "aws:TagKeys", SafeStrings(input, "tagKeys"));
        return new AuthorizationRequest(action, resourceArn, keys);
    }

    private static Dictionary<string, IReadOnlyList<string>> ClusterKeys(OptimisticTransaction tx, JsonObject input)
    {
        var keys = new Dictionary<string, IReadOnlyList<string>>();
        if (FindCluster(tx, SafeClusterName(input)) is { } cluster) AddResourceTags(keys, cluster.Tags);
        return keys;
    }

    private string ClusterArnOf(JsonObject input) => EksNames.ClusterArn(Options, SafeClusterName(input));

    private static string SafeClusterName(JsonObject input) => Input.String(input, "clusterName") ?? Input.String(input, "name") ?? "";

    private static string ArnSegment(string arn, int index)
    {
        var colon = arn.Split(':', 6);
        if (colon.Length < 6) return "";
        var parts = colon[5].Split('/');
        return parts.Length > index ? parts[index] : "";
    }

    private static IReadOnlyList<string>? SafeStrings(JsonObject input, string member)
    {
        try { return Input.StringList(input, member); }
        catch (AwsServiceException) { return null; }
    }

    private static IReadOnlyList<string> One(string? value) => [value ?? ""];

    private static void AddIfPresent(Dictionary<string, IReadOnlyList<string>> keys, string key, string? value)
    {
        if (value is not null) keys[key] = [value];
    }

    private static void AddStrings(Dictionary<string, IReadOnlyList<string>> keys, string key, IReadOnlyList<string>? values)
    {
        if (values is not null) keys[key] = values;
    }

    private static void AddResourceTags(Dictionary<string, IReadOnlyList<string>> keys, IReadOnlyDictionary<string, string> tags)
    {
        foreach (var (key, value) in tags) keys["aws:ResourceTag/" + key] = [value];
    }

    private static void AddRequestTags(Dictionary<string, IReadOnlyList<string>> keys, JsonObject input)
    {
        if (input["tags"] is not JsonObject tags || tags.Count == 0) return;
        var names = new List<string>();
        foreach (var (key, node) in tags)
        {
            names.Add(key);
            if (node is JsonValue v && v.TryGetValue<string>(out var value)) keys["aws:RequestTag/" + key] = [value];
        }
        keys["aws:TagKeys"] = names;
    }
}
