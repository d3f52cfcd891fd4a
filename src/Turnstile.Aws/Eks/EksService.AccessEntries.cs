using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Turnstile.Core.AccessPolicies;
using Turnstile.Core.Arns;
using Turnstile.Core.Mapping;
using Turnstile.State;

namespace Turnstile.Aws.Eks;

// Access entries and access policies.
public sealed partial class EksService
{
    /// <summary>The username EKS gives its service-linked role's entry (seen in the EKS console).</summary>
    public const string ServiceLinkedRoleUsername = "eks:managed";

    private const string ClusterAdminPolicy = "AmazonEKSClusterAdminPolicy";
    private static readonly string[] ServiceLinkedRolePolicies = ["AmazonEKSClusterInsightsPolicy", "AmazonEKSEventPolicy"];

    [GeneratedRegex("^[a-z0-9*]([-a-z0-9*]{0,61}[a-z0-9*])?$")]
    private static partial Regex NamespacePattern();

    private JsonObject CreateAccessEntry(Call call)
    {
        var input = call.Input;
        var cluster = RequireCluster(call.Tx, ClusterNameOf(input));
        var principalArn = Input.RequiredString(input, "principalArn");
        RequireAccessEntries(cluster);

        var type = Input.String(input, "type") ?? AccessEntryTypes.Standard;
        if (!AccessEntryTypes.IsKnown(type))
            throw EksErrors.InvalidParameterError($"The type {type} is not supported. Supported types: {string.Join(", ", AccessEntryTypes.All)}.", cluster.Name);
        var principal = ParsePrincipal(principalArn, cluster.Name);
        RefuseServiceLinkedRole(principalArn, cluster.Name);

        var groups = Input.StringList(input, "kubernetesGroups") ?? [];
        var username = Input.String(input, "username");
        ValidateUsernameAndGroups(username, groups, cluster.Name);
        if (AccessEntryTypes.IsNode(type))
        {
            if (principal.Type != PrincipalType.Role)
                throw EksErrors.InvalidParameterError($"The principalArn must be an IAM role for access entries of type {type}.", cluster.Name);
            if (principal.Account != Options.AccountId)
                throw EksErrors.InvalidParameterError($"The principalArn must belong to the cluster's account for access entries of type {type}.", cluster.Name);
            if (groups.Count > 0)
                throw EksErrors.InvalidParameterError($"kubernetesGroups can't be specified for access entries of type {type}.", cluster.Name);
            if (username is not null)
                throw EksErrors.InvalidParameterError($"username can't be specified for access entries of type {type}.", cluster.Name);
        }
        var tags = Input.StringMap(input, "tags") ?? new Dictionary<string, string>();
        ValidateTags(tags, EksErrors.InvalidParameter);

        // Principals of other accounts cannot be checked against this emulator's IAM; they are accepted unbound.
        PrincipalInfo? info = null;
        if (principal.Account == Options.AccountId)
            info = _iam.FindPrincipal(call.Tx, principalArn) ?? throw EksErrors.InvalidParameterError("The specified principalArn is invalid: invalid principal.", cluster.Name);
        if (HasEntryFor(call.Tx, cluster.Name, principalArn, info?.UniqueId))
            throw EksErrors.Error(EksErrors.ResourceInUse, "The specified access entry resource is already in use on this cluster.", cluster.Name);

        var entry = NewEntry(cluster, principalArn, info?.UniqueId, type, username, AccessEntryTypes.IsNode(type) ? null : groups, [], call.Now, EntryOrigins.User) with
        {
            Tags = tags,
        };
        CreateEntry(call.Tx, entry);
        return new JsonObject { ["accessEntry"] = EntryJson(entry) };
    }

    private JsonObject DescribeAccessEntry(Call call)
    {
        var (_, entry) = RequireEntry(call.Tx, call.Input);
        return new JsonObject { ["accessEntry"] = EntryJson(entry) };
    }

    private JsonObject ListAccessEntries(Call call)
    {
        var input = call.Input;
        var cluster = RequireCluster(call.Tx, ClusterNameOf(input));
        RequireAccessEntries(cluster);
        var entries = EntriesOf(call.Tx, cluster.Name);
        if (Input.String(input, "associatedPolicyArn") is { } policyArn)
            entries = entries.Where(e => e.Policies.Any(p => p.PolicyArn == policyArn));
        var (page, next) = Paging.Page(entries.Select(e => e.PrincipalArn), arn => arn, input);
        return WithToken(new JsonObject { ["accessEntries"] = Output.Strings(page) }, next);
    }

