using FsCheck;
using FsCheck.Fluent;
using Turnstile.Core.AccessPolicies;
using Turnstile.Core.Authz;
using Turnstile.Core.Clusters;
using Turnstile.Core.Mapping;
using Turnstile.Core.Rbac;
using static Turnstile.Core.Tests.Analysis.AnalysisFixtures;
using static Turnstile.Core.Tests.Rbac.RbacFixtures;

namespace Turnstile.Core.Tests.Analysis;

/// <summary>Random small clusters: roles and bindings over a few names, aws-auth rows, access entries with policies, a creator.</summary>
internal static class GeneratedClusters
{
    public static readonly string[] Namespaces = ["a", "b"];
    private static readonly string[] Users = ["alice", "bob", UserArn("dave")];
    private static readonly string[] Groups = ["dev", "ops", "system:authenticated"];

    private static Gen<T[]> Between<T>(Gen<T> gen, int min, int max) => Gen.Choose(min, max).SelectMany(n => gen.ArrayOf(n));

    private static Gen<PolicyRule> RuleGen =>
        from verb in Gen.Elements("get", "list", "delete", "*")
        from resource in Gen.Elements("pods", "secrets", "pods/log", "*", "deployments")
        from apiGroup in Gen.Elements("", "apps", "*")
        from names in Gen.Elements("", "", "", "web")
        select R(verb, apiGroup, resource, names);

    private static Gen<Subject> SubjectGen => Gen.OneOf(
        Gen.Elements(Users).Select(Subject.User),
        Gen.Elements(Groups).Select(Subject.Group),
        Gen.Elements("", "a", "b").Select(ns => Subject.ServiceAccount(ns, "builder")));

    /// <summary>Role-arn rows; usernames and groups chosen so that RBAC subjects are reached.</summary>
    private static Gen<string> RowGen(string arn) =>
        from username in Gen.Elements("alice", "bob", "role:{{SessionName}}", "")
        from groups in Gen.SubListOf(["dev", "ops", "system:masters"])
        select Row(arn, username, groups.ToArray());

    private static Gen<AccessEntry> EntryGen(string arn) =>
        from username in Gen.Elements<string?>(null, "alice", "team:{{SessionName}}")
        from groups in Gen.SubListOf(["dev", "ops"])
        from policies in Gen.SubListOf([Policy("AmazonEKSViewPolicy", "a"), Policy("AmazonEKSClusterAdminPolicy"), Policy("AmazonEKSEditPolicy", "b*")])
        select Entry(arn, username, groups: groups.ToArray(), policies: policies.ToArray());

    public static Gen<ClusterAccessModel> ClusterGen =>
        from roleRules in Between(RuleGen, 1, 3).ArrayOf(4)
        from crbs in Between(Gen.Choose(0, 4).SelectMany(role => Between(SubjectGen, 1, 2).Select(s => (role, s))), 0, 4)
        from rbs in Between(from ns in Gen.Elements(Namespaces) from role in Gen.Choose(0, 4) from s in Between(SubjectGen, 1, 2) select (ns, role, s), 0, 5)
        from mode in Gen.Elements(AuthenticationMode.ConfigMap, AuthenticationMode.ApiAndConfigMap, AuthenticationMode.Api)
        from rows in Gen.SubListOf(["r1", "r2", "r3"]).SelectMany(names => Gen.CollectToSequence(names, n => RowGen(RoleArn(n))))
        from userRows in Gen.SubListOf(["alice", "bob"]).Select(names => names.Select(n => UserRow(UserArn(n), n, "dev")))
        from accounts in Gen.Elements("", $"- \"{Account}\"\n")
        from entries in Gen.SubListOf(["r2", "r4"]).SelectMany(names => Gen.CollectToSequence(names, n => EntryGen(RoleArn(n))))
        from creator in Gen.Elements<string?>(null, RoleArn("creator"))
        select Cluster(mode,
            mapRoles: string.Concat(rows), mapUsers: string.Concat(userRows), mapAccounts: accounts,
            entries: entries.ToArray(),
            // role index 4 does not exist: bindings to missing roles grant nothing
            clusterRoles: roleRules.Select((rules, i) => ClusterRole("role" + i, rules)),
            clusterBindings: crbs.Select((c, i) => Crb("crb" + i, "role" + c.role, c.s)),
            bindings: rbs.Select((r, i) => Rb(r.ns, "rb" + i, "ClusterRole", "role" + r.role, r.s)),
            creator: creator);

    /// <summary>
    /// Clusters whose aws-auth EKS access entries can express exactly: role and user rows with accepted usernames,
    /// node rows, system:masters, groups that do not start with system:, the creator; RBAC over the same names.
    /// </summary>
    public static Gen<ClusterAccessModel> MigratableClusterGen =>
        from roleRules in Between(RuleGen, 1, 3).ArrayOf(4)
        from crbs in Between(Gen.Choose(0, 3).SelectMany(role => Between(SubjectGen, 1, 2).Select(s => (role, s))), 0, 4)
        from rbs in Between(from ns in Gen.Elements(Namespaces) from role in Gen.Choose(0, 3) from s in Between(SubjectGen, 1, 2) select (ns, role, s), 0, 5)
        from mode in Gen.Elements(AuthenticationMode.ConfigMap, AuthenticationMode.ApiAndConfigMap)
        from rows in Gen.SubListOf(["r1", "r2", "r3"]).SelectMany(names => Gen.CollectToSequence(names, n =>
            from username in Gen.Elements("alice", "bob", "role:{{SessionName}}", "team:{{SessionNameRaw}}")
            from groups in Gen.SubListOf(["dev", "ops", "system:masters"])
            select Row(RoleArn(n), username, groups.ToArray())))
        from nodeRow in Gen.Elements("", Row(RoleArn("nodes"), "system:node:{{EC2PrivateDNSName}}", "system:bootstrappers", "system:nodes"),
            Row(RoleArn("fargate"), "system:node:{{SessionName}}", "system:bootstrappers", "system:nodes", "system:node-proxier"))
        from userRows in Gen.SubListOf(["alice", "bob"]).Select(names => names.Select(n => UserRow(UserArn(n), n, "dev")))
        from entries in Gen.SubListOf(["r2", "r4"]).SelectMany(names => Gen.CollectToSequence(names, n => EntryGen(RoleArn(n))))
        from creator in Gen.Elements<string?>(null, RoleArn("creator"), RoleArn("r1"))
        select Cluster(mode,
            mapRoles: string.Concat(rows) + nodeRow, mapUsers: string.Concat(userRows),
            entries: mode == AuthenticationMode.ConfigMap ? [] : entries.ToArray(),
            clusterRoles: roleRules.Select((rules, i) => ClusterRole("role" + i, rules)),
            clusterBindings: crbs.Select((c, i) => Crb("crb" + i, "role" + c.role, c.s)),
            bindings: rbs.Select((r, i) => Rb(r.ns, "rb" + i, "ClusterRole", "role" + r.role, r.s)),
            creator: creator,
            instances: new Dictionary<string, string> { ["i-0123456789abcdef0"] = "ip-10-0-0-5.internal" });

    public static Gen<RequestAttributes> RequestGen =>
        from verb in Gen.Elements("get", "list", "delete")
        from resource in Gen.Elements("pods", "secrets", "deployments")
        from sub in Gen.Elements("", "", "log")
        from ns in Gen.Elements("", "a", "b", "other")
        from name in Gen.Elements("", "", "web")
        select RequestAttributes.ForResource(verb, resource == "deployments" ? "apps" : "", resource, ns, name, sub);
}
