using Turnstile.State;
using Turnstile.Storage.Postgres;
using static Turnstile.Storage.Tests.Conformance.StoreTestSupport;

namespace Turnstile.Storage.Tests.Postgres;

/// <summary>Two store instances ("replicas") on one database behave as one store.</summary>
public sealed class PostgresReplicaTests : IAsyncLifetime
{
    private PostgresLocation _database = null!;
    private PostgresStore _a = null!;
    private PostgresStore _b = null!;

    public async Task InitializeAsync()
    {
        _database = await PostgresTestServer.CreateDatabaseAsync();
        // Two replicas starting together both create the schema safely.
        var opening = await Task.WhenAll(PostgresStore.OpenAsync(_database), PostgresStore.OpenAsync(_database));
        (_a, _b) = (opening[0], opening[1]);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await PostgresTestServer.DropDatabaseAsync(_database);
    }

    [Fact]
    public async Task A_watch_on_one_replica_sees_writes_made_through_the_other()
    {
        var watch = CollectUntilAsync(_b.WatchAsync("/", 0), 4);
        await _a.PutAsync("/a", "1");
        await _b.PutAsync("/b", "2");
        await _a.TxnAsync(TxnRequest.Of(new Put("/a", Bytes("3")), new Put("/c", Bytes("4"))));
        await _a.DeleteAsync("/b");
        var batches = await watch;
        Assert.Equal([1L, 2L, 3L, 4L], batches.Select(b => b.Revision));
        Assert.Equal(["/a", "/c"], batches[2].Events.Select(e => e.Key));
        Assert.Equal("2", Text(batches[3].Events[0].Previous!));
    }

    [Fact]
    public async Task Racing_writers_on_both_replicas_are_seen_once_and_in_order_on_each()
    {
        const int commits = 60;
        var onA = CollectUntilAsync(_a.WatchAsync("/", 0), commits);
        var onB = CollectUntilAsync(_b.WatchAsync("/", 0), commits);
        await Task.WhenAll(Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < commits / 6; i++) await (w % 2 == 0 ? _a : _b).PutAsync($"/r/{w}/{i}", "v");
        })));
        foreach (var batches in await Task.WhenAll(onA, onB))
            Assert.Equal(Enumerable.Range(1, commits).Select(r => (long)r), batches.Select(b => b.Revision));
    }

    [Fact]
    public async Task A_cache_on_one_replica_catches_up_with_the_other()
    {
        await using var cacheA = await StateCache.StartAsync(_a);
        await using var cacheB = await StateCache.StartAsync(_b);
        await cacheA.TxnAsync(TxnRequest.Of(new Put("/aws/iam/users/alice", Bytes("{}"))));
        // A fresh read on B includes every write committed anywhere before it.
        Assert.NotNull((await cacheB.ReadFreshAsync().WaitAsync(Patience)).Get("/aws/iam/users/alice"));

        // Optimistic transactions on both replicas: no lost update.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
                await (w % 2 == 0 ? cacheA : cacheB).RunAsync(txn =>
                {
                    var n = txn.Get("/n") is { } kv ? int.Parse(Text(kv)) : 0;
                    txn.Put("/n", Bytes((n + 1).ToString()));
                    return n;
                }, attempts: 10_000);
        })));
        Assert.Equal("100", Text((await cacheA.ReadFreshAsync()).Get("/n")!));
        Assert.Equal("100", Text((await cacheB.ReadFreshAsync()).Get("/n")!));
    }

    [Fact]
    public async Task Fifty_concurrent_creates_over_two_replicas_give_exactly_one_success()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(async () =>
            await (i % 2 == 0 ? _a : _b).TxnAsync(new TxnRequest(
                [new KeyAbsent("/aws/eks/clusters/c/access-entries/p")],
                [new Put("/aws/eks/clusters/c/access-entries/p", Bytes("writer " + i))])))));
        Assert.Single(results, r => r.Succeeded);
        Assert.Equal(49, results.Count(r => r.FailedCompare is KeyAbsent));
    }

    [Fact]
    public async Task Watches_and_writes_survive_lost_connections()
    {
        await _a.PutAsync("/before", "1");
        var watch = CollectUntilAsync(_b.WatchAsync("/", 0), 3);
        await Task.Delay(200);

        // Every session of both replicas ends, as in a server restart: pooled connections and the listeners.
        await PostgresTestServer.TerminateSessionsAsync(_database);
        await _a.PutAsync("/after", "2");
        await _b.PutAsync("/after-b", "3");

        Assert.Equal([1L, 2L, 3L], (await watch).Select(b => b.Revision));
        Assert.Equal("2", Text((await _b.GetAsync("/after"))!));
    }

    [Fact]
    public async Task Reset_through_one_replica_ends_the_watches_of_the_other()
    {
        await _a.PutAsync("/a", "1");
        using var limit = new CancellationTokenSource(Patience);
        await using var watch = _b.WatchAsync("/", 1).GetAsyncEnumerator(limit.Token);
        var next = watch.MoveNextAsync().AsTask();
        await Task.Delay(200);
        await _a.ResetAsync();
        await Assert.ThrowsAsync<RevisionCompactedException>(() => next);
        Assert.Null(await _b.GetAsync("/a"));
    }

    [Fact]
    public async Task An_unreachable_server_is_reported_in_one_line_without_the_password()
    {
        var closed = _database with { Host = "127.0.0.1", Port = FreePort(), Password = "s3cret-pw" };
        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => PostgresStore.OpenAsync(closed));
        Assert.StartsWith($"cannot use the PostgreSQL store postgresql://{closed.User}@127.0.0.1:{closed.Port}/{closed.Database}: ", error.Message);
        Assert.DoesNotContain("s3cret-pw", error.Message);
        Assert.DoesNotContain('\n', error.Message);

        var wrongPassword = _database with { Password = "s3cret-pw" };
        var refused = await Assert.ThrowsAsync<StoreUnavailableException>(() => PostgresStore.OpenAsync(wrongPassword));
        Assert.Contains("password authentication failed", refused.Message);
        Assert.DoesNotContain("s3cret-pw", refused.Message);
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        try { return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port; }
        finally { listener.Stop(); }
    }
}
