namespace Turnstile.Core.Mapping;

/// <summary>Everything the authenticator needs to map IAM identities for one cluster.</summary>
public sealed record IdentityMappingConfig
{
    public AuthenticationMode Mode { get; init; } = AuthenticationMode.ConfigMap;
    /// <summary>The parsed aws-auth ConfigMap, or null when the ConfigMap does not exist.</summary>
    public AwsAuthConfig? AwsAuth { get; init; }
    public IReadOnlyList<AccessEntry> AccessEntries { get; init; } = [];
    /// <summary>The principal that created the cluster; in CONFIG_MAP mode it is an invisible, permanent system:masters.</summary>
    public string? ClusterCreatorArn { get; init; }
    public IInstanceDnsResolver Instances { get; init; } = InstanceDnsTable.Empty;
    /// <summary>aws-iam-authenticator's alpha SSORoleMatch feature gate; off as on EKS, so <c>sso:</c> rows never match.</summary>
    public bool SsoRoleMatch { get; init; }
}
