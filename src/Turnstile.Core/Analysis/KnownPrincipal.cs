using Turnstile.Core.Arns;
using Turnstile.Core.Clusters;
using Turnstile.Core.Mapping;
using Turnstile.Core.Rbac;

namespace Turnstile.Core.Analysis;

public enum PrincipalSource
{
    ClusterCreator,
    AccessEntry,
    AwsAuthMapRoles,
    AwsAuthMapUsers,
    AwsAuthMapAccounts,
    RbacUserSubject,
}

/// <summary>One place the access configuration names a principal, e.g. <c>aws-auth mapRoles[2]</c>.</summary>
public sealed record PrincipalReference(PrincipalSource Source, string Location);

/// <summary>
/// An IAM principal the cluster's access configuration names (cluster creator, access entries, aws-auth rows, ARN-named
/// RBAC users of a mapAccounts account). <see cref="SessionName"/> is the session a role is evaluated with: an EC2
/// instance id of the snapshot when its username needs <c>{{EC2PrivateDNSName}}</c>, otherwise the default.
/// A mapAccounts account is represented by the principal <c>arn:…:iam::ACCOUNT:user/*</c> ("any other principal").
/// </summary>
public sealed record KnownPrincipal(string Arn, string? SessionName, IReadOnlyList<PrincipalReference> NamedBy)
{
    public const string AnyPrincipalName = "*";

    /// <summary>True for the stand-in of a whole mapAccounts account.</summary>
    public bool IsWholeAccount => Arn.EndsWith(":user/" + AnyPrincipalName, StringComparison.Ordinal);

    /// <summary>How lists name the principal.</summary>
    public string Display => IsWholeAccount ? $"any principal of account {Arns.Arn.Parse(Arn).Account} (mapAccounts)" : Arn;

    /// <summary>The key EKS matches principals by: the ARN without any role path, case-insensitive.</summary>
    public static string KeyOf(string arn) => AccessEntryRules.MatchKey(arn).ToLowerInvariant();

    public static string WholeAccountArn(string partition, string account) => $"arn:{partition}:iam::{account}:user/{AnyPrincipalName}";
}

/// <summary>Collects every principal a cluster's access configuration names, each once.</summary>
public static class PrincipalCatalog
{
    /// <param name="awsAuth">The model's aws-auth already parsed, when the caller has it (parsing 5,000 rows twice is wasted time).</param>
    public static IReadOnlyList<KnownPrincipal> From(ClusterAccessModel model, AwsAuthConfig? awsAuth = null)
    {
        var found = new Dictionary<string, (string Arn, List<PrincipalReference> Refs, bool NeedsInstance)>(StringComparer.Ordinal);
        void Add(string arn, PrincipalSource source, string location, bool needsInstance)
        {
            if (!PrincipalArn.TryParse(arn, out _, out _)) return;
            var key = KnownPrincipal.KeyOf(arn);
            if (!found.TryGetValue(key, out var entry)) found[key] = entry = (arn, [], false);
            entry.Refs.Add(new PrincipalReference(source, location));
            if (needsInstance && !entry.NeedsInstance) found[key] = entry with { NeedsInstance = true };
        }

        if (model.BootstrapClusterCreatorAdminPermissions && model.ClusterCreatorArn is { } creator)
            Add(creator, PrincipalSource.ClusterCreator, "cluster creator", false);
        foreach (var entry in model.AccessEntries)
            Add(entry.PrincipalArn, PrincipalSource.AccessEntry, $"access entry ({entry.Type})",
                NeedsInstance(entry.Username, entry.KubernetesGroups));
        awsAuth ??= model.AwsAuthData is null ? AwsAuthConfig.Empty : AwsAuthConfig.Parse(model.AwsAuthData);
        foreach (var row in awsAuth.Roles)
            if (row.RoleArn is { } roleArn)
                Add(roleArn, PrincipalSource.AwsAuthMapRoles, $"aws-auth mapRoles[{row.Index}]", NeedsInstance(row.Username, row.Groups));
        foreach (var row in awsAuth.Users)
            Add(row.UserArn, PrincipalSource.AwsAuthMapUsers, $"aws-auth mapUsers[{row.Index}]", NeedsInstance(row.Username, row.Groups));
        foreach (var account in awsAuth.Accounts.Distinct(StringComparer.Ordinal))
        {
            Add(KnownPrincipal.WholeAccountArn(model.Partition, account), PrincipalSource.AwsAuthMapAccounts, "aws-auth mapAccounts", false);
            // Principals of that account which RBAC names one by one (username = their ARN) get their own answer.
            foreach (var binding in model.Rbac.ClusterRoleBindings.Select(b => (b.Name, "", b.Subjects))
                         .Concat(model.Rbac.RoleBindings.Select(b => (b.Name, b.Namespace, b.Subjects))))
                foreach (var subject in binding.Subjects)
                    if (subject.Kind == SubjectKinds.User && PrincipalArn.TryParse(subject.Name, out var named, out _) &&
                        named.Account == account && named.Type is not PrincipalType.AssumedRole)
                        Add(subject.Name, PrincipalSource.RbacUserSubject,
                            $"User subject of {(binding.Item2.Length == 0 ? "ClusterRoleBinding " + binding.Name : $"RoleBinding {binding.Item2}/{binding.Name}")}", false);
        }

        var instance = model.InstanceDnsNames.Keys.Order(StringComparer.Ordinal).FirstOrDefault();
        return found.Values
            .Select(p => new KnownPrincipal(p.Arn, p.NeedsInstance && IsRole(p.Arn) ? instance : null, p.Refs))
            .OrderBy(p => p.IsWholeAccount).ThenBy(p => p.Arn, StringComparer.OrdinalIgnoreCase)
            .ToArray();
    }

    private static bool IsRole(string arn) => PrincipalArn.TryParse(arn, out var p, out _) && p.IsRoleLike;

    private static bool NeedsInstance(string username, IReadOnlyList<string> groups) =>
        username.Contains(UsernameTemplate.Ec2PrivateDnsName, StringComparison.Ordinal) ||
        groups.Any(g => g.Contains(UsernameTemplate.Ec2PrivateDnsName, StringComparison.Ordinal));
}
