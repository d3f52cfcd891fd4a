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
        List<WatchEvent> changedSince;
        long revision;
        string? after;
        lock (_sync)
        {
            (revision, after) = ListPaging.Resolve(request, _revision, _compacted);
            data = _data;
            var firstChange = revision == _revision ? _history.Count : FirstAfter(revision);
            changedSince = _history.GetRange(firstChange, _history.Count - firstChange);
        }
        var atRevision = ValuesAt(data, changedSince, request.Prefix, after, revision);
        var items = (request.Limit > 0 ? atRevision.Take(request.Limit + 1) : atRevision).ToList();
        return ValueTask.FromResult(ListPaging.Page(items, request.Limit, revision,
            last => ValuesAt(data, changedSince, request.Prefix, last, revision).LongCount()));
    }

    /// <summary>
    /// The values under <paramref name="prefix"/> after the key <paramref name="after"/> as they were at
    /// <paramref name="revision"/>, in key order, given <paramref name="changedSince"/> (the history after it).
    /// </summary>
    private static IEnumerable<KeyValue> ValuesAt(ImmutableSortedDictionary<string, KeyValue> data, List<WatchEvent> changedSince, string prefix,
        string? after, long revision)
    {
        bool InRange(string key) => key.StartsWith(prefix, StringComparison.Ordinal) && (after is null || StateKey.Comparer.Compare(key, after) > 0);
        var unchanged = RangeFrom(data, after ?? prefix)
            .TakeWhile(p => p.Key.StartsWith(prefix, StringComparison.Ordinal))
            .Select(p => p.Value)
            .Where(v => v.ModRevision <= revision && InRange(v.Key));
        if (changedSince.Count == 0) return unchanged;
        // The first change of a key after the revision holds its value at the revision (null: it did not exist).
        var older = new SortedDictionary<string, KeyValue?>(StateKey.Comparer);
        foreach (var e in changedSince)
            if (InRange(e.Key)) older.TryAdd(e.Key, e.Previous);
        return ListPaging.Merge(unchanged, older.Values.OfType<KeyValue>());
    }

    private int FirstAfter(long revision)
    {
        int lo = 0, hi = _history.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (_history[mid].Revision <= revision) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    // ImmutableSortedDictionary has no range seek; a linear skip is fine for the sizes tests and --store memory hold.
    private static IEnumerable<KeyValuePair<string, KeyValue>> RangeFrom(ImmutableSortedDictionary<string, KeyValue> data, string start) =>
        data.SkipWhile(pair => StateKey.Comparer.Compare(pair.Key, start) < 0);

    public ValueTask<TxnResult> TxnAsync(TxnRequest request, CancellationToken cancellationToken = default)
    {
        TxnValidation.CheckDistinctKeys(request);
        lock (_sync)
        {
            var data = _data;
            KeyValue? Current(string key) => data.GetValueOrDefault(key);
            if (TxnPlanner.FirstFailed(request, Current) is { } failed) return ValueTask.FromResult(new TxnResult(false, _revision, failed));

            var revision = _revision + 1;
            var events = TxnPlanner.Events(request, revision, Current,
                prefix => RangeFrom(data, prefix).TakeWhile(p => p.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(p => p.Value));
            if (events.Count == 0) return ValueTask.FromResult(new TxnResult(true, _revision));

            var builder = data.ToBuilder();
            foreach (var e in events)
                if (e.Current is { } put) builder[e.Key] = put;
                else builder.Remove(e.Key);
            _data = builder.ToImmutable();
            _revision = revision;
            _history.AddRange(events);
            TrimHistory();
            foreach (var watcher in _watchers)
                if (Batch(events, watcher.Prefix, revision) is { } batch) watcher.Channel.Writer.TryWrite(batch);
            return ValueTask.FromResult(new TxnResult(true, revision));
        }
    }

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

    public ValueTask ResetAsync(CancellationToken cancellationToken = default)
    {
        lock (_sync)
        {
            _data = _data.Clear();
            _history.Clear();
            _revision++;
            _compacted = _revision;
            foreach (var watcher in _watchers) watcher.Channel.Writer.TryComplete(new RevisionCompactedException(_revision - 1, _compacted));
            _watchers.Clear();
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
