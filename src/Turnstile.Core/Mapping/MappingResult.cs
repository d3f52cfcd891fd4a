using Turnstile.Core.Authn;

namespace Turnstile.Core.Mapping;

public enum MappingSource
{
    AccessEntry,
    ClusterCreator,
    AwsAuthMapRoles,
    AwsAuthMapUsers,
    AwsAuthMapAccounts,
}

/// <summary>
/// The outcome of identity mapping: the Kubernetes user the authenticator returns (without the
/// <c>system:authenticated</c> group the API server adds), where it came from, and a trace of every source consulted.
/// When <see cref="User"/> is null the API server answers 401.
/// </summary>
public sealed record MappingResult
{
    public KubeUser? User { get; init; }
    public MappingSource? Source { get; init; }
    public AccessEntry? AccessEntry { get; init; }
    public RoleMapping? RoleRow { get; init; }
    public UserMapping? UserRow { get; init; }
    /// <summary>Why the identity was refused (not mapped, template failure); null when mapped.</summary>
    public string? Error { get; init; }
    public IReadOnlyList<string> Trace { get; init; } = [];

    public bool IsMapped => User is not null;

    /// <summary>The user as the API server sees it: the mapped user plus <c>system:authenticated</c>.</summary>
    public KubeUser? AuthenticatedUser => User?.WithAuthenticatedGroup();
}
