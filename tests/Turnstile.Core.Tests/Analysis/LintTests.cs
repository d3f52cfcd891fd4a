using Turnstile.Core.Analysis;
using Turnstile.Core.Analysis.Lint;
using Turnstile.Core.Clusters;
using Turnstile.Core.Mapping;
using Turnstile.Core.Rbac;
using static Turnstile.Core.Tests.Analysis.AnalysisFixtures;
using static Turnstile.Core.Tests.Rbac.RbacFixtures;

namespace Turnstile.Core.Tests.Analysis;

public class LintTests
{
    private static readonly IPrincipalDirectory NoList = new PrincipalIdTable(new Dictionary<string, string>(), "the test's list");

    private static IReadOnlyList<Finding> Lint(ClusterAccessModel model, IPrincipalDirectory? directory = null) =>
        AccessLinter.Lint(new ClusterAnalysis(model), directory ?? NoList);

    private static Finding Single(IReadOnlyList<Finding> findings, string check) => Assert.Single(findings, f => f.Check == check);

    private static readonly string Admin = Row(RoleArn("admin"), "admin", "system:masters");

    [Fact]
    public void A_section_eks_drops_is_an_error_and_its_admin_is_gone()
    {
        var findings = Lint(Cluster(mapRoles: Row(RoleArn("nodes"), "system:node:{{EC2PrivateDNSName}}", "system:nodes"),
            mapUsers: "- userarn: arn:aws:iam::111122223333:user/alice\n  username: alice\n\tgroups: [system:masters]\n") with { BootstrapClusterCreatorAdminPermissions = false });
        var dropped = Single(findings, "aws-auth/section-dropped");
        Assert.Equal((Severity.Error, "aws-auth data.mapUsers"), (dropped.Severity, dropped.Location));
        Assert.Contains("EKS drops the whole mapUsers section: yaml: line", dropped.Message);
        var lockout = Single(findings, "lockout/no-admin");
        Assert.Equal(Severity.Error, lockout.Severity);

        // With the creator's hidden admin (bootstrapped, though not named), only a note remains.
        var hidden = Lint(Cluster(mapUsers: "- userarn: x\n\t- bad\n"));
        Assert.Equal(Severity.Info, Single(hidden, "lockout/no-admin").Severity);
    }

    [Fact]
    public void Role_paths_unknown_fields_and_shadowed_rows_are_located_by_line()
    {
        var mapRoles = Admin +
                       "- rolearn: arn:aws:iam::111122223333:role/teams/deployer\n  username: deployer\n  groups: [deployers]\n" +
                       "- rolearn: arn:aws:iam::111122223333:role/viewer\n  username: viewer\n  group: [viewers]\n" +
                       Row(RoleArn("viewer"), "viewer", "viewers") + Row(RoleArn("viewer"), "viewer", "viewers");
        var findings = Lint(Cluster(mapRoles: mapRoles, clusterBindings: [Crb("d", "view", Subject.Group("deployers")), Crb("v", "view", Subject.Group("viewers"))]));

        var path = Single(findings, "aws-auth/role-path");
        Assert.Equal("aws-auth data.mapRoles[1] (line 4)", path.Location);
        Assert.Equal("write rolearn: arn:aws:iam::111122223333:role/deployer", path.Fix);
        var field = Single(findings, "aws-auth/unknown-field");
        Assert.Equal("aws-auth data.mapRoles[2] (line 7)", field.Location);
        Assert.Equal("did you mean groups?", field.Fix);
        Assert.Contains(findings, f => f.Check == "aws-auth/shadowed" && f.Location.StartsWith("aws-auth data.mapRoles[2]", StringComparison.Ordinal) && f.Message.Contains("mapRoles[4]"));
        Assert.Contains(findings, f => f.Check == "aws-auth/duplicate" && f.Location.StartsWith("aws-auth data.mapRoles[3]", StringComparison.Ordinal));
    }

    [Fact]
    public void Unresolvable_templates_masters_and_unbound_groups_are_flagged()
    {
        var findings = Lint(Cluster(
            mapRoles: Admin + Row(RoleArn("ci"), "ci:{{SessionId}}", "builders"),
            mapUsers: UserRow(UserArn("bob"), "node:{{EC2PrivateDNSName}}") + UserRow(UserArn("carol"), "carol:{{SessionName}}")));
        Assert.Contains(findings, f => f is { Check: "mapping/unknown-template", Severity: Severity.Warning } && f.Message.StartsWith("{{SessionId}}", StringComparison.Ordinal));
        Assert.Contains(findings, f => f is { Check: "mapping/template", Severity: Severity.Error } && f.Location.StartsWith("aws-auth data.mapUsers[0]", StringComparison.Ordinal));
        Assert.Contains(findings, f => f is { Check: "mapping/template", Severity: Severity.Warning } && f.Location.StartsWith("aws-auth data.mapUsers[1]", StringComparison.Ordinal));
        Assert.Equal(Severity.Warning, Single(findings, "mapping/system-masters").Severity);
        Assert.Contains("group builders", Single(findings, "rbac/unbound-group").Message);
    }

