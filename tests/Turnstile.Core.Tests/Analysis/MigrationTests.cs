using FsCheck;
using FsCheck.Fluent;
using Turnstile.Core.Analysis.Comparison;
using Outcome = Turnstile.Core.Analysis.Comparison.Outcome;
using Turnstile.Core.Analysis.Lint;
using Turnstile.Core.Analysis.Migration;
using Turnstile.Core.Mapping;
using Turnstile.Core.Rbac;
using YamlDotNet.RepresentationModel;
using static Turnstile.Core.Tests.Analysis.AnalysisFixtures;
using static Turnstile.Core.Tests.Rbac.RbacFixtures;

namespace Turnstile.Core.Tests.Analysis;

public class MigrationTests
{
    private const string AdminPolicy = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";

    private static readonly string W3Rows =
        Row(RoleArn("demo-node-role"), "system:node:{{EC2PrivateDNSName}}", "system:bootstrappers", "system:nodes") +
        Row(RoleArn("AWSReservedSSO_Admin_0123"), "devops-engineer", "system:masters") +
        Row(RoleArn("developers"), "developer:{{SessionName}}", "app-developers");

    [Fact]
    public void The_w3_rows_become_node_admin_and_standard_entries_plus_the_creator_entry_eks_makes()
    {
        var plan = MigrationPlanner.Plan(Cluster(mapRoles: W3Rows, creator: RoleArn("terraform")));
        Assert.False(plan.HasBlockers);
        Assert.Equal("CONFIG_MAP", plan.FromMode);
        var byArn = plan.Entries.ToDictionary(e => e.PrincipalArn);
        Assert.Equal(4, byArn.Count);
        Assert.True(byArn[RoleArn("terraform")].CreatedByEks);
        Assert.Equal(AdminPolicy, byArn[RoleArn("terraform")].AccessPolicies.Single().PolicyArn);
        Assert.Equal((AccessEntryTypes.Ec2Linux, null, 0), (byArn[RoleArn("demo-node-role")].Type, byArn[RoleArn("demo-node-role")].Username, byArn[RoleArn("demo-node-role")].KubernetesGroups.Count));
        var admin = byArn[RoleArn("AWSReservedSSO_Admin_0123")];
        Assert.Equal(("devops-engineer", 0, "cluster"), (admin.Username, admin.KubernetesGroups.Count, admin.AccessPolicies.Single().ScopeType));
        Assert.Equal(("developer:{{SessionName}}", "app-developers"), (byArn[RoleArn("developers")].Username, byArn[RoleArn("developers")].KubernetesGroups.Single()));
        Assert.Equal("aws-auth data.mapRoles[2]", byArn[RoleArn("developers")].From);
    }

    [Fact]
    public void Node_rows_become_the_matching_node_types()
    {
        var plan = MigrationPlanner.Plan(Cluster(mapRoles:
            Row(RoleArn("win"), "system:node:{{EC2PrivateDNSName}}", "system:bootstrappers", "system:nodes", "eks:kube-proxy-windows") +
            Row(RoleArn("fargate"), "system:node:{{SessionName}}", "system:bootstrappers", "system:nodes", "system:node-proxier") +
            Row(RoleArn("odd-node"), "system:node:{{EC2PrivateDNSName}}", "system:nodes", "node-extras")));
        var types = plan.Entries.ToDictionary(e => e.PrincipalArn, e => e.Type);
        Assert.Equal(AccessEntryTypes.Ec2Windows, types[RoleArn("win")]);
        Assert.Equal(AccessEntryTypes.FargateLinux, types[RoleArn("fargate")]);
        Assert.Equal(AccessEntryTypes.Ec2Linux, types[RoleArn("odd-node")]);
        Assert.Contains(plan.Notes, n => n.Check == "migrate/node-groups" && n.Message.Contains("[node-extras]"));
    }

