using System.Text.RegularExpressions;
using Turnstile.Core.Arns;

namespace Turnstile.Core.Mapping;

/// <summary>An SSO (IAM Identity Center) row: <c>sso: {permissionSetName, accountID, partition}</c>.</summary>
public sealed record SsoRoleSelector(string PermissionSetName, string AccountId, string Partition);

/// <summary>One <c>mapRoles</c> row. <see cref="Index"/> is its position in the ConfigMap list.</summary>
public sealed record RoleMapping(int Index, string? RoleArn, SsoRoleSelector? Sso, string Username, IReadOnlyList<string> Groups)
{
    /// <summary>
    /// aws-iam-authenticator's lower-case ArnLike pattern for SSO rows. It sets the partition only when the row
    /// leaves it empty, so a row that names a partition (even <c>aws</c>) produces a pattern that never matches.
    /// </summary>
    public string? SsoPattern => Sso is null
        ? null
        : $"arn:{(Sso.Partition.Length == 0 ? "aws" : "")}:iam::{Sso.AccountId}:role/awsreservedsso_{Sso.PermissionSetName}_*".ToLowerInvariant();
}

/// <summary>One <c>mapUsers</c> row.</summary>
public sealed record UserMapping(int Index, string UserArn, string Username, IReadOnlyList<string> Groups);

/// <summary>
/// The parsed <c>kube-system/aws-auth</c> ConfigMap with aws-iam-authenticator's tolerance rules: a YAML error
/// drops only its own section, invalid rows are dropped one by one, and every problem is reported in
/// <see cref="Errors"/> while the good parts are kept.
/// </summary>
public sealed record AwsAuthConfig(
    IReadOnlyList<RoleMapping> Roles,
    IReadOnlyList<UserMapping> Users,
    IReadOnlyList<string> Accounts,
    IReadOnlyList<string> Errors)
{
    public const string MapRolesKey = "mapRoles";
    public const string MapUsersKey = "mapUsers";
    public const string MapAccountsKey = "mapAccounts";

    public static AwsAuthConfig Empty { get; } = new([], [], [], []);

    /// <summary>Sections (<c>mapRoles</c>, <c>mapUsers</c>, <c>mapAccounts</c>) the authenticator drops whole: bad YAML or not a list.</summary>
    public IReadOnlyList<string> DroppedSections { get; init; } = [];

    /// <summary>The authenticator's aggregated log line, or null when the ConfigMap parsed cleanly.</summary>
    public string? ErrorSummary => Errors.Count == 0 ? null : $"error parsing config map: [{string.Join(", ", Errors)}]";

    public static AwsAuthConfig Parse(IReadOnlyDictionary<string, string> data) => AwsAuthParser.Parse(data);
}

internal static partial class AwsAuthValidation
{
    [GeneratedRegex("^[0-9]{12}$")]
    internal static partial Regex AccountId();

    [GeneratedRegex(@"^[\w+=,.@-]{1,32}$")]
    internal static partial Regex PermissionSetName();

    internal static string? Validate(RoleMapping row)
    {
        var hasArn = !string.IsNullOrEmpty(row.RoleArn);
        if (!hasArn && row.Sso is null) return "one of rolearn or SSO must be supplied";
        if (hasArn && row.Sso is not null) return "only one of rolearn or SSO can be supplied";
        if (row.Sso is { } sso)
        {
            if (!AccountId().IsMatch(sso.AccountId)) return $"AccountID '{sso.AccountId}' is not a valid AWS Account ID";
            if (!PermissionSetName().IsMatch(sso.PermissionSetName)) return $"PermissionSetName '{sso.PermissionSetName}' is not a valid AWS SSO PermissionSet Name";
            if (sso.Partition.Length > 0 && !Partitions.IsKnown(sso.Partition)) return $"partition '{sso.Partition}' is not a valid AWS partition";
        }
        return null;
    }

    internal static string? Validate(UserMapping row) =>
        string.IsNullOrEmpty(row.UserArn) ? "value for userarn must be supplied" : null;
}
