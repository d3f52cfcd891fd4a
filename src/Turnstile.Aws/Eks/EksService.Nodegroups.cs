using System.Globalization;
using System.Text.Json.Nodes;
using Turnstile.Core.Arns;
using Turnstile.Core.Mapping;
using Turnstile.State;

namespace Turnstile.Aws.Eks;

// Managed node groups: CreateNodegroup, DescribeNodegroup, ListNodegroups, UpdateNodegroupConfig, DeleteNodegroup.
public sealed partial class EksService
{
    private const string DefaultAmiType = "AL2023_x86_64_STANDARD";

    private static readonly string[] AmiTypes =
    [
        "AL2_x86_64", "AL2_x86_64_GPU", "AL2_ARM_64", "CUSTOM", "BOTTLEROCKET_ARM_64", "BOTTLEROCKET_x86_64",
        "BOTTLEROCKET_ARM_64_FIPS", "BOTTLEROCKET_x86_64_FIPS", "BOTTLEROCKET_ARM_64_NVIDIA", "BOTTLEROCKET_x86_64_NVIDIA",
        "BOTTLEROCKET_ARM_64_NVIDIA_FIPS", "BOTTLEROCKET_x86_64_NVIDIA_FIPS", "WINDOWS_CORE_2019_x86_64", "WINDOWS_FULL_2019_x86_64",
        "WINDOWS_CORE_2022_x86_64", "WINDOWS_FULL_2022_x86_64", "WINDOWS_CORE_2025_x86_64", "WINDOWS_FULL_2025_x86_64",
        "AL2023_x86_64_STANDARD", "AL2023_ARM_64_STANDARD", "AL2023_x86_64_NEURON", "AL2023_x86_64_NVIDIA", "AL2023_ARM_64_NVIDIA",
    ];

    private JsonObject CreateNodegroup(Call call)
    {
        var input = call.Input;
        var cluster = RequireCluster(call.Tx, ClusterNameOf(input));
        var name = Input.RequiredString(input, "nodegroupName");
        ValidateName("nodegroupName", name, 63);
        var subnets = Input.StringList(input, "subnets") ?? throw EksErrors.Missing("subnets");
        if (subnets.Count == 0) throw EksErrors.InvalidParameterError("At least one subnet must be specified.", cluster.Name, name);
        var nodeRole = Input.RequiredString(input, "nodeRole");
        if (!PrincipalArn.TryParse(nodeRole, out var role, out _) || role.Type != PrincipalType.Role)
            throw EksErrors.InvalidParameterError($"nodeRole {nodeRole} is not a valid IAM role ARN.", cluster.Name, name);

        var scaling = ReadScaling(Input.Object(input, "scalingConfig"), cluster.Name, name);
        var amiType = Input.String(input, "amiType") ?? DefaultAmiType;
        if (!AmiTypes.Contains(amiType))
            throw EksErrors.Constraint("amiType", amiType, $"Member must satisfy enum value set: [{string.Join(", ", AmiTypes)}]");
        var capacityType = Input.String(input, "capacityType") ?? "ON_DEMAND";
        if (capacityType is not ("ON_DEMAND" or "SPOT" or "CAPACITY_BLOCK"))
            throw EksErrors.Constraint("capacityType", capacityType, "Member must satisfy enum value set: [ON_DEMAND, SPOT, CAPACITY_BLOCK]");
        var tags = Input.StringMap(input, "tags") ?? new Dictionary<string, string>();
        ValidateTags(tags, EksErrors.InvalidParameter);
        var version = Input.String(input, "version") ?? cluster.Version;
        if (!SupportedKubernetesVersions.Contains(version))
            throw EksErrors.InvalidParameterError($"unsupported Kubernetes version {version}", cluster.Name, name);

        if (cluster.Status is ClusterStatuses.Creating or ClusterStatuses.Deleting)
            throw EksErrors.Error(EksErrors.InvalidRequest, $"Cluster '{cluster.Name}' is not in ACTIVE status", cluster.Name, name);
        if (FindNodegroup(call.Tx, cluster.Name, name) is not null)
            throw EksErrors.Error(EksErrors.ResourceInUse, $"NodeGroup already exists with name {name} and cluster name {cluster.Name}", cluster.Name, name);

        var uuid = EksNames.Uuid();
        var nodegroup = new NodegroupRecord
        {
            Name = name,
            ClusterName = cluster.Name,
            Arn = EksNames.NodegroupArn(Options, cluster.Name, name, uuid),
            CreatedAt = call.Now,
            ModifiedAt = call.Now,
            Status = NodegroupStatuses.Creating,
            StatusDueAt = DueAt(call.Now, _timings.NodegroupCreation),
            NodeRole = nodeRole,
            Subnets = subnets,
            InstanceTypes = Input.StringList(input, "instanceTypes") ?? [DefaultInstanceType],
            AmiType = amiType,
            CapacityType = capacityType,
            ScalingConfig = scaling,
            DiskSize = Input.Int(input, "diskSize") ?? 20,
            Version = version,
            ReleaseVersion = ReleaseVersion(version),
            Labels = Input.StringMap(input, "labels") ?? new Dictionary<string, string>(),
            Tags = tags,
            AutoScalingGroupName = $"eks-{name}-{uuid}",
            ImageId = EksNames.ResourceId("ami"),
        };
        call.Tx.Create(EksKeys.Nodegroup(cluster.Name, name), nodegroup);
        SaveCluster(call.Tx, cluster with { Nodegroups = [.. cluster.Nodegroups, name] });
        Schedule(call.Tx, nodegroup.StatusDueAt!.Value, DueKinds.Nodegroup, cluster.Name, name);

        // EKS lets the node role in through whatever the mode reads: an EC2 node entry, an aws-auth row, or both.
        var mode = ModeOf(cluster);
        if (mode.UsesAccessEntries())
        {
            var roleId = _iam.FindPrincipal(call.Tx, nodeRole)?.UniqueId;
            if (!HasEntryFor(call.Tx, cluster.Name, nodeRole, roleId)) CreateEntry(call.Tx, NodeRoleEntry(cluster, nodegroup, roleId, call.Now));
        }
        if (mode.UsesConfigMap())
        {
            var current = ClusterKubeObjects.AwsAuthData(call.Tx, cluster.Name);
            if (AwsAuthEditor.AddNodeRole(current, nodeRole, IsWindows(amiType)) is { } data && (current is null || !SameData(current, data)))
                ClusterKubeObjects.WriteAwsAuthData(call.Tx, cluster.Name, data, call.Now);
        }
        return new JsonObject { ["nodegroup"] = NodegroupJson(nodegroup) };
    }

