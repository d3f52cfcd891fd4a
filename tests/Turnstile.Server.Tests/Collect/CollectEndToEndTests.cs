using System.Diagnostics;
using System.Text.Json.Nodes;
using Turnstile.Cli.Offline;
using Turnstile.Core.Analysis.Comparison;
using Turnstile.Server.Tests.EndToEnd;
using Turnstile.Server.Tests.Eks;
using static Turnstile.Server.Tests.Eks.EksCliFixture;

namespace Turnstile.Server.Tests.Collect;

/// <summary>
/// <c>turnstile collect</c> against the emulator with the real aws CLI and kubectl (through <c>aws eks update-kubeconfig</c>
/// and its exec plugin): <c>can-i</c> on the collected snapshot answers as <c>kubectl auth can-i</c> does on the live
/// cluster, every principal's access equals the live access model's, and <c>--cluster</c> reads the cluster directly.
/// </summary>
public sealed class CollectEndToEndTests(KubeCliFixture aws) : IClassFixture<KubeCliFixture>, IDisposable
{
    private const string Cluster = "collect-e2e";
    private readonly string _work = Directory.CreateTempSubdirectory("turnstile-collect-test-").FullName;

    private string Kubeconfig => Path.Combine(_work, "kubeconfig");

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [AwsCliFact]
    public async Task Collected_snapshot_answers_as_the_live_cluster_and_cluster_source_lints_missing_principals()
    {
        await aws.StartKubeApiAsync();
        await aws.CreateCluster(Cluster, "API_AND_CONFIG_MAP");
        var ops = await aws.CreateUser("collect-ops");
        var mapped = await aws.CreateUser("collect-mapped");
        var stranger = await aws.CreateUser("collect-stranger");
        var gone = await aws.CreateUser("collect-gone");
        var keys = new Dictionary<string, AwsCliCredentials>
        {
            [IamArn("user/admin")] = Admin,
            [ops] = KeyOf(await aws.Ok("iam", "create-access-key", "--user-name", "collect-ops")),
            [mapped] = KeyOf(await aws.Ok("iam", "create-access-key", "--user-name", "collect-mapped")),
            [stranger] = KeyOf(await aws.Ok("iam", "create-access-key", "--user-name", "collect-stranger")),
        };
        await aws.Ok("eks", "create-access-entry", "--cluster-name", Cluster, "--principal-arn", ops, "--username", "ops");
        await aws.Ok("eks", "associate-access-policy", "--cluster-name", Cluster, "--principal-arn", ops,
            "--policy-arn", ViewPolicy, "--access-scope", "type=namespace,namespaces=app");
        Assert.True((await aws.RunAsync(["eks", "update-kubeconfig", "--name", Cluster], environment: Env())).Succeeded);
        await File.WriteAllTextAsync(Path.Combine(_work, "aws-auth.yaml"), $"""
            apiVersion: v1
            kind: Namespace
            metadata:
              name: kube-system
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: aws-auth
              namespace: kube-system
            data:
              mapUsers: |
                - userarn: {mapped}
                  username: mapped
                  groups:
                  - system:masters
                - userarn: {gone}
                  username: gone
                  groups:
                  - system:masters
            """);
        var applied = await Kubectl(null, "apply", "-f", Path.Combine(_work, "aws-auth.yaml"));
        Assert.True(applied.ExitCode == 0, applied.ToString());
        await aws.Ok("iam", "delete-user", "--user-name", "collect-gone");

        var outDir = Path.Combine(_work, "snapshot");
        var collect = await Turnstile("collect", "--cluster-name", Cluster, "--out", outDir);
        Assert.True(collect.ExitCode == 0, collect.ToString());
        Assert.Contains($"collect: describe-cluster {Cluster}\n", collect.Stderr);
        Assert.Contains("collect: describe-access-entry and list-associated-access-policies for 3 access entries\n", collect.Stderr);
        Assert.Contains($"collect: kubectl context: {ClusterArn(Cluster)}\n", collect.Stderr);
        Assert.Equal(["access-entries", "api-resources.txt", "aws-auth.json", "cluster.json", "crds.json", "rbac.json", "snapshot-context.json"],
            Directory.EnumerateFileSystemEntries(outDir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var context = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "snapshot-context.json")))!;
        Assert.Equal(Account, context["accountId"]!.GetValue<string>());
        Assert.StartsWith("AIDA", context["principalIds"]![ops]!.GetValue<string>());
        Assert.StartsWith("AIDA", context["principalIds"]![mapped]!.GetValue<string>());
        Assert.Null(context["principalIds"]![gone]);

