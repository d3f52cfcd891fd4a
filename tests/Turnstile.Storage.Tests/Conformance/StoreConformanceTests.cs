using Turnstile.State;
using static Turnstile.Storage.Tests.Conformance.StoreTestSupport;

namespace Turnstile.Storage.Tests.Conformance;

/// <summary>
/// What every <see cref="IStore"/> backend must do, run once per backend by a subclass: etcd's revision model,
/// all-or-nothing transactions with compares, consistent paged lists, a change feed with every commit once and in
/// order, compaction, and the <see cref="StateCache"/> and <see cref="OptimisticRunner"/> on top.
/// </summary>
public abstract class StoreConformanceTests : IAsyncLifetime
{
    protected IStore Store { get; private set; } = null!;

    /// <summary>Opens a fresh, empty store (called once per test).</summary>
    protected abstract Task<IStore> OpenStoreAsync();

    public virtual async Task InitializeAsync() => Store = await OpenStoreAsync();

    public virtual async Task DisposeAsync() => await Store.DisposeAsync();

    [Fact]
    public async Task A_new_store_is_empty_at_revision_zero()
    {
        Assert.Equal(0, await Store.GetRevisionAsync());
        Assert.Null(await Store.GetAsync("/a"));
        var all = await Store.ListAsync(new ListRequest("/"));
        Assert.Empty(all.Items);
        Assert.Equal(0, all.Revision);
        Assert.Null(all.Continue);
    }

    [Fact]
    public async Task Put_get_and_delete_carry_create_and_mod_revisions()
    {
        Assert.Equal(new TxnResult(true, 1), await Store.PutAsync("/a", "one"));
        var created = await Store.GetAsync("/a");
        Assert.Equal(("one", 1L, 1L), (Text(created!), created!.CreateRevision, created.ModRevision));

        Assert.Equal(new TxnResult(true, 2), await Store.PutAsync("/b", "other"));
        Assert.Equal(new TxnResult(true, 3), await Store.PutAsync("/a", "two"));
        var updated = await Store.GetAsync("/a");
        Assert.Equal(("two", 1L, 3L), (Text(updated!), updated!.CreateRevision, updated.ModRevision));

        Assert.Equal(new TxnResult(true, 4), await Store.DeleteAsync("/a"));
        Assert.Null(await Store.GetAsync("/a"));
        // Deleting what is not there changes nothing, and takes no revision.
        Assert.Equal(new TxnResult(true, 4), await Store.DeleteAsync("/a"));
        Assert.Equal(4, await Store.GetRevisionAsync());

        // Created again: a new create revision.
        Assert.Equal(new TxnResult(true, 5), await Store.PutAsync("/a", "three"));
        var recreated = await Store.GetAsync("/a");
        Assert.Equal((5L, 5L), (recreated!.CreateRevision, recreated.ModRevision));
        Assert.Equal(2, (await Store.GetAsync("/b"))!.ModRevision);
    }

    [Fact]
    public async Task Keys_and_values_round_trip_exactly()
    {
        string[] keys = ["/k/plain", "/k/with space", "/k/ünïcödé/名前", "/k/emoji-😀", "/k/percent%2Fslash", "/k/quote'\"", "/k/" + new string('x', 600)];
        byte[] binary = [0, 1, 2, 255, 254, 0x80, 0];
        var operations = keys.Select(k => (Operation)new Put(k, Bytes(k))).Append(new Put("/k/binary", binary)).Append(new Put("/k/empty", [])).ToArray();
        Assert.True((await Store.TxnAsync(TxnRequest.Of(operations))).Succeeded);
        foreach (var key in keys) Assert.Equal(key, Text((await Store.GetAsync(key))!));
        Assert.Equal(binary, (await Store.GetAsync("/k/binary"))!.Value);
        Assert.Empty((await Store.GetAsync("/k/empty"))!.Value);
        var listed = (await Store.ListAsync(new ListRequest("/k/"))).Items.Select(i => i.Key).ToList();
        Assert.Equal(listed.Order(StateKey.Comparer), listed);
        Assert.Equal(keys.Length + 2, listed.Count);
    }

