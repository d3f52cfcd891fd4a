using System.Text.Json;
using static Turnstile.KubeServer.Tests.FrontFixture;

namespace Turnstile.KubeServer.Tests.Walkthroughs;

/// <summary>
/// Walkthrough W3 (seed 002) with the real <c>aws</c> CLI and <c>kubectl</c>: a <c>CONFIG_MAP</c> cluster whose
/// aws-auth rows map <c>dev</c> (RBAC group) and <c>ops</c> (<c>system:masters</c>) moves to access entries; kubectl
/// answers the same for both before, during (both sources), after deleting aws-auth and in <c>API</c> mode.
/// </summary>
public sealed class W3MigrationKubectlTests(FrontFixture front) : IClassFixture<FrontFixture>
{
    private const string Cluster = "demo";
    private static readonly string DevArn = $"arn:aws:iam::{Account}:user/dev";
    private static readonly string OpsArn = $"arn:aws:iam::{Account}:user/ops";

    [Fact]
    public async Task Access_is_the_same_after_migrating_aws_auth_to_access_entries()
    {
        using var admin = new Terminal(front).Keys(Admin);
        (await admin.Aws("eks", "create-cluster", "--name", Cluster, "--role-arn", $"arn:aws:iam::{Account}:role/eks-cluster-role",
            "--resources-vpc-config", "subnetIds=subnet-0a,subnet-0b")).Ok();
        Assert.Equal("CONFIG_MAP", Json(await admin.Aws("eks", "describe-cluster", "--name", Cluster, "--query", "cluster.accessConfig.authenticationMode")).GetString());
        (await admin.Aws("eks", "update-kubeconfig", "--name", Cluster)).Ok();

        // Two users on one workstation, each with a profile and a kubeconfig context.
        using var team = new Terminal(front);
        foreach (var name in new[] { "dev", "ops" })
        {
            (await admin.Aws("iam", "create-user", "--user-name", name)).Ok();
            (await admin.Aws("iam", "put-user-policy", "--user-name", name, "--policy-name", "eks-describe", "--policy-document",
                """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"eks:DescribeCluster","Resource":"*"}]}""")).Ok();
            var key = Json(await admin.Aws("iam", "create-access-key", "--user-name", name)).GetProperty("AccessKey");
            team.Keys(new(key.GetProperty("AccessKeyId").GetString()!, key.GetProperty("SecretAccessKey").GetString()!), name);
            // --user-alias too: without it both contexts share one user (named by the cluster ARN), the last profile's.
            Assert.Equal(name == "dev" ? $"Added new context dev to {team.KubeconfigFile}\n" : $"Updated context ops in {team.KubeconfigFile}\n",
                (await team.Aws("eks", "update-kubeconfig", "--name", Cluster, "--profile", name, "--alias", name, "--user-alias", name)).Ok().Stdout);
        }

        // 1. The aws-auth rows and the RBAC behind dev's group.
        Assert.Equal("configmap/aws-auth created\nclusterrole.rbac.authorization.k8s.io/pod-reader created\nclusterrolebinding.rbac.authorization.k8s.io/pod-readers created\n",
            (await admin.Kubectl("apply", "-f", admin.Write("setup.yaml", $$"""
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: aws-auth
                  namespace: kube-system
                data:
                  mapUsers: |
                    - userarn: {{DevArn}}
                      username: dev
                      groups:
                        - pod-readers
                    - userarn: {{OpsArn}}
                      username: ops
                      groups:
                        - system:masters
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata:
                  name: pod-reader
                rules:
                - apiGroups: [""]
                  resources: ["pods"]
                  verbs: ["get", "list", "watch"]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata:
                  name: pod-readers
                subjects:
                - kind: Group
                  name: pod-readers
                  apiGroup: rbac.authorization.k8s.io
                roleRef:
                  kind: ClusterRole
                  name: pod-reader
                  apiGroup: rbac.authorization.k8s.io
                """))).Ok().Stdout);
        await AssertAccess(team, "before");

        var notEnabled = await admin.Aws("eks", "create-access-entry", "--cluster-name", Cluster, "--principal-arn", DevArn);
        Assert.NotEqual(0, notEnabled.ExitCode);  // 255 with aws CLI v1, 254 with v2
        Assert.Contains("An error occurred (InvalidRequestException) when calling the CreateAccessEntry operation", notEnabled.Stderr);

        // 2. API_AND_CONFIG_MAP.
        var update = Json(await admin.Aws("eks", "update-cluster-config", "--name", Cluster, "--access-config", "authenticationMode=API_AND_CONFIG_MAP")).GetProperty("update");
        Assert.Equal("InProgress", update.GetProperty("status").GetString());
        Assert.Equal("Successful", Json(await admin.Aws("eks", "describe-update", "--name", Cluster, "--update-id", update.GetProperty("id").GetString()!,
            "--query", "update.status")).GetString());
        Assert.Equal("API_AND_CONFIG_MAP", Json(await admin.Aws("eks", "describe-cluster", "--name", Cluster, "--query", "cluster.accessConfig.authenticationMode")).GetString());

        // 3. Entries for every row: dev keeps its group; system:masters is not allowed, the admin policy replaces it.
        (await admin.Aws("eks", "create-access-entry", "--cluster-name", Cluster, "--principal-arn", DevArn, "--username", "dev", "--kubernetes-groups", "pod-readers")).Ok();
        var masters = await admin.Aws("eks", "create-access-entry", "--cluster-name", Cluster, "--principal-arn", OpsArn, "--kubernetes-groups", "system:masters");
        Assert.Contains("An error occurred (InvalidParameterException) when calling the CreateAccessEntry operation", masters.Stderr);
        (await admin.Aws("eks", "create-access-entry", "--cluster-name", Cluster, "--principal-arn", OpsArn, "--username", "ops")).Ok();
        (await admin.Aws("eks", "associate-access-policy", "--cluster-name", Cluster, "--principal-arn", OpsArn,
            "--policy-arn", "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", "--access-scope", "type=cluster")).Ok();
        Assert.Contains("arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
            Json(await admin.Aws("eks", "list-access-policies")).GetProperty("accessPolicies").EnumerateArray().Select(p => p.GetProperty("arn").GetString()));
        await AssertAccess(team, "with both");

        // 4. aws-auth is deleted: the entries alone.
        Assert.Equal("configmap \"aws-auth\" deleted\n", (await admin.Kubectl("delete", "configmap", "-n", "kube-system", "aws-auth")).Ok().Stdout);
        var gone = await admin.Kubectl("get", "configmap", "-n", "kube-system", "aws-auth");
        Assert.Equal("Error from server (NotFound): configmaps \"aws-auth\" not found\n", gone.Stderr);
        await AssertAccess(team, "entries only");

        // 5. API, and no way back.
        (await admin.Aws("eks", "update-cluster-config", "--name", Cluster, "--access-config", "authenticationMode=API")).Ok();
        var back = await admin.Aws("eks", "update-cluster-config", "--name", Cluster, "--access-config", "authenticationMode=API_AND_CONFIG_MAP");
        Assert.Contains("An error occurred (InvalidParameterException) when calling the UpdateClusterConfig operation: Unsupported authentication mode update from API to API_AND_CONFIG_MAP",
            back.Stderr);
        await AssertAccess(team, "API");
    }

