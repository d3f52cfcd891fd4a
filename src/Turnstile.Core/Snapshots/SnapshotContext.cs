namespace Turnstile.Core.Snapshots;

/// <summary>
/// Turnstile's own snapshot file, for what no AWS or kubectl command exports:
/// <code>
/// apiVersion: turnstile.dev/v1alpha1
/// kind: SnapshotContext
/// clusterName: myeks
/// accountId: "111122223333"
/// region: ap-northeast-2
/// authenticationMode: CONFIG_MAP          # when no describe-cluster output is in the snapshot
/// clusterCreatorArn: arn:aws:iam::111122223333:user/admin
/// bootstrapClusterCreatorAdminPermissions: true
/// ec2Instances:                           # instance id -> private DNS name, for {{EC2PrivateDNSName}}
///   i-0123456789abcdef0: ip-192-168-1-10.ap-northeast-2.compute.internal
/// principalIds:                           # IAM unique ids, for uids and access-entry binding
///   arn:aws:iam::111122223333:user/testuser: AIDAEXAMPLEEXAMPLE001
/// </code>
/// </summary>
public sealed record SnapshotContext
{
    public const string ApiVersion = "turnstile.dev/v1alpha1";
    public const string Kind = "SnapshotContext";

    public string? ClusterName { get; init; }
    public string? AccountId { get; init; }
    public string? Region { get; init; }
    public string? AuthenticationMode { get; init; }
    public string? ClusterCreatorArn { get; init; }
    public bool? BootstrapClusterCreatorAdminPermissions { get; init; }
    public IReadOnlyDictionary<string, string> Ec2Instances { get; init; } = new Dictionary<string, string>();
    public IReadOnlyDictionary<string, string> PrincipalIds { get; init; } = new Dictionary<string, string>();
}
