using System.Globalization;
using Turnstile.Core.Kube;
using Turnstile.State;

namespace Turnstile.Kube.Storage;

/// <summary>The key of one object: where it lives in the state store, and how kube-apiserver would name it in etcd (for error texts).</summary>
public readonly record struct ObjectKey(string Key, string Display);

/// <summary>List options as the storage layer takes them (apiserver's <c>storage.ListOptions</c>).</summary>
public sealed record ListQuery
{
    public string ResourceVersion { get; init; } = "";
    public string ResourceVersionMatch { get; init; } = "";
    public long Limit { get; init; }
    public string Continue { get; init; } = "";
    public SelectionPredicate Predicate { get; init; } = SelectionPredicate.Everything;
}

/// <summary>Compares and writes that go into the same transaction as an object's own write (keys a strategy claims or releases).</summary>
public sealed record TxnExtras(IReadOnlyList<Compare> Compares, IReadOnlyList<Operation> Operations)
{
    public bool Owns(Compare? failed) => failed is not null && Compares.Any(c => c.Key == failed.Key);
}

/// <summary>A key the write claimed was taken by a concurrent write; the caller decides again on fresh state.</summary>
public sealed class ClaimConflictException() : Exception("a claimed key was taken concurrently");

/// <summary>One page of a list: the items, the revision it was read at, the continue token (empty when done).</summary>
public sealed record ListPage(IReadOnlyList<StoredObject> Items, long ResourceVersion, string Continue, long? RemainingItemCount);

/// <summary>
/// kube-apiserver's <c>storage.Interface</c> (etcd3 store plus watch cache) over the emulator's <see cref="StateCache"/>.
/// Objects are stored as canonical JSON without <c>metadata.resourceVersion</c>; reads set it from the value's
/// ModRevision. Lists with an exact or continued revision are served from a view rebuilt from the cache's window of
/// recent commits, so a revision older than that window is gone, like a compacted etcd revision.
/// </summary>
public sealed class KubeStorage(StateCache cache, TimeProvider? time = null)
{
    /// <summary>How long a read waits for the cache to reach a requested revision (the watch cache's blockTimeout).</summary>
    public static readonly TimeSpan FreshnessTimeout = TimeSpan.FromSeconds(3);

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public StateCache Cache { get; } = cache;

    public TimeProvider Time => _time;

    /// <summary>Reads one object: <c>""</c> the latest (a consistent read), <c>"0"</c> whatever the cache holds, N at least N.</summary>
    public async Task<StoredObject?> GetAsync(string key, string resourceVersion, CancellationToken cancellationToken = default)
    {
        var view = await ViewForReadAsync(resourceVersion, retrySeconds: 1, cancellationToken).ConfigureAwait(false);
        return view.Get(key) is { } kv ? StoredObject.From(kv) : null;
    }

    /// <summary>A consistent view: <c>""</c> fresh, <c>"0"</c> any, N not older than N (waiting up to <see cref="FreshnessTimeout"/>).</summary>
    public async Task<IStateView> ViewForReadAsync(string resourceVersion, int retrySeconds, CancellationToken cancellationToken)
    {
        var rv = ParseResourceVersion(resourceVersion);
        if (resourceVersion.Length == 0) return await Cache.ReadFreshAsync(cancellationToken).ConfigureAwait(false);
        if (rv > 0) await WaitForRevisionAsync(rv, retrySeconds, cancellationToken).ConfigureAwait(false);
        return Cache.Current;
    }

