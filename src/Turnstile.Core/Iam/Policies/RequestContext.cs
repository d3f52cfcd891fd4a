using Turnstile.Core.Arns;

namespace Turnstile.Core.Iam.Policies;

/// <summary>One authorization question: may the principal perform <see cref="Action"/> on <see cref="Resource"/>?</summary>
public sealed record RequestContext
{
    /// <summary><c>service:Operation</c>, e.g. <c>eks:DescribeCluster</c>.</summary>
    public required string Action { get; init; }

    /// <summary>The resource ARN, or <c>*</c> for operations without resource-level permissions.</summary>
    public string Resource { get; init; } = "*";

    /// <summary>The caller's ARN as presented (user ARN, assumed-role session ARN, root ARN).</summary>
    public string? PrincipalArn { get; init; }

    public string? PrincipalAccount { get; init; }

    public ContextKeys Keys { get; init; } = new();
}

/// <summary>Global condition key names and the values IAM fills in for a caller.</summary>
public static class GlobalConditionKeys
{
    public const string Username = "aws:username";
    public const string UserId = "aws:userid";
    public const string PrincipalArn = "aws:PrincipalArn";
    public const string PrincipalAccount = "aws:PrincipalAccount";
    public const string PrincipalType = "aws:PrincipalType";
    public const string RequestedRegion = "aws:RequestedRegion";
    public const string SourceIp = "aws:SourceIp";
    public const string CurrentTime = "aws:CurrentTime";
    public const string EpochTime = "aws:EpochTime";
    public const string MultiFactorAuthPresent = "aws:MultiFactorAuthPresent";
    public const string SecureTransport = "aws:SecureTransport";
    public const string TokenIssueTime = "aws:TokenIssueTime";
    public const string SourceIdentity = "aws:SourceIdentity";

    /// <summary>
    /// The automatic keys for a caller. <paramref name="uniqueId"/> is the user's AIDA id or the role's AROA id
    /// (for a session, <c>aws:userid</c> becomes <c>AROA…:session</c>). <c>aws:PrincipalArn</c> of a session is the
    /// role ARN without its path, because a session ARN does not carry the path. MFA presence is only reported for
    /// temporary credentials unless given: IAM leaves the key out for long-term access keys.
    /// </summary>
    public static ContextKeys ForCaller(
        PrincipalArn principal,
        string? uniqueId,
        DateTimeOffset now,
        string? requestedRegion = null,
        string? sourceIp = null,
        bool secureTransport = true,
        bool? multiFactorAuthPresent = null)
    {
        var keys = new ContextKeys()
            .Set(PrincipalAccount, principal.Account)
            .Set(CurrentTime, ContextValue.Of(now))
            .Set(EpochTime, ContextValue.Of(now.ToUnixTimeSeconds()))
            .Set(SecureTransport, ContextValue.Of(secureTransport));

        switch (principal.Type)
        {
            case Arns.PrincipalType.User:
                keys.Set(PrincipalArn, principal.Original).Set(PrincipalType, "User").Set(Username, principal.Name);
                if (uniqueId is not null) keys.Set(UserId, uniqueId);
                break;
            case Arns.PrincipalType.AssumedRole:
                keys.Set(PrincipalArn, principal.Canonical).Set(PrincipalType, "AssumedRole");
                if (uniqueId is not null) keys.Set(UserId, $"{uniqueId}:{principal.SessionName}");
                break;
            case Arns.PrincipalType.Root:
                keys.Set(PrincipalArn, principal.Original).Set(PrincipalType, "Account").Set(UserId, principal.Account);
                break;
            case Arns.PrincipalType.FederatedUser:
                keys.Set(PrincipalArn, principal.Original).Set(PrincipalType, "FederatedUser").Set(UserId, $"{principal.Account}:{principal.Name}");
                break;
            case Arns.PrincipalType.Role:
                keys.Set(PrincipalArn, principal.Original).Set(PrincipalType, "AssumedRole");
                break;
        }

        var temporary = principal.Type is Arns.PrincipalType.AssumedRole or Arns.PrincipalType.FederatedUser;
        if (multiFactorAuthPresent is { } mfa) keys.Set(MultiFactorAuthPresent, ContextValue.Of(mfa));
        else if (temporary) keys.Set(MultiFactorAuthPresent, ContextValue.Of(false));

        if (requestedRegion is not null) keys.Set(RequestedRegion, requestedRegion);
        if (sourceIp is not null) keys.Set(SourceIp, ContextValue.Ip(sourceIp));
        return keys;
    }
}
