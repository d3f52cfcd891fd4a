using System.Text.RegularExpressions;

namespace Turnstile.Core.Arns;

/// <summary>
/// What IAM and STS allow in the ARNs they issue: a 12-digit account, names of IAM's character set and length, a
/// path of printable ASCII, a valid session name. <see cref="PrincipalArn.TryParse"/> is aws-iam-authenticator's
/// lenient parser (it maps whatever text it is given); these rules tell whether such an ARN could name a real
/// principal at all, for callers that must refuse one that cannot (EKS access entries, <c>--as-arn</c>).
/// </summary>
public static partial class IamIdentityRules
{
    /// <summary>IAM user and role names: 1-64 of <c>[A-Za-z0-9+=,.@_-]</c>.</summary>
    [GeneratedRegex(@"^[A-Za-z0-9+=,.@_-]{1,64}\z")]
    private static partial Regex IamName();

    /// <summary>STS role session names: 2-64 of the same characters.</summary>
    [GeneratedRegex(@"^[A-Za-z0-9+=,.@_-]{2,64}\z")]
    private static partial Regex SessionNamePattern();

    /// <summary>Federated user names (GetFederationToken): 2-32 of the same characters.</summary>
    [GeneratedRegex(@"^[A-Za-z0-9+=,.@_-]{2,32}\z")]
    private static partial Regex FederatedName();

    [GeneratedRegex(@"^[0-9]{12}\z")]
    private static partial Regex AccountPattern();

    public static bool IsAccountId(string account) => AccountPattern().IsMatch(account);

    /// <summary>Null when <paramref name="session"/> is a valid role session name, else why not.</summary>
    public static string? SessionNameProblem(string session) => SessionNamePattern().IsMatch(session)
        ? null
        : $"session name '{session}' is not valid: it must be 2 to 64 characters of letters, digits and +=,.@_-";

    /// <summary>Null when <paramref name="arn"/> could name a real IAM or STS principal, else why not.</summary>
    public static string? Problem(PrincipalArn arn)
    {
        if (!IsAccountId(arn.Account)) return $"account '{arn.Account}' is not a 12-digit AWS account id";
        if (Arn.TryParse(arn.Original, out var parts, out _) && parts.Region.Length > 0) return "IAM and STS ARNs name no region";
        if (arn.Original.Contains('*') || arn.Original.Contains('?')) return "wildcards (* and ?) cannot name a principal";
        switch (arn.Type)
        {
            case PrincipalType.User or PrincipalType.Role:
                if (arn.Name.Length == 0) return $"the {TypeWord(arn.Type)} name is empty";
                if (!IamName().IsMatch(arn.Name)) return $"{TypeWord(arn.Type)} name '{arn.Name}' is not valid: it must be 1 to 64 characters of letters, digits and +=,.@_-";
                return PathProblem(arn.Path);
            case PrincipalType.AssumedRole:
                if (!IamName().IsMatch(arn.Name)) return $"role name '{arn.Name}' is not valid: it must be 1 to 64 characters of letters, digits and +=,.@_-";
                return SessionNameProblem(arn.SessionName ?? "");
            case PrincipalType.FederatedUser:
                return FederatedName().IsMatch(arn.Name) ? null : $"federated user name '{arn.Name}' is not valid: it must be 2 to 32 characters of letters, digits and +=,.@_-";
            default:
                return arn.Original.EndsWith(":root", StringComparison.Ordinal) ? null : "a root ARN ends in ':root'";
        }
    }

    private static string? PathProblem(string path)
    {
        if (path.Length > 512) return "the path is longer than 512 characters";
        foreach (var c in path)
            if (c is < '!' or > '~') return $"the path '{path}' has a character IAM does not allow (printable ASCII only)";
        return path.Contains("//", StringComparison.Ordinal) ? $"the path '{path}' has an empty segment" : null;
    }

    private static string TypeWord(PrincipalType type) => type == PrincipalType.User ? "user" : "role";
}
