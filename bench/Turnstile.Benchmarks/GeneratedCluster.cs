using Turnstile.Core.AccessPolicies;
using Turnstile.Core.Authn;
using Turnstile.Core.Clusters;
using Turnstile.Core.Mapping;
using Turnstile.Core.Rbac;
using Turnstile.Core.Rbac.Bootstrap;

namespace Turnstile.Benchmarks;

/// <summary>
/// A large synthetic cluster: 500 namespaces, 2,000 Roles, 10,000 RoleBindings, the default policy plus 100
/// ClusterRoleBindings, 5,000 aws-auth rows and 5,000 access entries. Deterministic (fixed seed).
/// </summary>
public static class GeneratedCluster
{
    public const string Account = "111122223333";
    public const int Namespaces = 500;
    public const int Roles = 2_000;
    public const int RoleBindings = 10_000;
    public const int Users = 5_000;
    public const int Groups = 200;
    public const int MappingRows = 5_000;

    private static readonly string[] Verbs = ["get", "list", "watch", "create", "update", "patch", "delete"];
    private static readonly string[] Resources = ["pods", "services", "configmaps", "secrets", "deployments", "jobs", "pods/log", "ingresses"];

    public static RbacPolicy Policy() => Policy(RoleBindings);

    /// <summary>The policy with <paramref name="roleBindings"/> RoleBindings (the same generator, more of them).</summary>
    public static RbacPolicy Policy(int roleBindings)
    {
        var random = new Random(42);
        var roles = new List<Role>(Roles);
        for (var i = 0; i < Roles; i++)
        {
            var ns = Ns(i % Namespaces);
            var rules = Enumerable.Range(0, 3).Select(_ => PolicyRule.ForResources(
                Verbs.OrderBy(_ => random.Next()).Take(random.Next(1, 4)),
                [random.Next(2) == 0 ? "" : "apps"],
                Resources.OrderBy(_ => random.Next()).Take(random.Next(1, 3)))).ToArray();
            roles.Add(new Role(new ObjectMeta { Name = $"role-{i}", Namespace = ns }, rules));
        }
        var bindings = new List<RoleBinding>(roleBindings);
        for (var i = 0; i < roleBindings; i++)
        {
            var nsIndex = i % Namespaces;
            var roleRef = random.Next(4) == 0
                ? new RoleRef("ClusterRole", random.Next(2) == 0 ? "view" : "edit")
                : new RoleRef("Role", $"role-{nsIndex + Namespaces * random.Next(Roles / Namespaces)}");
            var subjects = new[]
            {
                Subject.User($"user-{random.Next(Users)}"),
                Subject.Group($"team-{random.Next(Groups)}"),
            };
            bindings.Add(new RoleBinding(new ObjectMeta { Name = $"binding-{i}", Namespace = Ns(nsIndex) }, roleRef, subjects));
        }
        var clusterBindings = Enumerable.Range(0, 100).Select(i => new ClusterRoleBinding(
            new ObjectMeta { Name = $"cluster-binding-{i}" }, new RoleRef("ClusterRole", i % 2 == 0 ? "view" : "system:basic-user"),
            [Subject.Group($"team-{i}")])).ToArray();
        return new RbacPolicy(BootstrapPolicy.ClusterRoles, BootstrapPolicy.ClusterRoleBindings.Concat(clusterBindings),
            BootstrapPolicy.Roles.Concat(roles), BootstrapPolicy.RoleBindings.Concat(bindings));
    }

    public static string Ns(int i) => $"ns-{i:D3}";

    public static AwsAuthConfig AwsAuth() => AwsAuthConfig.Parse(AwsAuthData(MappingRows));

    /// <summary>The aws-auth <c>data</c>: half role rows with a session template, half user rows, each in one team group.</summary>
    public static IReadOnlyDictionary<string, string> AwsAuthData(int rows)
    {
        var roles = string.Join("", Enumerable.Range(0, rows / 2).Select(i =>
            $"- rolearn: arn:aws:iam::{Account}:role/role-{i}\n  username: role-{i}:{{{{SessionName}}}}\n  groups: [team-{i % Groups}]\n"));
        var users = string.Join("", Enumerable.Range(0, rows - rows / 2).Select(i =>
            $"- userarn: arn:aws:iam::{Account}:user/user-{i}\n  username: user-{i}\n  groups: [team-{i % Groups}]\n"));
        return new Dictionary<string, string> { ["mapRoles"] = roles, ["mapUsers"] = users };
    }

    /// <summary>A whole cluster in CONFIG_MAP mode: <paramref name="roleBindings"/> RoleBindings (plus the default and 100 extra ClusterRoleBindings) and <paramref name="mappingRows"/> aws-auth rows.</summary>
    public static ClusterAccessModel Model(int roleBindings, int mappingRows) => new()
    {
        ClusterName = "bench",
        AccountId = Account,
        Mode = AuthenticationMode.ConfigMap,
        AwsAuthData = AwsAuthData(mappingRows),
        ClusterCreatorArn = $"arn:aws:iam::{Account}:role/creator",
        Rbac = Policy(roleBindings),
    };

    public static IReadOnlyList<AccessEntry> AccessEntries() => Enumerable.Range(0, MappingRows).Select(i => new AccessEntry
    {
        ClusterName = "bench",
        PrincipalArn = i % 2 == 0 ? $"arn:aws:iam::{Account}:role/team/entry-role-{i}" : $"arn:aws:iam::{Account}:user/entry-user-{i}",
        Username = i % 2 == 0 ? AccessEntryRules.DefaultUsername($"arn:aws:iam::{Account}:role/team/entry-role-{i}", AccessEntryTypes.Standard) : $"arn:aws:iam::{Account}:user/entry-user-{i}",
        KubernetesGroups = [$"team-{i % Groups}"],
        AccessPolicies = [new AssociatedAccessPolicy("arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", AccessScope.ForNamespaces(Ns(i % Namespaces)))],
    }).ToArray();

    public static AwsIdentity User(int i, string key = "AKIAEXAMPLE0000001") =>
        AwsIdentity.FromCallerIdentity($"arn:aws:iam::{Account}:user/user-{i}", Account, $"AIDAEXAMPLE{i:D10}", key);

    public static AwsIdentity EntryRoleSession(int i) =>
        AwsIdentity.FromCallerIdentity($"arn:aws:sts::{Account}:assumed-role/entry-role-{i}/session", Account, $"AROAEXAMPLE{i:D10}:session", "ASIAEXAMPLE0000001");
}
