using System.Text.Json;
using System.Text.Json.Nodes;
using Turnstile.Core.Arns;
using Turnstile.Core.Mapping;
using Turnstile.State;

namespace Turnstile.Aws.Eks;

// CreateCluster, DescribeCluster, ListClusters, DeleteCluster, UpdateClusterConfig, DescribeUpdate, ListUpdates.
public sealed partial class EksService
{
    public const string DefaultKubernetesVersion = "1.32";
    public const string PlatformVersion = "eks.6";
    private const string DefaultInstanceType = "t3.medium";

    public static readonly IReadOnlyList<string> SupportedKubernetesVersions = ["1.28", "1.29", "1.30", "1.31", "1.32", "1.33", "1.34"];

    private static readonly string[] LogTypes = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

    private static readonly string[] UpdateBlocks =
    [
        "resourcesVpcConfig", "logging", "accessConfig", "upgradePolicy", "zonalShiftConfig", "computeConfig",
        "kubernetesNetworkConfig", "storageConfig", "remoteNetworkConfig", "deletionProtection", "controlPlaneScalingConfig",
    ];

    private JsonObject CreateCluster(Call call)
    {
        var input = call.Input;
        var name = Input.RequiredString(input, "name");
        ValidateName("name", name, 100);
        var roleArn = Input.RequiredString(input, "roleArn");
        if (!PrincipalArn.TryParse(roleArn, out var role, out _) || role.Type != PrincipalType.Role)
            throw EksErrors.InvalidParameterError($"roleArn {roleArn} is not a valid IAM role ARN.");
        var vpc = Input.Object(input, "resourcesVpcConfig") ?? throw EksErrors.Missing("resourcesVpcConfig");
        var subnets = (Input.StringList(vpc, "subnetIds") ?? []).Distinct(StringComparer.Ordinal).ToArray();
        if (subnets.Length < 2) throw EksErrors.InvalidParameterError("Subnets specified must be in at least two different AZs", name);

        var version = Input.String(input, "version") ?? DefaultKubernetesVersion;
        if (!SupportedKubernetesVersions.Contains(version))
            throw EksErrors.InvalidParameterError($"unsupported Kubernetes version {version}", name);

        var access = Input.Object(input, "accessConfig");
        var modeText = access is null ? null : Input.String(access, "authenticationMode");
        var mode = AuthenticationMode.ConfigMap;
        if (modeText is not null && !AuthenticationModes.TryParse(modeText, out mode))
            throw EksErrors.Constraint("accessConfig.authenticationMode", modeText, "Member must satisfy enum value set: [API, API_AND_CONFIG_MAP, CONFIG_MAP]");
        var bootstrap = (access is null ? null : Input.Bool(access, "bootstrapClusterCreatorAdminPermissions")) ?? true;
        if (mode == AuthenticationMode.ConfigMap && !bootstrap)
            throw EksErrors.InvalidParameterError("bootstrapClusterCreatorAdminPermissions must be true if cluster authentication mode is set to CONFIG_MAP", name);

        var network = Input.Object(input, "kubernetesNetworkConfig");
        var ipFamily = (network is null ? null : Input.String(network, "ipFamily")) ?? "ipv4";
        if (ipFamily is not ("ipv4" or "ipv6"))
            throw EksErrors.Constraint("kubernetesNetworkConfig.ipFamily", ipFamily, "Member must satisfy enum value set: [ipv4, ipv6]");
        var tags = Input.StringMap(input, "tags") ?? new Dictionary<string, string>();
        ValidateTags(tags, EksErrors.InvalidParameter);
        var token = Input.String(input, "clientRequestToken");

        if (FindCluster(call.Tx, name) is { } existing)
        {
            // A retried request (same idempotency token) gets the cluster it created.
            if (token is not null && existing.ClientRequestToken == token) return new JsonObject { ["cluster"] = ClusterJson(call.Tx, existing) };
            throw EksErrors.Error(EksErrors.ResourceInUse, $"Cluster already exists with name: {name}", name);
        }

        var (creatorArn, creatorId) = CreatorOf(call.Context.Caller);
        var cluster = new ClusterRecord
        {
            Name = name,
            Arn = EksNames.ClusterArn(Options, name),
            Id = EksNames.ClusterId(),
            CreatedAt = call.Now,
            Version = version,
            PlatformVersion = PlatformVersion,
            Status = ClusterStatuses.Creating,
            StatusDueAt = DueAt(call.Now, _timings.ClusterCreation),
            RoleArn = roleArn,
            ResourcesVpcConfig = new VpcConfigRecord
            {
                SubnetIds = subnets,
                SecurityGroupIds = Input.StringList(vpc, "securityGroupIds") ?? [],
                ClusterSecurityGroupId = EksNames.ResourceId("sg"),
                VpcId = EksNames.ResourceId("vpc"),
                EndpointPublicAccess = Input.Bool(vpc, "endpointPublicAccess") ?? true,
                EndpointPrivateAccess = Input.Bool(vpc, "endpointPrivateAccess") ?? false,
                PublicAccessCidrs = Input.StringList(vpc, "publicAccessCidrs") ?? ["0.0.0.0/0"],
            },
            ServiceIpv4Cidr = (network is null ? null : Input.String(network, "serviceIpv4Cidr")) ?? "10.100.0.0/16",
            IpFamily = ipFamily,
            EnabledLogTypes = EnabledLogTypes(Input.Object(input, "logging")),
            Tags = tags,
            AuthenticationMode = mode.ToWire(),
            BootstrapClusterCreatorAdminPermissions = bootstrap,
            CreatorArn = creatorArn,
            CreatorPrincipalId = creatorId,
            ClientRequestToken = token,
        };

        EnsureCertificateAuthority(call.Tx, call.Now);
        call.Tx.Create(EksKeys.Cluster(name), cluster);
        Schedule(call.Tx, cluster.StatusDueAt!.Value, DueKinds.Cluster, name, name);
        if (mode.UsesAccessEntries()) AddEksManagedEntries(call.Tx, cluster, call.Now);
        _seeder.Seed(new ClusterSeed(name, cluster.Arn, version, mode, creatorArn, call.Now), call.Tx);
        return new JsonObject { ["cluster"] = ClusterJson(call.Tx, cluster) };
    }

