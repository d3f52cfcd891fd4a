using System.Text.Json;
using YamlDotNet.RepresentationModel;
using static Turnstile.Tests.TurnstileCli;

namespace Turnstile.Tests.Commands;

/// <summary>The analysis commands run as a user runs them, on the walkthrough snapshots in examples/.</summary>
public class AnalysisCommandTests
{
    private const string Account = "111122223333";
    private const string Developers = $"arn:aws:iam::{Account}:role/developers";
    private const string Testuser = $"arn:aws:iam::{Account}:user/testuser";

    [Fact]
    public void Who_can_lists_principals_and_subjects_with_what_grants_them()
    {
        var r = Run("who-can", "create", "deployments.apps", "-n", "app", "--snapshot", Example("w3-migration/config-map"));
        Assert.Equal((0, ""), (r.ExitCode, r.Stderr));
        Assert.Matches(@"(?m)^arn:aws:iam::111122223333:role/developers +aws-auth mapRoles\[2\] +developer:turnstile +RoleBinding app/app-developers-edit -> ClusterRole edit to Group ""app-developers""$", r.Stdout);
        Assert.Matches(@"(?m)^arn:aws:iam::111122223333:role/terraform +cluster creator +kubernetes-admin +system:masters", r.Stdout);
        Assert.Matches(@"(?m)^Group +app-developers +RoleBinding app/app-developers-edit -> ClusterRole edit$", r.Stdout);

        using var json = JsonDocument.Parse(Run("who-can", "create", "deployments.apps", "-n", "app", "--snapshot", Example("w3-migration/api"), "-o", "json").Stdout);
        var grants = json.RootElement.GetProperty("principals").EnumerateArray()
            .ToDictionary(p => p.GetProperty("principal").GetString()!, p => p.GetProperty("grantedBy").GetProperty("kind").GetString());
        Assert.Equal("accessPolicy", grants[$"arn:aws:iam::{Account}:role/aws-reserved/sso.amazonaws.com/ap-northeast-2/AWSReservedSSO_AdministratorAccess_0123456789abcdef"]);
        Assert.Equal("rbac", grants[Developers]);
        Assert.Equal(2, grants.Count); // in API mode the hidden creator is gone
    }

    [Fact]
    public void Access_matrix_lookup_rolesum_and_policy_rules_replay_w5_step_10()
    {
        var matrix = Run("access-matrix", "--snapshot", Example("w5-lab/step9-pod-viewer"), "--as-arn", Testuser, "-n", "default");
        Assert.Equal(0, matrix.ExitCode);
        Assert.StartsWith("NAME ", matrix.Stdout);
        Assert.Matches("(?m)^pods +✔ +✖ +✖ +✖$", matrix.Stdout);
        Assert.Matches("(?m)^bindings +✖ *$", matrix.Stdout);

        var lookup = Run("lookup", "system:masters", "--snapshot", Example("w5-lab/step4-masters"));
        Assert.Matches($"(?m)^system:masters +Group +ClusterRole +cluster-admin +cluster-admin +{Testuser}$", lookup.Stdout);

        var rolesum = Run("rolesum", "--snapshot", Example("w5-lab/step9-pod-admin"), "--as-arn", Testuser);
        Assert.Contains("• [CRB] */pod-admin-binding ⟶  [CR] */pod-admin-role (to Group \"pod-admin\")\n", rolesum.Stdout);
        Assert.Matches(@"(?m)^pods\.\* +\[\*\] +\[-\] +\[-\] +✔ ✔ ✔ ✔ ✔ ✔ ✔ ✔$", rolesum.Stdout);

        using var rules = JsonDocument.Parse(Run("policy-rules", "--snapshot", Example("w5-lab/step8-api-admin"), "--as-arn", Testuser, "-o", "json").Stdout);
        var policy = rules.RootElement.EnumerateArray().First(r => r.GetProperty("origin").GetProperty("kind").GetString() == "accessPolicy");
        Assert.Equal("AmazonEKSClusterAdminPolicy", policy.GetProperty("origin").GetProperty("policy").GetProperty("name").GetString());
        Assert.Equal("*", policy.GetProperty("namespaces")[0].GetString());

        var yaml = Run("lookup", "pod-viewer", "--snapshot", Example("w5-lab/step9-pod-viewer"), "-o", "yaml");
        Assert.Contains("- subject: pod-viewer\n  subjectKind: Group\n", yaml.Stdout);
    }

