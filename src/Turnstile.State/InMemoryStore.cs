using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Turnstile.State;

/// <summary>
/// The store in process memory (<c>--store memory</c>, tests): an immutable sorted map replaced at every commit, and
/// the change history of the last <see cref="HistoryLimit"/> events for watchers.
/// </summary>
public sealed class InMemoryStore : IStore
{
    public const int DefaultHistoryLimit = 100_000;

    private readonly Lock _sync = new();
    private readonly List<WatchEvent> _history = [];
    private readonly List<Watcher> _watchers = [];
    private ImmutableSortedDictionary<string, KeyValue> _data = ImmutableSortedDictionary.Create<string, KeyValue>(StateKey.Comparer);
    private long _revision;
    private long _compacted;

    public InMemoryStore(int historyLimit = DefaultHistoryLimit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(historyLimit, 1);
        HistoryLimit = historyLimit;
    }

    public int HistoryLimit { get; }

    public string Description => "memory (state is lost on exit)";

    public ValueTask<long> GetRevisionAsync(CancellationToken cancellationToken = default)
    {
        lock (_sync) return ValueTask.FromResult(_revision);
    }

    public ValueTask<KeyValue?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        lock (_sync) return ValueTask.FromResult(_data.GetValueOrDefault(key));
    }

    public ValueTask<ListResult> ListAsync(ListRequest request, CancellationToken cancellationToken = default)
    {
        ImmutableSortedDictionary<string, KeyValue> data;
        long revision, compacted;
        lock (_sync)
        {
            data = _data;
            revision = _revision;
            compacted = _compacted;
        }
        string? after = null;
        if (request.Continue is { } token)
        {
            var decoded = ContinueToken.Decode(token, request.Prefix);
            if (decoded.Revision < compacted) throw new RevisionCompactedException(decoded.Revision, compacted);
            after = decoded.LastKey;
            revision = decoded.Revision;
        }
        return ValueTask.FromResult(Page(data, request.Prefix, after, request.Limit, revision));
    }

    /// <summary>A page of <paramref name="data"/> under <paramref name="prefix"/>, after the key <paramref name="after"/>.</summary>
    internal static ListResult Page(ImmutableSortedDictionary<string, KeyValue> data, string prefix, string? after, int limit, long revision)
    {
        var items = new List<KeyValue>(limit > 0 ? Math.Min(limit, 1024) : 16);
        var remaining = 0L;
        foreach (var (key, value) in RangeFrom(data, after ?? prefix))
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal)) break;
            if (after is not null && StateKey.Comparer.Compare(key, after) <= 0) continue;
            if (limit > 0 && items.Count == limit) remaining++;
            else items.Add(value);
        }
        var next = remaining > 0 ? new ContinueToken(revision, items[^1].Key).Encode() : null;
        return new ListResult(items, revision, next, remaining > 0 ? remaining : null);
    }

    // ImmutableSortedDictionary has no range seek; a linear skip is fine for the sizes tests and --store memory hold.
    private static IEnumerable<KeyValuePair<string, KeyValue>> RangeFrom(ImmutableSortedDictionary<string, KeyValue> data, string start) =>
        data.SkipWhile(pair => StateKey.Comparer.Compare(pair.Key, start) < 0);

    public ValueTask<TxnResult> TxnAsync(TxnRequest request, CancellationToken cancellationToken = default)
    {
        TxnValidation.CheckDistinctKeys(request);
        lock (_sync)
        {
            foreach (var compare in request.Compares)
                if (!Holds(compare)) return ValueTask.FromResult(new TxnResult(false, _revision, compare));

            var revision = _revision + 1;
            var builder = _data.ToBuilder();
            var events = new List<WatchEvent>();
            foreach (var operation in request.Operations)
            {
                switch (operation)
                {
                    case Put put:
                        var previous = builder.GetValueOrDefault(put.Key);
                        var current = new KeyValue(put.Key, put.Value, previous?.CreateRevision ?? revision, revision);
                        builder[put.Key] = current;
                        events.Add(new WatchEvent(WatchEventType.Put, put.Key, revision, current, previous));
                        break;
                    case Delete delete:
                        if (builder.TryGetValue(delete.Key, out var deleted))
                        {
                            builder.Remove(delete.Key);
                            events.Add(new WatchEvent(WatchEventType.Delete, delete.Key, revision, null, deleted));
                        }
                        break;
                    case DeletePrefix range:
                        foreach (var (key, value) in RangeFrom(_data, range.Prefix).TakeWhile(p => p.Key.StartsWith(range.Prefix, StringComparison.Ordinal)))
                        {
                            builder.Remove(key);
                            events.Add(new WatchEvent(WatchEventType.Delete, key, revision, null, value));
                        }
                        break;
                }
            }
            if (events.Count == 0) return ValueTask.FromResult(new TxnResult(true, _revision));

            _data = builder.ToImmutable();
            _revision = revision;
            _history.AddRange(events);
            TrimHistory();
            foreach (var watcher in _watchers)
                if (Batch(events, watcher.Prefix, revision) is { } batch) watcher.Channel.Writer.TryWrite(batch);
            return ValueTask.FromResult(new TxnResult(true, revision));
        }
    }

    private bool Holds(Compare compare) => compare switch
    {
        KeyAbsent absent => !_data.ContainsKey(absent.Key),
        KeyAtRevision at => at.ModRevision == 0
            ? !_data.ContainsKey(at.Key)
            : _data.TryGetValue(at.Key, out var kv) && kv.ModRevision == at.ModRevision,
        _ => throw new ArgumentException("unknown compare " + compare.GetType().Name),
    };

    private void TrimHistory()
    {
        if (_history.Count <= HistoryLimit) return;
        // Forget whole revisions only: every event of the oldest kept revision stays.
        var keepFrom = _history[_history.Count - HistoryLimit].Revision;
        var cut = _history.FindIndex(e => e.Revision >= keepFrom);
        _history.RemoveRange(0, cut);
        _compacted = Math.Max(_compacted, keepFrom - 1);
    }

    private static WatchBatch? Batch(IReadOnlyList<WatchEvent> events, string prefix, long revision)
    {
        List<WatchEvent>? matching = null;
        foreach (var e in events)
            if (e.Key.StartsWith(prefix, StringComparison.Ordinal)) (matching ??= []).Add(e);
        return matching is null ? null : new WatchBatch(revision, matching);
    }

    public async IAsyncEnumerable<WatchBatch> WatchAsync(string prefix, long afterRevision, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var watcher = new Watcher(prefix, Channel.CreateUnbounded<WatchBatch>(new UnboundedChannelOptions { SingleReader = true }));
        var backlog = new List<WatchBatch>();
        lock (_sync)
        {
            if (afterRevision < _compacted) throw new RevisionCompactedException(afterRevision, _compacted);
            foreach (var commit in _history.Where(e => e.Revision > afterRevision).GroupBy(e => e.Revision))
                if (Batch(commit.ToList(), prefix, commit.Key) is { } batch) backlog.Add(batch);
            _watchers.Add(watcher);
        }
        try
        {
            foreach (var e in backlog) yield return e;
            await foreach (var e in watcher.Channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                yield return e;
        }
        finally
        {
            lock (_sync) _watchers.Remove(watcher);
        }
    }

    public ValueTask CompactAsync(long revision, CancellationToken cancellationToken = default)
    {
        lock (_sync)
        {
            if (revision <= _compacted) return ValueTask.CompletedTask;
            var upTo = Math.Min(revision, _revision);
            _history.RemoveAll(e => e.Revision <= upTo);
            _compacted = upTo;
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        lock (_sync)
            foreach (var watcher in _watchers) watcher.Channel.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }

    private sealed record Watcher(string Prefix, Channel<WatchBatch> Channel);
}
