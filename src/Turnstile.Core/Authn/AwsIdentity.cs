using Turnstile.Core.Arns;

namespace Turnstile.Core.Authn;

/// <summary>
/// The caller as STS reports it after a token is verified (aws-iam-authenticator's Identity):
/// raw ARN, canonical ARN, account, unique user id (AIDA/AROA part), session name and access key id.
/// </summary>
public sealed record AwsIdentity
{
    public required string Arn { get; init; }
    public required string CanonicalArn { get; init; }
    public required string AccountId { get; init; }
    /// <summary>Unique principal id: AIDA... for users, AROA... for roles, the account for root.</summary>
    public required string UserId { get; init; }
    public string SessionName { get; init; } = "";
    public string AccessKeyId { get; init; } = "";
    public required PrincipalType Type { get; init; }

    /// <summary>
    /// Builds the identity the way aws-iam-authenticator does from a GetCallerIdentity answer
    /// (<c>Arn</c>, <c>Account</c>, <c>UserId</c>); roles need <c>UserId</c> of the form <c>AROA...:session</c>.
    /// </summary>
    public static AwsIdentity FromCallerIdentity(string arn, string account, string stsUserId, string accessKeyId = "")
    {
        var principal = PrincipalArn.Parse(arn);
        string userId = stsUserId, session = "";
        if (principal.IsRoleLike)
        {
            var parts = stsUserId.Split(':');
            if (parts.Length != 2) throw new ArnException($"malformed UserID \"{stsUserId}\"");
            userId = parts[0];
            session = parts[1];
        }
        return new AwsIdentity
        {
            Arn = arn,
            CanonicalArn = principal.Canonical,
            AccountId = account,
            UserId = userId,
            SessionName = session,
            AccessKeyId = accessKeyId,
            Type = principal.Type,
        };
    }
}
