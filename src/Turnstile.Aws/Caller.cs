using Turnstile.Core.Arns;

namespace Turnstile.Aws;

/// <summary>
/// The authenticated principal behind a signed request, as IAM sees it: its ARN (an assumed-role ARN for
/// STS sessions), account, unique id (<c>AIDA...</c>, or <c>AROA...:session</c> as STS reports it), the access key used.
/// </summary>
public sealed record Caller
{
    public required string Arn { get; init; }
    public required string AccountId { get; init; }
    /// <summary>The <c>UserId</c> GetCallerIdentity returns: AIDA... for users, AROA...:session for sessions, the account for root.</summary>
    public required string UserId { get; init; }
    public required PrincipalType Type { get; init; }
    public required string AccessKeyId { get; init; }
    /// <summary>IAM user name for users; role name for assumed-role sessions.</summary>
    public string? PrincipalName { get; init; }
    public string? SessionName { get; init; }
    public bool MfaPresent { get; init; }
    /// <summary>Expiry of temporary credentials, if any.</summary>
    public DateTimeOffset? CredentialsExpireAt { get; init; }

    public bool IsRoot => Type == PrincipalType.Root;
}

/// <summary>One API call: who calls, from where, when, against which region.</summary>
public sealed record OperationContext(Caller Caller, string Region, DateTimeOffset Now, string RequestId, string SourceIp = "127.0.0.1", bool SecureTransport = false);