    [Fact]
    public void Lint_exits_1_on_errors_and_prints_json_for_ci()
    {
        var broken = Run("lint", "--snapshot", Example("lint/broken-aws-auth"));
        Assert.Equal(1, broken.ExitCode);
        Assert.Contains("error: aws-auth data.mapUsers: EKS drops the whole mapUsers section", broken.Stdout);
        Assert.EndsWith("3 errors, 4 warnings, 0 info\n", broken.Stdout);

        using var json = JsonDocument.Parse(Run("lint", "--snapshot", Example("lint/broken-aws-auth"), "-o", "json").Stdout);
        var checks = json.RootElement.EnumerateArray().Select(f => (f.GetProperty("severity").GetString(), f.GetProperty("check").GetString())).ToArray();
        Assert.Contains(("error", "aws-auth/role-path"), checks);
        Assert.Contains(("error", "lockout/no-admin"), checks);
        Assert.Contains(("warning", "aws-auth/unknown-field"), checks);

        Assert.Equal(0, Run("lint", "--snapshot", Example("w3-migration/config-map")).ExitCode);
    }

    [Fact]
    public void W3_is_planned_and_verified_before_any_mode_switch()
    {
        var verify = Run("migrate", "--verify", "--snapshot", Example("w3-migration/config-map"));
        Assert.Equal(0, verify.ExitCode);
        Assert.StartsWith("Plan for cluster demo-eks-cluster: CONFIG_MAP -> API with 4 access entries (1 created by EKS itself)\n", verify.Stdout);
        Assert.Contains("  before: CONFIG_MAP (now)\n  after:  API with the planned entries\n", verify.Stdout);
        Assert.EndsWith("No differences: every principal keeps exactly the same access.\n", verify.Stdout);

        var script = Run("migrate", "--snapshot", Example("w3-migration/config-map"));
        Assert.StartsWith("#!/usr/bin/env bash\n", script.Stdout);
        Assert.Contains($"aws eks create-access-entry --cluster-name \"$CLUSTER\" --principal-arn {Developers} --username 'developer:{{{{SessionName}}}}' --kubernetes-groups app-developers\n", script.Stdout);
        Assert.StartsWith("# Access entries", Run("migrate", "--format", "terraform", "--snapshot", Example("w3-migration/config-map")).Stdout);
        var eksctl = new YamlStream();
        eksctl.Load(new StringReader(Run("migrate", "--format", "eksctl", "--snapshot", Example("w3-migration/config-map")).Stdout));
        Assert.Equal("demo-eks-cluster", ((YamlMappingNode)((YamlMappingNode)eksctl.Documents[0].RootNode)["metadata"])["name"].ToString());
    }

