using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Turnstile.State;

/// <summary>
/// kube-apiserver's watch cache over any <see cref="IStore"/>: the whole store held in memory as a
/// <see cref="SortedSnapshot"/>, kept current by the store's change feed. Reads are served from memory at one
/// consistent revision; writes go to the store (whose compares decide) and return once the cache has caught up
/// with them, so a caller reads its own writes. Watchers are fanned out from a window of recent commits.
/// Every replica of the emulator has its own cache over the shared store.
/// </summary>
public sealed class StateCache : IAsyncDisposable
{
    public const int DefaultWindow = 10_000;

    private readonly IStore _store;
    private readonly int _window;
    private readonly Lock _sync = new();
    private readonly Queue<WatchBatch> _recent = new();
    private readonly List<Watcher> _watchers = [];
    private readonly List<(long Revision, TaskCompletionSource Done)> _waiters = [];
    private readonly CancellationTokenSource _stop = new();
    private volatile SortedSnapshot _current;
    private long _oldestWatchable;
    private Task _pump = Task.CompletedTask;
    private Exception? _failure;

    private StateCache(IStore store, SortedSnapshot initial, int window)
    {
        _store = store;
        _current = initial;
        _window = window;
        _oldestWatchable = initial.Revision;
    }

    public IStore Store => _store;

    /// <summary>The latest state this cache holds.</summary>
    public IStateView Current => _current;

    /// <summary>Loads the store and starts following its change feed.</summary>
    public static async Task<StateCache> StartAsync(IStore store, int window = DefaultWindow, CancellationToken cancellationToken = default)
    {
        var cache = new StateCache(store, await LoadAsync(store, cancellationToken).ConfigureAwait(false), window);
        cache._pump = Task.Run(cache.PumpAsync, CancellationToken.None);
        return cache;
    }

    private static async Task<SortedSnapshot> LoadAsync(IStore store, CancellationToken cancellationToken)
    {
        var all = await store.ListAsync(new ListRequest("/"), cancellationToken).ConfigureAwait(false);
        return SortedSnapshot.Create(all.Items, all.Revision);
    }

    /// <summary>Waits until the cache holds every commit up to <paramref name="revision"/>.</summary>
    public Task WaitForRevisionAsync(long revision, CancellationToken cancellationToken = default)
    {
        lock (_sync)
        {
            if (_failure is not null) return Task.FromException(_failure);
            if (_current.Revision >= revision) return Task.CompletedTask;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((revision, done));
            return done.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>A view that includes every commit made before this call, through any replica (one store round trip).</summary>
    public async Task<IStateView> ReadFreshAsync(CancellationToken cancellationToken = default)
    {
        var revision = await _store.GetRevisionAsync(cancellationToken).ConfigureAwait(false);
        await WaitForRevisionAsync(revision, cancellationToken).ConfigureAwait(false);
        return _current;
    }

    /// <summary>Runs a transaction on the store, then waits until the cache reflects the revision it answered.</summary>
    public async Task<TxnResult> TxnAsync(TxnRequest request, CancellationToken cancellationToken = default)
    {
        var result = await _store.TxnAsync(request, cancellationToken).ConfigureAwait(false);
        await WaitForRevisionAsync(result.Revision, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// Changes under <paramref name="prefix"/> after <paramref name="afterRevision"/>, served from the window of recent
    /// commits, then live.
    /// </summary>
    /// <exception cref="RevisionCompactedException">When the window no longer holds changes after that revision.</exception>
    public async IAsyncEnumerable<WatchBatch> WatchAsync(string prefix, long afterRevision, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var watcher = new Watcher(prefix, Channel.CreateUnbounded<WatchBatch>(new UnboundedChannelOptions { SingleReader = true }));
        var backlog = new List<WatchBatch>();
        lock (_sync)
        {
            if (afterRevision < _oldestWatchable) throw new RevisionCompactedException(afterRevision, _oldestWatchable);
            foreach (var batch in _recent)
                if (batch.Revision > afterRevision && Filter(batch, prefix) is { } matching) backlog.Add(matching);
            _watchers.Add(watcher);
        }
        try
        {
            foreach (var batch in backlog) yield return batch;
            await foreach (var batch in watcher.Channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                yield return batch;
        }
        finally
        {
            lock (_sync) _watchers.Remove(watcher);
        }
    }

    private async Task PumpAsync()
    {
        var delay = TimeSpan.FromMilliseconds(50);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await foreach (var batch in _store.WatchAsync("/", _current.Revision, _stop.Token).ConfigureAwait(false))
                {
                    Apply(batch);
                    delay = TimeSpan.FromMilliseconds(50);
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (RevisionCompactedException)
            {
                // Fell behind the store's history: start over from a full read, as a reflector relists.
                await ReloadAsync().ConfigureAwait(false);
            }
            catch (Exception) when (!_stop.IsCancellationRequested)
            {
                // The store is unreachable for now (a database restart): retry with backoff; readers keep the last state.
                try { await Task.Delay(delay, _stop.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }
        }
    }

    private async Task ReloadAsync()
    {
        var reloaded = await LoadAsync(_store, _stop.Token).ConfigureAwait(false);
        lock (_sync)
        {
            _current = reloaded;
            _recent.Clear();
            _oldestWatchable = reloaded.Revision;
            // Watchers cannot be told what they missed; end them so they re-list (kube's watchers see 410 and relist).
            foreach (var watcher in _watchers) watcher.Channel.Writer.TryComplete(new RevisionCompactedException(reloaded.Revision, reloaded.Revision));
            _watchers.Clear();
            ReleaseWaiters();
        }
    }

    private void Apply(WatchBatch batch)
    {
        lock (_sync)
        {
            if (batch.Revision <= _current.Revision) return;
            _current = _current.Apply(batch);
            _recent.Enqueue(batch);
            var events = 0;
            foreach (var b in _recent) events += b.Events.Count;
            while (events > _window && _recent.Count > 1)
            {
                var dropped = _recent.Dequeue();
                events -= dropped.Events.Count;
                _oldestWatchable = dropped.Revision;
            }
            foreach (var watcher in _watchers)
                if (Filter(batch, watcher.Prefix) is { } matching) watcher.Channel.Writer.TryWrite(matching);
            ReleaseWaiters();
        }
    }

    private void ReleaseWaiters()
    {
        var revision = _current.Revision;
        for (var i = _waiters.Count - 1; i >= 0; i--)
        {
            if (_waiters[i].Revision > revision) continue;
            _waiters[i].Done.TrySetResult();
            _waiters.RemoveAt(i);
        }
    }

    private static WatchBatch? Filter(WatchBatch batch, string prefix)
    {
        if (prefix == "/") return batch;
        var matching = batch.Events.Where(e => e.Key.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        return matching.Count == 0 ? null : matching.Count == batch.Events.Count ? batch : batch with { Events = matching };
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try { await _pump.ConfigureAwait(false); }
        catch (OperationCanceledException) { }
        lock (_sync)
        {
            _failure = new ObjectDisposedException(nameof(StateCache));
            foreach (var watcher in _watchers) watcher.Channel.Writer.TryComplete();
            foreach (var (_, done) in _waiters) done.TrySetException(_failure);
            _waiters.Clear();
        }
        _stop.Dispose();
    }

    private sealed record Watcher(string Prefix, Channel<WatchBatch> Channel);
}
