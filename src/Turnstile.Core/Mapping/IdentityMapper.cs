using Turnstile.Core.Arns;
using Turnstile.Core.Authn;

namespace Turnstile.Core.Mapping;

/// <summary>
/// Maps a verified IAM identity to a Kubernetes user the way EKS does for the cluster's authentication mode:
/// an access entry first (API modes), then the hidden cluster creator (CONFIG_MAP), then aws-auth rows
/// (mapRoles, mapUsers, mapAccounts) when the mode reads the ConfigMap.
/// </summary>
public sealed class IdentityMapper
{
    public const string ClusterCreatorUsername = "kubernetes-admin";
    public const string NotMappedError = "identity is not mapped";

    private readonly Dictionary<string, AccessEntry> _entries;
    private readonly Dictionary<string, RoleMapping> _roles;
    private readonly Dictionary<string, UserMapping> _users;
    private readonly RoleMapping[] _ssoRoles;
    private readonly HashSet<string> _accounts;
    private readonly string? _creatorKey;

    public IdentityMappingConfig Config { get; }

    public IdentityMapper(IdentityMappingConfig config)
    {
        Config = config;
        _entries = new Dictionary<string, AccessEntry>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in config.AccessEntries) _entries[AccessEntryRules.MatchKey(entry.PrincipalArn)] = entry;
        _roles = new Dictionary<string, RoleMapping>(StringComparer.OrdinalIgnoreCase);
        _users = new Dictionary<string, UserMapping>(StringComparer.OrdinalIgnoreCase);
        var aws = config.AwsAuth ?? AwsAuthConfig.Empty;
        foreach (var row in aws.Roles)
            if (row.RoleArn is not null) _roles[row.RoleArn] = row; // last row wins
        _ssoRoles = aws.Roles.Where(r => r.Sso is not null).ToArray();
        foreach (var row in aws.Users) _users[row.UserArn] = row;
        _accounts = new HashSet<string>(aws.Accounts, StringComparer.Ordinal);
        if (config.ClusterCreatorArn is { } creator && PrincipalArn.TryParse(creator, out var principal, out _))
            _creatorKey = principal.Canonical;
    }

    /// <summary>Finds the access entry for a canonical ARN (role paths ignored), if any.</summary>
    public AccessEntry? FindAccessEntry(string canonicalArn) => _entries.GetValueOrDefault(canonicalArn);

    /// <summary>Maps an identity; with <paramref name="explain"/> the result carries a trace of every source consulted.</summary>
    public MappingResult Map(AwsIdentity identity, bool explain = false)
    {
        var trace = explain ? new List<string>() : null;
        var mode = Config.Mode;
        trace?.Add($"authentication mode {mode.ToWire()}: " + mode switch
        {
            AuthenticationMode.ConfigMap => "aws-auth ConfigMap only",
            AuthenticationMode.ApiAndConfigMap => "access entries first, then the aws-auth ConfigMap",
            _ => "access entries only (aws-auth is ignored)",
        });

        if (mode.UsesAccessEntries())
        {
            if (_entries.TryGetValue(identity.CanonicalArn, out var entry))
            {
                if (entry.PrincipalId is { } boundId && identity.UserId.Length > 0 && !string.Equals(boundId, identity.UserId, StringComparison.Ordinal))
                    trace?.Add($"access entry for {entry.PrincipalArn} is bound to principal id {boundId}, but the caller is {identity.UserId} (the IAM principal was deleted and recreated); the entry does not match");
                else
                {
                    trace?.Add($"access entry {entry.PrincipalArn} (type {entry.Type}) matches");
                    return Render(identity, entry.Username, entry.KubernetesGroups, MappingSource.AccessEntry, trace) with { AccessEntry = entry };
                }
            }
            else trace?.Add("no access entry for " + identity.CanonicalArn);
        }

        if (mode == AuthenticationMode.ConfigMap && _creatorKey is not null &&
            string.Equals(_creatorKey, identity.CanonicalArn, StringComparison.OrdinalIgnoreCase))
        {
            trace?.Add("the caller created the cluster: CONFIG_MAP clusters map the creator to system:masters (not shown in aws-auth)");
            return Mapped(identity, ClusterCreatorUsername, [KubeUser.MastersGroup], MappingSource.ClusterCreator, trace);
        }

        if (mode.UsesConfigMap())
        {
            if (Config.AwsAuth is null)
                trace?.Add("the aws-auth ConfigMap does not exist");
            else
            {
                if (Config.AwsAuth.ErrorSummary is { } errors) trace?.Add("aws-auth: " + errors);
                if (MapFromConfigMap(identity, trace) is { } mapped) return mapped;
            }
        }

        trace?.Add(NotMappedError);
        return new MappingResult { Error = NotMappedError, Trace = (IReadOnlyList<string>?)trace ?? [] };
    }

    private MappingResult? MapFromConfigMap(AwsIdentity identity, List<string>? trace)
    {
        if (_roles.TryGetValue(identity.CanonicalArn, out var role))
        {
            trace?.Add($"aws-auth mapRoles[{role.Index}] rolearn {role.RoleArn} matches");
            return Render(identity, role.Username, role.Groups, MappingSource.AwsAuthMapRoles, trace) with { RoleRow = role };
        }
        foreach (var sso in _ssoRoles)
        {
            if (!Config.SsoRoleMatch)
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
            return Mapped(identity, identity.CanonicalArn, [], MappingSource.AwsAuthMapAccounts, trace);
        }
        trace?.Add("no aws-auth row matches " + identity.CanonicalArn);
        return null;
    }

    private MappingResult Render(AwsIdentity identity, string usernameTemplate, IReadOnlyList<string> groupTemplates, MappingSource source, List<string>? trace)
    {
        try
        {
            var username = UsernameTemplate.Render(usernameTemplate, identity, Config.Instances);
            var groups = new string[groupTemplates.Count];
            for (var i = 0; i < groups.Length; i++) groups[i] = UsernameTemplate.Render(groupTemplates[i], identity, Config.Instances);
            return Mapped(identity, username, groups, source, trace);
        }
        catch (TemplateException e)
        {
            var error = $"renderTemplates error: {e.Message}";
            trace?.Add(error);
            return new MappingResult { Error = error, Source = source, Trace = (IReadOnlyList<string>?)trace ?? [] };
        }
    }

    private static MappingResult Mapped(AwsIdentity identity, string username, IReadOnlyList<string> groups, MappingSource source, List<string>? trace) => new()
    {
        User = new KubeUser(username, UidOf(identity), groups, ExtraOf(identity)),
        Source = source,
        Trace = (IReadOnlyList<string>?)trace ?? [],
    };

    public static string UidOf(AwsIdentity identity) => $"aws-iam-authenticator:{identity.AccountId}:{identity.UserId}";

    /// <summary>The extra keys aws-iam-authenticator attaches, each a one-element list (empty strings kept).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> ExtraOf(AwsIdentity identity) => new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        ["accessKeyId"] = [identity.AccessKeyId],
        ["arn"] = [identity.Arn],
        ["canonicalArn"] = [identity.CanonicalArn],
        ["principalId"] = [identity.UserId],
        ["sessionName"] = [identity.SessionName],
        ["sigs.k8s.io/aws-iam-authenticator/principalId"] = [identity.UserId],
    };

    private static bool HasPath(string roleArn) => roleArn.IndexOf('/') != roleArn.LastIndexOf('/');

    private static bool SameRoleIgnoringPath(string roleArn, string canonical)
    {
        try { return string.Equals(PrincipalArn.StripPath(roleArn), canonical, StringComparison.OrdinalIgnoreCase); }
        catch (ArnException) { return false; }
    }
}
