using System.CommandLine;
using Turnstile.Cli.Collect;
using Turnstile.Cli.Offline;
using Turnstile.Core.Clusters;
using Turnstile.Core.Snapshots;

namespace Turnstile.Cli.Commands;

/// <summary>
/// Where a command reads the cluster from: a snapshot directory (<c>--snapshot DIR</c>), or a live cluster
/// (<c>--cluster NAME [--endpoint URL]</c>) collected on the fly with the user's <c>aws</c> and <c>kubectl</c>.
/// </summary>
public sealed class ClusterSourceOptions
{
    public Option<string> Snapshot { get; } = new("--snapshot")
    {
        Description = "Directory of exported files describing the cluster (kubectl -o yaml/json, aws eks describe-* JSON, kubectl api-resources -o wide, a SnapshotContext)",
    };

    public Option<string> Cluster { get; } = new("--cluster")
    {
        Description = "Read the live cluster NAME instead of a snapshot: collected as 'turnstile collect' does (aws and kubectl, with the environment's credentials and kubeconfig)",
    };

    public Option<string> Endpoint { get; } = EndpointOption();

    public Option<bool> Verbose { get; } = new("--verbose", "-v") { Description = "Also print how every snapshot file was read" };

    public void AddTo(Command command)
    {
        command.Add(Snapshot);
        command.Add(Cluster);
        command.Add(Endpoint);
        command.Add(Verbose);
        command.Validators.Add(result =>
        {
            var snapshot = result.GetResult(Snapshot) is { Implicit: false };
            var cluster = result.GetResult(Cluster) is { Implicit: false };
            if (snapshot && cluster) result.AddError("--snapshot and --cluster cannot be used together: read either a snapshot or a live cluster");
            else if (!snapshot && !cluster) result.AddError("either --snapshot DIR or --cluster NAME is required");
            else if (snapshot && result.GetResult(Endpoint) is { Implicit: false }) result.AddError("--endpoint goes with --cluster, not --snapshot");
        });
    }

    /// <summary><c>--endpoint URL</c>: the AWS endpoint the aws CLI calls (AWS_ENDPOINT_URL for its runs), e.g. <c>turnstile serve</c>'s.</summary>
    public static Option<string> EndpointOption()
    {
        var endpoint = new Option<string>("--endpoint")
        {
            Description = "AWS endpoint for the aws CLI's calls, e.g. http://127.0.0.1:4566 for 'turnstile serve' (default: AWS_ENDPOINT_URL or AWS itself)",
        };
        endpoint.Validators.Add(result =>
        {
            if (result.Tokens is [.., var url] && !(Uri.TryCreate(url.Value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
                result.AddError($"--endpoint must be an http(s) URL such as http://127.0.0.1:4566, got '{url.Value}'");
        });
        return endpoint;
    }

    public IClusterSource Source(ParseResult result) => result.GetValue(Cluster) is { } name
        ? new CollectedClusterSource(new CollectRequest(name), result.GetValue(Endpoint)?.TrimEnd('/'))
        : new SnapshotSource(result.GetRequiredValue(Snapshot));

    /// <summary>Loads the cluster, printing the source's messages (info ones with --verbose); unreadable input is a usage error.</summary>
    public LoadedCluster Load(ParseResult result) => Load(Source(result), result.GetValue(Verbose));

    public static LoadedCluster Load(IClusterSource source, bool verbose)
    {
        var cluster = source.Load();
        foreach (var message in cluster.Messages)
            if (message.Level != SnapshotMessageLevel.Info || verbose) Console.Error.WriteLine(message);
        if (cluster.HasErrors) throw new UsageException($"the {source.Description} has errors (see above); fix or remove those files");
        return cluster;
    }
}
