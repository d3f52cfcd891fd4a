using System.Runtime.CompilerServices;
using Turnstile.Core.Kube;
using Turnstile.Kube.Storage;
using Turnstile.State;

namespace Turnstile.Kube.Watch;

public enum WatchEventType
{
    Added,
    Modified,
    Deleted,
    Bookmark,
    Error,
}

/// <summary>
/// One event of a watch. <see cref="Object"/> is set for ADDED/MODIFIED/DELETED (a DELETED object carries the
/// revision that removed it), <see cref="Revision"/> for bookmarks, <see cref="Error"/> for ERROR.
/// </summary>
public sealed record KubeWatchEvent(WatchEventType Type, StoredObject? Object = null, long Revision = 0, bool InitialEventsEnd = false, KubeStatus? Error = null)
{
    public string TypeName => Type switch
    {
        WatchEventType.Added => "ADDED",
        WatchEventType.Modified => "MODIFIED",
        WatchEventType.Deleted => "DELETED",
        WatchEventType.Bookmark => "BOOKMARK",
        _ => "ERROR",
    };
}

/// <summary>A watch request as the storage layer takes it, after kube's defaulting of list options.</summary>
public sealed record WatchQuery
{
    public string ResourceVersion { get; init; } = "";

    /// <summary>Null: none asked (a watch from a given revision). True: start with the current state as ADDED events.</summary>
    public bool? SendInitialEvents { get; init; }

    public bool AllowWatchBookmarks { get; init; }

    public SelectionPredicate Predicate { get; init; } = SelectionPredicate.Everything;

    /// <summary>How often bookmarks are sent (kube-apiserver: about every minute).</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>When the watch will be ended; a last bookmark is sent 2 s before it.</summary>
    public DateTimeOffset? Deadline { get; init; }
}

/// <summary>
/// The watch of kube-apiserver's watch cache over <see cref="StateCache"/>: ADDED/MODIFIED/DELETED from each commit's
/// changes under a key prefix, filtered by a selection predicate (an object that stops matching is DELETED, one that
/// starts matching is ADDED), optional initial events, periodic BOOKMARKs, and an ERROR event with 410 Expired when
/// the requested revision has left the cache's window.
/// </summary>
public static class KubeWatch
{
    /// <summary>
    /// Validates the request (a malformed resourceVersion is a 400 before the stream starts) and fixes where the watch
    /// starts - the initial state, or the revision to follow from - at the time of the request. The events are then
    /// produced lazily until <paramref name="cancellationToken"/> (or the enumeration's) ends the watch.
    /// </summary>
    /// <exception cref="KubeApiException">400 for an invalid resourceVersion.</exception>
    public static async Task<IAsyncEnumerable<KubeWatchEvent>> OpenAsync(KubeStorage storage, string prefix, WatchQuery query,
        CancellationToken cancellationToken = default)
    {
        var requested = KubeStorage.ParseResourceVersion(query.ResourceVersion);
        var cache = storage.Cache;
        if (query.SendInitialEvents == true)
        {
            try
            {
                var view = await storage.ViewForReadAsync(query.ResourceVersion, retrySeconds: 1, cancellationToken).ConfigureAwait(false);
                return RunAsync(storage, prefix, query, view, view.Revision, null, cancellationToken);
            }
            catch (KubeApiException e)
            {
                return RunAsync(storage, prefix, query, null, 0, e.Status, cancellationToken);
            }
        }
        var start = query.ResourceVersion.Length == 0
            ? (await cache.ReadFreshAsync(cancellationToken).ConfigureAwait(false)).Revision
            : requested > 0 ? requested : cache.Current.Revision;
        return RunAsync(storage, prefix, query, null, start, null, cancellationToken);
    }