    /// <summary>Migrate, apply the plan to the snapshot as EKS would report it in API mode, and compare: no difference.</summary>
    [Fact]
    public void The_w3_plan_applied_to_the_snapshot_keeps_everyones_access()
    {
        var before = Example("w3-migration/config-map");
        using var plan = JsonDocument.Parse(Run("migrate", "--format", "json", "--snapshot", before).Stdout);
        var after = Directory.CreateTempSubdirectory("turnstile-w3-after-").FullName;
        try
        {
            foreach (var file in Directory.GetFiles(before).Where(f => Path.GetFileName(f) != "aws-auth.yaml"))
                File.Copy(file, Path.Combine(after, Path.GetFileName(file)));
            var cluster = Path.Combine(after, "describe-cluster.json");
            File.WriteAllText(cluster, File.ReadAllText(cluster).Replace("\"CONFIG_MAP\"", "\"API\""));
            var n = 0;
            foreach (var entry in plan.RootElement.GetProperty("entries").EnumerateArray())
            {
                var arn = entry.GetProperty("principalArn").GetString()!;
                var type = entry.GetProperty("type").GetString()!;
                var username = entry.GetProperty("username").GetString();
                var groups = entry.GetProperty("kubernetesGroups").EnumerateArray().Select(g => g.GetString()).ToList();
                if (type == "EC2_LINUX") groups = ["system:nodes"];
                // What `aws eks describe-access-entry` prints once the plan ran (EKS fills in default usernames).
                var describe = new Dictionary<string, object?>
                {
                    ["clusterName"] = "demo-eks-cluster", ["principalArn"] = arn, ["kubernetesGroups"] = groups, ["type"] = type,
                    ["username"] = username ?? (type == "EC2_LINUX" ? "system:node:{{EC2PrivateDNSName}}" : $"arn:aws:sts::{Account}:assumed-role/{arn[(arn.LastIndexOf('/') + 1)..]}/{{{{SessionName}}}}"),
                };
                File.WriteAllText(Path.Combine(after, $"entry-{++n}.json"), JsonSerializer.Serialize(new { accessEntry = describe }));
                var policies = entry.GetProperty("accessPolicies").EnumerateArray().Select(p => new
                {
                    policyArn = p.GetProperty("policyArn").GetString(),
                    accessScope = new { type = p.GetProperty("scopeType").GetString(), namespaces = p.GetProperty("namespaces") },
                }).ToArray();
                File.WriteAllText(Path.Combine(after, $"policies-{n}.json"),
                    JsonSerializer.Serialize(new { clusterName = "demo-eks-cluster", principalArn = arn, associatedAccessPolicies = policies }));
            }
            Assert.Equal(4, n);
            var diff = Run("diff", before, after);
            Assert.Equal((0, ""), (diff.ExitCode, diff.Stderr));
            Assert.EndsWith("No differences: every principal keeps exactly the same access.\n", diff.Stdout);
        }
        finally
        {
            Directory.Delete(after, recursive: true);
        }
    }