    [Fact]
    public async Task One_transaction_is_one_revision()
    {
        var result = await Store.TxnAsync(TxnRequest.Of(new Put("/x/1", Bytes("a")), new Put("/x/2", Bytes("b")), new Put("/y", Bytes("c"))));
        Assert.Equal(new TxnResult(true, 1), result);
        Assert.All((await Store.ListAsync(new ListRequest("/"))).Items, item => Assert.Equal((1L, 1L), (item.CreateRevision, item.ModRevision)));
    }

    [Fact]
    public async Task DeletePrefix_removes_exactly_the_keys_under_the_prefix_in_one_revision()
    {
        await Store.TxnAsync(TxnRequest.Of(
            new Put("/kube/c1/core/configmaps/kube-system/aws-auth", Bytes("1")),
            new Put("/kube/c1/core/nodes/n1", Bytes("2")),
            new Put("/kube/c10/core/nodes/n1", Bytes("3")),
            new Put("/kube/c1", Bytes("4")),
            new Put("/aws/eks/clusters/c1", Bytes("5"))));
        var result = await Store.TxnAsync(TxnRequest.Of(new DeletePrefix("/kube/c1/"), new Delete("/aws/eks/clusters/c1")));
        Assert.Equal(new TxnResult(true, 2), result);
        var left = (await Store.ListAsync(new ListRequest("/"))).Items.Select(i => i.Key);
        Assert.Equal(["/kube/c1", "/kube/c10/core/nodes/n1"], left);

        // Nothing left under it: no change, no revision.
        Assert.Equal(new TxnResult(true, 2), await Store.TxnAsync(TxnRequest.Of(new DeletePrefix("/kube/c1/"))));
    }

    [Fact]
    public async Task Overlapping_DeletePrefix_operations_report_each_key_once()
    {
        await Store.TxnAsync(TxnRequest.Of(new Put("/p/a/1", Bytes("1")), new Put("/p/a/b/2", Bytes("2")), new Put("/p/c", Bytes("3"))));
        var result = await Store.TxnAsync(TxnRequest.Of(new DeletePrefix("/p/a/"), new DeletePrefix("/p/")));
        Assert.Equal(new TxnResult(true, 2), result);
        var batch = Assert.Single(await CollectUntilAsync(Store.WatchAsync("/", 1), 2));
        Assert.Equal(["/p/a/1", "/p/a/b/2", "/p/c"], batch.Events.Select(e => e.Key));
        Assert.All(batch.Events, e => Assert.Equal(WatchEventType.Delete, e.Type));
    }

    [Fact]
    public async Task KeyAbsent_creates_once()
    {
        var create = new TxnRequest([new KeyAbsent("/users/alice")], [new Put("/users/alice", Bytes("v1"))]);
        Assert.Equal(new TxnResult(true, 1), await Store.TxnAsync(create));
        var again = await Store.TxnAsync(create with { Operations = [new Put("/users/alice", Bytes("v2"))] });
        Assert.False(again.Succeeded);
        Assert.Equal(1, again.Revision);
        Assert.Equal(new KeyAbsent("/users/alice"), again.FailedCompare);
        Assert.Equal("v1", Text((await Store.GetAsync("/users/alice"))!));
    }

    [Fact]
    public async Task KeyAtRevision_is_compare_and_swap()
    {
        await Store.PutAsync("/counter", "1");
        await Store.PutAsync("/other", "x");
        var swap = new TxnRequest([new KeyAtRevision("/counter", 1)], [new Put("/counter", Bytes("2"))]);
        Assert.Equal(new TxnResult(true, 3), await Store.TxnAsync(swap));

        // The same swap again is stale now: it names the failed compare and the revision it was evaluated at.
        var stale = await Store.TxnAsync(swap);
        Assert.Equal(new TxnResult(false, 3, new KeyAtRevision("/counter", 1)), stale);
        Assert.Equal("2", Text((await Store.GetAsync("/counter"))!));

        // Revision 0 means absent.
        Assert.False((await Store.TxnAsync(new TxnRequest([new KeyAtRevision("/counter", 0)], [new Delete("/counter")]))).Succeeded);
        Assert.True((await Store.TxnAsync(new TxnRequest([new KeyAtRevision("/missing", 0)], [new Put("/missing", Bytes("m"))]))).Succeeded);
        // An absent key is at no revision.
        Assert.False((await Store.TxnAsync(new TxnRequest([new KeyAtRevision("/nothing", 3)], [new Put("/nothing", Bytes("n"))]))).Succeeded);
    }

