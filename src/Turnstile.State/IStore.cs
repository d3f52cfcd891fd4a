namespace Turnstile.State;

/// <summary>
/// The revisioned key-value store every piece of emulator state lives in (IAM, STS, EKS and the clusters'
/// Kubernetes objects), after etcd's model: one global revision that grows by one with every commit that writes,
/// per-key create and modification revisions, compare-and-swap transactions, and a change feed.
/// Implementations: in memory, SQLite (the embedded default) and PostgreSQL (shared by replicas).
/// Keys are ordered ordinally (<see cref="StateKey.Comparer"/>); see <see cref="StateKey"/> for the key layout.
/// </summary>
public interface IStore : IAsyncDisposable
{
    /// <summary>For the ready line: the backend and where it lives, never a password.</summary>
    string Description { get; }

    /// <summary>The revision of the latest commit (0 for an empty, new store).</summary>
    ValueTask<long> GetRevisionAsync(CancellationToken cancellationToken = default);

    ValueTask<KeyValue?> GetAsync(string key, CancellationToken cancellationToken = default);

    ValueTask<ListResult> ListAsync(ListRequest request, CancellationToken cancellationToken = default);

    /// <summary>Evaluates the compares and, when all hold, applies the operations as one commit.</summary>
    ValueTask<TxnResult> TxnAsync(TxnRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every change to keys under <paramref name="prefix"/> with a revision greater than
    /// <paramref name="afterRevision"/>, each exactly once and in revision order, then live changes until cancelled.
    /// Changes come one batch per commit, so a reader never sees half a transaction.
    /// </summary>
    /// <exception cref="RevisionCompactedException">
    /// When changes after <paramref name="afterRevision"/> are no longer kept (thrown by the first MoveNextAsync).
    /// </exception>
    IAsyncEnumerable<WatchBatch> WatchAsync(string prefix, long afterRevision, CancellationToken cancellationToken = default);

    /// <summary>Forgets the change history up to and including <paramref name="revision"/>.</summary>
    ValueTask CompactAsync(long revision, CancellationToken cancellationToken = default);
}
