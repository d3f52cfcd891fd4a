using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Turnstile.State;
using Turnstile.Storage.Sqlite;
using static Turnstile.Storage.Tests.Conformance.StoreTestSupport;

namespace Turnstile.Storage.Tests.Sqlite;

/// <summary>
/// <c>kill -9</c> of a process in the middle of 8 concurrent writers: every write it acknowledged is in the file,
/// every transaction is whole, and SQLite's integrity check passes.
/// </summary>
public sealed class SqliteCrashTests : IDisposable
{
    private const int Writers = 8;
    private readonly TemporaryDirectory _directory = new();

    [Fact]
    public async Task Kill_9_under_concurrent_writers_loses_no_acknowledged_write()
    {
        if (OperatingSystem.IsWindows()) return;
        var path = Path.Combine(_directory.Path, "crash.db");
        var acknowledged = new Dictionary<int, int>();
        var maxRevision = 0L;

        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { typeof(CrashWriter).Assembly.Location, "sqlite-writer", path, Writers.ToString() }) start.ArgumentList.Add(arg);
        using var child = Process.Start(start)!;
        var stderr = child.StandardError.ReadToEndAsync();
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            Assert.Equal("ready", await child.StandardOutput.ReadLineAsync(limit.Token));
            var acks = 0;
            while (acks < 600 && await child.StandardOutput.ReadLineAsync(limit.Token) is { } line)
            {
                Record(line);
                acks++;
            }
            if (acks < 600) Assert.Fail("the writer stopped early: " + await stderr);
        }
        finally
        {
            child.Kill(); // SIGKILL: no finalizers, no flush, no checkpoint
            await child.WaitForExitAsync();
        }
        // Lines already in the pipe were acknowledged before the kill too.
        while (await child.StandardOutput.ReadLineAsync() is { } line) Record(line);

        await using (var store = SqliteStore.Open(path))
        {
            Assert.True(await store.GetRevisionAsync() >= maxRevision);
            foreach (var (writer, last) in acknowledged)
            {
                var keys = (await store.ListAsync(new ListRequest($"/crash/{writer}/"))).Items;
                var lastStored = int.Parse(Text((await store.GetAsync($"/crash/last/{writer}"))!));
                Assert.True(lastStored >= last, $"writer {writer}: acknowledged {last}, stored {lastStored}");
                // Whole transactions only: the keys are exactly 0..last stored.
                Assert.Equal(Enumerable.Range(0, lastStored + 1).Select(i => $"/crash/{writer}/{i:D6}"), keys.Select(k => k.Key));
            }
            // The store takes writes again.
            Assert.True((await store.PutAsync("/after-crash", "ok")).Succeeded);
        }

        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA integrity_check";
        Assert.Equal("ok", (string?)await check.ExecuteScalarAsync());

        void Record(string line)
        {
            var parts = line.Split(' ');
            Assert.Equal("ack", parts[0]);
            var (writer, index, revision) = (int.Parse(parts[1]), int.Parse(parts[2]), long.Parse(parts[3]));
            acknowledged[writer] = Math.Max(acknowledged.GetValueOrDefault(writer, -1), index);
            maxRevision = Math.Max(maxRevision, revision);
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }
}