    private JsonObject DescribeCluster(Call call)
    {
        var cluster = RequireCluster(call.Tx, ClusterNameOf(call.Input));
        return new JsonObject { ["cluster"] = ClusterJson(call.Tx, cluster) };
    }

    private JsonObject ListClusters(Call call)
    {
        var names = call.Tx.List(EksKeys.Clusters).Select(c => StateKey.Unescape(c.Key[EksKeys.Clusters.Length..])).Order(StringComparer.Ordinal);
        var (page, next) = Paging.Page(names, n => n, call.Input);
        return WithToken(new JsonObject { ["clusters"] = Output.Strings(page) }, next);
    }

    private JsonObject DeleteCluster(Call call)
    {
        var cluster = RequireCluster(call.Tx, ClusterNameOf(call.Input));
        if (cluster.Status == ClusterStatuses.Deleting) return new JsonObject { ["cluster"] = ClusterJson(call.Tx, cluster) };
        if (cluster.Nodegroups.Count > 0)
            throw EksErrors.Error(EksErrors.ResourceInUse, "Cluster has nodegroups attached", cluster.Name, cluster.Nodegroups[0]);
        if (cluster.PendingUpdateId is { } update)
            throw EksErrors.Error(EksErrors.ResourceInUse, $"Cannot delete because cluster {cluster.Name} currently has update {update} in progress", cluster.Name);
        var deleting = cluster with { Status = ClusterStatuses.Deleting, StatusDueAt = DueAt(call.Now, _timings.ClusterDeletion) };
        SaveCluster(call.Tx, deleting);
        Schedule(call.Tx, deleting.StatusDueAt.Value, DueKinds.Cluster, cluster.Name, cluster.Name);
        return new JsonObject { ["cluster"] = ClusterJson(call.Tx, deleting) };
    }

