namespace Turnstile.KubeServer.Tests;

/// <summary>
/// The flow a user runs, with the real <c>aws</c> CLI and <c>kubectl</c>: create a cluster, write the kubeconfig, then
/// kubectl through <c>aws eks get-token</c> over HTTPS verified against the cluster CA (no insecure flag).
/// </summary>
public sealed class KubectlEndToEndTests(FrontFixture front) : IClassFixture<FrontFixture>
{
    [Fact]
    public async Task Kubectl_works_against_a_cluster_created_with_the_aws_cli()
    {
        using var cli = new Cli(front);
        (await cli.AwsAsync("eks", "create-cluster", "--name", "e2e", "--role-arn", $"arn:aws:iam::{FrontFixture.Account}:role/eks-cluster-role",
            "--resources-vpc-config", "subnetIds=subnet-0a,subnet-0b", "--access-config", "authenticationMode=API_AND_CONFIG_MAP")).Ok();
        var kubeconfig = (await cli.AwsAsync("eks", "update-kubeconfig", "--name", "e2e")).Ok();
        Assert.StartsWith($"Added new context arn:aws:eks:{FrontFixture.Region}:{FrontFixture.Account}:cluster/e2e to ", kubeconfig.Stdout);

        // The creator is a cluster admin (its access entry). kubectl create sends protobuf.
        Assert.Equal("namespace/team created\n", (await cli.KubectlAsync("create", "namespace", "team")).Ok().Stdout);
        var namespaces = (await cli.KubectlAsync("get", "ns")).Ok().Stdout;
        Assert.Matches(@"^NAME\s+STATUS\s+AGE\n", namespaces);
        Assert.Matches(@"(?m)^default\s+Active\s+\d+s$", namespaces);
        Assert.Matches(@"(?m)^team\s+Active\s+\d+s$", namespaces);
        var pods = (await cli.KubectlAsync("get", "pods")).Ok();
        Assert.Equal("No resources found in default namespace.\n", pods.Stderr);

        Assert.Equal("configmap/settings created\n", (await cli.KubectlAsync("create", "configmap", "settings", "--from-literal=color=blue")).Ok().Stdout);
        var manifest = Path.Combine(cli.Directory, "app.yaml");
        await File.WriteAllTextAsync(manifest, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  mode: fast\n");
        Assert.Equal("configmap/app created\n", (await cli.KubectlAsync("apply", "-f", manifest)).Ok().Stdout);
        Assert.Equal("configmap/app unchanged\n", (await cli.KubectlAsync("apply", "-f", manifest)).Ok().Stdout);
        await File.WriteAllTextAsync(manifest, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  mode: slow\n");
        Assert.Equal("configmap/app configured\n", (await cli.KubectlAsync("apply", "-f", manifest)).Ok().Stdout);
        Assert.Equal("configmap/settings patched\n", (await cli.KubectlAsync("patch", "configmap", "settings", "-p", "{\"data\":{\"color\":\"red\"}}")).Ok().Stdout);
        Assert.Equal("red", (await cli.KubectlAsync("get", "configmap", "settings", "-o", "jsonpath={.data.color}")).Ok().Stdout);
        Assert.Equal("configmap/app serverside-applied\n", (await cli.KubectlAsync("apply", "--server-side", "-f", manifest)).Ok().Stdout);

        // The fixture's server ends watches after 2-4 s (kube's --min-request-timeout), and kubectl with them.
        var watch = (await cli.KubectlAsync("get", "configmaps", "--watch")).Ok();
        Assert.Matches(@"(?m)^NAME\s+DATA\s+AGE\n(app|settings)\s+1\s+\d+s$", watch.Stdout);

        var resources = (await cli.KubectlAsync("api-resources")).Ok().Stdout;
        Assert.Matches(@"(?m)^pods\s+po\s+v1\s+true\s+Pod$", resources);
        Assert.Matches(@"(?m)^deployments\s+deploy\s+apps/v1\s+true\s+Deployment$", resources);
        var explain = (await cli.KubectlAsync("explain", "configmap.data")).Ok().Stdout;
        Assert.Contains("KIND:       ConfigMap", explain);
        Assert.Contains("FIELD: data <map[string]string>", explain);

        // An IAM user nobody mapped: 401. A user mapped by an access entry without RBAC: kube's 403.
        var stranger = await front.CreateUserAsync("e2e-stranger");
        var unauthorized = await cli.KubectlAsAsync(stranger, "get", "pods");
        Assert.Equal(1, unauthorized.ExitCode);
        Assert.EndsWith("error: You must be logged in to the server (Unauthorized)\n", unauthorized.Stderr);
        var ops = await front.CreateUserAsync("e2e-ops");
        await front.CreateAccessEntryAsync("e2e", FrontFixture.UserArn("e2e-ops"), "ops-user");
        var forbidden = await cli.KubectlAsAsync(ops, "get", "pods");
        Assert.Equal(1, forbidden.ExitCode);
        Assert.Equal("Error from server (Forbidden): pods is forbidden: User \"ops-user\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\"\n",
            forbidden.Stderr);

        Assert.Equal("configmap \"settings\" deleted\n", (await cli.KubectlAsync("delete", "configmap", "settings")).Ok().Stdout);
    }
}
