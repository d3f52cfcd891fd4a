using static Turnstile.Tests.TurnstileCli;

namespace Turnstile.Tests.Commands;

/// <summary>The walkthroughs' questions answered offline from the snapshots in examples/.</summary>
public class WalkthroughTests
{
    private const string Account = "111122223333";
    private const string Unauthorized = "error: You must be logged in to the server (Unauthorized)\n";

    private static Result CanI(string snapshot, string arn, params string[] request) =>
        Run(["can-i", .. request, "--snapshot", Example(snapshot), "--as-arn", arn]);

    [Fact]
    public void W1_bastion_is_401_until_mapped_then_system_masters()
    {
        var before = CanI("w1-bastion/before", $"arn:aws:iam::{Account}:role/bastion", "list", "nodes", "-A");
        Assert.Equal((3, "", Unauthorized), (before.ExitCode, before.Stdout, before.Stderr));

        var after = CanI("w1-bastion/after", $"arn:aws:iam::{Account}:role/bastion", "list", "nodes", "-A");
        Assert.Equal((0, "yes\n", ""), (after.ExitCode, after.Stdout, after.Stderr));
    }

    [Fact]
    public void W1_the_hidden_creator_is_admin_in_config_map_mode()
    {
        var creator = CanI("w1-bastion/before", $"arn:aws:iam::{Account}:user/admin", "delete", "nodes", "-A");
        Assert.Equal((0, "yes\n"), (creator.ExitCode, creator.Stdout));
        var whoami = Run("whoami", "--snapshot", Example("w1-bastion/before"), "--as-arn", $"arn:aws:iam::{Account}:user/admin");
        Assert.Matches(@"(?m)^Username +kubernetes-admin$", whoami.Stdout);
        Assert.Matches(@"(?m)^Groups +\[system:masters system:authenticated\]$", whoami.Stdout);
    }

    [Fact]
    public void W2_ops_user_unmapped_then_forbidden_then_namespace_rbac()
    {
        const string opsUser = $"arn:aws:iam::{Account}:user/ops-user";
        Assert.Equal(3, CanI("w2-ops-user/unmapped", opsUser, "list", "pods").ExitCode);

        var nodes = Run("explain", "list", "nodes", "-A", "--snapshot", Example("w2-ops-user/mapped"), "--as-arn", opsUser, "-o", "json");
        Assert.Equal(1, nodes.ExitCode);
        Assert.Contains("\"message\": \"nodes is forbidden: User \\\"ops-user\\\" cannot list resource \\\"nodes\\\" in API group \\\"\\\" at the cluster scope\"", nodes.Stdout);

        Assert.Equal((0, "yes\n"), Tuple(CanI("w2-ops-user/with-role", opsUser, "get", "pods")));
        Assert.Equal((0, "yes\n"), Tuple(CanI("w2-ops-user/with-role", opsUser, "list", "pods", "-n", "default")));
        Assert.Equal((1, "no\n"), Tuple(CanI("w2-ops-user/with-role", opsUser, "list", "services")));
        Assert.Equal((1, "no\n"), Tuple(CanI("w2-ops-user/with-role", opsUser, "list", "pods", "-n", "kube-system")));
        var services = Run("explain", "list", "services", "--snapshot", Example("w2-ops-user/with-role"), "--as-arn", opsUser);
        Assert.Contains("Response: 403 services is forbidden: User \"ops-user\" cannot list resource \"services\" in API group \"\" in the namespace \"default\"", services.Stdout);
    }

    [Theory]
    [InlineData("config-map")]
    [InlineData("api-and-config-map")]
    [InlineData("api")]
    public void W3_access_is_the_same_in_every_mode(string mode)
    {
        const string sso = $"arn:aws:iam::{Account}:role/aws-reserved/sso.amazonaws.com/ap-northeast-2/AWSReservedSSO_AdministratorAccess_0123456789abcdef";
        const string developers = $"arn:aws:iam::{Account}:role/developers";
        var snapshot = "w3-migration/" + mode;
        Assert.Equal((0, "yes\n"), Tuple(CanI(snapshot, sso, "delete", "nodes", "-A")));
        Assert.Equal((0, "yes\n"), Tuple(CanI(snapshot, developers, "create", "deployments.apps", "-n", "app")));
        Assert.Equal((1, "no\n"), Tuple(CanI(snapshot, developers, "create", "deployments.apps", "-n", "default")));
        Assert.Equal((1, "no\n"), Tuple(CanI(snapshot, developers, "get", "secrets", "-n", "kube-system")));
        var whoami = Run("whoami", "--snapshot", Example(snapshot), "--as-arn", developers, "--session-name", "jane@example.com", "-o", "json");
        Assert.Contains("\"username\": \"developer:jane-example.com\"", whoami.Stdout);
    }

    [Fact]
    public void W3_the_config_map_row_names_the_sso_role_without_its_path_and_the_entry_with_it()
    {
        var cm = Run("explain", "get", "pods", "--snapshot", Example("w3-migration/config-map"), "--as-arn",
            $"arn:aws:iam::{Account}:role/aws-reserved/sso.amazonaws.com/ap-northeast-2/AWSReservedSSO_AdministratorAccess_0123456789abcdef", "-o", "json");
        Assert.Contains("\"source\": \"AwsAuthMapRoles\"", cm.Stdout);
        var api = Run("explain", "get", "pods", "--snapshot", Example("w3-migration/api"), "--as-arn",
            $"arn:aws:iam::{Account}:role/aws-reserved/sso.amazonaws.com/ap-northeast-2/AWSReservedSSO_AdministratorAccess_0123456789abcdef", "-o", "json");
        Assert.Contains("\"source\": \"AccessEntry\"", api.Stdout);
        Assert.Contains("\"stage\": \"AccessPolicy\"", api.Stdout);
    }

