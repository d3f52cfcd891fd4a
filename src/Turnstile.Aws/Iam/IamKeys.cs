using Turnstile.State;

namespace Turnstile.Aws.Iam;

/// <summary>
/// Where IAM and STS keep their records. Names are unique case-insensitively in IAM, so entity keys use the name folded
/// to lower case (the record keeps the name as written). Secondary lookups are index keys written in the same commit
/// as the entity: unique id to name, policy ARN to its users.
/// </summary>
public static class IamKeys
{
    public const string Prefix = "/aws/iam/";
    public const string SessionPrefix = "/aws/sts/sessions/";
    public const string SessionExpiryPrefix = "/aws/sts/session-expiry/";

    public static string Fold(string name) => name.ToLowerInvariant();

    public static string Account => "/aws/iam/account";
    public static string User(string name) => StateKey.Join("aws", "iam", "users", Fold(name));
    public static string UserId(string id) => StateKey.Join("aws", "iam", "user-ids", id);
    public static string Users => "/aws/iam/users/";
    public static string AccessKey(string id) => StateKey.Join("aws", "iam", "access-keys", id);
    public static string Role(string name) => StateKey.Join("aws", "iam", "roles", Fold(name));
    public static string RoleId(string id) => StateKey.Join("aws", "iam", "role-ids", id);
    public static string Roles => "/aws/iam/roles/";
    public static string Group(string name) => StateKey.Join("aws", "iam", "groups", Fold(name));
    public static string GroupId(string id) => StateKey.Join("aws", "iam", "group-ids", id);
    public static string Groups => "/aws/iam/groups/";
    public static string Policy(string name) => StateKey.Join("aws", "iam", "policies", Fold(name));
    public static string Policies => "/aws/iam/policies/";
    public static string PolicyUsage(string policyArn) => StateKey.Join("aws", "iam", "policy-usage", Fold(policyArn));
    public static string PolicyUsages => "/aws/iam/policy-usage/";
    public static string InstanceProfile(string name) => StateKey.Join("aws", "iam", "instance-profiles", Fold(name));
    public static string InstanceProfileId(string id) => StateKey.Join("aws", "iam", "instance-profile-ids", id);
    public static string InstanceProfiles => "/aws/iam/instance-profiles/";
    public static string Session(string accessKeyId) => SessionPrefix + StateKey.Segment(accessKeyId);

    /// <summary>Sessions ordered by expiry, so expired ones are found without reading the others.</summary>
    public static string SessionExpiry(DateTimeOffset expiration, string accessKeyId) =>
        SessionExpiryPrefix + expiration.UtcTicks.ToString("D19", System.Globalization.CultureInfo.InvariantCulture) + "/" + StateKey.Segment(accessKeyId);

    public static DateTimeOffset ExpiryOf(string sessionExpiryKey) =>
        new(long.Parse(sessionExpiryKey.AsSpan(SessionExpiryPrefix.Length, 19), System.Globalization.CultureInfo.InvariantCulture), TimeSpan.Zero);
}
