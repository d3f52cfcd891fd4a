using System.Text.Json;
using static Turnstile.KubeServer.Tests.FrontFixture;

namespace Turnstile.KubeServer.Tests.Walkthroughs;

/// <summary>
/// Walkthrough W5 (seed 004), the full lab, with the real <c>aws</c> CLI and <c>kubectl</c>: the admin's host creates
/// cluster <c>myeks</c> with 3 nodes and IAM user <c>testuser</c>; "operations server 2" configures testuser's keys and
/// replays each kubectl step as aws-auth and then access entries change what testuser is.
/// </summary>
public sealed class W5FullLabTests(FrontFixture front) : IClassFixture<FrontFixture>
{
    private const string Cluster = "myeks";
    private static readonly string TestuserArn = $"arn:aws:iam::{Account}:user/testuser";
    private static readonly string NodeRoleArn = $"arn:aws:iam::{Account}:role/myeks-nodegroup-ng1-NodeInstanceRole";

    [Fact]
    public async Task Testuser_through_aws_auth_then_access_entries()
    {
        using var admin = new Terminal(front).Keys(Admin);
        using var ops2 = new Terminal(front);

        // 1. The admin creates myeks with a managed node group of 3 nodes.
        (await admin.Aws("eks", "create-cluster", "--name", Cluster, "--role-arn", $"arn:aws:iam::{Account}:role/myeks-cluster-role",
            "--resources-vpc-config", "subnetIds=subnet-0a,subnet-0b", "--access-config", "authenticationMode=API_AND_CONFIG_MAP")).Ok();
        (await admin.Aws("eks", "create-nodegroup", "--cluster-name", Cluster, "--nodegroup-name", "ng1", "--node-role", NodeRoleArn,
            "--subnets", "subnet-0a", "subnet-0b", "--scaling-config", "minSize=3,maxSize=3,desiredSize=3")).Ok();
        Assert.Equal($"Added new context arn:aws:eks:{Region}:{Account}:cluster/{Cluster} to {admin.KubeconfigFile}\n",
            (await admin.Aws("eks", "update-kubeconfig", "--name", Cluster)).Ok().Stdout);
        AssertThreeReadyNodes((await admin.Kubectl("get", "nodes")).Ok().Stdout);

        // 2. testuser, its key and AdministratorAccess.
        var userId = Json((await admin.Aws("iam", "create-user", "--user-name", "testuser")).Ok()).GetProperty("User").GetProperty("UserId").GetString()!;
        var key = Json((await admin.Aws("iam", "create-access-key", "--user-name", "testuser")).Ok()).GetProperty("AccessKey");
        var accessKeyId = key.GetProperty("AccessKeyId").GetString()!;
        (await admin.Aws("iam", "attach-user-policy", "--policy-arn", "arn:aws:iam::aws:policy/AdministratorAccess", "--user-name", "testuser")).Ok();
        Assert.Equal($"\"arn:aws:iam::{Account}:user/admin\"\n", (await admin.Aws("sts", "get-caller-identity", "--query", "Arn")).Ok().Stdout);

        // 3. Operations server 2: testuser's keys (aws configure); unmapped, kubectl gets 401.
        ops2.Keys(new(accessKeyId, key.GetProperty("SecretAccessKey").GetString()!));
        Assert.Equal($"\"{TestuserArn}\"\n", (await ops2.Aws("sts", "get-caller-identity", "--query", "Arn")).Ok().Stdout);
        Assert.Equal($"Added new context testuser to {ops2.KubeconfigFile}\n",
            (await ops2.Aws("eks", "update-kubeconfig", "--name", Cluster, "--user-alias", "testuser")).Ok().Stdout);
        AssertUnauthorized(await ops2.Kubectl("get", "node"), "the server has asked for the client to provide credentials");

        // 4. The admin maps testuser in aws-auth with system:masters: testuser lists the nodes and is testuser.
        Assert.Matches("^configmap/aws-auth (created|configured)\n$", (await admin.Kubectl("apply", "-f", admin.Write("aws-auth.yaml", AwsAuth("system:masters")))).Ok().Stdout);
        AssertThreeReadyNodes((await ops2.Kubectl("get", "node")).Ok().Stdout);
        var whoami = (await ops2.Kubectl("auth", "whoami")).Ok().Stdout;
        Assert.Equal(WhoamiTable("testuser", $"aws-iam-authenticator:{Account}:{userId}", ["system:masters", "system:authenticated"],
            [("accessKeyId", accessKeyId), ("arn", TestuserArn), ("canonicalArn", TestuserArn), ("principalId", userId), ("sessionName", ""),
             ("sigs.k8s.io/aws-iam-authenticator/principalId", userId)]), whoami);

        // 5. Group system:authenticated: nodes are forbidden, discovery still works.
        Assert.Equal("configmap/aws-auth configured\n", (await admin.Kubectl("apply", "-f", admin.Write("aws-auth.yaml", AwsAuth("system:authenticated")))).Ok().Stdout);
        var forbidden = await ops2.Kubectl("get", "node");
        Assert.Equal(1, forbidden.ExitCode);
        Assert.Equal("Error from server (Forbidden): nodes is forbidden: User \"testuser\" cannot list resource \"nodes\" in API group \"\" at the cluster scope\n",
            forbidden.Stderr);
        Assert.Matches(@"(?m)^pods\s+po\s+v1\s+true\s+Pod$", (await ops2.Kubectl("api-resources")).Ok().Stdout);

        // 6. The row is deleted: 401 again, for discovery too.
        Assert.Equal("configmap/aws-auth configured\n", (await admin.Kubectl("apply", "-f", admin.Write("aws-auth.yaml", AwsAuth(null)))).Ok().Stdout);
        AssertUnauthorized(await ops2.Kubectl("get", "node"), "Unauthorized");
        AssertUnauthorized(await ops2.Kubectl("api-resources"), "the server has asked for the client to provide credentials");

        // 7. API mode: the entries EKS made (its service-linked role, the node role) and the creator's.
        (await admin.Aws("eks", "update-cluster-config", "--name", Cluster, "--access-config", "authenticationMode=API")).Ok();
        var entries = Json((await admin.Aws("eks", "list-access-entries", "--cluster-name", Cluster)).Ok()).GetProperty("accessEntries")
            .EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Contains($"arn:aws:iam::{Account}:user/admin", entries);
        Assert.Contains(NodeRoleArn, entries);
        Assert.Contains(entries, e => e.StartsWith($"arn:aws:iam::{Account}:role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS", StringComparison.Ordinal));
        var node = Json((await admin.Aws("eks", "describe-access-entry", "--cluster-name", Cluster, "--principal-arn", NodeRoleArn)).Ok()).GetProperty("accessEntry");
        Assert.Equal("EC2_LINUX", node.GetProperty("type").GetString());
        Assert.Equal("system:node:{{EC2PrivateDNSName}}", node.GetProperty("username").GetString());
        Assert.Equal(["system:nodes"], node.GetProperty("kubernetesGroups").EnumerateArray().Select(g => g.GetString()));
        var adminPolicies = Json((await admin.Aws("eks", "list-associated-access-policies", "--cluster-name", Cluster, "--principal-arn", $"arn:aws:iam::{Account}:user/admin")).Ok())
            .GetProperty("associatedAccessPolicies").EnumerateArray().Single();
        Assert.Equal("arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", adminPolicies.GetProperty("policyArn").GetString());
        Assert.Equal("cluster", adminPolicies.GetProperty("accessScope").GetProperty("type").GetString());

        // 8. An access entry with AmazonEKSClusterAdminPolicy: testuser is its ARN, in system:authenticated only.
        (await admin.Aws("eks", "create-access-entry", "--cluster-name", Cluster, "--principal-arn", TestuserArn)).Ok();
        (await admin.Aws("eks", "associate-access-policy", "--cluster-name", Cluster, "--principal-arn", TestuserArn,
            "--policy-arn", "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", "--access-scope", "type=cluster")).Ok();
        AssertThreeReadyNodes((await ops2.Kubectl("get", "node")).Ok().Stdout);
        Assert.Equal(WhoamiTable(TestuserArn, $"aws-iam-authenticator:{Account}:{userId}", ["system:authenticated"],
            [("accessKeyId", accessKeyId), ("arn", TestuserArn), ("canonicalArn", TestuserArn), ("principalId", userId), ("sessionName", ""),
             ("sigs.k8s.io/aws-iam-authenticator/principalId", userId)]), (await ops2.Kubectl("auth", "whoami")).Ok().Stdout);

        // 9. Kubernetes groups bound to ClusterRoles instead.
        (await admin.Aws("eks", "delete-access-entry", "--cluster-name", Cluster, "--principal-arn", TestuserArn)).Ok();
        Assert.Equal("clusterrole.rbac.authorization.k8s.io/pod-viewer-role created\n",
            (await admin.Kubectl("create", "clusterrole", "pod-viewer-role", "--verb=get,list,watch", "--resource=pods")).Ok().Stdout);
        Assert.Equal("clusterrole.rbac.authorization.k8s.io/pod-admin-role created\n",
            (await admin.Kubectl("create", "clusterrole", "pod-admin-role", "--verb=*", "--resource=pods")).Ok().Stdout);
        Assert.Equal("clusterrolebinding.rbac.authorization.k8s.io/viewer-role-binding created\n",
            (await admin.Kubectl("create", "clusterrolebinding", "viewer-role-binding", "--clusterrole=pod-viewer-role", "--group=pod-viewer")).Ok().Stdout);
        Assert.Equal("clusterrolebinding.rbac.authorization.k8s.io/admin-role-binding created\n",
            (await admin.Kubectl("create", "clusterrolebinding", "admin-role-binding", "--clusterrole=pod-admin-role", "--group=pod-admin")).Ok().Stdout);
        (await admin.Aws("eks", "create-access-entry", "--cluster-name", Cluster, "--principal-arn", TestuserArn, "--kubernetes-groups", "pod-viewer")).Ok();
        Assert.Equal("No resources found in default namespace.\n", (await ops2.Kubectl("get", "pod")).Ok().Stderr);
        Assert.Equal("yes\n", (await ops2.Kubectl("auth", "can-i", "get", "pods", "--all-namespaces")).Ok().Stdout);
        var cannot = await ops2.Kubectl("auth", "can-i", "delete", "pods", "--all-namespaces");
        Assert.Equal((1, "no\n"), (cannot.ExitCode, cannot.Stdout));
        (await admin.Aws("eks", "update-access-entry", "--cluster-name", Cluster, "--principal-arn", TestuserArn, "--kubernetes-groups", "pod-admin")).Ok();
        Assert.Equal("yes\n", (await ops2.Kubectl("auth", "can-i", "delete", "pods", "--all-namespaces")).Ok().Stdout);
    }

