using System.Text;
using System.Text.Json;
using static Turnstile.KubeServer.Tests.FrontFixture;

namespace Turnstile.KubeServer.Tests.Walkthroughs;

/// <summary>
/// Walkthrough W4 (seed 003) with the real <c>aws</c> CLI and <c>kubectl</c>: what <c>aws eks get-token</c> prints,
/// that the token works for its own cluster only and for 15 minutes, and what update-kubeconfig writes.
/// </summary>
public sealed class W4TokenKubectlTests(FrontFixture front) : IClassFixture<FrontFixture>
{
    [Fact]
    public async Task Token_is_a_presigned_GetCallerIdentity_for_one_cluster()
    {
        using var admin = new Terminal(front).Keys(Admin);
        foreach (var name in new[] { "cluster-x", "cluster-y" })
        {
            (await admin.Aws("eks", "create-cluster", "--name", name, "--role-arn", $"arn:aws:iam::{Account}:role/eks-cluster-role",
                "--resources-vpc-config", "subnetIds=subnet-0a,subnet-0b", "--access-config", "authenticationMode=API_AND_CONFIG_MAP")).Ok();
            Assert.Equal($"Added new context {name} to {admin.KubeconfigFile}\n", (await admin.Aws("eks", "update-kubeconfig", "--name", name, "--alias", name)).Ok().Stdout);
        }

        // update-kubeconfig wrote describe-cluster's endpoint and CA.
        var cluster = JsonDocument.Parse((await admin.Aws("eks", "describe-cluster", "--name", "cluster-x")).Ok().Stdout).RootElement.GetProperty("cluster");
        Assert.Equal(cluster.GetProperty("endpoint").GetString() + " " + cluster.GetProperty("certificateAuthority").GetProperty("data").GetString(),
            (await admin.Kubectl("config", "view", "--raw", "-o", $"jsonpath={{.clusters[?(@.name==\"arn:aws:eks:{Region}:{Account}:cluster/cluster-x\")].cluster.server}} " +
                $"{{.clusters[?(@.name==\"arn:aws:eks:{Region}:{Account}:cluster/cluster-x\")].cluster.certificate-authority-data}}")).Ok().Stdout);

        // The ExecCredential and its token: k8s-aws-v1. + base64url of a presigned GetCallerIdentity URL signing x-k8s-aws-id.
        var credential = JsonDocument.Parse((await admin.Aws("eks", "get-token", "--cluster-name", "cluster-x")).Ok().Stdout).RootElement;
        Assert.Equal("ExecCredential", credential.GetProperty("kind").GetString());
        Assert.Equal("client.authentication.k8s.io/v1beta1", credential.GetProperty("apiVersion").GetString());
        var token = credential.GetProperty("status").GetProperty("token").GetString()!;
        Assert.StartsWith("k8s-aws-v1.", token);
        var encoded = token["k8s-aws-v1.".Length..].Replace('-', '+').Replace('_', '/');
        var url = Encoding.UTF8.GetString(Convert.FromBase64String(encoded.PadRight(encoded.Length + (4 - encoded.Length % 4) % 4, '=')));
        Assert.Contains("Action=GetCallerIdentity", url);
        Assert.Contains("X-Amz-SignedHeaders=host%3Bx-k8s-aws-id", url);

        // kubectl with that token: cluster x yes, cluster y no; a token signed 16 minutes ago no.
        Assert.Equal("yes\n", (await admin.Kubectl("--context", "cluster-x", "--token", token, "auth", "can-i", "*", "*")).Stdout);
        var otherCluster = await admin.Kubectl("--context", "cluster-y", "--token", token, "get", "namespaces");
        Assert.True(otherCluster.ExitCode == 1, otherCluster.ToString());
        Assert.EndsWith("error: You must be logged in to the server (the server has asked for the client to provide credentials)\n", otherCluster.Stderr);
        var expired = await admin.Kubectl("--context", "cluster-x", "--token", front.Token("cluster-x", at: DateTimeOffset.UtcNow.AddMinutes(-16)), "get", "namespaces");
        Assert.True(expired.ExitCode == 1, expired.ToString());
        Assert.EndsWith("error: You must be logged in to the server (the server has asked for the client to provide credentials)\n", expired.Stderr);
        Assert.Matches(@"(?m)^default\s+Active\s+\d+s$",
            (await admin.Kubectl("--context", "cluster-x", "--token", front.Token("cluster-x", at: DateTimeOffset.UtcNow.AddMinutes(-14)), "get", "namespaces")).Ok().Stdout);
    }
}
