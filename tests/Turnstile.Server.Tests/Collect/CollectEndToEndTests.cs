using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Turnstile.Cli.Offline;
using Turnstile.Core.Analysis.Comparison;
using Turnstile.Server.Tests.EndToEnd;
using Turnstile.Server.Tests.Eks;
using static Turnstile.Server.Tests.Eks.EksCliFixture;

namespace Turnstile.Server.Tests.Collect;

/// <summary>
/// <c>turnstile collect</c> against the emulator with the real aws CLI: the collected snapshot answers every
/// principal's requests as the live cluster's access model does; <c>--cluster</c> on the analysis commands reads it live.
/// The Kubernetes side comes from a stand-in kubectl that prints what the cluster stores (the emulator serves no
/// Kubernetes API yet); the aws side is real end to end.
/// </summary>
public sealed class CollectEndToEndTests(EksCliFixture aws) : IClassFixture<EksCliFixture>, IDisposable
{
    private const string Cluster = "collect-e2e";
    private readonly string _work = Directory.CreateTempSubdirectory("turnstile-collect-test-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [AwsCliFact]
    public async Task Collected_snapshot_answers_as_the_live_cluster_and_cluster_source_lints_missing_principals()
    {
        await aws.CreateCluster(Cluster, "API_AND_CONFIG_MAP");
        var dev = await aws.CreateRole("collect-dev");
        var ops = await aws.CreateUser("collect-ops");
        var gone = await aws.CreateUser("collect-gone");
        await aws.WriteAwsAuth(Cluster, new Dictionary<string, string>
        {
            ["mapRoles"] = $"- rolearn: {dev}\n  username: dev\n  groups:\n  - system:masters\n",
            ["mapUsers"] = $"- userarn: {gone}\n  username: gone\n  groups:\n  - system:masters\n",
        });
        await aws.Ok("eks", "create-access-entry", "--cluster-name", Cluster, "--principal-arn", ops, "--username", "ops");
        await aws.Ok("eks", "associate-access-policy", "--cluster-name", Cluster, "--principal-arn", ops,
            "--policy-arn", ViewPolicy, "--access-scope", "type=namespace,namespaces=app");
        await aws.Ok("iam", "delete-user", "--user-name", "collect-gone");
        var kubectl = await FakeKubectl(await aws.AwsAuthData(Cluster));

        var outDir = Path.Combine(_work, "snapshot");
        var collect = await Turnstile(kubectl, "collect", "--cluster-name", Cluster, "--out", outDir);
        Assert.True(collect.ExitCode == 0, collect.ToString());
        Assert.Contains($"collect: describe-cluster {Cluster}", collect.Stderr);
        Assert.True(collect.Stderr.Contains("collect: describe-access-entry and list-associated-access-policies for 3 access entries"), collect.ToString());
        Assert.Contains($"collect: kubectl context: {ClusterArn(Cluster)}", collect.Stderr);
        Assert.All(File.ReadAllLines(Path.Combine(kubectl, "calls.log")).Where(l => !l.StartsWith("config ")),
            call => Assert.EndsWith("--context " + ClusterArn(Cluster), call));
        Assert.Equal(["access-entries", "api-resources.txt", "aws-auth.json", "cluster.json", "crds.json", "rbac.json", "snapshot-context.json"],
            Directory.EnumerateFileSystemEntries(outDir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(6, Directory.GetFiles(Path.Combine(outDir, "access-entries")).Length);
        var context = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "snapshot-context.json")))!;
        Assert.Equal(Account, context["accountId"]!.GetValue<string>());
        Assert.StartsWith("AROA", context["principalIds"]![dev]!.GetValue<string>());
        Assert.StartsWith("AIDA", context["principalIds"]![ops]!.GetValue<string>());
        Assert.Null(context["principalIds"]![gone]);

        // Every principal either state names, on every request that matters: the same answers. (RBAC is the stand-in
        // kubectl's, i.e. the default policy, on both sides; the AWS side and aws-auth are what is compared.)
        var collected = SnapshotDirectory.Load(outDir).Model;
        var live = await aws.Eks.BuildAccessModelAsync(Cluster, collected.Rbac);
        var comparison = AccessComparer.Compare(live, collected, "live", "collected");
        Assert.True(comparison.Same, string.Join("\n", comparison.Differences.Select(d => $"{d.Display}: {d.Before} / {d.After}")));
        Assert.True(comparison.PrincipalCount >= 4);

        Assert.Equal(0, (await Turnstile(kubectl, "can-i", "list", "nodes", "-A", "--snapshot", outDir, "--as-arn", dev)).ExitCode);
        Assert.Equal(0, (await Turnstile(kubectl, "can-i", "get", "pods", "-n", "app", "--snapshot", outDir, "--as-arn", ops)).ExitCode);
        Assert.Equal(1, (await Turnstile(kubectl, "can-i", "get", "pods", "-n", "default", "--snapshot", outDir, "--as-arn", ops)).ExitCode);
        Assert.Equal(3, (await Turnstile(kubectl, "can-i", "get", "pods", "--snapshot", outDir, "--as-arn", IamArn("user/nobody"))).ExitCode);

        // The same questions straight from the cluster, and lint's IAM check there.
        var canI = await Turnstile(kubectl, "can-i", "get", "pods", "-n", "app", "--cluster", Cluster, "--endpoint", aws.Endpoint.ToString(), "--as-arn", ops);
        Assert.True(canI.ExitCode == 0, canI.ToString());
        var lint = await Turnstile(kubectl, "lint", "--cluster", Cluster, "--endpoint", aws.Endpoint.ToString(), "-o", "json");
        var findings = JsonNode.Parse(lint.Stdout)!.AsArray();
        var missing = findings.Where(f => f!["check"]!.GetValue<string>() == "principal/missing").Select(f => f!["message"]!.GetValue<string>()).ToArray();
        Assert.True(missing.Any(m => m.StartsWith(gone + " ", StringComparison.Ordinal)), lint.ToString());
        Assert.False(missing.Any(m => m.StartsWith(dev + " ", StringComparison.Ordinal) || m.StartsWith(ops + " ", StringComparison.Ordinal)), lint.ToString());
    }