        // can-i on the snapshot answers as the cluster answers kubectl get (200: 0, 403: 1, 401: 3).
        (string Principal, string Resource, string Namespace)[] questions =
        [
            (IamArn("user/admin"), "nodes", ""), (ops, "pods", "app"), (ops, "pods", "default"), (mapped, "nodes", ""), (stranger, "pods", "default"),
        ];
        foreach (var (principal, resource, ns) in questions)
        {
            var credentials = keys[principal];
            string[] scope = ns.Length == 0 ? [] : ["-n", ns];
            var live = await Kubectl(credentials, ["get", resource, .. scope]);
            var offline = await Turnstile(["can-i", "list", resource, .. scope, "--snapshot", outDir, "--as-arn", principal]);
            var expected = live.ExitCode == 0 ? 0
                : live.Stderr.Contains("(Forbidden)") ? 1
                : live.Stderr.Contains("You must be logged in to the server") ? 3
                : throw new Xunit.Sdk.XunitException($"kubectl get {resource} as {principal}: {live}");
            Assert.True(expected == offline.ExitCode, $"{principal} list {resource} {ns}: kubectl {live}\nturnstile {offline}");
        }

        // Every principal either side names, on every request that matters, as the emulator's own access model answers.
        var collected = SnapshotDirectory.Load(outDir).Model;
        var comparison = AccessComparer.Compare(await aws.Eks.BuildAccessModelAsync(Cluster, collected.Rbac), collected, "live", "collected");
        Assert.True(comparison.Same, string.Join("\n", comparison.Differences.Select(d => $"{d.Display}: {d.Before} / {d.After}")));

        // lint straight from the cluster: its IAM check finds the deleted user.
        var lint = await Turnstile("lint", "--cluster", Cluster, "--endpoint", aws.Endpoint.ToString(), "-o", "json");
        var missing = JsonNode.Parse(lint.Stdout)!.AsArray().Where(f => f!["check"]!.GetValue<string>() == "principal/missing")
            .Select(f => f!["message"]!.GetValue<string>()).ToArray();
        Assert.True(missing.Any(m => m.StartsWith(gone + " ", StringComparison.Ordinal)), lint.ToString());
        Assert.False(missing.Any(m => m.StartsWith(mapped + " ", StringComparison.Ordinal) || m.StartsWith(ops + " ", StringComparison.Ordinal)), lint.ToString());
    }

    [AwsCliFact]
    public async Task A_failed_call_is_one_line_and_exit_2_and_nothing_is_written()
    {
        var outDir = Path.Combine(_work, "none");
        var missing = await Turnstile("collect", "--cluster-name", "no-such-cluster", "--out", outDir);
        Assert.Equal(2, missing.ExitCode);
        Assert.EndsWith("\nerror: aws eks describe-cluster --name no-such-cluster failed: An error occurred (ResourceNotFoundException) when calling the DescribeCluster operation: No cluster found for name: no-such-cluster.\n",
            missing.Stderr);
        Assert.False(Directory.Exists(outDir));
    }

    private sealed record Run(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
    }

    private Dictionary<string, string?> Env(AwsCliCredentials? credentials = null) =>
        aws.CliEnvironment(credentials, new Dictionary<string, string?> { ["KUBECONFIG"] = Kubeconfig, ["NO_COLOR"] = "1", ["DOTNET_CLI_HOME"] = _work });

    private Task<Run> Turnstile(params string[] args) => Start("dotnet", [TurnstileProcess.AssemblyPath, .. args], Env());

    private Task<Run> Kubectl(AwsCliCredentials? credentials, params string[] args) => Start("kubectl", args, Env(credentials));

    private static async Task<Run> Start(string executable, IEnumerable<string> args, Dictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment.Clear();
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        return new Run(process.ExitCode, await stdout, await stderr);
    }
}