    [Fact]
    public void What_eks_refuses_is_flagged_and_what_cannot_be_expressed_blocks()
    {
        var plan = MigrationPlanner.Plan(Cluster(
            mapRoles: Row(RoleArn("a"), "system:ops", "ops") + Row(RoleArn("b"), "john{{SessionName}}", "system:custom", "devs") +
                      "- rolearn: arn:aws:iam::111122223333:role/team/c\n  username: c\n" + Row(RoleArn("d"), "first") + Row(RoleArn("d"), "second"),
            mapAccounts: $"- \"{Account}\"\n"));
        Assert.True(plan.HasBlockers);
        Assert.Contains(plan.Notes, n => n is { Check: "migrate/map-accounts", Severity: Severity.Error });
        Assert.Contains(plan.Notes, n => n.Check == "migrate/username" && n.Message.Contains("The username must not begin with system:"));
        Assert.Contains(plan.Notes, n => n.Check == "migrate/username" && n.Message.Contains("colon before the first template variable"));
        Assert.Contains(plan.Notes, n => n.Check == "migrate/reserved-group" && n.Message.StartsWith("group system:custom is dropped", StringComparison.Ordinal));
        Assert.Contains(plan.Notes, n => n.Check == "migrate/role-path");
        Assert.Contains(plan.Notes, n => n.Check == "migrate/shadowed" && n.Location == "aws-auth data.mapRoles[3]");
        var entries = plan.Entries.ToDictionary(e => e.PrincipalArn);
        Assert.Null(entries[RoleArn("a")].Username);
        Assert.Equal(["devs"], entries[RoleArn("b")].KubernetesGroups);
        Assert.Equal("second", entries[RoleArn("d")].Username);
        Assert.DoesNotContain(entries.Keys, k => k.Contains("/team/", StringComparison.Ordinal));
    }

    [Fact]
    public void Principals_that_already_have_an_entry_keep_it()
    {
        var model = Cluster(AuthenticationMode.ApiAndConfigMap, mapRoles: Row(RoleArn("dev"), "dev", "devs"), entries: [Entry(RoleArn("dev"), "dev", groups: ["devs"])]);
        var plan = MigrationPlanner.Plan(model);
        Assert.Empty(plan.Entries);
        Assert.Contains(plan.Notes, n => n.Check == "migrate/has-entry");
        var after = plan.ApplyTo(model);
        Assert.Equal((AuthenticationMode.Api, null, 1), (after.Mode, after.AwsAuthData, after.AccessEntries.Count));
    }

    [Fact]
    public void The_plan_is_equivalent_on_the_w3_cluster_and_the_comparison_sees_every_principal()
    {
        var model = Cluster(mapRoles: W3Rows, creator: RoleArn("terraform"),
            instances: new Dictionary<string, string> { ["i-0a1b2c3d4e5f60002"] = "ip-10-0-2-22.internal" },
            bindings: [Rb("app", "app-developers-edit", "ClusterRole", "edit", Subject.Group("app-developers"))]);
        var comparison = AccessComparer.Compare(model, MigrationPlanner.Plan(model).ApplyTo(model), "before", "after");
        Assert.True(comparison.Same);
        Assert.Equal(4, comparison.PrincipalCount);
        Assert.True(comparison.Evaluations > comparison.PrincipalCount * 1000);
        // Identity changes are reported as notes, not as differences.
        Assert.Contains(comparison.Principals, p => p.IdentityNotes.Contains("groups no longer held: system:masters"));
    }