    [AwsCliFact]
    public async Task A_failed_call_is_one_line_and_exit_2_and_nothing_is_written()
    {
        var kubectl = await FakeKubectl(null);
        var outDir = Path.Combine(_work, "none");
        var missing = await Turnstile(kubectl, "collect", "--cluster-name", "no-such-cluster", "--out", outDir);
        Assert.Equal(2, missing.ExitCode);
        Assert.EndsWith("error: aws eks describe-cluster --name no-such-cluster failed: An error occurred (ResourceNotFoundException) when calling the DescribeCluster operation: No cluster found for name: no-such-cluster.\n",
            missing.Stderr);
        Assert.False(Directory.Exists(outDir));

        var noKubectl = await Turnstile(null, "collect", "--cluster-name", "no-such-cluster", "--out", outDir);
        Assert.Equal(2, noKubectl.ExitCode);
    }

    private sealed record Run(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
    }

    /// <summary>Runs the built turnstile with the aws CLI's environment; <paramref name="kubectlDir"/> first on PATH.</summary>
    private async Task<Run> Turnstile(string? kubectlDir, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(TurnstileProcess.AssemblyPath);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment.Clear();
        foreach (var (name, value) in aws.CliEnvironment()) start.Environment[name] = value;
        if (kubectlDir is not null)
        {
            start.Environment["PATH"] = kubectlDir + Path.PathSeparator + start.Environment["PATH"];
            start.Environment["FAKE_KUBE_DIR"] = kubectlDir;
        }
        start.Environment["NO_COLOR"] = "1";
        start.Environment["DOTNET_CLI_HOME"] = _work;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return new Run(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// A kubectl that prints what <c>kubectl get -o json</c> prints for the cluster's stored aws-auth, an RBAC list and
    /// no CRDs (the built-in RBAC policy is the snapshot reader's default), and logs its arguments.
    /// </summary>
    private async Task<string> FakeKubectl(IReadOnlyDictionary<string, string>? data)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_work, $"kubectl-{Guid.NewGuid():N}")).FullName;
        if (data is not null)
            await File.WriteAllTextAsync(Path.Combine(dir, "aws-auth.json"), new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "ConfigMap",
                ["metadata"] = new JsonObject { ["name"] = "aws-auth", ["namespace"] = "kube-system", ["resourceVersion"] = "1" },
                ["data"] = new JsonObject(data.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            }.ToJsonString());
        const string emptyList = """{"apiVersion":"v1","kind":"List","items":[],"metadata":{"resourceVersion":""}}""";
        await File.WriteAllTextAsync(Path.Combine(dir, "list.json"), emptyList);
        await File.WriteAllLinesAsync(Path.Combine(dir, "api-resources.txt"),
            File.ReadAllLines(Path.Combine(RepoRoot(), "examples", "custom-resources", "api-resources.txt")).Where(l => !l.Contains("example.com")));
        await File.WriteAllTextAsync(Path.Combine(dir, "contexts.txt"), $"other\n{ClusterArn(Cluster)}\n");
        var script = new StringBuilder("#!/bin/sh\n")
            .Append("d=\"$FAKE_KUBE_DIR\"\necho \"$*\" >> \"$d/calls.log\"\n")
            .Append("case \"$1 $2\" in\n")
            .Append("  \"config get-contexts\") cat \"$d/contexts.txt\" ;;\n")
            .Append("  \"get configmap\") if [ -f \"$d/aws-auth.json\" ]; then cat \"$d/aws-auth.json\"; else echo 'Error from server (NotFound): configmaps \"aws-auth\" not found' >&2; exit 1; fi ;;\n")
            .Append("  \"get clusterroles,clusterrolebindings,roles,rolebindings\"|\"get customresourcedefinitions\") cat \"$d/list.json\" ;;\n")
            .Append("  \"api-resources -o\") cat \"$d/api-resources.txt\" ;;\n")
            .Append("  *) echo \"error: unexpected kubectl $*\" >&2; exit 1 ;;\n")
            .Append("esac\n");
        var path = Path.Combine(dir, "kubectl");
        await File.WriteAllTextAsync(path, script.ToString());
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return dir;
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Turnstile.sln"))) return dir.FullName;
        throw new InvalidOperationException("Turnstile.sln not found above the test directory");
    }
}
