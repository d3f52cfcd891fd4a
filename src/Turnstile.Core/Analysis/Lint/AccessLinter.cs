using System.Text.RegularExpressions;
using Turnstile.Core.AccessPolicies;
using Turnstile.Core.Arns;
using Turnstile.Core.Authn;
using Turnstile.Core.Authz;
using Turnstile.Core.Clusters;
using Turnstile.Core.Mapping;
using Turnstile.Core.Rbac;

namespace Turnstile.Core.Analysis.Lint;

/// <summary>
/// Checks a cluster's identity mapping (aws-auth and access entries) and the RBAC it leads to for the mistakes that
/// lock people out or grant too much. Decisions (who is admin, before and after a mode switch) come from the engine.
/// </summary>
public static partial class AccessLinter
{
    /// <summary>Groups EKS itself binds or handles (Node authorizer, bootstrap, kube-proxy) that a snapshot's RBAC rarely shows.</summary>
    private static readonly HashSet<string> EksManagedGroups = new(StringComparer.Ordinal)
    {
        KubeUser.MastersGroup, KubeUser.AuthenticatedGroup, ClusterAuthorizer.NodesGroup, "system:bootstrappers",
        "system:node-proxier", "eks:kube-proxy-windows",
    };

    private static readonly string[] KnownTemplates =
        [UsernameTemplate.Ec2PrivateDnsName, UsernameTemplate.AccountId, UsernameTemplate.SessionName, UsernameTemplate.SessionNameRaw, UsernameTemplate.AccessKeyId];

    [GeneratedRegex(@"\{\{[^{}]*\}\}")]
    private static partial Regex Placeholder();

    public static IReadOnlyList<Finding> Lint(ClusterAnalysis analysis, IPrincipalDirectory principals)
    {
        var findings = new List<Finding>();
        var model = analysis.Model;
        var awsAuth = model.AwsAuthData is null ? null : AwsAuthConfig.Parse(model.AwsAuthData);
        if (awsAuth is not null) LintAwsAuth(model, awsAuth, findings);
        LintAccessEntries(model, findings);
        LintGroupsAndBindings(analysis, awsAuth, findings);
        LintPrincipals(analysis, principals, findings);
        LintLockout(analysis, findings);
        return findings.OrderByDescending(f => f.Severity).ThenBy(f => f.Location, StringComparer.Ordinal).ToArray();
    }

