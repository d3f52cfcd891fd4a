using System.Collections.Concurrent;
using Turnstile.Cli.Collect;

namespace Turnstile.Tests.Collect;

/// <summary>The collection's steps and failures with a scripted aws/kubectl (the end-to-end run is in Turnstile.Server.Tests).</summary>
public sealed class ClusterCollectorTests
{
    private const string ClusterArn = "arn:aws:eks:eu-west-1:111122223333:cluster/demo";

    private sealed class ScriptedTools(Func<string, string, ToolResult> answer) : IToolRunner
    {
        public ConcurrentQueue<string> Calls { get; } = new();

        public Task<ToolResult> RunAsync(string tool, IReadOnlyList<string> args, CancellationToken cancellationToken)
        {
            var line = string.Join(' ', args);
            Calls.Enqueue(tool + " " + line);
            return Task.FromResult(answer(tool, line));
        }
    }

    private static ToolResult Ok(string stdout) => new(0, stdout, "");

    private static Func<string, string, ToolResult> Cluster(string mode, Func<string, string, ToolResult?>? overrides = null) => (tool, args) =>
        overrides?.Invoke(tool, args) ?? (tool, args) switch
        {
            ("aws", var a) when a.StartsWith("eks describe-cluster") =>
                Ok("{\"cluster\":{\"name\":\"demo\",\"arn\":\"" + ClusterArn + "\",\"accessConfig\":{\"authenticationMode\":\"" + mode + "\"}}}"),
            ("kubectl", var a) when a.StartsWith("config get-contexts") => Ok("other\n"),
            ("kubectl", var a) when a.StartsWith("get configmap aws-auth") => Ok("""
                {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"aws-auth","namespace":"kube-system"},
                 "data":{"mapRoles":"- rolearn: arn:aws:iam::111122223333:role/dev\n  username: dev\n  groups: [devs]\n- rolearn: arn:aws:iam::444455556666:role/other\n  username: other\n"}}
                """),
            ("kubectl", var a) when a.StartsWith("get ") => Ok("""{"apiVersion":"v1","kind":"List","items":[]}"""),
            ("kubectl", var a) when a.StartsWith("api-resources") => Ok("NAME   SHORTNAMES   APIVERSION   NAMESPACED   KIND\npods   po   v1   true   Pod\n"),
            ("aws", var a) when a.StartsWith("iam get-role --role-name dev") => Ok("""{"Role":{"RoleId":"AROAEXAMPLEDEV000001"}}"""),
            _ => new ToolResult(254, "", $"unexpected call {tool} {args}"),
        };

