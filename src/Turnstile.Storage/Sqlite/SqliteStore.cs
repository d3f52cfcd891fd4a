using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Turnstile.State;
using Turnstile.Storage.Feed;

namespace Turnstile.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode with a row per key (<c>kv</c>, indexed by key, so a write costs
/// O(log n)), a row per change (<c>changes</c>, the watch history until compaction) and one <c>meta</c> row with the
/// current and compacted revisions. Every transaction is one SQLite transaction begun IMMEDIATE; writers of this
/// process take turns on one connection, readers use pooled connections and never wait for writers (WAL).
/// The file and its -wal/-shm companions are created 0600: they hold secret access keys.
/// Several processes may open one file: SQLite's lock orders their commits, and each process's change feed polls
/// the file for the others' commits (<see cref="StoreOptions.PollInterval"/>).
/// </summary>
public sealed class SqliteStore : IStore, IChangeLog
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS kv (
            key TEXT NOT NULL PRIMARY KEY,
            value BLOB NOT NULL,
            create_rev INTEGER NOT NULL,
            mod_rev INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS changes (
            id INTEGER PRIMARY KEY,
            revision INTEGER NOT NULL,
            key TEXT NOT NULL,
            type INTEGER NOT NULL,
            value BLOB,
            create_rev INTEGER,
            prev_value BLOB,
            prev_create_rev INTEGER,
            prev_mod_rev INTEGER);
        CREATE INDEX IF NOT EXISTS changes_by_revision ON changes (revision);
        CREATE TABLE IF NOT EXISTS meta (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            revision INTEGER NOT NULL,
            compacted INTEGER NOT NULL);
        INSERT OR IGNORE INTO meta (id, revision, compacted) VALUES (1, 0, 0);
        """;

    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly SemaphoreSlim _writeTurn = new(1, 1);
    private readonly WriterCommands _commands;
    private readonly ChangeFeed _feed;
    private readonly PeriodicCompactor _compactor;

    private SqliteStore(string path, StoreOptions options)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = true }.ToString();
        _writer = new SqliteConnection(_connectionString);
        try
        {
            _writer.Open();
            Execute(_writer, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;");
            using (var transaction = _writer.BeginTransaction(deferred: false))
            {
                Execute(_writer, Schema, transaction);
                transaction.Commit();
            }
            _commands = new WriterCommands(_writer);
        }
        catch
        {
            _writer.Dispose();
            SqliteConnection.ClearPool(_writer);
            throw;
        }
        _feed = new ChangeFeed(this, ReadMeta(_writer, null).Revision, options.PollInterval);
        _compactor = new PeriodicCompactor(this, options.CompactionInterval);
    }

    /// <summary>
    /// Opens (creating when missing, with its directory) the store in the SQLite file at <paramref name="path"/>.
    /// </summary>
    /// <exception cref="StoreUnavailableException">When the file cannot be created or is not a store.</exception>
    public static SqliteStore Open(string path, StoreOptions? options = null)
    {
        var full = System.IO.Path.GetFullPath(path);
        try
        {
            CreatePrivately(full);
            return new SqliteStore(full, options ?? StoreOptions.Default);
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new StoreUnavailableException($"cannot open the SQLite store {full}: {OneLine(e.Message)}", e);
        }
    }

    /// <summary>The database file's absolute path.</summary>
    public string Path { get; }

    public string Description => "sqlite " + Path;

    /// <summary>Creates the file and its WAL companions owner-only (0600) before SQLite first opens them.</summary>
    private static void CreatePrivately(string path)
    {
        var directory = System.IO.Path.GetDirectoryName(path)!;
        if (!Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
            else Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        if (OperatingSystem.IsWindows()) return;
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            if (File.Exists(file)) continue;
            try
            {
                using var created = new FileStream(file, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew,
                    Access = FileAccess.Write,
                    UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                });
            }
            catch (IOException) when (File.Exists(file))
            {
                // Another process created it first.
            }
        }
    }

    public ValueTask<long> GetRevisionAsync(CancellationToken cancellationToken = default)
    {
        using var connection = OpenReader();
        var revision = ReadMeta(connection, null).Revision;
        _feed.Saw(revision);
        return ValueTask.FromResult(revision);
    }

    public ValueTask<KeyValue?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {StoredRows.ValueColumns} FROM kv WHERE key = @key";
        command.Parameters.AddWithValue("@key", key);
        using var reader = command.ExecuteReader();
        return ValueTask.FromResult(reader.Read() ? StoredRows.ReadValue(reader) : null);
    }

    public async ValueTask<ListResult> ListAsync(ListRequest request, CancellationToken cancellationToken = default)
    {
        using var connection = OpenReader();
        using var snapshot = connection.BeginTransaction(deferred: true);
        var (head, compacted) = ReadMeta(connection, snapshot);
        var (revision, after) = ListPaging.Resolve(request, head, compacted);
        var range = new KeyRange(request.Prefix, after);
        using var command = connection.CreateCommand();
        command.Transaction = snapshot;
        command.CommandText = revision == head
            ? $"SELECT {StoredRows.ValueColumns} FROM kv WHERE {range.Condition()} ORDER BY key LIMIT @limit"
            // At an older revision: the keys unchanged since, and the value each changed key had before its first
            // later change (none when it was created later).
            : $"""
                SELECT {StoredRows.ValueColumns} FROM kv WHERE {range.Condition()} AND mod_rev <= @revision
                UNION ALL
                SELECT key, prev_value, prev_create_rev, prev_mod_rev FROM (
                    SELECT key, prev_value, prev_create_rev, prev_mod_rev, min(id)
                    FROM changes WHERE revision > @revision AND {range.Condition()} GROUP BY key)
                WHERE prev_mod_rev IS NOT NULL
                ORDER BY key LIMIT @limit
                """;
        Bind(command, range);
        command.Parameters.AddWithValue("@revision", revision);
        command.Parameters.AddWithValue("@limit", request.Limit > 0 ? request.Limit + 1 : -1);
        using var reader = command.ExecuteReader();
        var items = await StoredRows.ReadValuesAsync(reader, cancellationToken).ConfigureAwait(false);
        return ListPaging.Page(items, request.Limit, revision);
    }

    public async ValueTask<TxnResult> TxnAsync(TxnRequest request, CancellationToken cancellationToken = default)
    {
        TxnValidation.CheckDistinctKeys(request);
        await _writeTurn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var transaction = _writer.BeginTransaction(deferred: false);
            _commands.Enlist(transaction);
            var head = ReadMeta(_writer, transaction).Revision;
            var read = new Dictionary<string, KeyValue?>(StateKey.Comparer);
            KeyValue? Current(string key) => read.TryGetValue(key, out var value) ? value : read[key] = _commands.Get(key);

            if (TxnPlanner.FirstFailed(request, Current) is { } failed) return new TxnResult(false, head, failed);
            var revision = head + 1;
            var events = TxnPlanner.Events(request, revision, Current, _commands.Range);
            if (events.Count == 0) return new TxnResult(true, head);

            for (var i = 0; i < events.Count; i++) _commands.Apply(events[i]);
            _commands.SetRevision(revision);
            transaction.Commit();
            _feed.Publish(new WatchBatch(revision, events));
            return new TxnResult(true, revision);
        }
        finally
        {
            _writeTurn.Release();
        }
    }

    public IAsyncEnumerable<WatchBatch> WatchAsync(string prefix, long afterRevision, CancellationToken cancellationToken = default) =>
        _feed.WatchAsync(prefix, afterRevision, cancellationToken);

    async Task<ChangePage> IChangeLog.ReadChangesAsync(KeyRange range, long after, int maxRevisions, CancellationToken cancellationToken)
    {
        using var connection = OpenReader();
        using var snapshot = connection.BeginTransaction(deferred: true);
        var (head, compacted) = ReadMeta(connection, snapshot);
        using var command = connection.CreateCommand();
        command.Transaction = snapshot;
        command.CommandText = $"""
            SELECT {StoredRows.ChangeColumns} FROM changes
            WHERE revision > @from AND revision <= @upTo AND {range.Condition()} ORDER BY id
            """;
        command.Parameters.AddWithValue("@from", after);
        command.Parameters.AddWithValue("@upTo", after + maxRevisions);
        Bind(command, range);
        using var reader = command.ExecuteReader();
        var batches = await StoredRows.ReadBatchesAsync(reader, cancellationToken).ConfigureAwait(false);
        return new ChangePage(batches, head, compacted);
    }

    public async ValueTask CompactAsync(long revision, CancellationToken cancellationToken = default)
    {
        await _writeTurn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var transaction = _writer.BeginTransaction(deferred: false);
            var (head, compacted) = ReadMeta(_writer, transaction);
            var upTo = Math.Min(revision, head);
            if (upTo <= compacted) return;
            Execute(_writer, "DELETE FROM changes WHERE revision <= @upTo; UPDATE meta SET compacted = @upTo WHERE id = 1;", transaction, ("@upTo", upTo));
            transaction.Commit();
        }
        finally
        {
            _writeTurn.Release();
        }
    }

    public async ValueTask ResetAsync(CancellationToken cancellationToken = default)
    {
        await _writeTurn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var transaction = _writer.BeginTransaction(deferred: false);
            Execute(_writer, """
                DELETE FROM kv;
                DELETE FROM changes;
                UPDATE meta SET revision = revision + 1, compacted = revision + 1 WHERE id = 1;
                """, transaction);
            transaction.Commit();
        }
        finally
        {
            _writeTurn.Release();
        }
        _feed.Poke();
    }

    private SqliteConnection OpenReader()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private static (long Revision, long Compacted) ReadMeta(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT revision, compacted FROM meta WHERE id = 1";
        using var reader = command.ExecuteReader();
        if (!reader.Read()) throw new InvalidOperationException("the store's meta row is missing");
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private static void Bind(SqliteCommand command, KeyRange range)
    {
        foreach (var (name, value) in range.Parameters()) command.Parameters.AddWithValue("@" + name, value);
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        command.ExecuteNonQuery();
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();

    public async ValueTask DisposeAsync()
    {
        await _compactor.DisposeAsync().ConfigureAwait(false);
        await _feed.DisposeAsync().ConfigureAwait(false);
        await _writeTurn.WaitAsync().ConfigureAwait(false);
        _commands.Dispose();
        _writer.Dispose();
        SqliteConnection.ClearPool(_writer);
        _writeTurn.Dispose();
    }

    /// <summary>The writer connection's prepared statements, reused by every transaction.</summary>
    private sealed class WriterCommands : IDisposable
    {
        private readonly SqliteCommand _get;
        private readonly SqliteCommand _upsert;
        private readonly SqliteCommand _delete;
        private readonly SqliteCommand _change;
        private readonly SqliteCommand _setRevision;
        private readonly SqliteConnection _connection;
        private SqliteTransaction? _transaction;

        public WriterCommands(SqliteConnection connection)
        {
            _connection = connection;
            _get = Command($"SELECT {StoredRows.ValueColumns} FROM kv WHERE key = @key", "@key");
            _upsert = Command("""
                INSERT INTO kv (key, value, create_rev, mod_rev) VALUES (@key, @value, @create, @mod)
                ON CONFLICT (key) DO UPDATE SET value = excluded.value, create_rev = excluded.create_rev, mod_rev = excluded.mod_rev
                """, "@key", "@value", "@create", "@mod");
            _delete = Command("DELETE FROM kv WHERE key = @key", "@key");
            _change = Command($"INSERT INTO changes ({StoredRows.ChangeColumns}) VALUES (@revision, @key, @type, @value, @create, @prevValue, @prevCreate, @prevMod)",
                "@revision", "@key", "@type", "@value", "@create", "@prevValue", "@prevCreate", "@prevMod");
            _setRevision = Command("UPDATE meta SET revision = @revision WHERE id = 1", "@revision");
        }

        private SqliteCommand Command(string sql, params string[] parameters)
        {
            var command = _connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in parameters) command.Parameters.Add(new SqliteParameter { ParameterName = name });
            command.Prepare();
            return command;
        }

        public void Enlist(SqliteTransaction transaction) => _transaction = transaction;

        private SqliteCommand With(SqliteCommand command, params object?[] values)
        {
            command.Transaction = _transaction;
            for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i] ?? DBNull.Value;
            return command;
        }

        public KeyValue? Get(string key)
        {
            using var reader = With(_get, key).ExecuteReader();
            return reader.Read() ? StoredRows.ReadValue(reader) : null;
        }

        public IEnumerable<KeyValue> Range(string prefix)
        {
            var range = new KeyRange(prefix);
            using var command = _connection.CreateCommand();
            command.Transaction = _transaction;
            command.CommandText = $"SELECT {StoredRows.ValueColumns} FROM kv WHERE {range.Condition()} ORDER BY key";
            Bind(command, range);
            using var reader = command.ExecuteReader();
            var values = new List<KeyValue>();
            while (reader.Read()) values.Add(StoredRows.ReadValue(reader));
            return values;
        }

        public void Apply(WatchEvent e)
        {
            if (e.Current is { } current) With(_upsert, e.Key, current.Value, current.CreateRevision, current.ModRevision).ExecuteNonQuery();
            else With(_delete, e.Key).ExecuteNonQuery();
            With(_change, e.Revision, e.Key, e.Current is null ? StoredRows.DeleteType : StoredRows.PutType, e.Current?.Value, e.Current?.CreateRevision,
                e.Previous?.Value, e.Previous?.CreateRevision, e.Previous?.ModRevision).ExecuteNonQuery();
        }

        public void SetRevision(long revision) => With(_setRevision, revision).ExecuteNonQuery();

        public void Dispose()
        {
            foreach (var command in new[] { _get, _upsert, _delete, _change, _setRevision }) command.Dispose();
        }
    }
}
