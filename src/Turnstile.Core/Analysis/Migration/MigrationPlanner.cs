using Turnstile.Core.AccessPolicies;
using Turnstile.Core.Analysis.Lint;
using Turnstile.Core.Arns;
using Turnstile.Core.Authn;
using Turnstile.Core.Authz;
using Turnstile.Core.Clusters;
using Turnstile.Core.Mapping;

namespace Turnstile.Core.Analysis.Migration;

/// <summary>
/// Plans the move from aws-auth to access entries the way EKS allows it: <c>system:masters</c> becomes
/// AmazonEKSClusterAdminPolicy at cluster scope, node rows become EC2_LINUX / EC2_WINDOWS / FARGATE_LINUX entries,
/// usernames and groups are kept where EKS accepts them and flagged where it does not (reserved prefixes, groups
/// starting with <c>system:</c>, templates without a ':' before them, whole accounts).
/// </summary>
public static class MigrationPlanner
{
    public const string ClusterAdminPolicy = "AmazonEKSClusterAdminPolicy";
    private const string WindowsProxyGroup = "eks:kube-proxy-windows";
    private static readonly HashSet<string> NodeManagedGroups = new(StringComparer.Ordinal)
        { ClusterAuthorizer.NodesGroup, "system:bootstrappers", "system:node-proxier", WindowsProxyGroup };

    public static MigrationPlan Plan(ClusterAccessModel model)
    {
        var notes = new List<Finding>();
        var entries = new List<PlannedEntry>();
        var region = model.Region ?? "";
        if (model.Mode == AuthenticationMode.Api)
        {
            notes.Add(new(Severity.Info, "migrate/already-api", "cluster", "the cluster is already in API mode: aws-auth is not used, nothing to migrate", "nothing to do"));
            return new MigrationPlan(model.ClusterName, region, model.Mode.ToWire(), entries, notes);
        }
        var adminPolicy = new PlannedPolicy(AccessPolicyCatalog.FindByName(ClusterAdminPolicy)!.ArnIn(model.Partition), AccessScopeTypes.Cluster, []);
        var existing = model.AccessEntries.Select(e => KnownPrincipal.KeyOf(e.PrincipalArn)).ToHashSet(StringComparer.Ordinal);

        string? creatorKey = null;
        if (model.Mode == AuthenticationMode.ConfigMap && model.BootstrapClusterCreatorAdminPermissions)
        {
            if (model.ClusterCreatorArn is { } creator && PrincipalArn.TryParse(creator, out _, out _))
            {
                creatorKey = KnownPrincipal.KeyOf(creator);
                if (existing.Add(creatorKey))
                    entries.Add(new PlannedEntry(creator, AccessEntryTypes.Standard, null, [], [adminPolicy], "cluster creator", CreatedByEks: true));
            }
            else
                notes.Add(new(Severity.Warning, "migrate/unknown-creator", "cluster",
                    "the cluster creator is not named (clusterCreatorArn in the SnapshotContext): EKS will give it an admin entry that this comparison cannot include",
                    "add clusterCreatorArn to the SnapshotContext"));
        }

        var config = model.AwsAuthData is null ? AwsAuthConfig.Empty : AwsAuthConfig.Parse(model.AwsAuthData);
        foreach (var (section, _) in config.DroppedSections)
            notes.Add(new(Severity.Error, "migrate/section-dropped", $"aws-auth data.{section}",
                $"EKS drops the whole {section} section today; its rows cannot be migrated", "fix the section's YAML first (see turnstile lint)"));

        var rows = config.Roles.Where(r => r.RoleArn is not null).Select(r => (Section: AwsAuthConfig.MapRolesKey, r.Index, Arn: r.RoleArn!, r.Username, r.Groups))
            .Concat(config.Users.Select(r => (Section: AwsAuthConfig.MapUsersKey, r.Index, Arn: r.UserArn, r.Username, r.Groups)))
            .ToArray();
        var lastRow = rows.GroupBy(r => (r.Section, Arn: r.Arn.ToLowerInvariant())).ToDictionary(g => g.Key, g => g.Last().Index);
        foreach (var sso in config.Roles.Where(r => r.Sso is not null))
            notes.Add(new(Severity.Info, "migrate/sso-row", $"aws-auth data.mapRoles[{sso.Index}]", "sso rows never match on EKS, so there is nothing to migrate",
                "create an entry for the permission set's role if it needs access"));
        foreach (var row in rows)
        {
            var where = $"aws-auth data.{row.Section}[{row.Index}]";
            if (!PrincipalArn.TryParse(row.Arn, out var principal, out var arnError))
            {
                notes.Add(new(Severity.Info, "migrate/invalid-arn", where, $"skipped: the row never matches ({arnError})", "nothing to migrate"));
                continue;
            }
            var key = KnownPrincipal.KeyOf(row.Arn);
            var last = lastRow[(row.Section, row.Arn.ToLowerInvariant())];
            if (last != row.Index)
            {
                notes.Add(new(Severity.Info, "migrate/shadowed", where, $"skipped: shadowed by {row.Section}[{last}], which is migrated instead", "remove the duplicate row"));
                continue;
            }
            if (principal.Type == PrincipalType.Role && principal.Path != "/")
            {
                notes.Add(new(Severity.Warning, "migrate/role-path", where,
                    $"skipped: the row names the role with a path, so it never matches today; an entry would newly grant {row.Arn} access",
                    "create an entry for it yourself if that access is intended"));
                continue;
            }
            if (key == creatorKey)
            {
                notes.Add(new(Severity.Info, "migrate/creator-row", where, "skipped: the cluster creator keeps admin access through the entry EKS creates for it", "nothing to do"));
                continue;
            }
            if (existing.Contains(key))
            {
                notes.Add(new(Severity.Info, "migrate/has-entry", where, "skipped: the principal already has an access entry, which EKS uses instead of the row", "nothing to do"));
                continue;
            }
            existing.Add(key);
            entries.Add(Convert(row.Arn, principal, row.Username, row.Groups, where, adminPolicy, notes));
        }
        foreach (var account in config.Accounts.Distinct(StringComparer.Ordinal))
            notes.Add(new(Severity.Error, "migrate/map-accounts", "aws-auth data.mapAccounts",
                $"account {account}: every principal of the account authenticates today; access entries name single principals, so this cannot be carried over",
                "create entries for the principals of the account that need access"));
        return new MigrationPlan(model.ClusterName, region, model.Mode.ToWire(), entries, notes);
    }

