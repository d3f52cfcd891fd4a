using Turnstile.State;
using Turnstile.Storage.Sqlite;
using Turnstile.Storage.Tests.Conformance;
using static Turnstile.Storage.Tests.Conformance.StoreTestSupport;

namespace Turnstile.Storage.Tests.Sqlite;

/// <summary>What only a file-backed store must do: persist, protect its file, share it between processes, compact.</summary>
public sealed class SqliteFileTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    private string DatabasePath => Path.Combine(_directory.Path, "data", "turnstile.db");

    [Fact]
    public async Task Reopening_keeps_values_revisions_and_history()
    {
        await using (var store = SqliteStore.Open(DatabasePath))
        {
            await store.PutAsync("/a", "1");
            await store.PutAsync("/b", "2");
            await store.PutAsync("/a", "3");
            await store.DeleteAsync("/b");
        }
        await using (var reopened = SqliteStore.Open(DatabasePath))
        {
            Assert.Equal(4, await reopened.GetRevisionAsync());
            var a = (await reopened.GetAsync("/a"))!;
            Assert.Equal(("3", 1L, 3L), (Text(a), a.CreateRevision, a.ModRevision));
            Assert.Null(await reopened.GetAsync("/b"));
            var history = await CollectUntilAsync(reopened.WatchAsync("/", 0), 4);
            Assert.Equal([1L, 2L, 3L, 4L], history.Select(b => b.Revision));
            Assert.Equal(new TxnResult(true, 5), await reopened.PutAsync("/c", "4"));
        }
    }

    [Fact]
    public async Task The_file_and_its_companions_are_private_to_the_owner()
    {
        if (OperatingSystem.IsWindows()) return;
        await using var store = SqliteStore.Open(DatabasePath);
        await store.PutAsync("/aws/iam/access-keys/AKIA", "secret");
        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        foreach (var file in new[] { DatabasePath, DatabasePath + "-wal", DatabasePath + "-shm" })
        {
            Assert.True(File.Exists(file), file + " exists");
            Assert.Equal(ownerOnly, File.GetUnixFileMode(file));
        }
        Assert.Equal(ownerOnly | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(DatabasePath)!));
        Assert.Equal("sqlite " + DatabasePath, store.Description);
    }

    [Fact]
    public async Task Two_instances_on_one_file_act_as_one_store()
    {
        var options = new StoreOptions { PollInterval = TimeSpan.FromMilliseconds(100) };
        await using var a = SqliteStore.Open(DatabasePath, options);
        await using var b = SqliteStore.Open(DatabasePath, options);

        var watch = CollectUntilAsync(b.WatchAsync("/", 0), 3);
        await a.PutAsync("/from-a", "1");
        await b.PutAsync("/from-b", "2");
        await a.PutAsync("/from-a", "3");
        Assert.Equal([1L, 2L, 3L], (await watch).Select(w => w.Revision));

        await using var cache = await StateCache.StartAsync(b);
        await a.PutAsync("/late", "4");
        Assert.NotNull((await cache.ReadFreshAsync().WaitAsync(Patience)).Get("/late"));

        var creates = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
            await (i % 2 == 0 ? a : b).TxnAsync(new TxnRequest([new KeyAbsent("/one")], [new Put("/one", Bytes(i.ToString()))])))));
        Assert.Single(creates, c => c.Succeeded);
    }

    [Fact]
    public async Task History_is_compacted_automatically()
    {
        await using var store = SqliteStore.Open(DatabasePath, new StoreOptions { CompactionInterval = TimeSpan.FromMilliseconds(100) });
        for (var i = 0; i < 5; i++) await store.PutAsync("/k/" + i, "v");
        await EventuallyAsync(async () =>
        {
            try
            {
                await FirstAsync(store.WatchAsync("/", 0));
                return false;
            }
            catch (RevisionCompactedException e)
            {
                return e.Compacted == 5;
            }
        }, "compaction up to revision 5");
        Assert.Equal(5, (await store.ListAsync(new ListRequest("/"))).Items.Count);
    }

    [Fact]
    public async Task A_file_that_is_not_a_store_is_refused_in_one_line()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        await File.WriteAllTextAsync(DatabasePath, new string('x', 4096));
        var error = Assert.Throws<StoreUnavailableException>(() => SqliteStore.Open(DatabasePath));
        Assert.StartsWith($"cannot open the SQLite store {DatabasePath}: ", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }
}