    private async Task WaitForRevisionAsync(long revision, int retrySeconds, CancellationToken cancellationToken)
    {
        if (Cache.Current.Revision >= revision) return;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(FreshnessTimeout);
        try
        {
            await Cache.WaitForRevisionAsync(revision, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new KubeApiException(StorageStatus.TooLargeResourceVersion(revision, Cache.Current.Revision, retrySeconds));
        }
    }

    /// <summary>apiserver's versioner: "" and "0" are 0, otherwise an unsigned decimal.</summary>
    /// <exception cref="KubeApiException">400 for anything else.</exception>
    public static long ParseResourceVersion(string resourceVersion)
    {
        if (resourceVersion is "" or "0") return 0;
        if (ulong.TryParse(resourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v <= long.MaxValue) return (long)v;
        var reason = resourceVersion.Length > 0 && resourceVersion.All(char.IsAsciiDigit) ? "value out of range" : "invalid syntax";
        throw KubeApiException.BadRequest(
            $"invalid resource version: resourceVersion: Invalid value: {GoJson.Quote(resourceVersion)}: strconv.ParseUint: parsing {GoJson.Quote(resourceVersion)}: {reason}");
    }

    /// <summary>Lists the objects under <paramref name="prefix"/> (which ends with '/') with kube's resourceVersion, limit and continue semantics.</summary>
    public async Task<ListPage> ListAsync(string prefix, ListQuery query, CancellationToken cancellationToken = default)
    {
        IStateView view;
        string? startKey = null;
        var limit = query.Limit;
        if (query.Continue.Length > 0)
        {
            if (query.ResourceVersion.Length > 0 && query.ResourceVersion != "0")
                throw KubeApiException.BadRequest("specifying resource version is not allowed when using continue");
            (startKey, var revision) = KubeContinueToken.Decode(query.Continue, prefix);
            view = revision > 0
                ? await ViewAtAsync(prefix, revision, startKey, cancellationToken).ConfigureAwait(false)
                : await Cache.ReadFreshAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var rv = ParseResourceVersion(query.ResourceVersion);
            var exact = query.ResourceVersionMatch == "Exact" || (query.ResourceVersionMatch.Length == 0 && rv > 0 && limit > 0);
            if (exact) view = await ViewAtAsync(prefix, rv, null, cancellationToken).ConfigureAwait(false);
            else
            {
                // The watch cache ignores the limit of a list at revision "0".
                if (query.ResourceVersion == "0") limit = 0;
                view = await ViewForReadAsync(query.ResourceVersion, retrySeconds: 1, cancellationToken).ConfigureAwait(false);
            }
        }
        return Page(view, prefix, startKey, limit, query.Predicate);
    }

    private static ListPage Page(IStateView view, string prefix, string? startKey, long limit, SelectionPredicate predicate)
    {
        var items = new List<StoredObject>();
        string? lastKey = null;
        var hasMore = false;
        long remaining = 0;
        foreach (var kv in view.List(prefix))
        {
            if (startKey is not null && StateKey.Comparer.Compare(kv.Key, startKey) < 0) continue;
            if (limit > 0 && items.Count >= limit)
            {
                hasMore = true;
                if (!predicate.IsEmpty) break;
                remaining++;
                continue;
            }
            if (!predicate.Matches(kv)) continue;
            items.Add(StoredObject.From(kv));
            lastKey = kv.Key;
        }
        if (!hasMore || lastKey is null) return new ListPage(items, view.Revision, "", null);
        var token = KubeContinueToken.Encode(lastKey, prefix, view.Revision);
        return new ListPage(items, view.Revision, token, predicate.IsEmpty ? remaining : null);
    }

    /// <summary>
    /// The state at <paramref name="revision"/> for keys under <paramref name="prefix"/>: the current view with every
    /// change made after that revision undone, from the cache's window of recent commits.
    /// </summary>
    private async Task<IStateView> ViewAtAsync(string prefix, long revision, string? continueKey, CancellationToken cancellationToken)
    {
        var current = Cache.Current;
        if (revision == current.Revision) return current;
        if (revision > current.Revision)
            throw new KubeApiException(StorageStatus.TooLargeResourceVersion(revision, current.Revision, 0));
        var before = new Dictionary<string, KeyValue?>(StateKey.Comparer);
        try
        {
            await foreach (var batch in Cache.WatchAsync("/", revision, cancellationToken).ConfigureAwait(false))
            {
                foreach (var e in batch.Events)
                    if (e.Key.StartsWith(prefix, StringComparison.Ordinal)) before.TryAdd(e.Key, e.Previous);
                if (batch.Revision >= current.Revision) break;
            }
        }
        catch (RevisionCompactedException)
        {
            if (continueKey is null) throw new KubeApiException(StorageStatus.Expired(StorageStatus.ListTooOld));
            throw new KubeApiException(StorageStatus.Expired(StorageStatus.InconsistentContinue) with
            {
                Continue = KubeContinueToken.WithRevision(continueKey, prefix, -1),
            });
        }
        return new HistoricView(current, revision, before);
    }

    /// <summary>Creates the object if its key is absent. A dry run only checks that.</summary>
    /// <exception cref="StorageException">KeyExists.</exception>
    public async Task<KubeObject> CreateAsync(ObjectKey key, KubeObject obj, bool dryRun, CancellationToken cancellationToken = default, TxnExtras? extras = null)
    {
        obj.ResourceVersion = "";
        obj.Canonicalize();
        if (dryRun)
        {
            if ((await Cache.ReadFreshAsync(cancellationToken).ConfigureAwait(false)).Get(key.Key) is not null)
                throw new StorageException(StorageErrorCode.KeyExists, key.Display, 0);
            return obj;
        }
        var result = await Cache.TxnAsync(Request(new KeyAbsent(key.Key), new Put(key.Key, obj.ToJsonBytes()), extras), cancellationToken)
            .ConfigureAwait(false);
        if (!result.Succeeded)
        {
            if (extras?.Owns(result.FailedCompare) == true) throw new ClaimConflictException();
            throw new StorageException(StorageErrorCode.KeyExists, key.Display, 0);
        }
        obj.ResourceVersion = result.Revision.ToString(CultureInfo.InvariantCulture);
        obj.Canonicalize();
        return obj;
    }

    /// <summary>
    /// apiserver's <c>GuaranteedUpdate</c>: reads the current object (null when absent and <paramref name="ignoreNotFound"/>),
    /// checks the preconditions, asks <paramref name="tryUpdate"/> for the new object, and writes it only if the key
    /// is still at the revision read; on a lost race it starts over on the newer state. An update that changes
    /// nothing writes nothing and returns the current object.
    /// </summary>
    /// <exception cref="StorageException">KeyNotFound, or InvalidObj for a failed precondition.</exception>
    public async Task<KubeObject> GuaranteedUpdateAsync(ObjectKey key, bool ignoreNotFound, Preconditions? preconditions,
        Func<KubeObject?, ValueTask<KubeObject>> tryUpdate, bool dryRun, CancellationToken cancellationToken = default, Func<TxnExtras?>? extras = null)
    {
        while (true)
        {
            var view = await Cache.ReadFreshAsync(cancellationToken).ConfigureAwait(false);
            var kv = view.Get(key.Key);
            if (kv is null && !ignoreNotFound) throw new StorageException(StorageErrorCode.KeyNotFound, key.Display, 0);
            var current = kv is null ? null : StoredObject.From(kv).ToObject();
            if (current is not null) preconditions?.Check(key.Display, current);
            var updated = await tryUpdate(current).ConfigureAwait(false);
            updated.ResourceVersion = "";
            updated.Canonicalize();
            var bytes = updated.ToJsonBytes();
            if (kv is not null && bytes.AsSpan().SequenceEqual(kv.Value))
            {
                updated.ResourceVersion = kv.ModRevision.ToString(CultureInfo.InvariantCulture);
                updated.Canonicalize();
                return updated;
            }
            if (dryRun)
            {
                updated.ResourceVersion = current?.ResourceVersion ?? "";
                updated.Canonicalize();
                return updated;
            }
            Compare guard = kv is null ? new KeyAbsent(key.Key) : new KeyAtRevision(key.Key, kv.ModRevision);
            var claimed = extras?.Invoke();
            var result = await Cache.TxnAsync(Request(guard, new Put(key.Key, bytes), claimed), cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                if (claimed?.Owns(result.FailedCompare) == true) throw new ClaimConflictException();
                continue;
            }
            updated.ResourceVersion = result.Revision.ToString(CultureInfo.InvariantCulture);
            updated.Canonicalize();
            return updated;
        }
    }

    /// <summary>
    /// Deletes the object if the preconditions and <paramref name="validate"/> hold for its current state, retrying on
    /// a lost race. Returns the deleted object at the deleting revision (a dry run returns it as it is).
    /// </summary>
    /// <exception cref="StorageException">KeyNotFound, or InvalidObj for a failed precondition.</exception>
    public async Task<KubeObject> DeleteAsync(ObjectKey key, Preconditions? preconditions, Func<KubeObject, ValueTask<TxnExtras?>>? validate, bool dryRun,
        CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var view = await Cache.ReadFreshAsync(cancellationToken).ConfigureAwait(false);
            var kv = view.Get(key.Key) ?? throw new StorageException(StorageErrorCode.KeyNotFound, key.Display, 0);
            var current = StoredObject.From(kv).ToObject();
            preconditions?.Check(key.Display, current);
            var extras = validate is null ? null : await validate(current).ConfigureAwait(false);
            if (dryRun) return current;
            var result = await Cache.TxnAsync(Request(new KeyAtRevision(key.Key, kv.ModRevision), new Delete(key.Key), extras), cancellationToken)
                .ConfigureAwait(false);
            if (!result.Succeeded) continue;
            return StoredObject.Deleted(kv, result.Revision).ToObject();
        }
    }

    private static TxnRequest Request(Compare guard, Operation write, TxnExtras? extras) =>
        extras is null ? new TxnRequest([guard], [write]) : new TxnRequest([guard, .. extras.Compares], [write, .. extras.Operations]);

    /// <summary>The state at a past revision for the keys a set of undone changes touched (read-only).</summary>
    private sealed class HistoricView(IStateView current, long revision, IReadOnlyDictionary<string, KeyValue?> before) : IStateView
    {
        public long Revision => revision;

        public KeyValue? Get(string key) => before.TryGetValue(key, out var old) ? old : current.Get(key);

        public IEnumerable<KeyValue> List(string prefix)
        {
            var items = current.List(prefix).Where(kv => !before.ContainsKey(kv.Key)).ToList();
            foreach (var (key, old) in before)
                if (old is not null && key.StartsWith(prefix, StringComparison.Ordinal)) items.Add(old);
            items.Sort((a, b) => StateKey.Comparer.Compare(a.Key, b.Key));
            return items;
        }
    }
}
