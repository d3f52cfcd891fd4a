using Turnstile.Core.Arns;

namespace Turnstile.Core.Mapping;

/// <summary>
/// EKS's rules for access entries: default usernames and groups per type, reserved prefixes, the
/// kubernetesGroups rule and the username-template rule. Validation returns EKS's message or null.
/// </summary>
public static class AccessEntryRules
{
    public static readonly IReadOnlyList<string> ReservedUsernamePrefixes = ["system:", "eks:", "aws:", "amazon:", "iam:"];

    /// <summary>
    /// The username EKS generates: the user ARN for IAM users, <c>arn:p:sts::a:assumed-role/Name/{{SessionName}}</c>
    /// for roles (path dropped), <c>system:node:{{EC2PrivateDNSName}}</c> or <c>system:node:{{SessionName}}</c> for node types.
    /// </summary>
    public static string DefaultUsername(string principalArn, string type)
    {
        switch (type)
        {
            case AccessEntryTypes.Ec2Linux:
            case AccessEntryTypes.Ec2Windows:
            case AccessEntryTypes.Ec2:
                return "system:node:" + UsernameTemplate.Ec2PrivateDnsName;
            case AccessEntryTypes.FargateLinux:
            case AccessEntryTypes.HybridLinux:
            case AccessEntryTypes.HyperpodLinux:
                return "system:node:" + UsernameTemplate.SessionName;
        }
        var principal = PrincipalArn.Parse(principalArn);
        return principal.Type == PrincipalType.Role
            ? PrincipalArn.AssumedRoleArn(principal.Partition, principal.Account, principal.Name, UsernameTemplate.SessionName)
            : principalArn;
    }

    /// <summary>Groups EKS manages for node-type entries (only EC2_LINUX's are shown publicly; the rest are our choice, see docs/decisions.md).</summary>
    public static IReadOnlyList<string> DefaultGroups(string type) => type switch
    {
        AccessEntryTypes.Standard => [],
        AccessEntryTypes.FargateLinux => ["system:node-proxier", "system:nodes"],
        _ => ["system:nodes"],
    };

    public static string? ValidateUsername(string username)
    {
        foreach (var prefix in ReservedUsernamePrefixes)
            if (username.StartsWith(prefix, StringComparison.Ordinal)) return $"The username must not begin with {prefix}";
        var template = FirstTemplate(username);
        if (template >= 0 && username.IndexOf(':') is var colon && (colon < 0 || colon > template))
            return "The username template must contain a colon before the first template variable";
        return null;
    }

    public static string? ValidateGroup(string group) =>
        group.StartsWith("system:", StringComparison.Ordinal)
            ? $"The kubernetes group name {group} is invalid, it cannot start with system:"
            : null;

    private static int FirstTemplate(string username)
    {
        var first = -1;
        foreach (var t in new[] { UsernameTemplate.SessionName, UsernameTemplate.SessionNameRaw })
        {
            var at = username.IndexOf(t, StringComparison.Ordinal);
            if (at >= 0 && (first < 0 || at < first)) first = at;
        }
        return first;
    }

    /// <summary>
    /// The key an entry is found by: the principal ARN with any role path removed (STS reports roles without
    /// their path), compared case-insensitively.
    /// </summary>
    public static string MatchKey(string principalArn)
    {
        if (!PrincipalArn.TryParse(principalArn, out var principal, out _)) return principalArn;
        return principal.Type == PrincipalType.Role ? PrincipalArn.StripPath(principalArn) : principal.Canonical;
    }
}