    private static PlannedEntry Convert(string arn, PrincipalArn principal, string username, IReadOnlyList<string> groups, string where,
        PlannedPolicy adminPolicy, List<Finding> notes)
    {
        if (groups.Contains(ClusterAuthorizer.NodesGroup) && username.StartsWith(ClusterAuthorizer.NodeUserPrefix, StringComparison.Ordinal) && principal.IsRoleLike)
        {
            var type = username == ClusterAuthorizer.NodeUserPrefix + UsernameTemplate.SessionName ? AccessEntryTypes.FargateLinux
                : groups.Contains(WindowsProxyGroup) ? AccessEntryTypes.Ec2Windows : AccessEntryTypes.Ec2Linux;
            var defaultName = AccessEntryRules.DefaultUsername(arn, type);
            if (username != defaultName)
                notes.Add(new(Severity.Warning, "migrate/node-username", where, $"EKS names {type} nodes {defaultName}; the row's {username} is not kept", "check bindings that name the old username"));
            var extra = groups.Where(g => !NodeManagedGroups.Contains(g)).ToArray();
            if (extra.Length > 0)
                notes.Add(new(Severity.Warning, "migrate/node-groups", where, $"groups cannot be set on {type} entries; [{string.Join(", ", extra)}] are dropped", "bind what they grant to system:nodes instead"));
            return new PlannedEntry(arn, type, null, [], [], where);
        }

        var policies = new List<PlannedPolicy>();
        var kept = new List<string>();
        foreach (var group in groups)
        {
            if (group == KubeUser.MastersGroup)
            {
                policies.Add(adminPolicy);
                notes.Add(new(Severity.Info, "migrate/system-masters", where, $"system:masters becomes {ClusterAdminPolicy} at cluster scope (groups may not start with system:)", "nothing to do"));
            }
            else if (AccessEntryRules.ValidateGroup(group) is { } groupError)
                notes.Add(new(Severity.Warning, "migrate/reserved-group", where, $"group {group} is dropped: {groupError}",
                    $"bind what {group} grants to a group of your own"));
            else if (!kept.Contains(group)) kept.Add(group);
        }

        var defaultUsername = AccessEntryRules.DefaultUsername(arn, AccessEntryTypes.Standard);
        string? keptUsername = username;
        if (username == defaultUsername) keptUsername = null;
        else if (username.Length == 0)
        {
            notes.Add(new(Severity.Warning, "migrate/no-username", where, $"the row has no username; the entry gets EKS's default {defaultUsername}", "set the username you mean"));
            keptUsername = null;
        }
        else if (AccessEntryRules.ValidateUsername(username) is { } usernameError)
        {
            notes.Add(new(Severity.Warning, "migrate/username", where, $"EKS refuses the username {username} ({usernameError}); the entry gets the default {defaultUsername}",
                "bind the new username, or choose one EKS accepts"));
            keptUsername = null;
        }
        else if (UsernameTemplate.HasTemplate(username) && !OnlySessionTemplates(username))
            notes.Add(new(Severity.Info, "migrate/username-template", where,
                $"EKS documents only {{{{SessionName}}}} and {{{{SessionNameRaw}}}} for access entry usernames; {username} uses another template", "confirm on a test cluster"));
        return new PlannedEntry(arn, AccessEntryTypes.Standard, keptUsername, kept, policies, where);
    }

    private static bool OnlySessionTemplates(string username) =>
        !UsernameTemplate.HasTemplate(username.Replace(UsernameTemplate.SessionNameRaw, "", StringComparison.Ordinal).Replace(UsernameTemplate.SessionName, "", StringComparison.Ordinal));
}