    [Fact]
    public void Unknown_data_keys_and_bindings_to_missing_roles_are_flagged()
    {
        var model = Cluster(mapRoles: Admin, bindings: [Rb("shop", "readers", "Role", "reader", Subject.Group("x"))]) is var m
            ? m with { AwsAuthData = new Dictionary<string, string>(m.AwsAuthData!) { ["MapUsers"] = "- userarn: x" } }
            : null!;
        var findings = Lint(model);
        var key = Single(findings, "aws-auth/unknown-key");
        Assert.Equal((Severity.Error, "rename it to mapUsers"), (key.Severity, key.Fix));
        var missing = Single(findings, "rbac/missing-role");
        Assert.Equal("RoleBinding shop/readers", missing.Location);
        Assert.Contains("role.rbac.authorization.k8s.io \"reader\" not found", missing.Message);
    }

    [Fact]
    public void Access_entries_eks_would_refuse_and_rows_they_shadow()
    {
        var findings = Lint(Cluster(AuthenticationMode.ApiAndConfigMap,
            mapRoles: Admin + Row(RoleArn("dev"), "dev", "devs"),
            entries: [Entry(RoleArn("dev"), "john{{SessionName}}"), Entry(RoleArn("ops"), groups: ["system:masters"], policies: Policy("AmazonEKSClusterAdminPolicy"))],
            clusterBindings: [Crb("devs", "view", Subject.Group("devs"))]));
        Assert.Contains("The username template must contain a colon before the first template variable", Single(findings, "access-entry/username").Message);
        Assert.Equal("The kubernetes group name system:masters is invalid, it cannot start with system:", Single(findings, "access-entry/group").Message);
        Assert.Equal(Severity.Info, Single(findings, "aws-auth/shadowed-by-entry").Severity);
    }

    [Fact]
    public void Principals_missing_from_the_directory_are_flagged_only_when_it_has_a_list()
    {
        var model = Cluster(mapRoles: Admin + Row(RoleArn("gone"), "gone", "devs"));
        Assert.Equal(Severity.Info, Single(Lint(model), "principal/not-checked").Severity);
        var directory = new PrincipalIdTable(new Dictionary<string, string> { [RoleArn("admin")] = "AROAADMIN" }, "the test's list");
        var missing = Single(Lint(model, directory), "principal/missing");
        Assert.Equal("aws-auth mapRoles[1]", missing.Location);
        Assert.Contains(RoleArn("gone"), missing.Message);
    }

    [Fact]
    public void A_recreated_principal_no_longer_matches_its_entry()
    {
        var entry = Entry(RoleArn("ops"), policies: Policy("AmazonEKSClusterAdminPolicy")) with { PrincipalId = "AROAOLDID" };
        var directory = new PrincipalIdTable(new Dictionary<string, string> { [RoleArn("ops")] = "AROANEWID" }, "IAM");
        var recreated = Single(Lint(Cluster(AuthenticationMode.Api, entries: [entry]), directory), "principal/recreated");
        Assert.Equal(Severity.Error, recreated.Severity);
        Assert.Contains("AROAOLDID", recreated.Message);
    }

    [Fact]
    public void Lockout_risk_depends_on_the_mode_and_on_the_switch_to_api()
    {
        // Admins only from aws-auth: switching to API would leave none.
        var onlyConfigMap = Lint(Cluster(AuthenticationMode.ApiAndConfigMap, mapRoles: Admin));
        Assert.Equal(Severity.Warning, Single(onlyConfigMap, "lockout/api-switch").Severity);
        // An entry with the admin policy survives the switch.
        var withEntry = Lint(Cluster(AuthenticationMode.ApiAndConfigMap, mapRoles: Admin, entries: [Entry(RoleArn("ops"), policies: Policy("AmazonEKSClusterAdminPolicy"))]));
        Assert.DoesNotContain(withEntry, f => f.Check.StartsWith("lockout/", StringComparison.Ordinal));
        // API mode without admins can still be repaired through the EKS API.
        Assert.Equal(Severity.Warning, Single(Lint(Cluster(AuthenticationMode.Api, entries: [Entry(RoleArn("dev"))])), "lockout/no-admin").Severity);
        // The hidden creator is an admin in CONFIG_MAP mode.
        Assert.DoesNotContain(Lint(Cluster(mapRoles: Row(RoleArn("dev"), "dev"), creator: RoleArn("creator"))), f => f.Check.StartsWith("lockout/", StringComparison.Ordinal));
    }

    [Fact]
    public void A_clean_configuration_has_no_warnings()
    {
        var findings = Lint(Cluster(mapRoles: Row(RoleArn("dev"), "dev:{{SessionName}}", "devs") + Row(RoleArn("nodes"), "system:node:{{EC2PrivateDNSName}}", "system:bootstrappers", "system:nodes"),
            creator: RoleArn("creator"), clusterBindings: [Crb("devs", "edit", Subject.Group("devs"))]));
        Assert.All(findings, f => Assert.Equal(Severity.Info, f.Severity));
    }
}
