using Turnstile.Core.Snapshots;

namespace Turnstile.Core.Clusters;

/// <summary>
/// A cluster's access state as a source delivers it: the model, what the source wants the user to know (per-file
/// messages of a snapshot), and what it can tell about which IAM principals exist.
/// </summary>
public sealed record LoadedCluster(ClusterAccessModel Model, IReadOnlyList<SnapshotMessage> Messages, IPrincipalDirectory Principals)
{
    public bool HasErrors => Messages.Any(m => m.Level == SnapshotMessageLevel.Error);
}

/// <summary>
/// Where the analyses read a cluster from: a snapshot directory today; a running emulator
/// (<c>--cluster NAME [--endpoint URL]</c>) is another implementation of the same contract.
/// </summary>
public interface IClusterSource
{
    /// <summary>How messages name the source, e.g. <c>snapshot examples/w3-migration/config-map</c>.</summary>
    string Description { get; }

    LoadedCluster Load();
}
