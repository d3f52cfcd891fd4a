using Turnstile.State;

namespace Turnstile.Storage.Feed;

/// <summary>A backend's table of changes, read for watchers.</summary>
internal interface IChangeLog
{
    /// <summary>
    /// The commits in (<paramref name="after"/>, <paramref name="after"/> + <paramref name="maxRevisions"/>] with
    /// their events under <paramref name="range"/> (commits without such events are left out), with the store's
    /// head and compacted revisions, all from one snapshot.
    /// </summary>
    Task<ChangePage> ReadChangesAsync(KeyRange range, long after, int maxRevisions, CancellationToken cancellationToken);
}

/// <param name="Batches">In revision order.</param>
/// <param name="Head">The store's revision in the snapshot read.</param>
/// <param name="Compacted">The store's compacted revision in that snapshot: changes up to it are gone.</param>
internal sealed record ChangePage(IReadOnlyList<WatchBatch> Batches, long Head, long Compacted);