    [Fact]
    public async Task Config_map_cluster_skips_access_entries_and_looks_up_same_account_principals_only()
    {
        var tools = new ScriptedTools(Cluster("CONFIG_MAP"));
        var progress = new List<string>();
        var snapshot = await new ClusterCollector(tools, progress.Add).CollectAsync(new CollectRequest("demo", Region: "eu-west-1"));

        Assert.Equal(["api-resources.txt", "aws-auth.json", "cluster.json", "crds.json", "rbac.json", "snapshot-context.json"],
            snapshot.Files.Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(tools.Calls, c => c.Contains("access-entries", StringComparison.Ordinal));
        Assert.Equal("AROAEXAMPLEDEV000001", snapshot.PrincipalIds["arn:aws:iam::111122223333:role/dev"]);
        Assert.DoesNotContain(tools.Calls, c => c.Contains("other", StringComparison.Ordinal) && c.StartsWith("aws iam", StringComparison.Ordinal));
        Assert.All(tools.Calls.Where(c => c.StartsWith("aws ", StringComparison.Ordinal)), c => Assert.EndsWith("--output json --region eu-west-1", c));
        Assert.Contains("kubectl context: the current context (none is named after the cluster ARN)", progress);
        Assert.Contains("\"region\": \"eu-west-1\"", snapshot.Files.Single(f => f.Name == "snapshot-context.json").Content);
    }

    [Fact]
    public async Task A_failing_kubectl_call_names_the_command_and_kubectl_error()
    {
        var tools = new ScriptedTools(Cluster("API", (tool, args) => tool == "kubectl" && args.StartsWith("get clusterroles")
            ? new ToolResult(1, "", "E1202 memcache.go:265] ...\nThe connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?\n")
            : tool == "aws" && args.StartsWith("eks list-access-entries") ? Ok("""{"accessEntries":[]}""") : null));
        var error = await Assert.ThrowsAsync<CollectException>(() => new ClusterCollector(tools, _ => { }).CollectAsync(new CollectRequest("demo", Context: "ctx")));
        Assert.Equal("kubectl get clusterroles,clusterrolebindings,roles,rolebindings --all-namespaces -o json --context ctx failed: " +
                     "The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?", error.Message);
    }

    [Fact]
    public async Task Missing_aws_auth_is_not_an_error_and_no_such_entity_is_recorded_as_missing()
    {
        var tools = new ScriptedTools(Cluster("API", (tool, args) => (tool, args) switch
        {
            ("kubectl", var a) when a.StartsWith("get configmap aws-auth") => new ToolResult(1, "", "Error from server (NotFound): configmaps \"aws-auth\" not found\n"),
            ("aws", var a) when a.StartsWith("eks list-access-entries") => Ok("""{"accessEntries":["arn:aws:iam::111122223333:user/gone"]}"""),
            ("aws", var a) when a.StartsWith("eks describe-access-entry") => Ok("""{"accessEntry":{"principalArn":"arn:aws:iam::111122223333:user/gone"}}"""),
            ("aws", var a) when a.StartsWith("eks list-associated-access-policies") => Ok("""{"associatedAccessPolicies":[]}"""),
            ("aws", var a) when a.StartsWith("iam get-user --user-name gone") =>
                new ToolResult(254, "", "\nAn error occurred (NoSuchEntity) when calling the GetUser operation: The user with name gone cannot be found.\n"),
            _ => null,
        }));
        var snapshot = await new ClusterCollector(tools, _ => { }).CollectAsync(new CollectRequest("demo"));
        Assert.DoesNotContain(snapshot.Files, f => f.Name == "aws-auth.json");
        Assert.Contains(snapshot.Files, f => f.Name == "access-entries/001-entry.json");
        Assert.Equal(LookupOutcome.NoSuchEntity, snapshot.Lookups["arn:aws:iam::111122223333:user/gone"]);
        Assert.Empty(snapshot.PrincipalIds);
    }

    [Fact]
    public void Out_directory_must_be_new_or_empty()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(Path.Combine(temp.Path, "old.json"), "{}");
        var snapshot = new CollectedSnapshot([new SnapshotFile("cluster.json", "{}")], new Dictionary<string, string>(), new Dictionary<string, LookupOutcome>());
        var error = Assert.Throws<CollectException>(() => snapshot.WriteTo(temp.Path));
        Assert.Contains("is not empty", error.Message);
        snapshot.WriteTo(Path.Combine(temp.Path, "new"));
        Assert.True(File.Exists(Path.Combine(temp.Path, "new", "cluster.json")));
    }

    [Theory]
    [InlineData("--snapshot x --cluster y", "error: --snapshot and --cluster cannot be used together: read either a snapshot or a live cluster")]
    [InlineData("", "error: either --snapshot DIR or --cluster NAME is required")]
    [InlineData("--snapshot x --endpoint http://127.0.0.1:1", "error: --endpoint goes with --cluster, not --snapshot")]
    [InlineData("--cluster y --endpoint ftp://x", "error: --endpoint must be an http(s) URL such as http://127.0.0.1:4566, got 'ftp://x'")]
    public void Cluster_source_options_are_checked(string options, string expected)
    {
        var result = InProcessCli.Run(["lint", .. options.Split(' ', StringSplitOptions.RemoveEmptyEntries)]);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith(expected, result.Stderr);
    }
}
