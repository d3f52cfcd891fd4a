using Microsoft.Data.Sqlite;
using Turnstile.Aws.State;

namespace Turnstile.Storage;

/// <summary>
/// The default store: one SQLite database (WAL journal) with a table of JSON documents keyed by
/// (collection, key). Every commit is one transaction, so an API call is persisted entirely or not at all.
/// </summary>
public sealed class SqliteStateStore : IStateStore
{
    private readonly SqliteConnection _connection;
    private readonly Lock _sync = new();

    public string Path { get; }
    public string Description => "sqlite " + Path;

    public SqliteStateStore(string path)
    {
        Path = path;
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        Execute("PRAGMA journal_mode=WAL;");
        Execute("PRAGMA synchronous=NORMAL;");
        Execute("PRAGMA busy_timeout=5000;");
        Execute("""
            CREATE TABLE IF NOT EXISTS documents (
                collection TEXT NOT NULL,
                key TEXT NOT NULL,
                json TEXT NOT NULL,
                PRIMARY KEY (collection, key)
            ) WITHOUT ROWID;
            """);
    }

    public IReadOnlyList<(string Key, string Json)> Load(string collection)
    {
        lock (_sync)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT key, json FROM documents WHERE collection = $c ORDER BY key";
            command.Parameters.AddWithValue("$c", collection);
            using var reader = command.ExecuteReader();
            var result = new List<(string, string)>();
            while (reader.Read()) result.Add((reader.GetString(0), reader.GetString(1)));
            return result;
        }
    }

    public void Commit(IReadOnlyList<StateChange> changes)
    {
        if (changes.Count == 0) return;
        lock (_sync)
        {
            using var transaction = _connection.BeginTransaction();
            using var put = _connection.CreateCommand();
            put.Transaction = transaction;
            put.CommandText = "INSERT INTO documents (collection, key, json) VALUES ($c, $k, $j) ON CONFLICT (collection, key) DO UPDATE SET json = excluded.json";
            var pc = put.Parameters.Add("$c", SqliteType.Text);
            var pk = put.Parameters.Add("$k", SqliteType.Text);
            var pj = put.Parameters.Add("$j", SqliteType.Text);
            using var delete = _connection.CreateCommand();
            delete.Transaction = transaction;
            delete.CommandText = "DELETE FROM documents WHERE collection = $c AND key = $k";
            var dc = delete.Parameters.Add("$c", SqliteType.Text);
            var dk = delete.Parameters.Add("$k", SqliteType.Text);
            foreach (var change in changes)
            {
                switch (change)
                {
                    case PutState p:
                        pc.Value = p.Collection; pk.Value = p.Key; pj.Value = p.Json;
                        put.ExecuteNonQuery();
                        break;
                    case DeleteState d:
                        dc.Value = d.Collection; dk.Value = d.Key;
                        delete.ExecuteNonQuery();
                        break;
                }
            }
            transaction.Commit();
        }
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        _connection.Dispose();
        SqliteConnection.ClearAllPools();
    }
}