    [Fact]
    public void Migrated_clusters_keep_every_permission()
    {
        Prop.ForAll(GeneratedClusters.MigratableClusterGen.ToArbitrary(), model =>
        {
            var plan = MigrationPlanner.Plan(model);
            var comparison = AccessComparer.Compare(model, plan.ApplyTo(model), "before", "after");
            var first = comparison.Differences.FirstOrDefault();
            return comparison.Same.Label(first is null ? "" :
                $"{first.Principal}: {first.Before} => {first.After}; {string.Join("; ", first.Changes.Take(3).Select(c => $"{c.Verb} {c.Target} {c.Namespace}: {c.Before}->{c.After}"))}");
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(25));
    }

    [Fact]
    public void What_the_plan_cannot_carry_over_shows_up_as_differences()
    {
        var model = Cluster(mapRoles: Row(RoleArn("b"), "bob", "system:custom"), mapAccounts: $"- \"{Account}\"\n",
            clusterRoles: [ClusterRole("reader", R("get,list", "", "pods"))],
            clusterBindings: [Crb("custom", "reader", Subject.Group("system:custom")), Crb("everyone", "reader", Subject.User(UserArn("carol")))]);
        var comparison = AccessComparer.Compare(model, MigrationPlanner.Plan(model).ApplyTo(model), "before", "after");
        Assert.False(comparison.Same);
        var bob = comparison.Differences.Single(d => d.Principal == RoleArn("b"));
        Assert.Contains(bob.Changes, c => c is { Verb: "list", Target: "pods", Namespace: "", Before: Outcome.Allowed, After: Outcome.Denied } &&
                                          c.BeforeGrant == "ClusterRoleBinding custom -> ClusterRole reader to Group \"system:custom\"");
        Assert.True(comparison.Differences.Single(d => d.Principal == UserArn("carol")).AuthenticationChanged);
        Assert.True(comparison.Differences.Single(d => d.Principal.EndsWith(":user/*", StringComparison.Ordinal)).AuthenticationChanged);
    }

    [Fact]
    public void Plans_are_written_as_aws_cli_commands_terraform_and_eksctl()
    {
        var plan = MigrationPlanner.Plan(Cluster(mapRoles: W3Rows, creator: RoleArn("terraform")));
        var cli = PlanWriters.AwsCli(plan);
        Assert.Contains("aws eks update-cluster-config --name \"$CLUSTER\" --access-config authenticationMode=API_AND_CONFIG_MAP\n", cli);
        Assert.Contains($"aws eks create-access-entry --cluster-name \"$CLUSTER\" --principal-arn {RoleArn("demo-node-role")} --type EC2_LINUX\n", cli);
        Assert.Contains($"aws eks create-access-entry --cluster-name \"$CLUSTER\" --principal-arn {RoleArn("developers")} --username 'developer:{{{{SessionName}}}}' --kubernetes-groups app-developers\n", cli);
        Assert.Contains($"aws eks associate-access-policy --cluster-name \"$CLUSTER\" --principal-arn {RoleArn("AWSReservedSSO_Admin_0123")} --policy-arn {AdminPolicy} --access-scope type=cluster\n", cli);
        Assert.Contains($"# aws eks create-access-entry --cluster-name \"$CLUSTER\" --principal-arn {RoleArn("terraform")}\n", cli);
        Assert.Contains("# aws eks update-cluster-config --name \"$CLUSTER\" --access-config authenticationMode=API\n", cli);

        var terraform = PlanWriters.Terraform(plan);
        Assert.Contains("  awsreservedsso_admin_0123 = {\n    principal_arn     = \"arn:aws:iam::111122223333:role/AWSReservedSSO_Admin_0123\"\n", terraform);
        Assert.Contains("      amazoneksclusteradminpolicy = {\n        policy_arn = \"" + AdminPolicy + "\"\n", terraform);
        Assert.Contains("    user_name         = \"developer:{{SessionName}}\"\n", terraform);

        var eksctl = new YamlStream();
        eksctl.Load(new StringReader(PlanWriters.Eksctl(plan)));
        var entries = (YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)eksctl.Documents[0].RootNode)["accessConfig"])["accessEntries"];
        Assert.Equal(3, entries.Children.Count); // the creator's entry is a comment: EKS makes it
        var developers = (YamlMappingNode)entries.Children[2];
        Assert.Equal("developer:{{SessionName}}", developers["kubernetesUsername"].ToString());
    }
}
