using System.Text.Json;
using static Turnstile.KubeServer.Tests.FrontFixture;

namespace Turnstile.KubeServer.Tests.Walkthroughs;

/// <summary>
/// Walkthrough W2 (seed 001) with the real <c>aws</c> CLI and <c>kubectl</c>: IAM user <c>ops-user</c> is unmapped
/// (401), then mapped by <c>kubectl edit configmap -n kube-system aws-auth</c> (403 on nodes), then given a Role for
/// pods in <c>default</c> (pods 200, services 403).
/// </summary>
public sealed class W2NamespaceRbacKubectlTests(FrontFixture front) : IClassFixture<FrontFixture>
{
    private const string Cluster = "my-cluster";
    private static readonly string OpsArn = $"arn:aws:iam::{Account}:user/ops-user";

    [Fact]
    public async Task Ops_user_gets_pods_in_default_through_a_role()
    {
        using var admin = new Terminal(front).Keys(Admin);
        (await admin.Aws("eks", "create-cluster", "--name", Cluster, "--role-arn", $"arn:aws:iam::{Account}:role/eks-cluster-role",
            "--resources-vpc-config", "subnetIds=subnet-0a,subnet-0b")).Ok();
        (await admin.Aws("eks", "update-kubeconfig", "--name", Cluster)).Ok();
        (await admin.Aws("iam", "create-user", "--user-name", "ops-user")).Ok();
        (await admin.Aws("iam", "put-user-policy", "--user-name", "ops-user", "--policy-name", "eks-describe", "--policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"eks:DescribeCluster","Resource":"*"}]}""")).Ok();
        var key = JsonDocument.Parse((await admin.Aws("iam", "create-access-key", "--user-name", "ops-user")).Ok().Stdout).RootElement.GetProperty("AccessKey");
        Assert.Equal("configmap/aws-auth created\n", (await admin.Kubectl("apply", "-f", admin.Write("aws-auth.yaml", AwsAuth()))).Ok().Stdout);

        // 1. ops-user is unmapped: 401.
        using var ops = new Terminal(front).Keys(new(key.GetProperty("AccessKeyId").GetString()!, key.GetProperty("SecretAccessKey").GetString()!));
        Assert.Equal($"\"{OpsArn}\"\n", (await ops.Aws("sts", "get-caller-identity", "--query", "Arn")).Ok().Stdout);
        (await ops.Aws("eks", "update-kubeconfig", "--name", Cluster)).Ok();
        var unauthorized = await ops.Kubectl("get", "pods");
        Assert.True(unauthorized.ExitCode == 1, unauthorized.ToString());
        Assert.EndsWith("error: You must be logged in to the server (the server has asked for the client to provide credentials)\n", unauthorized.Stderr);

        // 2. The admin adds a mapUsers row with kubectl edit: authenticated, but nodes are forbidden.
        // The editor is a script that adds the rows under data:, as one would by hand.
        var rows = admin.Write("map-users.yaml", $"  mapUsers: |\n    - userarn: {OpsArn}\n      username: ops-user\n");
        var editor = admin.Write("editor.sh", $"#!/bin/sh\nsed -i '/^data:$/r {rows}' \"$1\"\n");
        File.SetUnixFileMode(editor, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        admin.Set("KUBE_EDITOR", editor);
        Assert.Equal("configmap/aws-auth edited\n", (await admin.Kubectl("edit", "configmap", "-n", "kube-system", "aws-auth")).Ok().Stdout);
        Assert.Contains("userarn: " + OpsArn, (await admin.Kubectl("get", "configmap", "-n", "kube-system", "aws-auth", "-o", "yaml")).Ok().Stdout);
        var nodes = await ops.Kubectl("get", "nodes");
        Assert.Equal(1, nodes.ExitCode);
        Assert.Equal("Error from server (Forbidden): nodes is forbidden: User \"ops-user\" cannot list resource \"nodes\" in API group \"\" at the cluster scope\n", nodes.Stderr);

        // 3. A Role for pods in default and its RoleBinding: pods 200, services 403.
        Assert.Equal("role.rbac.authorization.k8s.io/pod-reader created\nrolebinding.rbac.authorization.k8s.io/read-pods created\n",
            (await admin.Kubectl("apply", "-f", admin.Write("role.yaml", """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata:
                  namespace: default
                  name: pod-reader
                rules:
                - apiGroups: [""]
                  resources: ["pods"]
                  verbs: ["get", "list"]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata:
                  name: read-pods
                  namespace: default
                subjects:
                - kind: User
                  name: ops-user
                  apiGroup: rbac.authorization.k8s.io
                roleRef:
                  kind: Role
                  name: pod-reader
                  apiGroup: rbac.authorization.k8s.io
                """))).Ok().Stdout);
        var pods = (await ops.Kubectl("get", "pods")).Ok();
        Assert.Equal(("", "No resources found in default namespace.\n"), (pods.Stdout, pods.Stderr));
        var services = await ops.Kubectl("get", "services");
        Assert.Equal(1, services.ExitCode);
        Assert.Equal("Error from server (Forbidden): services is forbidden: User \"ops-user\" cannot list resource \"services\" in API group \"\" in the namespace \"default\"\n",
            services.Stderr);
        var otherNamespace = await ops.Kubectl("get", "pods", "-n", "kube-system");
        Assert.Equal("Error from server (Forbidden): pods is forbidden: User \"ops-user\" cannot list resource \"pods\" in API group \"\" in the namespace \"kube-system\"\n",
            otherNamespace.Stderr);
    }

    private static string AwsAuth() =>
        $"""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: aws-auth
          namespace: kube-system
        data:
          mapRoles: |
            - rolearn: arn:aws:iam::{Account}:role/eks-node-role
              username: system:node:{"{{EC2PrivateDNSName}}"}
              groups:
                - system:bootstrappers
                - system:nodes

        """;
}