    private JsonObject UpdateAccessEntry(Call call)
    {
        var input = call.Input;
        var (cluster, entry) = RequireEntry(call.Tx, input, modifies: true);
        var groups = Input.StringList(input, "kubernetesGroups");
        var username = Input.String(input, "username");
        ValidateUsernameAndGroups(username, groups ?? [], cluster.Name);
        if (AccessEntryTypes.IsNode(entry.Type) && (groups is not null || username is not null)) throw EksErrors.StandardOnly(cluster.Name);

        var updated = entry with
        {
            KubernetesGroups = groups is null ? entry.KubernetesGroups : groups.Distinct(StringComparer.Ordinal).ToArray(),
            Username = username ?? entry.Username,
            ModifiedAt = call.Now,
        };
        SaveEntry(call.Tx, updated);
        return new JsonObject { ["accessEntry"] = EntryJson(updated) };
    }

    private JsonObject DeleteAccessEntry(Call call)
    {
        var (cluster, entry) = RequireEntry(call.Tx, call.Input, modifies: true);
        DeleteEntry(call.Tx, entry);
        return new JsonObject();
    }

    private JsonObject AssociateAccessPolicy(Call call)
    {
        var input = call.Input;
        var cluster = RequireCluster(call.Tx, ClusterNameOf(input));
        var policyArn = Input.RequiredString(input, "policyArn");
        var scope = Input.Object(input, "accessScope") ?? throw EksErrors.Missing("accessScope");
        var (_, entry) = RequireEntry(call.Tx, input, modifies: true);

        var scopeType = Input.String(scope, "type") ?? throw EksErrors.Missing("accessScope.type");
        if (scopeType is not (AccessScopeTypes.Cluster or AccessScopeTypes.Namespace))
            throw EksErrors.Constraint("accessScope.type", scopeType, "Member must satisfy enum value set: [cluster, namespace]");
        var namespaces = (Input.StringList(scope, "namespaces") ?? []).Distinct(StringComparer.Ordinal).ToArray();
        if (scopeType == AccessScopeTypes.Cluster && namespaces.Length > 0)
            throw EksErrors.InvalidParameterError("Namespaces can't be specified for an access scope of type cluster.", cluster.Name);
        if (scopeType == AccessScopeTypes.Namespace && namespaces.Length == 0)
            throw EksErrors.InvalidParameterError("At least one namespace must be specified for an access scope of type namespace.", cluster.Name);
        foreach (var ns in namespaces)
            if (!NamespacePattern().IsMatch(ns))
                throw EksErrors.InvalidParameterError($"The namespace {ns} is not valid. A namespace must be a DNS label, optionally with * wildcards.", cluster.Name);

        var policy = FindPolicy(policyArn) ?? throw EksErrors.Error(EksErrors.ResourceNotFound,
            "The specified policyArn could not be found. You can view your available access policies with 'list-access-policies'.", cluster.Name);
        if (entry.Type is not (AccessEntryTypes.Standard or AccessEntryTypes.Ec2)) throw EksErrors.StandardOnly(cluster.Name);
        if (policy.Audience == AccessPolicyAudience.ServiceLinkedOnly)
            throw EksErrors.InvalidParameterError($"The access policy {policy.Name} can only be associated with an Amazon EKS service-linked role.", cluster.Name);

        var canonical = policy.ArnIn(Options.Partition);
        var existing = entry.Policies.FirstOrDefault(p => p.PolicyArn == canonical);
        var association = new AssociationRecord
        {
            PolicyArn = canonical,
            ScopeType = scopeType,
            Namespaces = namespaces,
            AssociatedAt = existing?.AssociatedAt ?? call.Now,
            ModifiedAt = call.Now,
        };
        var policies = existing is null
            ? entry.Policies.Append(association).ToArray()
            : entry.Policies.Select(p => p.PolicyArn == canonical ? association : p).ToArray();
        SaveEntry(call.Tx, entry with { Policies = policies });
        return new JsonObject
        {
            ["clusterName"] = cluster.Name,
            ["principalArn"] = entry.PrincipalArn,
            ["associatedAccessPolicy"] = AssociationJson(association),
        };
    }

    private JsonObject DisassociateAccessPolicy(Call call)
    {
        var input = call.Input;
        var cluster = RequireCluster(call.Tx, ClusterNameOf(input));
        var policyArn = Input.RequiredString(input, "policyArn");
        var (_, entry) = RequireEntry(call.Tx, input, modifies: true);
        var canonical = FindPolicy(policyArn)?.ArnIn(Options.Partition) ?? policyArn;
        if (entry.Policies.All(p => p.PolicyArn != canonical))
            throw EksErrors.Error(EksErrors.ResourceNotFound, "The specified policyArn is not associated with the access entry.", cluster.Name);
        SaveEntry(call.Tx, entry with { Policies = entry.Policies.Where(p => p.PolicyArn != canonical).ToArray() });
        return new JsonObject();
    }

