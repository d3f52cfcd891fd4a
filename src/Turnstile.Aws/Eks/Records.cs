namespace Turnstile.Aws.Eks;

// Persisted EKS state, one record per key (see EksKeys). Every record is immutable; a change writes a new version.

public static class ClusterStatuses
{
    public const string Creating = "CREATING";
    public const string Active = "ACTIVE";
    public const string Updating = "UPDATING";
    public const string Deleting = "DELETING";
}

public static class NodegroupStatuses
{
    public const string Creating = "CREATING";
    public const string Active = "ACTIVE";
    public const string Updating = "UPDATING";
    public const string Deleting = "DELETING";
}

public static class UpdateStatuses
{
    public const string InProgress = "InProgress";
    public const string Successful = "Successful";
}

internal sealed record VpcConfigRecord
{
    public IReadOnlyList<string> SubnetIds { get; init; } = [];
    public IReadOnlyList<string> SecurityGroupIds { get; init; } = [];
    public required string ClusterSecurityGroupId { get; init; }
    public required string VpcId { get; init; }
    public bool EndpointPublicAccess { get; init; } = true;
    public bool EndpointPrivateAccess { get; init; }
    public IReadOnlyList<string> PublicAccessCidrs { get; init; } = ["0.0.0.0/0"];
}

internal sealed record ClusterRecord
{
    public required string Name { get; init; }
    public required string Arn { get; init; }
    /// <summary>32 upper-case hex digits; names the OIDC issuer as on EKS.</summary>
    public required string Id { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required string Version { get; init; }
    public required string PlatformVersion { get; init; }
    public required string Status { get; init; }
    /// <summary>When a CREATING/DELETING status settles; null when nothing is pending.</summary>
    public DateTimeOffset? StatusDueAt { get; init; }
    public required string RoleArn { get; init; }
    public required VpcConfigRecord ResourcesVpcConfig { get; init; }
    public string ServiceIpv4Cidr { get; init; } = "10.100.0.0/16";
    public string IpFamily { get; init; } = "ipv4";
    /// <summary>Log types with logging enabled (api, audit, authenticator, controllerManager, scheduler).</summary>
    public IReadOnlyList<string> EnabledLogTypes { get; init; } = [];
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
    /// <summary>Wire value of the current authentication mode (CONFIG_MAP, API_AND_CONFIG_MAP, API).</summary>
    public required string AuthenticationMode { get; init; }
    public bool BootstrapClusterCreatorAdminPermissions { get; init; } = true;
    /// <summary>The creator's canonical IAM ARN (an assumed role becomes its role) and unique id.</summary>
    public required string CreatorArn { get; init; }
    public string? CreatorPrincipalId { get; init; }
    public string? ClientRequestToken { get; init; }
    /// <summary>The cluster's node group names in order: DeleteCluster and the node-role cleanup decide on this set.</summary>
    public IReadOnlyList<string> Nodegroups { get; init; } = [];
    /// <summary>The cluster update in progress, if any (one at a time).</summary>
    public string? PendingUpdateId { get; init; }
}

internal sealed record AssociationRecord
{
    public required string PolicyArn { get; init; }
    public required string ScopeType { get; init; }
    public IReadOnlyList<string> Namespaces { get; init; } = [];
    public required DateTimeOffset AssociatedAt { get; init; }
    public required DateTimeOffset ModifiedAt { get; init; }
}

internal static class EntryOrigins
{
    public const string User = "user";
    public const string ClusterCreator = "cluster-creator";
    public const string ServiceLinkedRole = "service-linked-role";
    public const string Nodegroup = "nodegroup";
}

internal sealed record AccessEntryRecord
{
    public required string ClusterName { get; init; }
    public required string PrincipalArn { get; init; }
    /// <summary>The IAM unique id the entry was bound to at creation; null when IAM did not know the principal.</summary>
    public string? PrincipalId { get; init; }
    public required string Type { get; init; }
    public required string Username { get; init; }
    public IReadOnlyList<string> KubernetesGroups { get; init; } = [];
    public IReadOnlyList<AssociationRecord> Policies { get; init; } = [];
    public required string AccessEntryArn { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset ModifiedAt { get; init; }
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
    /// <summary>Who made the entry (<see cref="EntryOrigins"/>); EKS only cleans up entries it made itself.</summary>
    public string Origin { get; init; } = EntryOrigins.User;
}

internal sealed record ScalingConfigRecord(int MinSize, int MaxSize, int DesiredSize);

internal sealed record NodegroupRecord
{
    public required string Name { get; init; }
    public required string ClusterName { get; init; }
    public required string Arn { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset ModifiedAt { get; init; }
    public required string Status { get; init; }
    public DateTimeOffset? StatusDueAt { get; init; }
    public required string NodeRole { get; init; }
    public IReadOnlyList<string> Subnets { get; init; } = [];
    public IReadOnlyList<string> InstanceTypes { get; init; } = [];
    public required string AmiType { get; init; }
    public string CapacityType { get; init; } = "ON_DEMAND";
    public required ScalingConfigRecord ScalingConfig { get; init; }
    public int DiskSize { get; init; } = 20;
    public required string Version { get; init; }
    public required string ReleaseVersion { get; init; }
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
    public required string AutoScalingGroupName { get; init; }
    /// <summary>The AMI its nodes run (the <c>eks.amazonaws.com/nodegroup-image</c> label).</summary>
    public string ImageId { get; init; } = "";
    /// <summary>The names of the group's Node objects (in the cluster's Kubernetes state), oldest first.</summary>
    public IReadOnlyList<string> NodeNames { get; init; } = [];
    /// <summary>The node group update in progress, if any.</summary>
    public string? PendingUpdateId { get; init; }
}

internal sealed record UpdateParamRecord(string Type, string Value);

internal sealed record UpdateRecord
{
    public required string Id { get; init; }
    public required string ClusterName { get; init; }
    /// <summary>Set for node group updates (UpdateNodegroupConfig).</summary>
    public string? NodegroupName { get; init; }
    public required string Type { get; init; }
    public required string Status { get; init; }
    public IReadOnlyList<UpdateParamRecord> Params { get; init; } = [];
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? DueAt { get; init; }
    /// <summary>For AccessConfigUpdate: the wire mode the cluster moves to.</summary>
    public string? TargetAuthenticationMode { get; init; }
    /// <summary>For a node group ConfigUpdate: the scaling the group moves to.</summary>
    public ScalingConfigRecord? TargetScaling { get; init; }
}

/// <summary>Asynchronous work waiting in the due queue: what completes (<see cref="DueKinds"/>) and where.</summary>
internal sealed record DueRecord(string Kind, string ClusterName, string Name);

internal static class DueKinds
{
    public const string Cluster = "cluster";
    public const string Nodegroup = "nodegroup";
    public const string Update = "update";
}

/// <summary>The store-wide cluster CA (one per store, kept across restarts).</summary>
internal sealed record CertificateAuthorityRecord(string CertificatePem, string PrivateKeyPem, DateTimeOffset CreatedAt);
