using Turnstile.Core.AccessPolicies;
using Turnstile.Core.Clusters;
using Turnstile.Core.Mapping;
using Turnstile.Core.Rbac;
using Turnstile.Core.Rbac.Bootstrap;

namespace Turnstile.Core.Tests.Analysis;

/// <summary>Small clusters for the analysis tests: the default RBAC policy plus the given objects.</summary>
internal static class AnalysisFixtures
{
    public const string Account = "111122223333";

    public static string RoleArn(string name) => $"arn:aws:iam::{Account}:role/{name}";

    public static string UserArn(string name) => $"arn:aws:iam::{Account}:user/{name}";

    public static ClusterAccessModel Cluster(
        AuthenticationMode mode = AuthenticationMode.ConfigMap,
        string? mapRoles = null, string? mapUsers = null, string? mapAccounts = null,
        IReadOnlyList<AccessEntry>? entries = null,
        IEnumerable<ClusterRole>? clusterRoles = null, IEnumerable<ClusterRoleBinding>? clusterBindings = null,
        IEnumerable<Role>? roles = null, IEnumerable<RoleBinding>? bindings = null,
        string? creator = null, IReadOnlyDictionary<string, string>? instances = null, IReadOnlyDictionary<string, string>? principalIds = null)
    {
        Dictionary<string, string>? data = null;
        if (mapRoles is not null || mapUsers is not null || mapAccounts is not null)
        {
            data = new Dictionary<string, string>();
            if (mapRoles is not null) data["mapRoles"] = mapRoles;
            if (mapUsers is not null) data["mapUsers"] = mapUsers;
            if (mapAccounts is not null) data["mapAccounts"] = mapAccounts;
        }
        return new ClusterAccessModel
        {
            ClusterName = "test",
            AccountId = Account,
            Region = "ap-northeast-2",
            Mode = mode,
            AwsAuthData = data,
            AccessEntries = entries ?? [],
            ClusterCreatorArn = creator,
            InstanceDnsNames = instances ?? new Dictionary<string, string>(),
            PrincipalIds = principalIds ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase),
            Rbac = new RbacPolicy(
                BootstrapPolicy.ClusterRoles.Concat(clusterRoles ?? []),
                BootstrapPolicy.ClusterRoleBindings.Concat(clusterBindings ?? []),
                BootstrapPolicy.Roles.Concat(roles ?? []),
                BootstrapPolicy.RoleBindings.Concat(bindings ?? [])),
        };
    }

    public static AccessEntry Entry(string arn, string? username = null, string type = AccessEntryTypes.Standard, string[]? groups = null, params AssociatedAccessPolicy[] policies) => new()
    {
        ClusterName = "test",
        PrincipalArn = arn,
        Type = type,
        Username = username ?? AccessEntryRules.DefaultUsername(arn, type),
        KubernetesGroups = groups ?? (AccessEntryTypes.IsNode(type) ? AccessEntryRules.DefaultGroups(type) : []),
        AccessPolicies = policies,
    };

    public static AssociatedAccessPolicy Policy(string name, params string[] namespaces) =>
        new($"arn:aws:eks::aws:cluster-access-policy/{name}", namespaces.Length == 0 ? AccessScope.Cluster : AccessScope.ForNamespaces(namespaces));

    public static string Row(string arn, string username, params string[] groups) =>
        $"- rolearn: {arn}\n  username: \"{username}\"\n  groups: [{string.Join(", ", groups.Select(g => $"\"{g}\""))}]\n";

    public static string UserRow(string arn, string username, params string[] groups) =>
        $"- userarn: {arn}\n  username: \"{username}\"\n  groups: [{string.Join(", ", groups.Select(g => $"\"{g}\""))}]\n";
}