    private JsonObject ListAssociatedAccessPolicies(Call call)
    {
        var (cluster, entry) = RequireEntry(call.Tx, call.Input);
        var (page, next) = Paging.Page(entry.Policies.OrderBy(p => p.PolicyArn, StringComparer.Ordinal), p => p.PolicyArn, call.Input);
        var result = new JsonObject
        {
            ["clusterName"] = cluster.Name,
            ["principalArn"] = entry.PrincipalArn,
        };
        WithToken(result, next);
        result["associatedAccessPolicies"] = new JsonArray(page.Select(p => (JsonNode?)AssociationJson(p)).ToArray());
        return result;
    }

    private JsonObject ListAccessPolicies(Call call)
    {
        var (page, next) = Paging.Page(AccessPolicyCatalog.All, p => p.Name, call.Input);
        var items = page.Select(p => (JsonNode?)new JsonObject { ["name"] = p.Name, ["arn"] = p.ArnIn(Options.Partition) }).ToArray();
        return WithToken(new JsonObject { ["accessPolicies"] = new JsonArray(items) }, next);
    }

    // ---- Entries EKS makes itself -------------------------------------------------------------------------------

    /// <summary>
    /// What EKS adds when access entries become available (at creation in an API mode, or when the mode leaves
    /// CONFIG_MAP): the creator's admin entry (when bootstrapped), its service-linked role's entry and the node roles
    /// of managed node groups.
    /// </summary>
    private void AddEksManagedEntries(OptimisticTransaction tx, ClusterRecord cluster, DateTimeOffset at)
    {
        void AddUnlessBound(string arn, string? id, Func<AccessEntryRecord> entry)
        {
            if (!HasEntryFor(tx, cluster.Name, arn, id)) CreateEntry(tx, entry());
        }

        if (cluster.BootstrapClusterCreatorAdminPermissions)
            AddUnlessBound(cluster.CreatorArn, cluster.CreatorPrincipalId, () => NewEntry(cluster, cluster.CreatorArn, cluster.CreatorPrincipalId,
                AccessEntryTypes.Standard, null, [], [ClusterAdminPolicy], at, EntryOrigins.ClusterCreator));

        var slr = EksNames.ServiceLinkedRoleArn(Options);
        var slrId = _iam.FindPrincipal(tx, slr)?.UniqueId;
        AddUnlessBound(slr, slrId, () => NewEntry(cluster, slr, slrId, AccessEntryTypes.Standard, ServiceLinkedRoleUsername, [],
            ServiceLinkedRolePolicies, at, EntryOrigins.ServiceLinkedRole));

        foreach (var nodegroup in NodegroupsOf(tx, cluster).Where(n => n.Status != NodegroupStatuses.Deleting))
        {
            var id = _iam.FindPrincipal(tx, nodegroup.NodeRole)?.UniqueId;
            AddUnlessBound(nodegroup.NodeRole, id, () => NodeRoleEntry(cluster, nodegroup, id, at));
        }
    }

    private AccessEntryRecord NodeRoleEntry(ClusterRecord cluster, NodegroupRecord nodegroup, string? principalId, DateTimeOffset at) =>
        NewEntry(cluster, nodegroup.NodeRole, principalId, IsWindows(nodegroup.AmiType) ? AccessEntryTypes.Ec2Windows : AccessEntryTypes.Ec2Linux,
            null, null, [], at, EntryOrigins.Nodegroup);

    /// <summary>A new entry; a null username or group list means EKS's default for the type.</summary>
    private AccessEntryRecord NewEntry(ClusterRecord cluster, string principalArn, string? principalId, string type, string? username,
        IReadOnlyList<string>? groups, IEnumerable<string> clusterScopedPolicies, DateTimeOffset at, string origin) => new()
    {
        ClusterName = cluster.Name,
        PrincipalArn = principalArn,
        PrincipalId = principalId,
        Type = type,
        Username = username ?? AccessEntryRules.DefaultUsername(principalArn, type),
        KubernetesGroups = groups?.Distinct(StringComparer.Ordinal).ToArray() ?? AccessEntryRules.DefaultGroups(type),
        Policies = clusterScopedPolicies.Select(name => new AssociationRecord
        {
            PolicyArn = $"arn:{Options.Partition}:eks::aws:cluster-access-policy/{name}",
            ScopeType = AccessScopeTypes.Cluster,
            AssociatedAt = at,
            ModifiedAt = at,
        }).ToArray(),
        AccessEntryArn = EksNames.AccessEntryArn(Options, cluster.Name, principalArn, EksNames.Uuid()),
        CreatedAt = at,
        ModifiedAt = at,
        Origin = origin,
    };

