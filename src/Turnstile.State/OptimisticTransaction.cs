namespace Turnstile.State;

/// <summary>
/// One operation's reads and writes over a consistent view, committed with a compare on every key it read (its
/// revision, or absence), so the commit succeeds only if nothing it decided on changed meanwhile: serializable
/// for point reads. Range reads are not guarded; to protect a set of children, read and rewrite a parent key
/// that lists them. Reads see the transaction's own staged writes.
/// </summary>
public sealed class OptimisticTransaction(IStateView view)
{
    private readonly bool _untracked;

    // Made on first use: most transactions are a few point reads that never commit.
    private Dictionary<string, long>? _reads;
    private Dictionary<string, Operation>? _writes;
    private List<Operation>? _order;

    private OptimisticTransaction(IStateView view, bool untracked) : this(view) => _untracked = untracked;

    /// <summary>
    /// A transaction for a call that only reads: its reads are not recorded, so it cannot be committed
    /// (<see cref="ToRequest"/> refuses); a caller that finds it wrote must run the call again in a tracked one.
    /// </summary>
    public static OptimisticTransaction ForReading(IStateView view) => new(view, untracked: true);

    private Dictionary<string, long> Reads => _reads ??= new(StateKey.Comparer);
    private Dictionary<string, Operation> Writes => _writes ??= new(StateKey.Comparer);
    private List<Operation> Order => _order ??= [];

    public IStateView View { get; } = view;

    public long Revision => View.Revision;

    public bool HasWrites => _order is { Count: > 0 };

    public KeyValue? Get(string key)
    {
        if (_writes is not null && _writes.TryGetValue(key, out var staged))
            return staged is Put put ? new KeyValue(key, put.Value, 0, 0) : null;
        var value = View.Get(key);
        if (!_untracked) Reads.TryAdd(key, value?.ModRevision ?? 0);
        return value;
    }

    /// <summary>The view's keys under <paramref name="prefix"/> (not guarded, and without this transaction's writes).</summary>
    public IEnumerable<KeyValue> List(string prefix) => View.List(prefix);

    /// <summary>Fails the commit unless <paramref name="key"/> is still absent (for keys not read before).</summary>
    public void RequireAbsent(string key) => Reads.TryAdd(key, 0);

    public void Put(string key, byte[] value) => Stage(key, new Put(key, value));

    public void Delete(string key) => Stage(key, new Delete(key));

    public void DeletePrefix(string prefix)
    {
        foreach (var key in Writes.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList())
        {
            Order.Remove(Writes[key]);
            Writes.Remove(key);
        }
        Order.Add(new DeletePrefix(prefix));
    }

    private void Stage(string key, Operation operation)
    {
        if (Writes.TryGetValue(key, out var previous)) Order.Remove(previous);
        Writes[key] = operation;
        Order.Add(operation);
    }

    public TxnRequest ToRequest() => _untracked
        ? throw new InvalidOperationException("a transaction made for reading does not record its reads and cannot commit")
        : new((_reads ?? []).Select(r => r.Value == 0 ? (Compare)new KeyAbsent(r.Key) : new KeyAtRevision(r.Key, r.Value)).ToList(), Order.ToList());
}

/// <summary>Runs optimistic transactions against a <see cref="StateCache"/>, retrying when a compare fails.</summary>
public static class OptimisticRunner
{
    public const int DefaultAttempts = 32;

    /// <summary>
    /// Runs <paramref name="body"/> on a view (a fresh one when <paramref name="fresh"/>: it includes every write any
    /// replica committed before the call) and commits its writes; when something it read changed, runs it again
    /// on the state the cache has caught up to (which includes the conflicting commit). Exceptions from the body (validation errors) propagate and nothing is written.
    /// </summary>
    public static async Task<TResult> RunAsync<TResult>(this StateCache cache, Func<OptimisticTransaction, TResult> body, bool fresh = true,
        int attempts = DefaultAttempts, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            // After a conflict the cache already holds the revision the failed compare was evaluated at.
            var view = fresh && attempt == 1 ? await cache.ReadFreshAsync(cancellationToken).ConfigureAwait(false) : cache.Current;
            var transaction = new OptimisticTransaction(view);
            var result = body(transaction);
            if (!transaction.HasWrites) return result;
            var outcome = await cache.TxnAsync(transaction.ToRequest(), cancellationToken).ConfigureAwait(false);
            if (outcome.Succeeded) return result;
            if (attempt >= attempts) throw new ContentionException(attempts, outcome.FailedCompare?.Key);
        }
    }
}

/// <summary>A transaction kept losing to concurrent writers and gave up.</summary>
public sealed class ContentionException(int attempts, string? key)
    : Exception($"the operation conflicted with concurrent writes {attempts} times (last on {key ?? "?"}); try again");