    private static bool SameData(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var value) && value == p.Value);

    private JsonObject DescribeNodegroup(Call call)
    {
        var cluster = RequireCluster(call.Tx, ClusterNameOf(call.Input));
        var nodegroup = RequireNodegroup(call.Tx, cluster.Name, Input.RequiredString(call.Input, "nodegroupName"));
        return new JsonObject { ["nodegroup"] = NodegroupJson(nodegroup) };
    }

    private JsonObject ListNodegroups(Call call)
    {
        var cluster = RequireCluster(call.Tx, ClusterNameOf(call.Input));
        var (page, next) = Paging.Page(cluster.Nodegroups.Order(StringComparer.Ordinal), n => n, call.Input);
        return WithToken(new JsonObject { ["nodegroups"] = Output.Strings(page) }, next);
    }

    /// <summary>
    /// Changes a group's scaling (the only node group setting emulated): an update in progress until it lands, when the
    /// group launches or removes nodes to reach its new desired size.
    /// </summary>
    private JsonObject UpdateNodegroupConfig(Call call)
    {
        var input = call.Input;
        var cluster = RequireCluster(call.Tx, ClusterNameOf(input));
        var nodegroup = RequireNodegroup(call.Tx, cluster.Name, Input.RequiredString(input, "nodegroupName"));
        if (new[] { "labels", "taints", "updateConfig", "nodeRepairConfig", "warmPoolConfig" }.FirstOrDefault(m => Input.Has(input, m)) is { } other)
            throw EksErrors.Error(EksErrors.InvalidRequest, $"Turnstile does not emulate {other} updates; only scalingConfig can be updated.", cluster.Name, nodegroup.Name);
        var requested = Input.Object(input, "scalingConfig")
            ?? throw EksErrors.InvalidParameterError("No changes needed for the nodegroup configuration.", cluster.Name, nodegroup.Name);
        var current = nodegroup.ScalingConfig;
        var scaling = ReadScaling(new JsonObject
        {
            ["minSize"] = Input.Int(requested, "minSize") ?? current.MinSize,
            ["maxSize"] = Input.Int(requested, "maxSize") ?? current.MaxSize,
            ["desiredSize"] = Input.Int(requested, "desiredSize") ?? current.DesiredSize,
        }, cluster.Name, nodegroup.Name);
        if (nodegroup.Status != NodegroupStatuses.Active)
            throw EksErrors.Error(EksErrors.ResourceInUse, $"Nodegroup {nodegroup.Name} is in {nodegroup.Status} state", cluster.Name, nodegroup.Name);
        if (scaling == current) throw EksErrors.InvalidParameterError("No changes needed for the nodegroup configuration.", cluster.Name, nodegroup.Name);

        var parameters = new List<UpdateParamRecord>();
        if (scaling.MinSize != current.MinSize) parameters.Add(new UpdateParamRecord("MinSize", scaling.MinSize.ToString(CultureInfo.InvariantCulture)));
        if (scaling.MaxSize != current.MaxSize) parameters.Add(new UpdateParamRecord("MaxSize", scaling.MaxSize.ToString(CultureInfo.InvariantCulture)));
        if (scaling.DesiredSize != current.DesiredSize) parameters.Add(new UpdateParamRecord("DesiredSize", scaling.DesiredSize.ToString(CultureInfo.InvariantCulture)));
        var update = new UpdateRecord
        {
            Id = EksNames.Uuid(),
            ClusterName = cluster.Name,
            NodegroupName = nodegroup.Name,
            Type = "ConfigUpdate",
            Status = UpdateStatuses.InProgress,
            Params = parameters,
            CreatedAt = call.Now,
            DueAt = DueAt(call.Now, _timings.NodegroupUpdate),
            TargetScaling = scaling,
        };
        call.Tx.Create(EksKeys.Update(cluster.Name, update.Id), update);
        SaveNodegroup(call.Tx, nodegroup with { Status = NodegroupStatuses.Updating, PendingUpdateId = update.Id, ModifiedAt = call.Now });
        Schedule(call.Tx, update.DueAt.Value, DueKinds.Update, cluster.Name, update.Id);
        return new JsonObject { ["update"] = UpdateJson(update) };
    }

    private JsonObject DeleteNodegroup(Call call)
    {
        var cluster = RequireCluster(call.Tx, ClusterNameOf(call.Input));
        var nodegroup = RequireNodegroup(call.Tx, cluster.Name, Input.RequiredString(call.Input, "nodegroupName"));
        if (nodegroup.Status == NodegroupStatuses.Deleting) return new JsonObject { ["nodegroup"] = NodegroupJson(nodegroup) };
        var deleting = nodegroup with
        {
            Status = NodegroupStatuses.Deleting,
            StatusDueAt = DueAt(call.Now, _timings.NodegroupDeletion),
            ModifiedAt = call.Now,
        };
        SaveNodegroup(call.Tx, deleting);
        Schedule(call.Tx, deleting.StatusDueAt.Value, DueKinds.Nodegroup, cluster.Name, nodegroup.Name);
        return new JsonObject { ["nodegroup"] = NodegroupJson(deleting) };
    }

    private static NodegroupRecord RequireNodegroup(OptimisticTransaction tx, string cluster, string name) =>
        FindNodegroup(tx, cluster, name) ?? throw EksErrors.NodegroupNotFound(cluster, name);

    private static ScalingConfigRecord ReadScaling(JsonObject? scaling, string cluster, string nodegroup)
    {
        var min = (scaling is null ? null : Input.Int(scaling, "minSize")) ?? 1;
        var max = (scaling is null ? null : Input.Int(scaling, "maxSize")) ?? Math.Max(2, min);
        var desired = (scaling is null ? null : Input.Int(scaling, "desiredSize")) ?? Math.Clamp(2, min, Math.Max(min, max));
        if (min < 0) throw EksErrors.Constraint("scalingConfig.minSize", min.ToString(), "Member must have value greater than or equal to 0");
        if (max < 1) throw EksErrors.Constraint("scalingConfig.maxSize", max.ToString(), "Member must have value greater than or equal to 1");
        if (desired < 0) throw EksErrors.Constraint("scalingConfig.desiredSize", desired.ToString(), "Member must have value greater than or equal to 0");
        if (min > max) throw EksErrors.InvalidParameterError($"Minimum capacity {min} can't be greater than max size {max}", cluster, nodegroup);
        if (desired > max) throw EksErrors.InvalidParameterError($"Desired capacity {desired} can't be greater than max size {max}", cluster, nodegroup);
        if (desired < min) throw EksErrors.InvalidParameterError($"Minimum capacity {min} can't be greater than desired size {desired}", cluster, nodegroup);
        return new ScalingConfigRecord(min, max, desired);
    }

    private static bool IsWindows(string amiType) => amiType.StartsWith("WINDOWS_", StringComparison.Ordinal);

    private static string ReleaseVersion(string version) => $"{version}.5-20250501";

    private static JsonObject NodegroupJson(NodegroupRecord n)
    {
        var json = new JsonObject
        {
            ["nodegroupName"] = n.Name,
            ["nodegroupArn"] = n.Arn,
            ["clusterName"] = n.ClusterName,
            ["version"] = n.Version,
            ["releaseVersion"] = n.ReleaseVersion,
            ["createdAt"] = Output.Timestamp(n.CreatedAt),
            ["modifiedAt"] = Output.Timestamp(n.ModifiedAt),
            ["status"] = n.Status,
            ["capacityType"] = n.CapacityType,
            ["scalingConfig"] = new JsonObject
            {
                ["minSize"] = n.ScalingConfig.MinSize,
                ["maxSize"] = n.ScalingConfig.MaxSize,
                ["desiredSize"] = n.ScalingConfig.DesiredSize,
            },
            ["instanceTypes"] = Output.Strings(n.InstanceTypes),
            ["subnets"] = Output.Strings(n.Subnets),
            ["amiType"] = n.AmiType,
            ["nodeRole"] = n.NodeRole,
            ["labels"] = Output.Map(n.Labels),
        };
        if (n.Status != NodegroupStatuses.Creating)
            json["resources"] = new JsonObject
            {
                ["autoScalingGroups"] = new JsonArray(new JsonObject { ["name"] = n.AutoScalingGroupName }),
            };
        json["diskSize"] = n.DiskSize;
        json["health"] = new JsonObject { ["issues"] = new JsonArray() };
        json["updateConfig"] = new JsonObject { ["maxUnavailable"] = 1 };
        json["tags"] = Output.Map(n.Tags);
        return json;
    }
}