    private static JsonElement Json(CliResult result) => JsonDocument.Parse(result.Stdout).RootElement;

    private static void AssertThreeReadyNodes(string table)
    {
        var lines = table.TrimEnd('\n').Split('\n');
        Assert.Matches(@"^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$", lines[0]);
        Assert.Equal(3, lines.Length - 1);
        Assert.All(lines[1..], l => Assert.Matches(@"^\S+\s+Ready\s+<none>\s+\S+\s+v\S+$", l));
    }

    private static void AssertUnauthorized(CliResult result, string message)
    {
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.EndsWith($"error: You must be logged in to the server ({message})\n", result.Stderr);
    }

    private static string AwsAuth(string? testuserGroup) =>
        $$"""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: aws-auth
          namespace: kube-system
        data:
          mapRoles: |
            - groups:
              - system:bootstrappers
              - system:nodes
              rolearn: {{NodeRoleArn}}
              username: system:node:{{"{{EC2PrivateDNSName}}"}}
          mapUsers: |
        {{(testuserGroup is null ? "    []\n" : $"    - groups:\n      - {testuserGroup}\n      userarn: {TestuserArn}\n      username: testuser\n")}}
        """;

    /// <summary><c>kubectl auth whoami</c>'s table: attribute and value columns, extras sorted by key.</summary>
    internal static string WhoamiTable(string username, string uid, string[] groups, (string Key, string Value)[] extra)
    {
        var rows = new List<(string, string)> { ("Username", username), ("UID", uid), ("Groups", $"[{string.Join(' ', groups)}]") };
        rows.AddRange(extra.Select(e => ($"Extra: {e.Key}", $"[{e.Value}]")));
        var width = Math.Max("ATTRIBUTE".Length, rows.Max(r => r.Item1.Length)) + 3;
        return $"{"ATTRIBUTE".PadRight(width)}VALUE\n" + string.Concat(rows.Select(r => $"{r.Item1.PadRight(width)}{r.Item2}\n"));
    }
}
