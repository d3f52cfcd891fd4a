using System.CommandLine;
using Turnstile.Cli.Offline;
using Turnstile.Core.Clusters;
using Turnstile.Core.Snapshots;

namespace Turnstile.Cli.Commands;

/// <summary>
/// Where a command reads the cluster from. Today a snapshot directory (<c>--snapshot DIR</c>); a running emulator
/// (<c>--cluster NAME [--endpoint URL]</c>) will be another <see cref="IClusterSource"/> chosen here.
/// </summary>
public sealed class ClusterSourceOptions
{
    public Option<string> Snapshot { get; } = new("--snapshot")
    {
        Description = "Directory of exported files describing the cluster (kubectl -o yaml/json, aws eks describe-* JSON, kubectl api-resources -o wide, a SnapshotContext)",
        Required = true,
    };

    public Option<bool> Verbose { get; } = new("--verbose", "-v") { Description = "Also print how every snapshot file was read" };

    public void AddTo(Command command)
    {
        command.Add(Snapshot);
        command.Add(Verbose);
    }

    public IClusterSource Source(ParseResult result) => new SnapshotSource(result.GetRequiredValue(Snapshot));

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
