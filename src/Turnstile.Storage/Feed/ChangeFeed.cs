using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Turnstile.State;

namespace Turnstile.Storage.Feed;

/// <summary>
/// The live change feed of one store instance over a backend's change table. One reader follows the table in
/// revision order (woken by local commits, by the backend's notifications, and by a poll as a safety net) and
/// fans each commit out to this instance's watchers. A new watcher first reads its backlog from the table, then
/// takes the live commits after it, so it sees every commit once and in order whoever made it.
/// </summary>
internal sealed class ChangeFeed : IAsyncDisposable
{
    /// <summary>How many revisions one read of the table covers (revisions are dense: each commit has events).</summary>
    public const int PageRevisions = 512;

    private static readonly KeyRange Everything = new("");

    private readonly IChangeLog _log;
    private readonly TimeSpan _pollInterval;
    private readonly Lock _sync = new();
    private readonly List<Watcher> _watchers = [];
    private readonly Channel<bool> _pokes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;
    private long _delivered;
    private bool _disposed;

    public ChangeFeed(IChangeLog log, long head, TimeSpan pollInterval)
    {
        _log = log;
        _delivered = head;
        _pollInterval = pollInterval;
        _reader = Task.Run(ReadAsync);
    }

    /// <summary>Hands over a commit this instance just made; it goes out at once when it is the next one.</summary>
    public void Publish(WatchBatch commit)
    {
        lock (_sync)
        {
            if (commit.Revision == _delivered + 1) Deliver(commit);
            else if (commit.Revision > _delivered) Poke();
        }
    }

    /// <summary>Tells the feed the store has reached <paramref name="revision"/>; it reads at once if it is behind.</summary>
    public void Saw(long revision)
    {
        if (revision > Volatile.Read(ref _delivered)) Poke();
    }

    /// <summary>Makes the reader look at the table now.</summary>
    public void Poke() => _pokes.Writer.TryWrite(true);

    public async IAsyncEnumerable<WatchBatch> WatchAsync(string prefix, long afterRevision, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var watcher = new Watcher(prefix, Channel.CreateUnbounded<WatchBatch>(new UnboundedChannelOptions { SingleReader = true }));
        long registeredAt;
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _watchers.Add(watcher);
            registeredAt = _delivered;
        }
        try
        {
            // The backlog up to what the reader had delivered when this watcher joined; later commits come live.
            var position = afterRevision;
            var range = new KeyRange(prefix);
            while (position < registeredAt)
            {
                var page = await _log.ReadChangesAsync(range, position, PageRevisions, cancellationToken).ConfigureAwait(false);
                if (position < page.Compacted) throw new RevisionCompactedException(position, page.Compacted);
                foreach (var batch in page.Batches) yield return batch;
                position = Math.Min(position + PageRevisions, page.Head);
            }
            await foreach (var batch in watcher.Channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (batch.Revision <= position) continue;
                position = batch.Revision;
                yield return batch;
            }
        }
        finally
        {
            lock (_sync) _watchers.Remove(watcher);
        }
    }

    private async Task ReadAsync()
    {
        var backoff = TimeSpan.FromMilliseconds(50);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await WaitForPokeAsync().ConfigureAwait(false);
                await CatchUpAsync().ConfigureAwait(false);
                backoff = TimeSpan.FromMilliseconds(50);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception)
            {
                // The database is unreachable for now: watchers wait; the next attempt reads from where this stopped.
                try { await Task.Delay(backoff, _stop.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
                Poke();
            }
        }
    }

    private async Task WaitForPokeAsync()
    {
        if (_pokes.Reader.TryRead(out _)) return;
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        wait.CancelAfter(_pollInterval);
        try { await _pokes.Reader.ReadAsync(wait.Token).ConfigureAwait(false); }
        catch (OperationCanceledException) when (!_stop.IsCancellationRequested) { }
    }

    private async Task CatchUpAsync()
    {
        while (true)
        {
            long from;
            lock (_sync) from = _delivered;
            var page = await _log.ReadChangesAsync(Everything, from, PageRevisions, _stop.Token).ConfigureAwait(false);
            lock (_sync)
            {
                if (page.Compacted > _delivered)
                {
                    // Commits this instance never delivered are gone (a reset, or a long disconnection): watchers
                    // cannot be told what they missed, so they end and relist.
                    var gone = new RevisionCompactedException(_delivered, page.Compacted);
                    foreach (var watcher in _watchers) watcher.Channel.Writer.TryComplete(gone);
                    _watchers.Clear();
                    _delivered = page.Head;
                    return;
                }
                foreach (var batch in page.Batches)
                    if (batch.Revision > _delivered) Deliver(batch);
                // Every revision has events, except the one a reset makes (it also compacts), so this is a no-op
                // unless the table is damaged; it keeps the reader moving then.
                _delivered = Math.Max(_delivered, Math.Min(from + PageRevisions, page.Head));
                if (_delivered >= page.Head) return;
            }
        }
    }

    private void Deliver(WatchBatch commit)
    {
        _delivered = commit.Revision;
        foreach (var watcher in _watchers)
            if (Filter(commit, watcher.Prefix) is { } matching) watcher.Channel.Writer.TryWrite(matching);
    }

    private static WatchBatch? Filter(WatchBatch batch, string prefix)
    {
        if (prefix.Length == 0) return batch;
        var matching = batch.Events.Where(e => e.Key.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        return matching.Count == 0 ? null : matching.Count == batch.Events.Count ? batch : batch with { Events = matching };
    }

    public async ValueTask DisposeAsync()
    {
        lock (_sync)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var watcher in _watchers) watcher.Channel.Writer.TryComplete();
            _watchers.Clear();
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        await _reader.ConfigureAwait(false);
        _stop.Dispose();
    }

    private sealed record Watcher(string Prefix, Channel<WatchBatch> Channel);
}
