using System.Text.Json;
using static Turnstile.KubeServer.Tests.FrontFixture;

namespace Turnstile.KubeServer.Tests.Walkthroughs;

/// <summary>
/// Walkthrough W1 (seed 000) with the real <c>aws</c> CLI and <c>kubectl</c>: a bastion whose profile assumes role
/// <c>bastion</c> gets a kubeconfig once the role may describe the cluster, and reaches the cluster once the role is in
/// <c>mapRoles</c> of aws-auth.
/// </summary>
public sealed class W1BastionKubectlTests(FrontFixture front) : IClassFixture<FrontFixture>
{
    private const string Cluster = "my-cluster";
    private const string Session = "bastion-session";
    private static readonly string RoleArn = $"arn:aws:iam::{Account}:role/bastion";
    private static readonly string AssumedRoleArn = $"arn:aws:sts::{Account}:assumed-role/bastion/{Session}";
    private static readonly string ClusterArn = $"arn:aws:eks:{Region}:{Account}:cluster/{Cluster}";

    [Fact]
    public async Task Bastion_role_reaches_the_cluster_once_in_aws_auth()
    {
        using var admin = new Terminal(front).Keys(Admin);
        (await admin.Aws("eks", "create-cluster", "--name", Cluster, "--role-arn", $"arn:aws:iam::{Account}:role/eks-cluster-role",
            "--resources-vpc-config", "subnetIds=subnet-0a,subnet-0b")).Ok();
        (await admin.Aws("eks", "update-kubeconfig", "--name", Cluster)).Ok();
        (await admin.Aws("iam", "create-user", "--user-name", "bastion-host")).Ok();
        var key = JsonDocument.Parse((await admin.Aws("iam", "create-access-key", "--user-name", "bastion-host")).Ok().Stdout).RootElement.GetProperty("AccessKey");
        (await admin.Aws("iam", "create-role", "--role-name", "bastion", "--assume-role-policy-document",
            $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{Account}}:user/bastion-host"},"Action":"sts:AssumeRole"}]}""")).Ok();

        // 1. The bastion's profile assumes the role.
        using var bastion = new Terminal(front)
            .Keys(new(key.GetProperty("AccessKeyId").GetString()!, key.GetProperty("SecretAccessKey").GetString()!), "host")
            .Profile("bastion", ("role_arn", RoleArn), ("source_profile", "host"), ("role_session_name", Session));
        Assert.Equal($"\"{AssumedRoleArn}\"\n", (await bastion.Aws("--profile", "bastion", "sts", "get-caller-identity", "--query", "Arn")).Ok().Stdout);

        // 2. No identity policy: update-kubeconfig cannot describe the cluster.
        var denied = await bastion.Aws("--profile", "bastion", "eks", "update-kubeconfig", "--name", Cluster);
        Assert.Equal(255, denied.ExitCode);
        Assert.Equal($"\nAn error occurred (AccessDeniedException) when calling the DescribeCluster operation: User: {AssumedRoleArn} is not authorized to perform: " +
            $"eks:DescribeCluster on resource: {ClusterArn} because no identity-based policy allows the eks:DescribeCluster action\n", denied.Stderr);
        Assert.False(File.Exists(bastion.KubeconfigFile));

        // 3. With eks:Describe*, eks:List*, ec2:Describe* it writes a kubeconfig whose user runs aws eks get-token.
        (await admin.Aws("iam", "put-role-policy", "--role-name", "bastion", "--policy-name", "eks-read", "--policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["eks:Describe*","eks:List*","ec2:Describe*"],"Resource":"*"}]}""")).Ok();
        Assert.Equal($"Added new context {ClusterArn} to {bastion.KubeconfigFile}\n",
            (await bastion.Aws("--profile", "bastion", "eks", "update-kubeconfig", "--name", Cluster)).Ok().Stdout);
        Assert.Equal($"client.authentication.k8s.io/v1beta1 aws bastion",
            (await bastion.Kubectl("config", "view", "-o", "jsonpath={.users[0].user.exec.apiVersion} {.users[0].user.exec.command} {.users[0].user.exec.env[0].value}")).Ok().Stdout);

        // 4. 401 until the role is in mapRoles (username bastion, group system:masters); then 200.
        var unauthorized = await bastion.Kubectl("get", "nodes");
        Assert.True(unauthorized.ExitCode == 1, unauthorized.ToString());
        Assert.EndsWith("error: You must be logged in to the server (the server has asked for the client to provide credentials)\n", unauthorized.Stderr);
        Assert.Matches("^configmap/aws-auth (created|configured)\n$", (await admin.Kubectl("apply", "-f", admin.Write("aws-auth.yaml", $"""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: aws-auth
              namespace: kube-system
            data:
              mapRoles: |
                - rolearn: {RoleArn}
                  username: bastion
                  groups:
                    - system:masters
            """))).Ok().Stdout);
        var nodes = (await bastion.Kubectl("get", "nodes")).Ok();
        Assert.Equal(("", "No resources found\n"), (nodes.Stdout, nodes.Stderr));
        var whoami = (await bastion.Kubectl("auth", "whoami")).Ok().Stdout;
        Assert.Matches(@"(?m)^Username\s+bastion$", whoami);
        Assert.Matches(@"(?m)^Groups\s+\[system:masters system:authenticated\]$", whoami);
        Assert.Matches($@"(?m)^Extra: arn\s+\[{AssumedRoleArn}\]$", whoami);
        Assert.Matches($@"(?m)^Extra: canonicalArn\s+\[{RoleArn}\]$", whoami);
        Assert.Matches($@"(?m)^Extra: sessionName\s+\[{Session}\]$", whoami);
        Assert.Equal("yes\n", (await bastion.Kubectl("auth", "can-i", "*", "*")).Stdout);
    }
}
