using Turnstile.Core.Kube;
using Turnstile.Core.Mapping;
using Turnstile.Core.Rbac;

namespace Turnstile.Core.Clusters;

/// <summary>
/// Everything that decides access to one EKS cluster: its authentication mode, the aws-auth ConfigMap,
/// access entries with their policies, the cluster creator, RBAC objects and the lookup tables the
/// authenticator would ask AWS for (EC2 private DNS names, IAM unique ids).
/// </summary>
public sealed record ClusterAccessModel
{
    public string ClusterName { get; init; } = "";
    public string? ClusterArn { get; init; }
    public string? AccountId { get; init; }
    public string Partition { get; init; } = "aws";
    public string? Region { get; init; }
    public AuthenticationMode Mode { get; init; } = AuthenticationMode.ConfigMap;
    public bool BootstrapClusterCreatorAdminPermissions { get; init; } = true;
    /// <summary>The <c>data</c> of <c>kube-system/aws-auth</c>; null when the ConfigMap does not exist.</summary>
    public IReadOnlyDictionary<string, string>? AwsAuthData { get; init; }
    public IReadOnlyList<AccessEntry> AccessEntries { get; init; } = [];
    public string? ClusterCreatorArn { get; init; }
    public IReadOnlyDictionary<string, string> InstanceDnsNames { get; init; } = new Dictionary<string, string>();
    /// <summary>IAM unique ids (AIDA.../AROA...) by principal ARN, used for uids and access-entry binding offline.</summary>
    public IReadOnlyDictionary<string, string> PrincipalIds { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    public RbacPolicy Rbac { get; init; } = RbacPolicy.Empty;
    /// <summary>What the cluster serves (discovery): resolves resource arguments as kubectl would and bounds the analyses.</summary>
    public ApiResourceCatalog ApiResources { get; init; } = ApiResourceCatalog.Eks;

    public IdentityMappingConfig ToMappingConfig() => new()
    {
        Mode = Mode,
        AwsAuth = AwsAuthData is null ? null : AwsAuthConfig.Parse(AwsAuthData),
        AccessEntries = AccessEntries,
        // The invisible creator admin exists only when the creator was bootstrapped as admin.
        ClusterCreatorArn = BootstrapClusterCreatorAdminPermissions ? ClusterCreatorArn : null,
        Instances = new InstanceDnsTable(InstanceDnsNames),
    };
}
