using Turnstile.Core.Clusters;

namespace Turnstile.Core.Snapshots;

/// <summary>One file of a snapshot directory: its name (for messages) and its text.</summary>
public sealed record SnapshotFile(string Name, string Content);

public enum SnapshotMessageLevel { Info, Warning, Error }

/// <summary>Something the reader wants the user to know about one file: what it was read as, what was ignored, what failed.</summary>
public sealed record SnapshotMessage(string File, SnapshotMessageLevel Level, string Text)
{
    public override string ToString() => $"{File}: {Level.ToString().ToLowerInvariant()}: {Text}";
}

/// <summary>A cluster's access state read from exported files, and the reader's account of every file.</summary>
public sealed record Snapshot(ClusterAccessModel Model, IReadOnlyList<SnapshotMessage> Messages)
{
    public bool HasErrors => Messages.Any(m => m.Level == SnapshotMessageLevel.Error);
}