    [Fact]
    public void W5_testuser_through_aws_auth_and_then_access_entries()
    {
        const string testuser = $"arn:aws:iam::{Account}:user/testuser";
        Assert.Equal((0, "yes\n"), Tuple(CanI("w5-lab/step4-masters", testuser, "get", "nodes", "-A")));
        var whoami = Run("whoami", "--snapshot", Example("w5-lab/step4-masters"), "--as-arn", testuser, "--access-key-id", "AKIAYTESTUSERKEY0001");
        Assert.Equal(0, whoami.ExitCode);
        Assert.Equal(
            "ATTRIBUTE                                              VALUE\n" +
            "Username                                               testuser\n" +
            $"UID                                                    aws-iam-authenticator:{Account}:AIDAYTESTUSEREXAMPLE1\n" +
            "Groups                                                 [system:masters system:authenticated]\n" +
            "Extra: accessKeyId                                     [AKIAYTESTUSERKEY0001]\n" +
            $"Extra: arn                                             [{testuser}]\n" +
            $"Extra: canonicalArn                                    [{testuser}]\n" +
            "Extra: principalId                                     [AIDAYTESTUSEREXAMPLE1]\n" +
            "Extra: sessionName                                     []\n" +
            "Extra: sigs.k8s.io/aws-iam-authenticator/principalId   [AIDAYTESTUSEREXAMPLE1]\n",
            whoami.Stdout);

        Assert.Equal((1, "no\n"), Tuple(CanI("w5-lab/step5-authenticated", testuser, "get", "nodes", "-A")));
        Assert.Equal((0, "yes\n"), Tuple(CanI("w5-lab/step5-authenticated", testuser, "get", "/api")));
        Assert.Equal(3, CanI("w5-lab/step6-unmapped", testuser, "get", "/api").ExitCode);

        Assert.Equal((0, "yes\n"), Tuple(CanI("w5-lab/step8-api-admin", testuser, "get", "nodes", "-A")));
        var api = Run("whoami", "--snapshot", Example("w5-lab/step8-api-admin"), "--as-arn", testuser, "-o", "json");
        Assert.Contains($"\"username\": \"{testuser}\"", api.Stdout);
        Assert.Contains("\"groups\": [\n                \"system:authenticated\"\n            ]", api.Stdout);

        Assert.Equal((0, "yes\n"), Tuple(CanI("w5-lab/step9-pod-viewer", testuser, "get", "pods", "--all-namespaces")));
        Assert.Equal((1, "no\n"), Tuple(CanI("w5-lab/step9-pod-viewer", testuser, "delete", "pods")));
        Assert.Equal((0, "yes\n"), Tuple(CanI("w5-lab/step9-pod-admin", testuser, "delete", "pods")));
    }

    [Fact]
    public void W5_nodes_map_through_their_access_entry_and_private_dns_name()
    {
        var whoami = Run("whoami", "--snapshot", Example("w5-lab/step8-api-admin"), "--as-arn",
            $"arn:aws:iam::{Account}:role/eksctl-myeks-nodegroup-ng1-NodeInstanceRole", "--session-name", "i-0a1b2c3d4e5f60012", "-o", "json");
        Assert.Contains("\"username\": \"system:node:ip-192-168-2-102.ap-northeast-2.compute.internal\"", whoami.Stdout);
        Assert.Contains("\"system:nodes\"", whoami.Stdout);
        var unknownInstance = Run("whoami", "--snapshot", Example("w5-lab/step8-api-admin"), "--as-arn",
            $"arn:aws:iam::{Account}:role/eksctl-myeks-nodegroup-ng1-NodeInstanceRole", "--session-name", "i-0fffffffffffffff0");
        Assert.Equal(3, unknownInstance.ExitCode);
    }

    private static (int, string) Tuple(Result r) => (r.ExitCode, r.Stdout);
}

public class CanIListTests
{
    [Fact]
    public void Lists_the_rbac_rules_of_the_namespace_like_kubectl()
    {
        var r = Run("can-i", "--list", "--snapshot", Example("w2-ops-user/with-role"), "--as-arn", "arn:aws:iam::111122223333:user/ops-user");
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("Resources                                       Non-Resource URLs   Resource Names   Verbs\n", r.Stdout);
        Assert.Contains("\npods                                            []                  []               [get list]\n", r.Stdout);
        var other = Run("can-i", "--list", "-n", "kube-system", "--snapshot", Example("w2-ops-user/with-role"), "--as-arn", "arn:aws:iam::111122223333:user/ops-user");
        Assert.DoesNotContain("\npods ", other.Stdout);
    }

    [Fact]
    public void List_takes_no_request_and_no_all_namespaces()
    {
        Assert.Equal(2, Run("can-i", "--list", "get", "pods", "--snapshot", Example("w2-ops-user/with-role"), "--as-arn", "arn:aws:iam::111122223333:user/ops-user").ExitCode);
        Assert.Equal(2, Run("can-i", "--list", "-A", "--snapshot", Example("w2-ops-user/with-role"), "--as-arn", "arn:aws:iam::111122223333:user/ops-user").ExitCode);
    }
}
