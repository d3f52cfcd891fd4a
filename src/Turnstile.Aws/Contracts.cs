using Turnstile.Core.Arns;
using Turnstile.State;

namespace Turnstile.Aws;

/// <summary>What SigV4 authentication needs to know about an access key id.</summary>
public sealed record ResolvedCredentials(
    string SecretAccessKey,
    /// <summary>The session token temporary credentials must present; null for long-term keys.</summary>
    string? SessionToken,
    DateTimeOffset? Expiration,
    bool Active,
    Caller Caller);

/// <summary>Looks up access keys (IAM user keys and STS session keys) in the call's state. Implemented by the IAM/STS emulator.</summary>
public interface ICredentialSource
{
    bool TryResolve(OptimisticTransaction state, string accessKeyId, out ResolvedCredentials credentials);
}

/// <summary>The result of IAM policy enforcement for one call.</summary>
public sealed record AuthorizationOutcome(bool Allowed, string? DenialMessage = null)
{
    public static AuthorizationOutcome Allow { get; } = new(true);
}

/// <summary>
/// Enforces IAM identity policies on a call (explicit deny, allow, implicit deny) and phrases AWS's denial
/// message: <c>User: &lt;arn&gt; is not authorized to perform: &lt;action&gt; on resource: &lt;arn&gt; because no identity-based policy allows the &lt;action&gt; action</c>.
/// </summary>
public interface IRequestAuthorizer
{
    AuthorizationOutcome Authorize(AuthorizationRequest request, OperationContext context, OptimisticTransaction state);
}

/// <summary>An IAM principal as other services need it (EKS binds access entries to the unique id).</summary>
public sealed record PrincipalInfo(string Arn, string UniqueId, PrincipalType Type, string Name, string Path, DateTimeOffset CreatedAt);

/// <summary>Read access to IAM principals for other services, in the caller's transaction. Implemented by the IAM emulator.</summary>
public interface IIamDirectory
{
    /// <summary>Finds a user or role by its IAM ARN (path included), case-insensitively on the name as IAM does.</summary>
    PrincipalInfo? FindPrincipal(OptimisticTransaction state, string arn);
}
