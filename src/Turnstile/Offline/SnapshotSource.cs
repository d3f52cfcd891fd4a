using Turnstile.Core.Clusters;

namespace Turnstile.Cli.Offline;

/// <summary>A snapshot directory as a cluster source; whether principals exist is answered from its <c>principalIds</c>.</summary>
public sealed class SnapshotSource(string directory) : IClusterSource
{
    public string Description => "snapshot " + directory;

    public LoadedCluster Load()
    {
        var snapshot = SnapshotDirectory.Load(directory);
        return new LoadedCluster(snapshot.Model, snapshot.Messages,
            new PrincipalIdTable(snapshot.Model.PrincipalIds, "the snapshot's principalIds (SnapshotContext)"));
    }
}
