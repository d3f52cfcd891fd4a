using System.Text;
using BenchmarkDotNet.Attributes;
using Npgsql;
using Turnstile.State;
using Turnstile.Storage;
using Turnstile.Storage.Postgres;
using Turnstile.Storage.Sqlite;

namespace Turnstile.Benchmarks;

/// <summary>
/// A create (a Txn with a "key absent" compare and one put of a ~300-byte JSON value, as CreateUser makes) on a
/// store that starts every iteration empty or holding 50,000 keys: the issue wants the second at >= 80% of the first.
/// New keys interleave with the existing ones; the keys an iteration created are deleted before the next, so every
/// iteration starts at the same size. PostgreSQL needs TURNSTILE_TEST_POSTGRES (scripts/postgres-test.sh start).
/// </summary>
[MemoryDiagnoser]
[WarmupCount(2)]
[IterationCount(10)]
[InvocationCount(1000)]
public class StoreTxnBenchmarks
{
    private static readonly byte[] Value = Encoding.UTF8.GetBytes(
        """{"UserName":"user","UserId":"AIDAEXAMPLEUSERID0001","Arn":"arn:aws:iam::111122223333:user/user","Path":"/","CreateDate":"2026-12-02T00:00:00Z","Tags":[{"Key":"team","Value":"platform"}],"PermissionsBoundary":null,"AttachedPolicies":[],"Groups":[]}""");

    private IStore _store = null!;
    private string? _directory;
    private PostgresLocation? _database;
    private readonly List<string> _created = [];
    private int _next;

    [Params("sqlite", "postgresql")]
    public string Backend { get; set; } = "sqlite";

    [Params(0, 50_000)]
    public int ExistingKeys { get; set; }

    private static string UserKey(int i) => "/aws/iam/users/user-" + ((uint)HashCode.Combine(i, 7919)).ToString("x8") + i.ToString("x");

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        if (Backend == "sqlite")
        {
            _directory = Directory.CreateTempSubdirectory("turnstile-bench-").FullName;
            _store = SqliteStore.Open(Path.Combine(_directory, "bench.db"));
        }
        else
        {
            var admin = StoreLocation.Parse(Environment.GetEnvironmentVariable("TURNSTILE_TEST_POSTGRES")
                ?? throw new InvalidOperationException("set TURNSTILE_TEST_POSTGRES (eval \"$(bash scripts/postgres-test.sh start)\")")) as PostgresLocation
                ?? throw new InvalidOperationException("TURNSTILE_TEST_POSTGRES must be a postgresql:// location");
            _database = admin with { Database = "turnstile_bench_" + Guid.NewGuid().ToString("N") };
            await AdminAsync(admin, $"CREATE DATABASE {_database.Database}");
            _store = await PostgresStore.OpenAsync(_database);
        }
        for (var start = 0; start < ExistingKeys; start += 1000)
        {
            var operations = Enumerable.Range(start, Math.Min(1000, ExistingKeys - start)).Select(i => (Operation)new Put(UserKey(i), Value)).ToList();
            await _store.TxnAsync(new TxnRequest([], operations));
        }
        _next = 1_000_000;
    }

    [IterationSetup]
    public void ForgetCreated()
    {
        if (_created.Count == 0) return;
        _store.TxnAsync(new TxnRequest([], [.. _created.Select(k => new Delete(k))])).AsTask().GetAwaiter().GetResult();
        _created.Clear();
    }

    [Benchmark]
    public TxnResult Create()
    {
        var key = UserKey(_next++);
        _created.Add(key);
        var result = _store.TxnAsync(new TxnRequest([new KeyAbsent(key)], [new Put(key, Value)])).AsTask().GetAwaiter().GetResult();
        return result.Succeeded ? result : throw new InvalidOperationException("the key existed: " + key);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        if (_directory is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_directory, recursive: true);
        }
        if (_database is not null)
        {
            var admin = _database with { Database = "postgres" };
            AdminAsync(admin, $"DROP DATABASE IF EXISTS {_database.Database} WITH (FORCE)").GetAwaiter().GetResult();
        }
    }

    private static async Task AdminAsync(PostgresLocation admin, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder
        {
            Host = admin.Host, Port = admin.Port, Database = admin.Database, Username = admin.User, Password = admin.Password, Pooling = false,
        }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>Reads from the watch cache (every replica's in-memory copy) holding 50,000 Kubernetes objects.</summary>
[MemoryDiagnoser]
public class StateCacheBenchmarks
{
    private StateCache _cache = null!;
    private InMemoryStore _store = null!;

    [GlobalSetup]
    public void Setup()
    {
        _store = new InMemoryStore();
        var value = Encoding.UTF8.GetBytes("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","namespace":"y"},"data":{"k":"v"}}""");
        for (var ns = 0; ns < 500; ns++)
            _store.TxnAsync(new TxnRequest([], [.. Enumerable.Range(0, 100).Select(i => new Put(StateKey.KubeObject("c1", "", "configmaps", $"ns-{ns:D3}", $"cm-{i:D3}"), value))]))
                .AsTask().GetAwaiter().GetResult();
        _cache = StateCache.StartAsync(_store).GetAwaiter().GetResult();
    }

    [Benchmark]
    public KeyValue? Get() => _cache.Current.Get(StateKey.KubeObject("c1", "", "configmaps", "ns-417", "cm-042"));

    /// <summary>One namespace's 100 ConfigMaps.</summary>
    [Benchmark]
    public int ListNamespace()
    {
        var count = 0;
        foreach (var _ in _cache.Current.List(StateKey.KubeResource("c1", "", "configmaps", "ns-417"))) count++;
        return count;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _cache.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
