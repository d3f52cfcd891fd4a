using Turnstile.Core.Arns;
using Turnstile.Core.Authn;

namespace Turnstile.Core.Mapping;

/// <summary>
/// The principal that created a <c>CONFIG_MAP</c> cluster: an invisible, permanent <c>system:masters</c> user named
/// <c>kubernetes-admin</c>, consulted before aws-auth (no row can override it).
/// </summary>
public sealed class ClusterCreatorMapper(string creatorArn) : IIdentityMapper
{
    public const string Username = "kubernetes-admin";

    private readonly string? _canonical = PrincipalArn.TryParse(creatorArn, out var principal, out _) ? principal.Canonical : null;

    public MappingResult? Map(AwsIdentity identity, List<string>? trace)
    {
        if (_canonical is null || !string.Equals(_canonical, identity.CanonicalArn, StringComparison.OrdinalIgnoreCase)) return null;
        trace?.Add("the caller created the cluster: CONFIG_MAP clusters map the creator to system:masters (not shown in aws-auth)");
        return MappedUsers.Mapped(identity, Username, [KubeUser.MastersGroup], MappingSource.ClusterCreator, trace);
    }
}