    private JsonObject UpdateClusterConfig(Call call)
    {
        var input = call.Input;
        var cluster = RequireCluster(call.Tx, ClusterNameOf(input));
        var blocks = UpdateBlocks.Where(b => Input.Has(input, b)).ToArray();
        if (blocks.Length > 1) throw EksErrors.InvalidParameterError("Only one type of update can be allowed.", cluster.Name);
        if (blocks.Length == 0) throw EksErrors.InvalidParameterError("No changes needed for the cluster configuration.", cluster.Name);
        if (blocks[0] != "accessConfig")
            throw EksErrors.Error(EksErrors.InvalidRequest, $"Turnstile does not emulate {blocks[0]} updates; only accessConfig can be updated.", cluster.Name);

        var access = Input.Object(input, "accessConfig") ?? throw EksErrors.Missing("accessConfig");
        var modeText = Input.RequiredString(access, "authenticationMode", "accessConfig.authenticationMode");
        if (!AuthenticationModes.TryParse(modeText, out var to))
            throw EksErrors.Constraint("accessConfig.authenticationMode", modeText, "Member must satisfy enum value set: [API, API_AND_CONFIG_MAP, CONFIG_MAP]");
        if (cluster.Status is ClusterStatuses.Creating or ClusterStatuses.Deleting)
            throw EksErrors.Error(EksErrors.ResourceInUse, $"Cannot AccessConfigUpdate because cluster {cluster.Name} is in {cluster.Status} state", cluster.Name);
        if (cluster.PendingUpdateId is { } running)
            throw EksErrors.Error(EksErrors.ResourceInUse, $"Cannot AccessConfigUpdate because cluster {cluster.Name} currently has update {running} in progress", cluster.Name);
        var from = ModeOf(cluster);
        if (!AuthenticationModes.CanTransition(from, to))
            throw EksErrors.InvalidParameterError(AuthenticationModes.UnsupportedTransitionMessage(from, to), cluster.Name);

        var update = new UpdateRecord
        {
            Id = EksNames.Uuid(),
            ClusterName = cluster.Name,
            Type = "AccessConfigUpdate",
            Status = UpdateStatuses.InProgress,
            // EKS reports the new mode JSON-encoded ("\"API\""), as seen in real update-cluster-config output.
            Params = [new UpdateParamRecord("AuthenticationMode", JsonSerializer.Serialize(to.ToWire()))],
            CreatedAt = call.Now,
            DueAt = DueAt(call.Now, _timings.AccessConfigUpdate),
            TargetAuthenticationMode = to.ToWire(),
        };
        call.Tx.Create(EksKeys.Update(cluster.Name, update.Id), update);
        SaveCluster(call.Tx, cluster with { Status = ClusterStatuses.Updating, PendingUpdateId = update.Id });
        Schedule(call.Tx, update.DueAt!.Value, DueKinds.Update, cluster.Name, update.Id);
        return new JsonObject { ["update"] = UpdateJson(update) };
    }

    private JsonObject DescribeUpdate(Call call)
    {
        var input = call.Input;
        var cluster = RequireCluster(call.Tx, ClusterNameOf(input));
        var id = Input.RequiredString(input, "updateId");
        var nodegroup = Input.String(input, "nodegroupName");
        if (nodegroup is not null) RequireNodegroup(call.Tx, cluster.Name, nodegroup);
        if (Input.Has(input, "addonName") || Input.Has(input, "capabilityName")) throw EksErrors.UpdateNotFound(cluster.Name, id);
        var update = call.Tx.Read<UpdateRecord>(EksKeys.Update(cluster.Name, id));
        if (update is null || update.NodegroupName != nodegroup) throw EksErrors.UpdateNotFound(cluster.Name, id);
        return new JsonObject { ["update"] = UpdateJson(update) };
    }

    private JsonObject ListUpdates(Call call)
    {
        var input = call.Input;
        var cluster = RequireCluster(call.Tx, ClusterNameOf(input));
        var nodegroup = Input.String(input, "nodegroupName");
        if (nodegroup is not null) RequireNodegroup(call.Tx, cluster.Name, nodegroup);
        var updates = UpdatesOf(call.Tx, cluster.Name).Where(u => u.NodegroupName == nodegroup);
        if (Input.Has(input, "addonName") || Input.Has(input, "capabilityName")) updates = [];
        var (page, next) = Paging.Page(updates.OrderBy(UpdateOrderKey, StringComparer.Ordinal), UpdateOrderKey, input);
        return WithToken(new JsonObject { ["updateIds"] = Output.Strings(page.Select(u => u.Id)) }, next);
    }

    private static string UpdateOrderKey(UpdateRecord u) => u.CreatedAt.UtcTicks.ToString("D20") + "|" + u.Id;

    private static JsonObject WithToken(JsonObject result, string? next)
    {
        if (next is not null) result["nextToken"] = next;
        return result;
    }

    private static void ValidateName(string member, string name, int maxLength)
    {
        if (name.Length > maxLength)
            throw EksErrors.Constraint(member, name, $"Member must have length less than or equal to {maxLength}");
        if (!EksNames.NamePattern().IsMatch(name))
            throw EksErrors.Constraint(member, name, "Member must satisfy regular expression pattern: ^[0-9A-Za-z][A-Za-z0-9\\-_]*");
    }