    // ---- Validation ---------------------------------------------------------------------------------------------

    private static void RequireAccessEntries(ClusterRecord cluster)
    {
        if (!ModeOf(cluster).UsesAccessEntries()) throw EksErrors.AccessEntriesDisabled(cluster.Name);
    }

    /// <summary>The cluster and the entry named by <c>principalArn</c>, after the mode (and, for changes, service-linked role) checks.</summary>
    private static (ClusterRecord Cluster, AccessEntryRecord Entry) RequireEntry(OptimisticTransaction tx, JsonObject input, bool modifies = false)
    {
        var cluster = RequireCluster(tx, ClusterNameOf(input));
        var principalArn = Input.RequiredString(input, "principalArn");
        RequireAccessEntries(cluster);
        if (modifies) RefuseServiceLinkedRole(principalArn, cluster.Name);
        var entry = FindEntry(tx, cluster.Name, principalArn) ?? throw EksErrors.AccessEntryNotFound(cluster.Name);
        return (cluster, entry);
    }

    /// <summary>
    /// Access entries name IAM users and roles that could exist: session (assumed-role), federated and root ARNs are
    /// refused, and so are accounts that are not 12 digits, empty or invalid names and wildcards.
    /// </summary>
    private static PrincipalArn ParsePrincipal(string principalArn, string cluster)
    {
        if (PrincipalArn.TryParse(principalArn, out var principal, out _) && principal.Type is PrincipalType.User or PrincipalType.Role &&
            IamIdentityRules.Problem(principal) is null)
            return principal;
        throw EksErrors.InvalidParameterError("The principalArn parameter format is not valid", cluster);
    }

    private static void RefuseServiceLinkedRole(string principalArn, string cluster)
    {
        if (EksNames.IsServiceLinkedRole(principalArn))
            throw EksErrors.InvalidParameterError("The caller is not allowed to modify access entries with a principalArn value of a Service Linked Role", cluster);
    }

    private static void ValidateUsernameAndGroups(string? username, IReadOnlyList<string> groups, string cluster)
    {
        if (username is not null)
        {
            if (username.Length == 0) throw EksErrors.InvalidParameterError("The username must not be empty", cluster);
            if (AccessEntryRules.ValidateUsername(username) is { } problem) throw EksErrors.InvalidParameterError(problem, cluster);
        }
        foreach (var group in groups)
        {
            if (group.Length == 0) throw EksErrors.InvalidParameterError("The kubernetes group name must not be empty", cluster);
            if (AccessEntryRules.ValidateGroup(group) is { } problem) throw EksErrors.InvalidParameterError(problem, cluster);
        }
    }

    private AccessPolicy? FindPolicy(string policyArn) =>
        policyArn.StartsWith($"arn:{Options.Partition}:", StringComparison.Ordinal) ? AccessPolicyCatalog.FindByArn(policyArn) : null;

    private static bool SameRole(string a, string b)
    {
        try { return string.Equals(PrincipalArn.StripPath(a), PrincipalArn.StripPath(b), StringComparison.OrdinalIgnoreCase); }
        catch (ArnException) { return string.Equals(a, b, StringComparison.OrdinalIgnoreCase); }
    }

    // ---- Views --------------------------------------------------------------------------------------------------

    private static JsonObject EntryJson(AccessEntryRecord e) => new()
    {
        ["clusterName"] = e.ClusterName,
        ["principalArn"] = e.PrincipalArn,
        ["kubernetesGroups"] = Output.Strings(e.KubernetesGroups),
        ["accessEntryArn"] = e.AccessEntryArn,
        ["createdAt"] = Output.Timestamp(e.CreatedAt),
        ["modifiedAt"] = Output.Timestamp(e.ModifiedAt),
        ["tags"] = Output.Map(e.Tags),
        ["username"] = e.Username,
        ["type"] = e.Type,
    };

    private static JsonObject AssociationJson(AssociationRecord p) => new()
    {
        ["policyArn"] = p.PolicyArn,
        ["accessScope"] = new JsonObject { ["type"] = p.ScopeType, ["namespaces"] = Output.Strings(p.Namespaces) },
        ["associatedAt"] = Output.Timestamp(p.AssociatedAt),
        ["modifiedAt"] = Output.Timestamp(p.ModifiedAt),
    };
}