    [Fact]
    public async Task A_transaction_is_all_or_nothing()
    {
        await Store.PutAsync("/a", "a1");
        await Store.PutAsync("/b", "b1");
        var request = new TxnRequest(
            [new KeyAtRevision("/a", 1), new KeyAbsent("/b"), new KeyAbsent("/c")],
            [new Put("/a", Bytes("a2")), new Delete("/b"), new Put("/c", Bytes("c1")), new DeletePrefix("/d/")]);
        var result = await Store.TxnAsync(request);
        Assert.Equal(new TxnResult(false, 2, new KeyAbsent("/b")), result);
        Assert.Equal(2, await Store.GetRevisionAsync());
        Assert.Equal(["/a", "/b"], (await Store.ListAsync(new ListRequest("/"))).Items.Select(i => i.Key));
        Assert.Equal("a1", Text((await Store.GetAsync("/a"))!));
    }

    [Fact]
    public async Task Duplicate_keys_in_one_transaction_are_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(async () => await Store.TxnAsync(TxnRequest.Of(new Put("/a", Bytes("1")), new Put("/a", Bytes("2")))));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Store.TxnAsync(TxnRequest.Of(new Put("/a", Bytes("1")), new Delete("/a"))));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Store.TxnAsync(TxnRequest.Of(new Put("/p/a", Bytes("1")), new DeletePrefix("/p/"))));
        Assert.Equal(0, await Store.GetRevisionAsync());
        Assert.Null(await Store.GetAsync("/a"));
    }

    [Fact]
    public async Task Concurrent_optimistic_increments_lose_no_update()
    {
        await using var cache = await StateCache.StartAsync(Store);
        const int writers = 8, increments = 100;
        var tasks = Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < increments; i++)
                await cache.RunAsync(txn =>
                {
                    var current = txn.Get("/counter") is { } kv ? int.Parse(Text(kv)) : 0;
                    txn.Put("/counter", Bytes((current + 1).ToString()));
                    return current;
                }, attempts: 10_000);
        })).ToList();
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromMinutes(2));
        var counter = (await Store.GetAsync("/counter"))!;
        Assert.Equal((writers * increments).ToString(), Text(counter));
        Assert.Equal(writers * increments, counter.ModRevision);
    }

    [Fact]
    public async Task Concurrent_creates_of_one_key_give_exactly_one_success()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(async () =>
            await Store.TxnAsync(new TxnRequest([new KeyAbsent("/entry")], [new Put("/entry", Bytes("writer " + i))])))));
        Assert.Single(results, r => r.Succeeded);
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(new KeyAbsent("/entry"), r.FailedCompare));
        Assert.Equal(1, await Store.GetRevisionAsync());
    }

    [Fact]
    public async Task Lists_page_with_limit_and_continue_in_key_order()
    {
        var keys = Enumerable.Range(0, 25).Select(i => $"/p/{i:D2}").ToList();
        await Store.TxnAsync(TxnRequest.Of([.. keys.Select(k => new Put(k, Bytes(k))), new Put("/p", Bytes("")), new Put("/p0", Bytes("")), new Put("/o/1", Bytes(""))]));

        var seen = new List<string>();
        var pages = new List<ListResult>();
        string? token = null;
        do
        {
            var page = await Store.ListAsync(new ListRequest("/p/", 10, token));
            pages.Add(page);
            seen.AddRange(page.Items.Select(i => i.Key));
            token = page.Continue;
        } while (token is not null);

        Assert.Equal(keys, seen);
        Assert.Equal([10, 10, 5], pages.Select(p => p.Items.Count));
        Assert.All(pages, p => Assert.Equal(1, p.Revision));
        if (pages[0].RemainingItemCount is { } remaining) Assert.Equal(15, remaining);

        // An exact page: no continue token.
        var exact = await Store.ListAsync(new ListRequest("/p/", 25));
        Assert.Equal(25, exact.Items.Count);
        Assert.Null(exact.Continue);
        Assert.Equal(28, (await Store.ListAsync(new ListRequest("/"))).Items.Count);
    }

    [Fact]
    public async Task Later_pages_show_the_state_at_the_first_pages_revision()
    {
        await Store.TxnAsync(TxnRequest.Of([.. Enumerable.Range(0, 6).Select(i => new Put($"/s/{i}", Bytes("v1")))]));
        var first = await Store.ListAsync(new ListRequest("/s/", 2));
        Assert.Equal(["/s/0", "/s/1"], first.Items.Select(i => i.Key));

        // Meanwhile: a key of a later page is updated, one deleted, one added, and one deleted and created again.
        await Store.PutAsync("/s/3", "v2");
        await Store.DeleteAsync("/s/4");
        await Store.PutAsync("/s/25", "new");
        await Store.DeleteAsync("/s/5");
        await Store.PutAsync("/s/5", "again");

        var rest = await Store.ListAsync(new ListRequest("/s/", 0, first.Continue));
        Assert.Equal(first.Revision, rest.Revision);
        Assert.Equal(["/s/2", "/s/3", "/s/4", "/s/5"], rest.Items.Select(i => i.Key));
        Assert.All(rest.Items, i => Assert.Equal(("v1", 1L, 1L), (Text(i), i.CreateRevision, i.ModRevision)));

        // A fresh list sees the new state.
        var now = await Store.ListAsync(new ListRequest("/s/"));
        Assert.Equal(["/s/0", "/s/1", "/s/2", "/s/25", "/s/3", "/s/5"], now.Items.Select(i => i.Key));
        Assert.Equal(6, now.Revision);
    }

    [Fact]
    public async Task Invalid_continue_tokens_are_refused()
    {
        await Store.TxnAsync(TxnRequest.Of([.. Enumerable.Range(0, 4).Select(i => new Put($"/t/{i}", Bytes("v")))]));
        var page = await Store.ListAsync(new ListRequest("/t/", 1));
        Assert.NotNull(page.Continue);

        await Assert.ThrowsAsync<InvalidContinueTokenException>(async () => await Store.ListAsync(new ListRequest("/t/", 1, "not a token!")));
        await Assert.ThrowsAsync<InvalidContinueTokenException>(async () => await Store.ListAsync(new ListRequest("/t/", 1, "eyJmb28iOjF9")));
        // A token of another list.
        await Assert.ThrowsAsync<InvalidContinueTokenException>(async () => await Store.ListAsync(new ListRequest("/u/", 1, page.Continue)));
        // A token from the future (not one this store issued).
        var forged = new ContinueToken(99, "/t/0").Encode();
        await Assert.ThrowsAsync<InvalidContinueTokenException>(async () => await Store.ListAsync(new ListRequest("/t/", 1, forged)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Store.ListAsync(new ListRequest("/t/", -1)));
    }

    [Fact]
    public async Task A_watch_from_a_revision_replays_every_commit_then_follows_live()
    {
        await Store.PutAsync("/w/a", "1");                                                     // 1
        await Store.PutAsync("/other", "x");                                                   // 2
        await Store.TxnAsync(TxnRequest.Of(new Put("/w/b", Bytes("2")), new Put("/w/a", Bytes("3"))));  // 3
        await Store.DeleteAsync("/w/a");                                                       // 4

        var watch = Store.WatchAsync("/w/", 1);
        var live = Task.Run(async () =>
        {
            await Task.Delay(100);
            await Store.PutAsync("/w/c", "4");                                                 // 5
            await Store.PutAsync("/other", "y");                                               // 6
            await Store.PutAsync("/w/c", "5");                                                 // 7
        });
        var batches = await CollectUntilAsync(watch, 7);
        await live;

        Assert.Equal([3L, 4L, 5L, 7L], batches.Select(b => b.Revision));
        var commit3 = batches[0].Events;
        Assert.Equal([("/w/b", WatchEventType.Put), ("/w/a", WatchEventType.Put)], commit3.Select(e => (e.Key, e.Type)));
        Assert.Null(commit3[0].Previous);
        Assert.Equal(("1", 1L, 1L), (Text(commit3[1].Previous!), commit3[1].Previous!.CreateRevision, commit3[1].Previous!.ModRevision));
        Assert.Equal(("3", 1L, 3L), (Text(commit3[1].Current!), commit3[1].Current!.CreateRevision, commit3[1].Current!.ModRevision));
        var delete = Assert.Single(batches[1].Events);
        Assert.Equal((WatchEventType.Delete, (KeyValue?)null, "3"), (delete.Type, delete.Current, Text(delete.Previous!)));
        Assert.Equal("5", Text(Assert.Single(batches[3].Events).Current!));
        Assert.All(batches, b => Assert.All(b.Events, e => Assert.Equal(b.Revision, e.Revision)));
    }

    [Fact]
    public async Task Watches_see_every_commit_exactly_once_and_in_order_while_writers_race()
    {
        await Store.PutAsync("/race/seed", "0");
        const int writers = 4, commits = 40;
        using var stop = new CancellationTokenSource();
        var watchers = new List<Task<List<WatchBatch>>>();
        var final = writers * commits + 1;
        watchers.Add(CollectUntilAsync(Store.WatchAsync("/race/", 1), final));
        var writing = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < commits; i++)
            {
                await Store.PutAsync($"/race/{w}/{i}", "v");
                // Watchers that join mid-race, from the revision each has just seen.
                if (w == 0 && i % 10 == 5)
                {
                    var from = await Store.GetRevisionAsync();
                    lock (watchers) watchers.Add(CollectUntilAsync(Store.WatchAsync("/race/", from), final));
                }
            }
        })).ToList();
        await Task.WhenAll(writing);
        Task<List<WatchBatch>>[] all;
        lock (watchers) all = [.. watchers];
        var results = await Task.WhenAll(all);

        foreach (var batches in results)
        {
            var revisions = batches.Select(b => b.Revision).ToList();
            Assert.Equal(Enumerable.Range((int)revisions[0], revisions.Count).Select(r => (long)r), revisions);
            Assert.Equal(final, revisions[^1]);
        }
        var everything = results[0].SelectMany(b => b.Events).Select(e => e.Key).ToList();
        Assert.Equal(writers * commits, everything.Count);
        Assert.Equal(writers * commits, everything.Distinct().Count());
    }

    [Fact]
    public async Task A_compacted_revision_is_too_old_for_watches_and_continue_tokens()
    {
        for (var i = 0; i < 5; i++) await Store.PutAsync($"/c/{i}", "v");
        var page = await Store.ListAsync(new ListRequest("/c/", 2));                           // at 5
        await Store.PutAsync("/c/5", "v");                                                     // 6
        await Store.PutAsync("/c/6", "v");                                                     // 7
        await Store.CompactAsync(6);

        var tooOld = await Assert.ThrowsAsync<RevisionCompactedException>(() => FirstAsync(Store.WatchAsync("/c/", 3)));
        Assert.Equal(6, tooOld.Compacted);
        await Assert.ThrowsAsync<RevisionCompactedException>(async () => await Store.ListAsync(new ListRequest("/c/", 2, page.Continue)));

        // From the compacted revision itself the history is complete.
        var batches = await CollectUntilAsync(Store.WatchAsync("/c/", 6), 7);
        Assert.Equal([7L], batches.Select(b => b.Revision));

        // Compacting further than the head stops at the head; compacting backwards does nothing.
        await Store.CompactAsync(100);
        await Store.CompactAsync(2);
        await Assert.ThrowsAsync<RevisionCompactedException>(() => FirstAsync(Store.WatchAsync("/c/", 6)));
        await Store.PutAsync("/c/7", "v");
        Assert.Equal(8, Assert.Single(await CollectUntilAsync(Store.WatchAsync("/c/", 7), 8)).Revision);
    }

    [Fact]
    public async Task Reset_empties_the_store_and_ends_watches()
    {
        await Store.PutAsync("/a", "1");
        await Store.PutAsync("/b", "2");
        using var limit = new CancellationTokenSource(Patience);
        await using var watch = Store.WatchAsync("/", 2).GetAsyncEnumerator(limit.Token);
        var next = watch.MoveNextAsync().AsTask();
        await Task.Delay(100);

        await Store.ResetAsync();

        await Assert.ThrowsAsync<RevisionCompactedException>(() => next);
        Assert.Empty((await Store.ListAsync(new ListRequest("/"))).Items);
        var revision = await Store.GetRevisionAsync();
        Assert.True(revision > 2, "the revision keeps growing across a reset");
        await Assert.ThrowsAsync<RevisionCompactedException>(() => FirstAsync(Store.WatchAsync("/", 2)));
        Assert.Equal(new TxnResult(true, revision + 1), await Store.PutAsync("/a", "again"));
        Assert.Equal(revision + 1, (await Store.GetAsync("/a"))!.CreateRevision);
    }

    [Fact]
    public async Task The_cache_reads_its_own_writes_and_waits_for_revisions()
    {
        await Store.PutAsync("/before", "1");
        await using var cache = await StateCache.StartAsync(Store);
        Assert.Equal(1, cache.Current.Revision);
        Assert.Equal("1", Text(cache.Current.Get("/before")!));

        var result = await cache.TxnAsync(TxnRequest.Of(new Put("/mine", Bytes("2"))));
        Assert.Equal("2", Text(cache.Current.Get("/mine")!));
        Assert.Equal(result.Revision, cache.Current.Revision);

        // A write made directly on the store: the cache gets it through the change feed.
        var direct = await Store.PutAsync("/direct", "3");
        await cache.WaitForRevisionAsync(direct.Revision).WaitAsync(Patience);
        Assert.Equal("3", Text(cache.Current.Get("/direct")!));
        var fresh = await cache.ReadFreshAsync();
        Assert.Equal(["/before", "/direct", "/mine"], fresh.List("/").Select(i => i.Key));
    }

    [Fact]
    public async Task The_cache_fans_commits_out_to_many_watchers()
    {
        await using var cache = await StateCache.StartAsync(Store);
        var watchers = Enumerable.Range(0, 20).Select(i => CollectUntilAsync(cache.WatchAsync(i % 2 == 0 ? "/" : "/even/", 0), 10)).ToList();
        for (var i = 1; i <= 10; i++) await cache.TxnAsync(TxnRequest.Of(new Put((i % 2 == 0 ? "/even/" : "/odd/") + i, Bytes("v"))));
        var results = await Task.WhenAll(watchers);
        for (var i = 0; i < results.Length; i++)
        {
            var expected = i % 2 == 0 ? Enumerable.Range(1, 10) : Enumerable.Range(1, 10).Where(r => r % 2 == 0);
            Assert.Equal(expected.Select(r => (long)r), results[i].Select(b => b.Revision));
        }
        await Assert.ThrowsAsync<RevisionCompactedException>(async () =>
        {
            await using var old = cache.WatchAsync("/", -1).GetAsyncEnumerator();
            await old.MoveNextAsync();
        });
    }

    [Fact]
    public async Task The_cache_relists_when_the_history_it_needs_is_gone()
    {
        await Store.PutAsync("/kept", "1");
        await using var cache = await StateCache.StartAsync(Store);
        using var limit = new CancellationTokenSource(Patience);
        await using var watch = cache.WatchAsync("/", cache.Current.Revision).GetAsyncEnumerator(limit.Token);
        var next = watch.MoveNextAsync().AsTask();

        await Store.ResetAsync();
        await Store.PutAsync("/after", "2");

        // The cache's watchers are told to relist; the cache itself reloads and carries on.
        await Assert.ThrowsAsync<RevisionCompactedException>(() => next);
        var view = await cache.ReadFreshAsync().WaitAsync(Patience);
        Assert.Equal(["/after"], view.List("/").Select(i => i.Key));
        await cache.TxnAsync(TxnRequest.Of(new Put("/later", Bytes("3"))));
        Assert.NotNull(cache.Current.Get("/later"));
    }
}