    private static async Task AssertAccess(Terminal team, string stage)
    {
        Assert.True((await team.Kubectl("--context", "dev", "auth", "can-i", "list", "pods", "--all-namespaces")).Stdout == "yes\n", stage);
        var delete = await team.Kubectl("--context", "dev", "auth", "can-i", "delete", "pods");
        Assert.True((delete.ExitCode, delete.Stdout) == (1, "no\n"), $"{stage}: {delete}");
        var pods = (await team.Kubectl("--context", "dev", "get", "pods", "-A")).Ok();
        Assert.Equal("No resources found\n", pods.Stderr);
        var nodes = await team.Kubectl("--context", "dev", "get", "nodes");
        Assert.Equal("Error from server (Forbidden): nodes is forbidden: User \"dev\" cannot list resource \"nodes\" in API group \"\" at the cluster scope\n", nodes.Stderr);
        Assert.True((await team.Kubectl("--context", "ops", "auth", "can-i", "*", "*")).Stdout == "yes\n", stage);
        Assert.Matches(@"(?m)^Username\s+ops$", (await team.Kubectl("--context", "ops", "auth", "whoami")).Ok().Stdout);
    }

    private static JsonElement Json(CliResult result) => JsonDocument.Parse(result.Ok().Stdout).RootElement;
}