    [Fact]
    public void Diff_prints_every_difference_between_two_states()
    {
        // The API-mode example has no entry for the creator (its EKS-made admin entry was removed): it loses access.
        var r = Run("diff", Example("w3-migration/config-map"), Example("w3-migration/api"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("arn:aws:iam::111122223333:role/terraform\n  before: cluster creator: user kubernetes-admin, groups [system:masters system:authenticated]\n  after:  401 (not mapped: identity is not mapped)\n", r.Stdout);
        Assert.EndsWith("1 difference for 1 principal.\n", r.Stdout);

        var pods = Run("diff", Example("w5-lab/step9-pod-viewer"), Example("w5-lab/step9-pod-admin"));
        Assert.Equal(1, pods.ExitCode);
        Assert.Contains("  create,delete,deletecollection,patch,update pods in any other namespace: denied -> allowed (ClusterRoleBinding pod-admin-binding -> ClusterRole pod-admin-role to Group \"pod-admin\")\n", pods.Stdout);
    }

    [Fact]
    public void Assert_reports_like_a_test_runner_and_writes_junit()
    {
        var junit = Path.Combine(Path.GetTempPath(), $"turnstile-junit-{Guid.NewGuid():N}.xml");
        try
        {
            var r = Run("assert", Example("assertions/w3-migration.yaml"), "--junit", junit);
            Assert.Equal((0, ""), (r.ExitCode, r.Stderr));
            Assert.StartsWith("PASS  developers deploy to app\n", r.Stdout);
            Assert.EndsWith("6 passed, 0 failed\n", r.Stdout);
            Assert.Contains("<testsuite name=\"w3-migration.yaml\" tests=\"6\" failures=\"0\"", File.ReadAllText(junit));

            var api = Run("assert", Example("assertions/w3-migration.yaml"), "--snapshot", Example("w3-migration/api"));
            Assert.Equal(0, api.ExitCode);
            Assert.Contains("allowed by access policy AmazonEKSClusterAdminPolicy (cluster)", api.Stdout);

            using var json = JsonDocument.Parse(Run("assert", Example("assertions/w3-migration.yaml"), "-o", "json").Stdout);
            Assert.All(json.RootElement.EnumerateArray(), a => Assert.True(a.GetProperty("passed").GetBoolean()));
            Assert.Equal("unauthenticated", json.RootElement[5].GetProperty("actual").GetString());
        }
        finally
        {
            File.Delete(junit);
        }
    }

    [Fact]
    public void A_failing_expectation_is_exit_1_and_a_bad_file_exit_2()
    {
        var file = Path.Combine(Path.GetTempPath(), $"turnstile-assert-{Guid.NewGuid():N}.yaml");
        try
        {
            File.WriteAllText(file, $"apiVersion: turnstile.dev/v1alpha1\nkind: AccessAssertions\nassertions:\n- principal: {Developers}\n  verb: delete\n  resource: nodes\n  expect: allowed\n");
            var r = Run("assert", file, "--snapshot", Example("w3-migration/config-map"));
            Assert.Equal(1, r.ExitCode);
            Assert.Contains("FAIL  arn:aws:iam::111122223333:role/developers allowed to delete nodes at the cluster scope\n", r.Stdout);
            Assert.Contains("expected allowed, got denied", r.Stdout);
            Assert.EndsWith("0 passed, 1 failed\n", r.Stdout);

            File.WriteAllText(file, "apiVersion: turnstile.dev/v1alpha1\nkind: AccessAssertions\nassertions:\n- principal: x\n  verb: get\n");
            var bad = Run("assert", file, "--snapshot", Example("w3-migration/config-map"));
            Assert.Equal(2, bad.ExitCode);
            Assert.Contains("line 4: give exactly one of resource and path", bad.Stderr);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Graph_draws_dot_and_mermaid_and_needs_graphviz_for_svg()
    {
        var dot = Run("graph", "--snapshot", Example("w3-migration/config-map"), "--as-arn", Developers);
        Assert.Equal(0, dot.ExitCode);
        Assert.StartsWith("digraph turnstile {\n", dot.Stdout);
        Assert.Contains("[label=\"RoleBinding\\napp/app-developers-edit\"]", dot.Stdout);
        var mermaid = Run("graph", "--snapshot", Example("w3-migration/config-map"), "--subject", "Group:app-developers", "-o", "mermaid");
        Assert.StartsWith("flowchart LR\n", mermaid.Stdout);
        Assert.Contains("IAM principal<br/>arn:aws:iam::111122223333:role/developers", mermaid.Stdout);

        var svg = Path.Combine(Path.GetTempPath(), $"turnstile-graph-{Guid.NewGuid():N}.svg");
        var rendered = Run("graph", "--snapshot", Example("w3-migration/config-map"), "--as-arn", Developers, "--svg", svg);
        if (GraphvizInstalled())
        {
            Assert.Equal(0, rendered.ExitCode);
            Assert.Contains("<svg", File.ReadAllText(svg));
            File.Delete(svg);
        }
        else
        {
            Assert.Equal(2, rendered.ExitCode);
            Assert.Contains("--svg needs Graphviz's `dot` on PATH", rendered.Stderr);
        }
        Assert.Equal(2, Run("graph", "--snapshot", Example("w3-migration/config-map")).ExitCode);
        Assert.Contains("unknown kind Robot", Run("graph", "--snapshot", Example("w3-migration/config-map"), "--subject", "Robot:x").Stderr);
    }

    [Fact]
    public void Custom_resources_resolve_from_the_snapshots_crds_and_api_resources()
    {
        const string team = $"arn:aws:iam::{Account}:role/widget-team";
        string[] snapshot = ["--snapshot", Example("custom-resources"), "--as-arn", team];
        Assert.Equal((0, "yes\n"), Answer(Run(["can-i", "update", "wg", "-n", "shop", "--subresource", "scale", .. snapshot])));
        Assert.Equal((0, "yes\n"), Answer(Run(["can-i", "delete", "widgets.example.com", "legacy-widget", "-n", "shop", .. snapshot])));
        Assert.Equal((1, "no\n"), Answer(Run(["can-i", "delete", "widget", "-n", "shop", .. snapshot])));
        var unknown = Run(["can-i", "list", "gadgets", "-n", "shop", .. snapshot]);
        Assert.Equal("Warning: the server doesn't have a resource type 'gadgets'\n\n", unknown.Stderr);

        var matrix = Run("access-matrix", "--snapshot", Example("custom-resources"), "--as-arn", team, "-n", "shop", "--verbs", "list,delete");
        Assert.Matches("(?m)^widgets.example.com +✔ +◐ legacy-widget$", matrix.Stdout);
    }

    private static (int, string) Answer(Result r) => (r.ExitCode, r.Stdout);

    private static bool GraphvizInstalled() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(dir => File.Exists(Path.Combine(dir, "dot")));
}