    private static IReadOnlyList<string> EnabledLogTypes(JsonObject? logging)
    {
        if (logging?["clusterLogging"] is not JsonArray setups) return [];
        var enabled = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var setup in setups.OfType<JsonObject>())
        {
            var types = Input.StringList(setup, "types") ?? [];
            foreach (var type in types)
                if (!LogTypes.Contains(type))
                    throw EksErrors.Constraint("logging.clusterLogging.types", type, "Member must satisfy enum value set: [api, audit, authenticator, controllerManager, scheduler]");
            if (Input.Bool(setup, "enabled") == true) enabled.UnionWith(types);
            else enabled.ExceptWith(types);
        }
        return enabled.ToArray();
    }

    /// <summary>The creator's IAM identity: an assumed role is recorded as its role (without a path: STS does not say it).</summary>
    private static (string Arn, string? PrincipalId) CreatorOf(Caller caller)
    {
        if (caller.Type == PrincipalType.AssumedRole && PrincipalArn.TryParse(caller.Arn, out var session, out _))
            return (session.Canonical, caller.UserId.Split(':')[0]);
        return (caller.Arn, caller.UserId);
    }

    // ---- Views --------------------------------------------------------------------------------------------------

    private JsonObject ClusterJson(OptimisticTransaction tx, ClusterRecord c)
    {
        var creating = c.Status == ClusterStatuses.Creating;
        var vpc = c.ResourcesVpcConfig;
        var json = new JsonObject
        {
            ["name"] = c.Name,
            ["arn"] = c.Arn,
            ["createdAt"] = Output.Timestamp(c.CreatedAt),
            ["version"] = c.Version,
        };
        if (!creating) json["endpoint"] = Endpoint(c.Name);
        json["roleArn"] = c.RoleArn;
        json["resourcesVpcConfig"] = new JsonObject
        {
            ["subnetIds"] = Output.Strings(vpc.SubnetIds),
            ["securityGroupIds"] = Output.Strings(vpc.SecurityGroupIds),
            ["clusterSecurityGroupId"] = vpc.ClusterSecurityGroupId,
            ["vpcId"] = vpc.VpcId,
            ["endpointPublicAccess"] = vpc.EndpointPublicAccess,
            ["endpointPrivateAccess"] = vpc.EndpointPrivateAccess,
            ["publicAccessCidrs"] = Output.Strings(vpc.PublicAccessCidrs),
        };
        json["kubernetesNetworkConfig"] = new JsonObject
        {
            ["serviceIpv4Cidr"] = c.ServiceIpv4Cidr,
            ["ipFamily"] = c.IpFamily,
            ["elasticLoadBalancing"] = new JsonObject { ["enabled"] = false },
        };
        var disabled = LogTypes.Except(c.EnabledLogTypes).ToArray();
        var logSetups = new JsonArray();
        if (c.EnabledLogTypes.Count > 0) logSetups.Add(new JsonObject { ["types"] = Output.Strings(c.EnabledLogTypes), ["enabled"] = true });
        if (disabled.Length > 0) logSetups.Add(new JsonObject { ["types"] = Output.Strings(disabled), ["enabled"] = false });
        json["logging"] = new JsonObject { ["clusterLogging"] = logSetups };
        if (!creating)
            json["identity"] = new JsonObject
            {
                ["oidc"] = new JsonObject { ["issuer"] = $"https://oidc.eks.{Options.Region}.amazonaws.com/id/{c.Id}" },
            };
        json["status"] = c.Status;
        var ca = new JsonObject();
        if (!creating && tx.Read<CertificateAuthorityRecord>(EksKeys.CertificateAuthority) is { } record)
            ca["data"] = CertificateAuthorities.Of(record).CertificateAuthorityData;
        json["certificateAuthority"] = ca;
        json["platformVersion"] = c.PlatformVersion;
        json["tags"] = Output.Map(c.Tags);
        if (!creating) json["health"] = new JsonObject { ["issues"] = new JsonArray() };
        json["accessConfig"] = new JsonObject
        {
            ["bootstrapClusterCreatorAdminPermissions"] = c.BootstrapClusterCreatorAdminPermissions,
            ["authenticationMode"] = c.AuthenticationMode,
        };
        json["upgradePolicy"] = new JsonObject { ["supportType"] = "EXTENDED" };
        json["deletionProtection"] = false;
        return json;
    }

    private static JsonObject UpdateJson(UpdateRecord u) => new()
    {
        ["id"] = u.Id,
        ["status"] = u.Status,
        ["type"] = u.Type,
        ["params"] = new JsonArray(u.Params.Select(p => (JsonNode?)new JsonObject { ["type"] = p.Type, ["value"] = p.Value }).ToArray()),
        ["createdAt"] = Output.Timestamp(u.CreatedAt),
        ["errors"] = new JsonArray(),
    };
}
