using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using Turnstile.State;

namespace Turnstile.Aws.Tests;

public sealed class OperationRunnerTests : IAsyncLifetime
{
    private const string Key = "/aws/test/thing";
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 0, 0, 0, TimeSpan.Zero);

    private readonly HeldBackStore _store = new();
    private StateCache _cache = null!;

    public async Task InitializeAsync() => _cache = await StateCache.StartAsync(_store);

    public async Task DisposeAsync() => await _cache.DisposeAsync();

    [Fact]
    public async Task A_read_only_call_that_finds_what_it_reads_completes_without_waiting()
    {
        _store.Release();
        await _cache.TxnAsync(new TxnRequest([], [new Put(Key, "1"u8.ToArray())]));

        var call = _cache.RunOperationAsync(new Service(), ReadOnly, Now, ReadThing);

        Assert.True(call.IsCompletedSuccessfully);
        Assert.Equal("1", await call);
    }

    [Fact]
    public async Task A_read_only_call_that_fails_on_a_stale_view_runs_again_on_a_fresh_one()
    {
        // Written through the store behind the cache's back: another replica's commit this replica has not seen yet.
        await _store.TxnAsync(new TxnRequest([], [new Put(Key, "2"u8.ToArray())]));
        Assert.Null(_cache.Current.Get(Key));
        var runs = 0;

        var value = await _cache.RunOperationAsync(new Service(), ReadOnly, Now, tx => { runs++; return ReadThing(tx); });

        Assert.Equal("2", value);
        Assert.Equal(2, runs);
    }

    [Fact]
    public async Task A_read_only_call_that_fails_on_current_state_fails_once_with_its_own_error()
    {
        _store.Release();
        var runs = 0;

        var error = await Assert.ThrowsAsync<AwsServiceException>(async () =>
            await _cache.RunOperationAsync(new Service(), ReadOnly, Now, tx => { runs++; return ReadThing(tx); }));

        Assert.Equal("NoSuchEntity", error.Code);
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task A_read_only_call_that_writes_is_run_again_and_its_write_committed()
    {
        _store.Release();

        await _cache.RunOperationAsync(new Service(), ReadOnly, Now, tx =>
        {
            tx.Put(Key, "3"u8.ToArray());
            return "";
        });

        Assert.Equal("3", Encoding.UTF8.GetString(_cache.Current.Get(Key)!.Value));
    }

    [Fact]
    public void A_transaction_made_for_reading_cannot_be_committed()
    {
        var tx = OptimisticTransaction.ForReading(SortedSnapshot.Empty);
        tx.Put(Key, [1]);

        Assert.Throws<InvalidOperationException>(() => tx.ToRequest());
    }

    private static readonly AwsOperation ReadOnly = new("GetThing", (_, _, _) => null, (_, _, _) => [], ReadOnly: true);

    private static string ReadThing(OptimisticTransaction tx) =>
        tx.Get(Key) is { } stored ? Encoding.UTF8.GetString(stored.Value) : throw new AwsServiceException("NoSuchEntity", "no thing", 404);

    private sealed class Service : IAwsService
    {
        public string SigningName => "test";
        public IReadOnlyDictionary<string, AwsOperation> Operations { get; } = new Dictionary<string, AwsOperation>();
    }

    /// <summary>
    /// A store whose change feed reaches the cache only once someone asks for its revision (a fresh read) or the test
    /// releases it: a replica that has not yet heard of another's commit, deterministically.
    /// </summary>
    private sealed class HeldBackStore : IStore
    {
        private readonly InMemoryStore _inner = new();
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _released.TrySetResult();

        public string Description => "held back";

        public ValueTask<long> GetRevisionAsync(CancellationToken cancellationToken = default)
        {
            Release();
            return _inner.GetRevisionAsync(cancellationToken);
        }

        public ValueTask<KeyValue?> GetAsync(string key, CancellationToken cancellationToken = default) => _inner.GetAsync(key, cancellationToken);

        public ValueTask<ListResult> ListAsync(ListRequest request, CancellationToken cancellationToken = default) => _inner.ListAsync(request, cancellationToken);

        public ValueTask<TxnResult> TxnAsync(TxnRequest request, CancellationToken cancellationToken = default) => _inner.TxnAsync(request, cancellationToken);

        public async IAsyncEnumerable<WatchBatch> WatchAsync(string prefix, long afterRevision, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await _released.Task.WaitAsync(cancellationToken);
            await foreach (var batch in _inner.WatchAsync(prefix, afterRevision, cancellationToken)) yield return batch;
        }

        public ValueTask CompactAsync(long revision, CancellationToken cancellationToken = default) => _inner.CompactAsync(revision, cancellationToken);

        public ValueTask ResetAsync(CancellationToken cancellationToken = default) => _inner.ResetAsync(cancellationToken);

        public ValueTask DisposeAsync() => _inner.DisposeAsync();
    }
}