    private static void LintAwsAuth(ClusterAccessModel model, AwsAuthConfig config, List<Finding> findings)
    {
        var data = model.AwsAuthData!;
        if (!model.Mode.UsesConfigMap())
            findings.Add(new(Severity.Info, "mode/unused-aws-auth", "aws-auth", "the cluster is in API mode: EKS ignores the aws-auth ConfigMap",
                "delete it (kubectl delete configmap aws-auth -n kube-system) once nothing depends on it"));

        foreach (var key in data.Keys.Where(k => k is not (AwsAuthConfig.MapRolesKey or AwsAuthConfig.MapUsersKey or AwsAuthConfig.MapAccountsKey)))
        {
            var near = new[] { AwsAuthConfig.MapRolesKey, AwsAuthConfig.MapUsersKey, AwsAuthConfig.MapAccountsKey }
                .FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase) || string.Equals(k, key + "s", StringComparison.OrdinalIgnoreCase));
            findings.Add(new(near is null ? Severity.Warning : Severity.Error, "aws-auth/unknown-key", $"aws-auth data.{key}",
                $"the authenticator reads only mapRoles, mapUsers and mapAccounts (case-sensitive); {key} is ignored",
                near is null ? "remove it" : $"rename it to {near}"));
        }

        foreach (var (section, reason) in config.DroppedSections)
            findings.Add(new(Severity.Error, "aws-auth/section-dropped", $"aws-auth data.{section}",
                $"EKS drops the whole {section} section: {reason}; every principal it maps gets 401",
                $"fix the YAML of {section}: it must be a list of mappings (check indentation and quoting)"));
        foreach (var error in config.Errors.Where(e => e.Contains('[') && !config.DroppedSections.Any(d => e.StartsWith(d.Section + ":", StringComparison.Ordinal))))
        {
            var colon = error.IndexOf(": ", StringComparison.Ordinal);
            findings.Add(new(Severity.Error, "aws-auth/row-dropped", "aws-auth data." + error[..colon],
                $"the authenticator ignores this row: {error[(colon + 2)..]}", "correct the row or remove it"));
        }

        var rows = new[] { AwsAuthConfig.MapRolesKey, AwsAuthConfig.MapUsersKey }
            .SelectMany(section => AwsAuthRowSource.Read(data, section)).ToDictionary(r => (r.Section, r.Index));
        string Where(string section, int index) => rows.TryGetValue((section, index), out var row) ? row.Location : $"aws-auth data.{section}[{index}]";

        foreach (var row in rows.Values)
        {
            var known = AwsAuthRowSource.KnownFields[row.Section];
            foreach (var field in row.Fields.Where(f => !known.Contains(f, StringComparer.OrdinalIgnoreCase)))
            {
                var guess = known.FirstOrDefault(k => k.StartsWith(field, StringComparison.OrdinalIgnoreCase) || field.StartsWith(k, StringComparison.OrdinalIgnoreCase));
                findings.Add(new(Severity.Warning, "aws-auth/unknown-field", row.Location,
                    $"field {field} is not read by the authenticator (it reads {string.Join(", ", known)}); its value is ignored",
                    guess is null ? "remove it" : $"did you mean {guess}?"));
            }
        }

        var entryKeys = model.Mode.UsesAccessEntries()
            ? model.AccessEntries.Select(e => KnownPrincipal.KeyOf(e.PrincipalArn)).ToHashSet(StringComparer.Ordinal)
            : [];
        var creatorKey = model.Mode == AuthenticationMode.ConfigMap && model.BootstrapClusterCreatorAdminPermissions && model.ClusterCreatorArn is { } c
            ? KnownPrincipal.KeyOf(c) : null;

        foreach (var row in config.Roles)
        {
            var where = Where(AwsAuthConfig.MapRolesKey, row.Index);
            if (row.Sso is not null)
            {
                findings.Add(new(Severity.Warning, "aws-auth/sso-row", where,
                    "sso rows never match on EKS: its authenticator does not enable the SSORoleMatch feature",
                    "map the permission set's role by its ARN (role/AWSReservedSSO_<set>_<id>, without the path)"));
                continue;
            }
            var arn = row.RoleArn!;
            if (!PrincipalArn.TryParse(arn, out var principal, out var arnError))
            {
                findings.Add(new(Severity.Error, "aws-auth/invalid-arn", where, $"rolearn never matches: {arnError}", "use arn:aws:iam::ACCOUNT:role/NAME"));
                continue;
            }
            if (principal.Type == PrincipalType.Role && principal.Path != "/")
                findings.Add(new(Severity.Error, "aws-auth/role-path", where,
                    $"rolearn {arn} has the path {principal.Path}; callers arrive as the role without its path, so this row never matches",
                    $"write rolearn: {PrincipalArn.StripPath(arn)}"));
            LintRowMapping(where, AwsAuthConfig.MapRolesKey, row.Username, row.Groups, findings);
            Shadowing(where, KnownPrincipal.KeyOf(arn), entryKeys, creatorKey, findings);
        }
        foreach (var row in config.Users)
        {
            var where = Where(AwsAuthConfig.MapUsersKey, row.Index);
            if (!PrincipalArn.TryParse(row.UserArn, out _, out var arnError))
            {
                findings.Add(new(Severity.Error, "aws-auth/invalid-arn", where, $"userarn never matches: {arnError}", "use arn:aws:iam::ACCOUNT:user/NAME"));
                continue;
            }
            LintRowMapping(where, AwsAuthConfig.MapUsersKey, row.Username, row.Groups, findings);
            Shadowing(where, KnownPrincipal.KeyOf(row.UserArn), entryKeys, creatorKey, findings);
        }

        Duplicates(config.Roles.Where(r => r.RoleArn is not null).Select(r => (Key: r.RoleArn!.ToLowerInvariant(), r.Index, Where: Where(AwsAuthConfig.MapRolesKey, r.Index), Settings: Settings(r.Username, r.Groups))), AwsAuthConfig.MapRolesKey, findings);
        Duplicates(config.Users.Select(r => (Key: r.UserArn.ToLowerInvariant(), r.Index, Where: Where(AwsAuthConfig.MapUsersKey, r.Index), Settings: Settings(r.Username, r.Groups))), AwsAuthConfig.MapUsersKey, findings);
        foreach (var account in config.Accounts.GroupBy(a => a).Where(g => g.Count() > 1))
            findings.Add(new(Severity.Warning, "aws-auth/duplicate", "aws-auth data.mapAccounts", $"account {account.Key} is listed {account.Count()} times", "list it once"));
        foreach (var account in config.Accounts.Distinct())
            findings.Add(new(Severity.Warning, "aws-auth/map-accounts", "aws-auth data.mapAccounts",
                $"every IAM principal of account {account} authenticates (username = its ARN, no groups); access entries cannot express this",
                "map the roles that need access one by one"));
    }

    private static string Settings(string username, IReadOnlyList<string> groups) => username + "|" + string.Join(",", groups);

    private static void Duplicates(IEnumerable<(string Key, int Index, string Where, string Settings)> rows, string section, List<Finding> findings)
    {
        foreach (var group in rows.GroupBy(r => r.Key).Where(g => g.Count() > 1))
        {
            var last = group.Last();
            foreach (var row in group.SkipLast(1))
                findings.Add(row.Settings == last.Settings
                    ? new(Severity.Warning, "aws-auth/duplicate", row.Where, $"the same mapping as {section}[{last.Index}]", "remove the duplicate row")
                    : new(Severity.Warning, "aws-auth/shadowed", row.Where,
                        $"shadowed by {section}[{last.Index}] for the same ARN: the last row wins, this one is never used", "merge the rows into one"));
        }
    }

    private static void Shadowing(string where, string key, HashSet<string> entryKeys, string? creatorKey, List<Finding> findings)
    {
        if (entryKeys.Contains(key))
            findings.Add(new(Severity.Info, "aws-auth/shadowed-by-entry", where,
                "the principal also has an access entry, which EKS uses instead of this row", "remove the row once the entry is verified"));
        if (key == creatorKey)
            findings.Add(new(Severity.Info, "aws-auth/creator-row", where,
                "this is the cluster creator: in CONFIG_MAP mode its hidden system:masters mapping is used instead of this row", "nothing to do, or remove the row"));
    }

    private static void LintRowMapping(string where, string section, string username, IReadOnlyList<string> groups, List<Finding> findings)
    {
        foreach (var text in groups.Prepend(username))
        {
            foreach (Match m in Placeholder().Matches(text))
                if (!KnownTemplates.Contains(m.Value))
                    findings.Add(new(Severity.Warning, "mapping/unknown-template", where,
                        $"{m.Value} is not a template the authenticator knows; it stays in the name verbatim",
                        "use {{SessionName}}, {{SessionNameRaw}}, {{AccountID}}, {{AccessKeyID}} or {{EC2PrivateDNSName}}"));
            if (section == AwsAuthConfig.MapUsersKey && text.Contains(UsernameTemplate.Ec2PrivateDnsName, StringComparison.Ordinal))
                findings.Add(new(Severity.Error, "mapping/template", where,
                    "{{EC2PrivateDNSName}} needs a role session named after an EC2 instance; an IAM user has none, so every request gets 401",
                    "use a fixed username for users"));
            else if (section == AwsAuthConfig.MapUsersKey && (text.Contains(UsernameTemplate.SessionName, StringComparison.Ordinal) || text.Contains(UsernameTemplate.SessionNameRaw, StringComparison.Ordinal)))
                findings.Add(new(Severity.Warning, "mapping/template", where,
                    "IAM users have no session name: {{SessionName}} renders as an empty string", "use a fixed username for users"));
        }
        if (groups.Contains(KubeUser.MastersGroup))
            findings.Add(new(Severity.Warning, "mapping/system-masters", where,
                "grants system:masters: unrestricted access that no RBAC rule can narrow or revoke",
                "bind a narrower ClusterRole to a group of your own, or use an access entry with AmazonEKSClusterAdminPolicy"));
    }

    private static void LintAccessEntries(ClusterAccessModel model, List<Finding> findings)
    {
        if (model.AccessEntries.Count > 0 && !model.Mode.UsesAccessEntries())
            findings.Add(new(Severity.Warning, "mode/unused-access-entries", "access entries",
                "the cluster is in CONFIG_MAP mode: EKS does not use its access entries", "switch to API_AND_CONFIG_MAP to use them"));
        foreach (var entry in model.AccessEntries)
        {
            var where = $"access entry {entry.PrincipalArn}";
            if (!AccessEntryTypes.IsNode(entry.Type))
            {
                if (AccessEntryRules.ValidateUsername(entry.Username) is { } usernameError && entry.Username != AccessEntryRules.DefaultUsername(entry.PrincipalArn, entry.Type))
                    findings.Add(new(Severity.Error, "access-entry/username", where, $"EKS refuses the username {entry.Username}: {usernameError}",
                        "choose a username without a reserved prefix, with a ':' before any {{SessionName}}"));
                foreach (var group in entry.KubernetesGroups)
                    if (AccessEntryRules.ValidateGroup(group) is { } groupError)
                        findings.Add(new(Severity.Error, "access-entry/group", where, groupError,
                            group == KubeUser.MastersGroup ? "associate AmazonEKSClusterAdminPolicy (cluster scope) instead" : "rename the group"));
                if (entry.Username.Contains(UsernameTemplate.Ec2PrivateDnsName, StringComparison.Ordinal) &&
                    PrincipalArn.TryParse(entry.PrincipalArn, out var principal, out _) && principal.Type == PrincipalType.User)
                    findings.Add(new(Severity.Error, "mapping/template", where,
                        "{{EC2PrivateDNSName}} needs a role session named after an EC2 instance; an IAM user has none, so every request gets 401",
                        "use a fixed username"));
            }
            foreach (var association in entry.AccessPolicies.Where(a => a.Policy is null))
                findings.Add(new(Severity.Warning, "access-entry/unknown-policy", where,
                    $"{association.PolicyArn} is not a known access policy; it grants nothing", "use a policy from `aws eks list-access-policies`"));
            foreach (var association in entry.AccessPolicies.Where(a => a.Policy is { RulesPublished: false }))
                findings.Add(new(Severity.Info, "access-entry/unpublished-policy", where,
                    $"AWS does not publish the rules of {association.Policy!.Name}; Turnstile counts it as granting nothing", "verify its effect on a real cluster"));
        }
    }

    private static void LintGroupsAndBindings(ClusterAnalysis analysis, AwsAuthConfig? awsAuth, List<Finding> findings)
    {
        var rbac = analysis.Engine.Authorizer.Rbac;
        var bound = rbac.AllBindings.SelectMany(b => b.Subjects).Where(s => s.Kind == SubjectKinds.Group).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var uses = new List<(string Where, IReadOnlyList<string> Groups)>();
        if (awsAuth is not null && analysis.Model.Mode.UsesConfigMap())
        {
            uses.AddRange(awsAuth.Roles.Select(r => ($"aws-auth data.mapRoles[{r.Index}]", r.Groups)));
            uses.AddRange(awsAuth.Users.Select(r => ($"aws-auth data.mapUsers[{r.Index}]", r.Groups)));
        }
        if (analysis.Model.Mode.UsesAccessEntries())
            uses.AddRange(analysis.Model.AccessEntries.Where(e => !AccessEntryTypes.IsNode(e.Type)).Select(e => ($"access entry {e.PrincipalArn}", e.KubernetesGroups)));
        foreach (var (where, groups) in uses)
            foreach (var group in groups.Where(g => !bound.Contains(g) && !EksManagedGroups.Contains(g) && !UsernameTemplate.HasTemplate(g)))
                findings.Add(new(Severity.Warning, "rbac/unbound-group", where,
                    $"no RoleBinding or ClusterRoleBinding names group {group}, so it grants nothing",
                    $"bind a role to it (kubectl create clusterrolebinding ... --group={group}) or remove it"));

        foreach (var binding in rbac.AllBindings.Where(b => b.ResolutionError is not null))
            findings.Add(new(Severity.Warning, "rbac/missing-role", $"{BindingRef.Of(binding).Kind} {(binding.IsClusterBinding ? "" : binding.Namespace + "/")}{binding.Name}",
                $"{binding.ResolutionError}: the binding grants nothing", $"create {binding.RoleRef.Kind} {binding.RoleRef.Name} or fix roleRef"));
    }

    private static void LintPrincipals(ClusterAnalysis analysis, IPrincipalDirectory directory, List<Finding> findings)
    {
        var checkedAny = false;
        foreach (var principal in analysis.Known)
        {
            if (principal.IsWholeAccount || principal.NamedBy.All(r => r.Source == PrincipalSource.RbacUserSubject)) continue;
            if (PrincipalArn.TryParse(principal.Arn, out var parsed, out _) && parsed.Type == PrincipalType.Root) continue;
            var existence = directory.Find(principal.Arn, out var id);
            if (existence == PrincipalExistence.Unknown) continue;
            checkedAny = true;
            var where = string.Join(", ", principal.NamedBy.Select(r => r.Location));
            if (existence == PrincipalExistence.Missing)
            {
                findings.Add(new(Severity.Warning, "principal/missing", where,
                    $"{principal.Arn} is not in {directory.Source}: if the principal was deleted, this mapping matches nobody",
                    "remove the mapping, or add the principal's unique id to the list"));
                continue;
            }
            var entry = analysis.Model.AccessEntries.FirstOrDefault(e => KnownPrincipal.KeyOf(e.PrincipalArn) == KnownPrincipal.KeyOf(principal.Arn));
            if (entry?.PrincipalId is { } bound && id is not null && bound != id)
                findings.Add(new(Severity.Error, "principal/recreated", $"access entry {entry.PrincipalArn}",
                    $"the entry is bound to principal id {bound}, but {principal.Arn} is now {id} (deleted and recreated): its requests get 401",
                    $"aws eks delete-access-entry and create-access-entry again for {entry.PrincipalArn}"));
        }
        if (!checkedAny && analysis.Known.Count > 0)
            findings.Add(new(Severity.Info, "principal/not-checked", "principals",
                $"whether the mapped principals still exist was not checked: {directory.Source} lists none",
                "add principalIds to the SnapshotContext (aws iam get-role / get-user)"));
    }

    private static void LintLockout(ClusterAnalysis analysis, List<Finding> findings)
    {
        var model = analysis.Model;
        var admins = Admins(analysis);
        if (admins.Count == 0)
        {
            if (model.Mode == AuthenticationMode.ConfigMap && model.BootstrapClusterCreatorAdminPermissions && model.ClusterCreatorArn is null)
                findings.Add(new(Severity.Info, "lockout/no-admin", "cluster",
                    "no mapped principal has full access; only the cluster creator (not named in this snapshot) keeps its hidden admin access",
                    "name it with clusterCreatorArn in the SnapshotContext, and map a second admin role"));
            else if (model.Mode == AuthenticationMode.ConfigMap)
                findings.Add(new(Severity.Error, "lockout/no-admin", "cluster",
                    "no IAM principal has full access to the cluster, and in CONFIG_MAP mode access can only be repaired from inside it: nobody could fix aws-auth",
                    "map an admin role in aws-auth before applying this configuration"));
            else
                findings.Add(new(Severity.Warning, "lockout/no-admin", "cluster",
                    "no IAM principal has full access to the cluster; access can still be repaired through the EKS API by someone allowed eks:CreateAccessEntry",
                    "aws eks create-access-entry + associate-access-policy AmazonEKSClusterAdminPolicy --access-scope type=cluster"));
            return;
        }
        if (model.Mode != AuthenticationMode.ApiAndConfigMap) return;
        var afterSwitch = new ClusterAnalysis(model with { Mode = AuthenticationMode.Api });
        if (Admins(afterSwitch).Count == 0)
            findings.Add(new(Severity.Warning, "lockout/api-switch", "cluster",
                $"every admin ({string.Join(", ", admins)}) comes from aws-auth: switching to API (which cannot be undone) would leave no admin",
                "create an access entry with AmazonEKSClusterAdminPolicy first (see turnstile migrate)"));
    }

    /// <summary>Principals allowed every verb on every resource at the cluster scope (the engine decides).</summary>
    private static IReadOnlyList<string> Admins(ClusterAnalysis analysis)
    {
        var everything = RequestAttributes.ForResource("*", "*", "*");
        return analysis.Principals.Where(p => p.User is not null && analysis.Authorize(p, everything).Allowed).Select(p => p.Principal.Display).ToArray();
    }
}