    private static async IAsyncEnumerable<KubeWatchEvent> RunAsync(KubeStorage storage, string prefix, WatchQuery query, IStateView? initial, long start,
        KubeStatus? error, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var cache = storage.Cache;
        if (error is not null)
        {
            yield return new KubeWatchEvent(WatchEventType.Error, Error: error);
            yield break;
        }
        if (initial is not null)
        {
            foreach (var kv in initial.List(prefix))
                if (query.Predicate.Matches(kv)) yield return new KubeWatchEvent(WatchEventType.Added, StoredObject.From(kv));
            if (query.AllowWatchBookmarks) yield return new KubeWatchEvent(WatchEventType.Bookmark, Revision: start, InitialEventsEnd: true);
        }

        // Every commit, not only this prefix's, so the last revision seen is always a safe bookmark.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var changes = cache.WatchAsync("/", start, stop.Token).GetAsyncEnumerator(stop.Token);
        var next = MoveNext(changes);
        try
        {
            var lastSeen = start;
            var time = storage.Time;
            var nextBookmark = query.AllowWatchBookmarks ? NextBookmark(time.GetUtcNow(), query) : null;
            while (true)
            {
                if (nextBookmark is { } due && !next.IsCompleted)
                {
                    var wait = due - time.GetUtcNow();
                    if (wait > TimeSpan.Zero) await Task.WhenAny(next, Task.Delay(wait, time, cancellationToken)).ConfigureAwait(false);
                    cancellationToken.ThrowIfCancellationRequested();
                    if (!next.IsCompleted)
                    {
                        yield return new KubeWatchEvent(WatchEventType.Bookmark, Revision: lastSeen);
                        nextBookmark = NextBookmark(time.GetUtcNow(), query);
                        continue;
                    }
                }
                var step = await next.ConfigureAwait(false);
                if (step.Error is not null)
                {
                    yield return new KubeWatchEvent(WatchEventType.Error, Error: step.Error);
                    yield break;
                }
                if (step.Batch is not { } batch) yield break;
                next = MoveNext(changes);
                if (batch.Revision <= start) continue;
                lastSeen = batch.Revision;
                foreach (var e in batch.Events)
                {
                    if (!e.Key.StartsWith(prefix, StringComparison.Ordinal)) continue;
                    if (Convert(e, query.Predicate) is { } converted) yield return converted;
                }
            }
        }
        finally
        {
            // A pending read must finish before its enumerator can be disposed.
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await next.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            await changes.DisposeAsync().ConfigureAwait(false);
        }
    }

    private readonly record struct Step(WatchBatch? Batch, KubeStatus? Error);

    private static async Task<Step> MoveNext(IAsyncEnumerator<WatchBatch> changes)
    {
        try
        {
            return await changes.MoveNextAsync().ConfigureAwait(false) ? new Step(changes.Current, null) : new Step(null, null);
        }
        catch (RevisionCompactedException e)
        {
            return new Step(null, StorageStatus.Expired($"too old resource version: {e.Requested} ({e.Compacted})"));
        }
        catch (ObjectDisposedException)
        {
            return new Step(null, null);
        }
    }

    // kube's cacheWatcher: roughly every interval, and 2 s before the deadline; none once that has passed.
    private static DateTimeOffset? NextBookmark(DateTimeOffset now, WatchQuery query)
    {
        var heartbeat = now + query.BookmarkInterval;
        if (query.Deadline is not { } deadline) return heartbeat;
        var beforeDeadline = deadline - TimeSpan.FromSeconds(2);
        if (beforeDeadline < heartbeat) heartbeat = beforeDeadline;
        return heartbeat < now ? null : heartbeat;
    }

    /// <summary>A change as a watcher sees it through its selector.</summary>
    private static KubeWatchEvent? Convert(Turnstile.State.WatchEvent e, SelectionPredicate predicate)
    {
        var currentPasses = e.Current is not null && predicate.Matches(e.Current);
        var previousPasses = e.Previous is not null && predicate.Matches(e.Previous);
        return (currentPasses, previousPasses) switch
        {
            (true, false) => new KubeWatchEvent(WatchEventType.Added, StoredObject.From(e.Current!)),
            (true, true) => new KubeWatchEvent(WatchEventType.Modified, StoredObject.From(e.Current!)),
            (false, true) => new KubeWatchEvent(WatchEventType.Deleted, StoredObject.Deleted(e.Previous!, e.Revision)),
            _ => null,
        };
    }
}
