using Turnstile.Core.Arns;
using Turnstile.Core.Authn;

namespace Turnstile.Core.Mapping;

/// <summary>
/// The <c>kube-system/aws-auth</c> ConfigMap (aws-iam-authenticator's EKSConfigMap mapper): <c>mapRoles</c> (the
/// last row for an ARN wins; <c>sso</c> rows only with the SSORoleMatch gate), <c>mapUsers</c>, then <c>mapAccounts</c>.
/// </summary>
public sealed class ConfigMapMapper : IIdentityMapper
{
    private readonly AwsAuthConfig? _config;
    private readonly Dictionary<string, RoleMapping> _roles = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, UserMapping> _users = new(StringComparer.OrdinalIgnoreCase);
    private readonly RoleMapping[] _ssoRoles;
    private readonly HashSet<string> _accounts;
    private readonly IInstanceDnsResolver _instances;
    private readonly bool _ssoRoleMatch;

    /// <param name="config">The parsed ConfigMap, or null when it does not exist.</param>
    public ConfigMapMapper(AwsAuthConfig? config, IInstanceDnsResolver instances, bool ssoRoleMatch)
    {
        _config = config;
        _instances = instances;
        _ssoRoleMatch = ssoRoleMatch;
        var aws = config ?? AwsAuthConfig.Empty;
        foreach (var row in aws.Roles)
            if (row.RoleArn is not null) _roles[row.RoleArn] = row;
        _ssoRoles = aws.Roles.Where(r => r.Sso is not null).ToArray();
        foreach (var row in aws.Users) _users[row.UserArn] = row;
        _accounts = new HashSet<string>(aws.Accounts, StringComparer.Ordinal);
    }

    public MappingResult? Map(AwsIdentity identity, List<string>? trace)
    {
        if (_config is null)
        {
            trace?.Add("the aws-auth ConfigMap does not exist");
            return null;
        }
        if (_config.ErrorSummary is { } errors) trace?.Add("aws-auth: " + errors);

        if (_roles.TryGetValue(identity.CanonicalArn, out var role))
        {
            trace?.Add($"aws-auth mapRoles[{role.Index}] rolearn {role.RoleArn} matches");
            return Render(identity, role.Username, role.Groups, MappingSource.AwsAuthMapRoles, trace) with { RoleRow = role };
        }
        foreach (var sso in _ssoRoles)
        {
            if (!_ssoRoleMatch)
            {
                trace?.Add($"aws-auth mapRoles[{sso.Index}] is an sso row; EKS's authenticator does not enable SSORoleMatch, so it is ignored");
                continue;
            }
            if (ArnLike.Matches(identity.CanonicalArn.ToLowerInvariant(), sso.SsoPattern!))
            {
                trace?.Add($"aws-auth mapRoles[{sso.Index}] sso pattern {sso.SsoPattern} matches");
                return Render(identity, sso.Username, sso.Groups, MappingSource.AwsAuthMapRoles, trace) with { RoleRow = sso };
            }
        }
        if (_users.TryGetValue(identity.CanonicalArn, out var user))
        {
            trace?.Add($"aws-auth mapUsers[{user.Index}] userarn {user.UserArn} matches");
            return Render(identity, user.Username, user.Groups, MappingSource.AwsAuthMapUsers, trace) with { UserRow = user };
        }
        // Only a trace line depends on this scan, so it runs only when explaining.
        if (trace is not null && identity.Type is PrincipalType.Role or PrincipalType.AssumedRole)
        {
            var withPath = _roles.Values.FirstOrDefault(r => r.RoleArn is { } arn && HasPath(arn) && SameRoleIgnoringPath(arn, identity.CanonicalArn));
            if (withPath is not null)
                trace.Add($"aws-auth mapRoles[{withPath.Index}] names this role with a path ({withPath.RoleArn}); STS reports roles without their path, so the row never matches");
        }
        if (_accounts.Contains(identity.AccountId))
        {
            trace?.Add($"aws-auth mapAccounts lists {identity.AccountId}: username is the canonical ARN, no groups");
            return MappedUsers.Mapped(identity, identity.CanonicalArn, [], MappingSource.AwsAuthMapAccounts, trace);
        }
        trace?.Add("no aws-auth row matches " + identity.CanonicalArn);
        return null;
    }

    private MappingResult Render(AwsIdentity identity, string username, IReadOnlyList<string> groups, MappingSource source, List<string>? trace) =>
        MappedUsers.Render(identity, username, groups, source, _instances, trace);

    private static bool HasPath(string roleArn) => roleArn.IndexOf('/') != roleArn.LastIndexOf('/');

    private static bool SameRoleIgnoringPath(string roleArn, string canonical)
    {
        try { return string.Equals(PrincipalArn.StripPath(roleArn), canonical, StringComparison.OrdinalIgnoreCase); }
        catch (ArnException) { return false; }
    }
}
