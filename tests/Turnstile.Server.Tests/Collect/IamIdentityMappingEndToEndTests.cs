using System.Diagnostics;
using System.Text.Json.Nodes;
using Turnstile.Server.Tests.EndToEnd;
using Turnstile.Server.Tests.Eks;
using static Turnstile.Server.Tests.Eks.EksCliFixture;

namespace Turnstile.Server.Tests.Collect;

/// <summary>
/// <c>turnstile iamidentitymapping create|get|delete</c> against the emulator with the real aws CLI (describe-cluster,
/// get-token): the edits land in the cluster's aws-auth ConfigMap, as the real kubectl reads it back.
/// </summary>
public sealed class IamIdentityMappingEndToEndTests(KubeCliFixture aws) : IClassFixture<KubeCliFixture>, IDisposable
{
    private const string Cluster = "iamidm-e2e";
    private readonly string _work = Directory.CreateTempSubdirectory("turnstile-iamidm-test-").FullName;

    private string Kubeconfig => Path.Combine(_work, "kubeconfig");

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [AwsCliFact]
    public async Task Create_get_and_delete_edit_aws_auth_through_the_front()
    {
        await aws.StartKubeApiAsync();
        await aws.CreateCluster(Cluster, "API_AND_CONFIG_MAP");
        var role = await aws.CreateRole("iamidm-ops");
        Assert.True((await aws.RunAsync(["eks", "update-kubeconfig", "--name", Cluster], environment: Env())).Succeeded);

        var created = await Turnstile("iamidentitymapping", "create", "--cluster", Cluster, "--arn", role, "--username", "ops",
            "--group", "system:masters", "--group", "devs");
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Contains($"adding identity \"{role}\" to auth ConfigMap\n", created.Stderr);

        var refused = await Turnstile("iamidentitymapping", "create", "--cluster", Cluster, "--arn", role, "--username", "other", "--no-duplicate-arns");
        Assert.Equal(2, refused.ExitCode);
        Assert.Equal($"error: found existing mapping with the same arn \"{role}\" and shadowing is disabled\n", refused.Stderr);

        var json = await Turnstile("iamidentitymapping", "get", "--cluster", Cluster, "-o", "json");
        Assert.True(json.ExitCode == 0, json.ToString());
        var row = Assert.Single(JsonNode.Parse(json.Stdout)!.AsArray())!;
        Assert.Equal(role, row["rolearn"]!.GetValue<string>());
        Assert.Equal("ops", row["username"]!.GetValue<string>());
        Assert.Equal(["system:masters", "devs"], row["groups"]!.AsArray().Select(g => g!.GetValue<string>()));

        var table = await Turnstile("iamidentitymapping", "get", "--cluster", Cluster, "--arn", role);
        Assert.True(table.ExitCode == 0, table.ToString());
        var lines = table.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["ARN", "USERNAME", "GROUPS", "ACCOUNT"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal([role, "ops", "system:masters,devs"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));

        // The real kubectl reads the ConfigMap the front stored.
        var mapRoles = await Kubectl("get", "configmap", "aws-auth", "-n", "kube-system", "-o", "jsonpath={.data.mapRoles}");
        Assert.True(mapRoles.ExitCode == 0, mapRoles.ToString());
        Assert.Contains(role, mapRoles.Stdout);

        var deleted = await Turnstile("iamidentitymapping", "delete", "--cluster", Cluster, "--arn", role);
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.Contains($"removing identity \"{role}\" from auth ConfigMap (username = \"ops\", groups = [\"system:masters\" \"devs\"])\n", deleted.Stderr);

        var gone = await Turnstile("iamidentitymapping", "get", "--cluster", Cluster, "--arn", role);
        Assert.Equal(2, gone.ExitCode);
        Assert.Equal($"error: no iamidentitymapping with arn \"{role}\" found\n", gone.Stderr);
        var after = await Kubectl("get", "configmap", "aws-auth", "-n", "kube-system", "-o", "jsonpath={.data.mapRoles}");
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.DoesNotContain(role, after.Stdout);

        // A principal aws-auth and the access entries do not map gets 401 from the front: exit 3.
        await aws.CreateUser("iamidm-stranger");
        await aws.Ok("iam", "put-user-policy", "--user-name", "iamidm-stranger", "--policy-name", "describe",
            "--policy-document", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"eks:DescribeCluster","Resource":"*"}]}""");
        var stranger = KeyOf(await aws.Ok("iam", "create-access-key", "--user-name", "iamidm-stranger"));
        var unauthenticated = await Start("dotnet", [TurnstileProcess.AssemblyPath, "iamidentitymapping", "get", "--cluster", Cluster], stranger);
        Assert.True(unauthenticated.ExitCode == 3, unauthenticated.ToString());
        Assert.Equal("error: the cluster's Kubernetes API answered 401 Unauthorized to the token from aws eks get-token\n", unauthenticated.Stderr);
    }

    private sealed record Run(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
    }

    private Dictionary<string, string?> Env(AwsCliCredentials? credentials = null) =>
        aws.CliEnvironment(credentials, new Dictionary<string, string?> { ["KUBECONFIG"] = Kubeconfig, ["NO_COLOR"] = "1", ["DOTNET_CLI_HOME"] = _work });

    private Task<Run> Turnstile(params string[] args) => Start("dotnet", [TurnstileProcess.AssemblyPath, .. args]);

    private Task<Run> Kubectl(params string[] args) => Start("kubectl", args);

    private async Task<Run> Start(string executable, IEnumerable<string> args, AwsCliCredentials? credentials = null)
    {
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment.Clear();
        foreach (var (name, value) in Env(credentials)) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        return new Run(process.ExitCode, await stdout, await stderr);
    }
}
