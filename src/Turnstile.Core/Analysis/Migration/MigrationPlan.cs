using Turnstile.Core.AccessPolicies;
using Turnstile.Core.Analysis.Lint;
using Turnstile.Core.Clusters;
using Turnstile.Core.Mapping;

namespace Turnstile.Core.Analysis.Migration;

public sealed record PlannedPolicy(string PolicyArn, string ScopeType, IReadOnlyList<string> Namespaces)
{
    public AccessScope ToScope() => new(ScopeType, Namespaces);
}

/// <summary>
/// One access entry to create. <see cref="Username"/> is null when EKS's default for the type is meant (always for node
/// types, whose groups EKS also sets). <see cref="CreatedByEks"/> marks the entry EKS makes itself for the cluster
/// creator when access entries are enabled: it is part of the resulting state but not a command to run.
/// </summary>
public sealed record PlannedEntry(string PrincipalArn, string Type, string? Username, IReadOnlyList<string> KubernetesGroups,
    IReadOnlyList<PlannedPolicy> AccessPolicies, string From, bool CreatedByEks = false)
{
    public AccessEntry ToAccessEntry(string clusterName, string? principalId) => new()
    {
        ClusterName = clusterName,
        PrincipalArn = PrincipalArn,
        PrincipalId = principalId,
        Type = Type,
        Username = Username ?? AccessEntryRules.DefaultUsername(PrincipalArn, Type),
        KubernetesGroups = AccessEntryTypes.IsNode(Type) ? AccessEntryRules.DefaultGroups(Type) : KubernetesGroups,
        AccessPolicies = AccessPolicies.Select(p => new AssociatedAccessPolicy(p.PolicyArn, p.ToScope())).ToArray(),
    };
}

/// <summary>
/// The access entries and policy associations equivalent to a cluster's aws-auth ConfigMap, with notes on everything
/// that cannot be carried over as it is (errors block an equivalent migration).
/// </summary>
public sealed record MigrationPlan(string ClusterName, string Region, string FromMode, IReadOnlyList<PlannedEntry> Entries, IReadOnlyList<Finding> Notes)
{
    public bool HasBlockers => Notes.Any(n => n.Severity == Severity.Error);

    /// <summary>The cluster after the plan: API mode, the entries it had plus the planned ones, aws-auth gone.</summary>
    public ClusterAccessModel ApplyTo(ClusterAccessModel before)
    {
        var ids = new Dictionary<string, string>(before.PrincipalIds, StringComparer.OrdinalIgnoreCase);
        var planned = Entries.Select(e => e.ToAccessEntry(before.ClusterName, ids.GetValueOrDefault(e.PrincipalArn)));
        return before with
        {
            Mode = AuthenticationMode.Api,
            AwsAuthData = null,
            AccessEntries = [.. before.AccessEntries, .. planned],
        };
    }
}
