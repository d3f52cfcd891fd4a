using System.Security.Cryptography;
using System.Text;
using Turnstile.Core.Arns;

namespace Turnstile.Core.Authn;

/// <summary>
/// Builds the identity STS would report for a principal named on the command line (<c>--as-arn</c>) when no
/// token is at hand: a role becomes an assumed-role session; the unique id comes from a known table or is
/// synthesized deterministically (flagged so output can say so).
/// </summary>
public static class OfflineIdentity
{
    public const string DefaultSessionName = "turnstile";

    public static (AwsIdentity Identity, bool PrincipalIdKnown) For(string arn, string? sessionName, string? accessKeyId,
        IReadOnlyDictionary<string, string> principalIds)
    {
        var principal = PrincipalArn.Parse(arn);
        var callerArn = arn;
        var session = "";
        switch (principal.Type)
        {
            case PrincipalType.Role:
                session = string.IsNullOrEmpty(sessionName) ? DefaultSessionName : sessionName;
                callerArn = PrincipalArn.AssumedRoleArn(principal.Partition, principal.Account, principal.Name, session);
                break;
            case PrincipalType.AssumedRole:
                session = principal.SessionName!;
                if (!string.IsNullOrEmpty(sessionName) && sessionName != session)
                    throw new ArnException($"--session-name {sessionName} contradicts the session in {arn}");
                break;
        }
        // A role named with its path still reaches the cluster as a session, whose canonical ARN has no path.
        var caller = PrincipalArn.Parse(callerArn);
        var known = TryFindId(principalIds, arn, caller.Canonical, out var id);
        if (!known) id = Synthesize(caller);
        return (new AwsIdentity
        {
            Arn = callerArn,
            CanonicalArn = caller.Canonical,
            AccountId = principal.Account,
            UserId = id,
            SessionName = session,
            AccessKeyId = accessKeyId ?? "",
            Type = principal.Type == PrincipalType.Role ? PrincipalType.AssumedRole : principal.Type,
        }, known);
    }

    private static bool TryFindId(IReadOnlyDictionary<string, string> ids, string arn, string canonical, out string id)
    {
        if (ids.TryGetValue(arn, out id!) || ids.TryGetValue(canonical, out id!)) return true;
        foreach (var (key, value) in ids)
        {
            // A table may name a role with its path; STS callers never carry it.
            if (key.Contains(":role/", StringComparison.Ordinal) &&
                string.Equals(PrincipalArn.StripPath(key), canonical, StringComparison.OrdinalIgnoreCase))
            {
                id = value;
                return true;
            }
        }
        id = "";
        return false;
    }

    /// <summary>An id of IAM's shape (prefix + 17 base32 characters) derived from the canonical ARN.</summary>
    public static string Synthesize(PrincipalArn principal)
    {
        if (principal.Type == PrincipalType.Root) return principal.Account;
        if (principal.Type == PrincipalType.FederatedUser) return $"{principal.Account}:{principal.Name}";
        var prefix = principal.IsRoleLike ? "AROA" : "AIDA";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(principal.Canonical.ToLowerInvariant()));
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var sb = new StringBuilder(prefix, 21);
        for (var i = 0; i < 17; i++) sb.Append(alphabet[hash[i] % 32]);
        return sb.ToString();
    }
}
