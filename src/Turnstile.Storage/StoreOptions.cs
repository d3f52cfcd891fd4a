namespace Turnstile.Storage;

/// <summary>How a persistent store keeps its history and follows other writers.</summary>
public sealed record StoreOptions
{
    public static StoreOptions Default { get; } = new();

    /// <summary>
    /// Every interval the store forgets the change history older than the revision it had one interval ago, as
    /// kube-apiserver compacts etcd every 5 minutes: a watch or a paged list can resume from any revision of the
    /// last interval (up to two). <see cref="TimeSpan.Zero"/> turns automatic compaction off.
    /// </summary>
    public TimeSpan CompactionInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How often the change feed looks for commits nobody told it about: writes by another process on the same
    /// SQLite file, or a PostgreSQL notification lost with its connection.
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);
}
