using System.Net.Sockets;
using Npgsql;
using NpgsqlTypes;
using Turnstile.State;
using Turnstile.Storage.Feed;

namespace Turnstile.Storage.Postgres;

/// <summary>
/// The store shared by replicas: one PostgreSQL database with a row per key (<c>kv</c>, key <c>COLLATE "C"</c> so its
/// order is byte order), a row per change (<c>changes</c>) and one <c>meta</c> row holding the revision counter and the
/// compacted revision. A transaction reads what it needs in a REPEATABLE READ snapshot and evaluates its compares
/// there; to commit, it sets the counter (locking the row; a commit since the snapshot makes this fail, and the
/// transaction is evaluated again), writes its rows and changes and commits in the same batch. Commits are therefore
/// numbered in the order they become visible, so a reader of the changes table never finds a revision appearing
/// behind one it has already read. Each commit
/// notifies the channel <see cref="Channel"/>; every replica listens on a dedicated connection and reads the changes
/// table from its last revision, so its watchers see every write made through any replica, once and in order. A lost
/// connection is reopened and the table re-read from the last revision delivered.
/// </summary>
public sealed class PostgresStore : IStore, IChangeLog
{
    public const string Channel = "turnstile_changes";

    private static readonly string[] Schema =
    [
        """
        CREATE TABLE IF NOT EXISTS kv (
            key text COLLATE "C" PRIMARY KEY,
            value bytea NOT NULL,
            create_rev bigint NOT NULL,
            mod_rev bigint NOT NULL)
        """,
        """
        CREATE TABLE IF NOT EXISTS changes (
            revision bigint NOT NULL,
            seq integer NOT NULL,
            key text COLLATE "C" NOT NULL,
            type smallint NOT NULL,
            value bytea,
            create_rev bigint,
            prev_value bytea,
            prev_create_rev bigint,
            prev_mod_rev bigint,
            PRIMARY KEY (revision, seq))
        """,
        """
        CREATE TABLE IF NOT EXISTS meta (
            id integer PRIMARY KEY CHECK (id = 1),
            revision bigint NOT NULL,
            compacted bigint NOT NULL)
        """,
        "INSERT INTO meta (id, revision, compacted) VALUES (1, 0, 0) ON CONFLICT (id) DO NOTHING",
    ];

    /// <summary>Serializes schema creation when replicas start together (CREATE TABLE IF NOT EXISTS alone races).</summary>
    private const long SchemaLockId = 0x7475726e7374696c; // "turnstil"

    private const int Attempts = 3;

    private readonly NpgsqlDataSource _data;
    private readonly NpgsqlDataSource _listenData;
    private readonly ChangeFeed _feed;
    private readonly PeriodicCompactor _compactor;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _listener;

    private PostgresStore(PostgresLocation location, NpgsqlDataSource data, NpgsqlDataSource listenData, long head, StoreOptions options)
    {
        Location = location;
        _data = data;
        _listenData = listenData;
        _feed = new ChangeFeed(this, head, options.PollInterval);
        _listener = Task.Run(ListenAsync);
        _compactor = new PeriodicCompactor(this, options.CompactionInterval);
    }

    public PostgresLocation Location { get; }

    public string Description => Location.Description;

    /// <summary>Connects, creates the tables when missing and starts following the changes table.</summary>
    /// <exception cref="StoreUnavailableException">When the database cannot be reached or used.</exception>
    public static async Task<PostgresStore> OpenAsync(PostgresLocation location, StoreOptions? options = null, CancellationToken cancellationToken = default)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = location.Host,
            Port = location.Port,
            Database = location.Database,
            Username = location.User,
            Password = location.Password,
            ApplicationName = "turnstile",
            Timeout = 10,
            KeepAlive = 10,
            MaxAutoPrepare = 32,
            NoResetOnClose = true,
        };
        var data = NpgsqlDataSource.Create(builder.ConnectionString);
        builder.Pooling = false;
        var listenData = NpgsqlDataSource.Create(builder.ConnectionString);
        try
        {
            await using var connection = await data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (var batch = Batch(connection, ["BEGIN", $"SELECT pg_advisory_xact_lock({SchemaLockId})", .. Schema, "COMMIT"]))
                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            var head = (await ReadMetaAsync(connection, cancellationToken).ConfigureAwait(false)).Revision;
            return new PostgresStore(location, data, listenData, head, options ?? StoreOptions.Default);
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
        {
            await data.DisposeAsync().ConfigureAwait(false);
            await listenData.DisposeAsync().ConfigureAwait(false);
            throw new StoreUnavailableException($"cannot use the PostgreSQL store {location.Description}: {e.Message.ReplaceLineEndings(" ")}", e);
        }
    }

    public async ValueTask<long> GetRevisionAsync(CancellationToken cancellationToken = default)
    {
        var revision = await WithRetryAsync(async connection => (await ReadMetaAsync(connection, cancellationToken).ConfigureAwait(false)).Revision,
            cancellationToken).ConfigureAwait(false);
        _feed.Saw(revision);
        return revision;
    }

    public async ValueTask<KeyValue?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        await WithRetryAsync(async connection =>
        {
            await using var command = new NpgsqlCommand($"SELECT {StoredRows.ValueColumns} FROM kv WHERE key = @key", connection);
            command.Parameters.AddWithValue("key", key);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? StoredRows.ReadValue(reader) : null;
        }, cancellationToken).ConfigureAwait(false);

    public async ValueTask<ListResult> ListAsync(ListRequest request, CancellationToken cancellationToken = default)
    {
        var (tokenRevision, after) = ListPaging.Decode(request);
        var range = new KeyRange(request.Prefix, after);
        var items = tokenRevision is null
            ? $"SELECT {StoredRows.ValueColumns} FROM kv WHERE {range.Condition()} ORDER BY key LIMIT @limit"
            // At an older revision: the keys unchanged since, and the value each changed key had before its first
            // later change (none when it was created later).
            : $"""
                SELECT {StoredRows.ValueColumns} FROM (
                    SELECT {StoredRows.ValueColumns} FROM kv WHERE {range.Condition()} AND mod_rev <= @revision
                    UNION ALL
                    SELECT key, prev_value, prev_create_rev, prev_mod_rev FROM (
                        SELECT DISTINCT ON (key) key, prev_value, prev_create_rev, prev_mod_rev
                        FROM changes WHERE revision > @revision AND {range.Condition()} ORDER BY key, revision, seq) AS first_changes
                    WHERE prev_mod_rev IS NOT NULL) AS at_revision
                ORDER BY key LIMIT @limit
                """;
        var (head, compacted, values) = await WithRetryAsync(async connection =>
        {
            await using var batch = Batch(connection, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", "SELECT revision, compacted FROM meta WHERE id = 1", items, "COMMIT");
            var query = batch.BatchCommands[2];
            Bind(query, range);
            if (tokenRevision is { } at) query.Parameters.AddWithValue("revision", at);
            query.Parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Bigint) { Value = request.Limit > 0 ? request.Limit + 1L : DBNull.Value });
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var meta = await ReadMetaRowAsync(reader, cancellationToken).ConfigureAwait(false);
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            return (meta.Revision, meta.Compacted, await StoredRows.ReadValuesAsync(reader, cancellationToken).ConfigureAwait(false));
        }, cancellationToken).ConfigureAwait(false);
        var revision = ListPaging.Check(tokenRevision, head, compacted);
        return ListPaging.Page(values, request.Limit, revision);
    }

    public async ValueTask<TxnResult> TxnAsync(TxnRequest request, CancellationToken cancellationToken = default)
    {
        TxnValidation.CheckDistinctKeys(request);
        var connectionFailures = 0;
        while (true)
        {
            NpgsqlConnection? connection = null;
            TxnReads reads;
            try
            {
                connection = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                reads = await BeginAsync(connection, request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (++connectionFailures < Attempts && IsConnectionFailure(e))
            {
                // Nothing was written yet: a connection the server dropped (a restart) is safe to replace.
                if (connection is not null) await connection.DisposeAsync().ConfigureAwait(false);
                _data.Clear();
                continue;
            }
            catch
            {
                if (connection is not null) await AbandonAsync(connection).ConfigureAwait(false);
                throw;
            }
            try
            {
                var result = await FinishAsync(connection, request, reads, cancellationToken).ConfigureAwait(false);
                await connection.DisposeAsync().ConfigureAwait(false);
                return result;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.SerializationFailure)
            {
                // Another commit landed after this transaction's snapshot: evaluate it again on newer state.
                await AbandonAsync(connection).ConfigureAwait(false);
            }
            catch
            {
                await AbandonAsync(connection).ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>Rolls back whatever the connection has open (when it still works) and returns it to the pool.</summary>
    private static async Task AbandonAsync(NpgsqlConnection connection)
    {
        try
        {
            if (connection.FullState == System.Data.ConnectionState.Open)
            {
                await using var rollback = new NpgsqlCommand("ROLLBACK", connection);
                await rollback.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // A broken connection: the server has rolled the transaction back.
        }
        await connection.DisposeAsync().ConfigureAwait(false);
    }

    private sealed record TxnReads(long Head, Dictionary<string, KeyValue> Current, Dictionary<string, List<KeyValue>> Ranges);

    /// <summary>Round trip 1: begins a snapshot and reads the revision and every key and range the transaction touches.</summary>
    private static async Task<TxnReads> BeginAsync(NpgsqlConnection connection, TxnRequest request, CancellationToken cancellationToken)
    {
        var prefixes = TxnPlanner.Prefixes(request).Distinct(StateKey.Comparer).ToList();
        var statements = new List<string> { "BEGIN ISOLATION LEVEL REPEATABLE READ", "SELECT revision, compacted FROM meta WHERE id = 1", $"SELECT {StoredRows.ValueColumns} FROM kv WHERE key = ANY(@keys)" };
        var ranges = prefixes.Select(p => new KeyRange(p)).ToList();
        statements.AddRange(ranges.Select(r => $"SELECT {StoredRows.ValueColumns} FROM kv WHERE {r.Condition()} ORDER BY key"));
        await using var batch = Batch(connection, [.. statements]);
        batch.BatchCommands[2].Parameters.AddWithValue("keys", TxnPlanner.PointKeys(request).ToArray());
        for (var i = 0; i < ranges.Count; i++) Bind(batch.BatchCommands[3 + i], ranges[i]);

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var head = (await ReadMetaRowAsync(reader, cancellationToken).ConfigureAwait(false)).Revision;
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var current = (await StoredRows.ReadValuesAsync(reader, cancellationToken).ConfigureAwait(false)).ToDictionary(v => v.Key, StateKey.Comparer);
        var underPrefixes = new Dictionary<string, List<KeyValue>>(StateKey.Comparer);
        foreach (var prefix in prefixes)
        {
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            underPrefixes[prefix] = await StoredRows.ReadValuesAsync(reader, cancellationToken).ConfigureAwait(false);
        }
        return new TxnReads(head, current, underPrefixes);
    }

    /// <summary>
    /// Round trip 2: rolls back when a compare failed (at the snapshot's revision) or nothing changes; else sets the
    /// counter first, which locks it and fails with a serialization error if any commit came after the snapshot, then
    /// writes everything and commits, all in one batch, so the lock is held only while the server runs it.
    /// </summary>
    private async Task<TxnResult> FinishAsync(NpgsqlConnection connection, TxnRequest request, TxnReads reads, CancellationToken cancellationToken)
    {
        KeyValue? Current(string key) => reads.Current.GetValueOrDefault(key);
        var failed = TxnPlanner.FirstFailed(request, Current);
        var revision = reads.Head + 1;
        var events = failed is null ? TxnPlanner.Events(request, revision, Current, prefix => reads.Ranges[prefix]) : [];
        if (events.Count == 0)
        {
            await using var rollback = new NpgsqlCommand("ROLLBACK", connection);
            await rollback.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return new TxnResult(failed is null, reads.Head, failed);
        }

        var puts = events.Where(e => e.Current is not null).Select(e => e.Current!).ToList();
        var deletes = events.Where(e => e.Current is null).Select(e => e.Key).ToArray();
        var statements = new List<string> { "UPDATE meta SET revision = @revision WHERE id = 1" };
        if (puts.Count > 0)
            statements.Add("""
                INSERT INTO kv (key, value, create_rev, mod_rev)
                SELECT * FROM unnest(@keys::text[], @values::bytea[], @creates::bigint[], @mods::bigint[])
                ON CONFLICT (key) DO UPDATE SET value = excluded.value, create_rev = excluded.create_rev, mod_rev = excluded.mod_rev
                """);
        if (deletes.Length > 0) statements.Add("DELETE FROM kv WHERE key = ANY(@keys)");
        statements.Add($"""
            INSERT INTO changes (seq, {StoredRows.ChangeColumns})
            SELECT seq, @revision, key, type, value, create_rev, prev_value, prev_create_rev, prev_mod_rev
            FROM unnest(@seqs::integer[], @keys::text[], @types::smallint[], @values::bytea[], @creates::bigint[],
                        @prevValues::bytea[], @prevCreates::bigint[], @prevMods::bigint[])
                AS c (seq, key, type, value, create_rev, prev_value, prev_create_rev, prev_mod_rev)
            """);
        statements.Add($"SELECT pg_notify('{Channel}', @revision::text)");
        statements.Add("COMMIT");

        await using var batch = Batch(connection, [.. statements]);
        batch.BatchCommands[0].Parameters.AddWithValue("revision", revision);
        var index = 1;
        if (puts.Count > 0)
        {
            var upsert = batch.BatchCommands[index++].Parameters;
            upsert.AddWithValue("keys", puts.Select(p => p.Key).ToArray());
            upsert.AddWithValue("values", puts.Select(p => p.Value).ToArray());
            upsert.AddWithValue("creates", puts.Select(p => p.CreateRevision).ToArray());
            upsert.AddWithValue("mods", puts.Select(p => p.ModRevision).ToArray());
        }
        if (deletes.Length > 0) batch.BatchCommands[index++].Parameters.AddWithValue("keys", deletes);
        var changes = batch.BatchCommands[index++].Parameters;
        changes.AddWithValue("revision", revision);
        changes.AddWithValue("seqs", Enumerable.Range(0, events.Count).ToArray());
        changes.AddWithValue("keys", events.Select(e => e.Key).ToArray());
        changes.AddWithValue("types", events.Select(e => e.Current is null ? StoredRows.DeleteType : StoredRows.PutType).ToArray());
        changes.AddWithValue("values", events.Select(e => e.Current?.Value).ToArray());
        changes.AddWithValue("creates", events.Select(e => e.Current?.CreateRevision).ToArray());
        changes.AddWithValue("prevValues", events.Select(e => e.Previous?.Value).ToArray());
        changes.AddWithValue("prevCreates", events.Select(e => e.Previous?.CreateRevision).ToArray());
        changes.AddWithValue("prevMods", events.Select(e => e.Previous?.ModRevision).ToArray());
        batch.BatchCommands[index].Parameters.AddWithValue("revision", revision);
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        _feed.Publish(new WatchBatch(revision, events));
        return new TxnResult(true, revision);
    }

    public IAsyncEnumerable<WatchBatch> WatchAsync(string prefix, long afterRevision, CancellationToken cancellationToken = default) =>
        _feed.WatchAsync(prefix, afterRevision, cancellationToken);

    Task<ChangePage> IChangeLog.ReadChangesAsync(KeyRange range, long after, int maxRevisions, CancellationToken cancellationToken) =>
        WithRetryAsync(async connection =>
        {
            await using var batch = Batch(connection,
                "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
                "SELECT revision, compacted FROM meta WHERE id = 1",
                $"SELECT {StoredRows.ChangeColumns} FROM changes WHERE revision > @from AND revision <= @upTo AND {range.Condition()} ORDER BY revision, seq",
                "COMMIT");
            var query = batch.BatchCommands[2];
            query.Parameters.AddWithValue("from", after);
            query.Parameters.AddWithValue("upTo", after + maxRevisions);
            Bind(query, range);
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var (head, compacted) = await ReadMetaRowAsync(reader, cancellationToken).ConfigureAwait(false);
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            return new ChangePage(await StoredRows.ReadBatchesAsync(reader, cancellationToken).ConfigureAwait(false), head, compacted);
        }, cancellationToken);

    public async ValueTask CompactAsync(long revision, CancellationToken cancellationToken = default) =>
        await WithRetryAsync(async connection =>
        {
            // Raising the mark is what makes the history unreadable (readers check it in their snapshot); the rows go
            // afterwards, outside the commit lock, so writers do not wait for the delete.
            await using (var mark = new NpgsqlCommand("UPDATE meta SET compacted = LEAST(@upTo, revision) WHERE id = 1 AND compacted < LEAST(@upTo, revision)", connection))
            {
                mark.Parameters.AddWithValue("upTo", revision);
                await mark.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            await using var delete = new NpgsqlCommand("DELETE FROM changes WHERE revision <= (SELECT compacted FROM meta WHERE id = 1)", connection);
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);

    public async ValueTask ResetAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = Batch(connection,
            "BEGIN",
            "SELECT revision FROM meta WHERE id = 1 FOR UPDATE",
            "DELETE FROM kv",
            "DELETE FROM changes",
            "UPDATE meta SET revision = revision + 1, compacted = revision + 1 WHERE id = 1",
            $"SELECT pg_notify('{Channel}', revision::text) FROM meta WHERE id = 1",
            "COMMIT");
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        _feed.Poke();
    }

    /// <summary>Listens for other replicas' commits on a dedicated connection, reconnecting when it is lost.</summary>
    private async Task ListenAsync()
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _listenData.OpenConnectionAsync(_stop.Token).ConfigureAwait(false);
                connection.Notification += (_, _) => _feed.Poke();
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                    await listen.ExecuteNonQueryAsync(_stop.Token).ConfigureAwait(false);
                // Commits made while this replica was not listening.
                _feed.Poke();
                backoff = TimeSpan.FromMilliseconds(100);
                while (true) await connection.WaitAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception)
            {
                try { await Task.Delay(backoff, _stop.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    /// <summary>Runs a read (or an idempotent write) on a pooled connection, once more on a fresh one if the server dropped it.</summary>
    private async Task<T> WithRetryAsync<T>(Func<NpgsqlConnection, Task<T>> action, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                return await action(connection).ConfigureAwait(false);
            }
            catch (Exception e) when (attempt < Attempts && IsConnectionFailure(e))
            {
                _data.Clear();
            }
        }
    }

    private static bool IsConnectionFailure(Exception e) => e switch
    {
        // admin_shutdown, crash_shutdown, cannot_connect_now; connection_exception
        PostgresException p => p.SqlState.StartsWith("57P", StringComparison.Ordinal) || p.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException n => n.IsTransient,
        _ => false,
    };

    private static NpgsqlBatch Batch(NpgsqlConnection connection, params string[] statements)
    {
        var batch = new NpgsqlBatch(connection);
        foreach (var sql in statements) batch.BatchCommands.Add(new NpgsqlBatchCommand(sql));
        return batch;
    }

    private static void Bind(NpgsqlBatchCommand command, KeyRange range)
    {
        foreach (var (name, value) in range.Parameters()) command.Parameters.AddWithValue(name, value);
    }

    private static async Task<(long Revision, long Compacted)> ReadMetaAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT revision, compacted FROM meta WHERE id = 1", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await ReadMetaRowAsync(reader, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<(long Revision, long Compacted)> ReadMetaRowAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) throw new InvalidOperationException("the store's meta row is missing");
        return (reader.GetInt64(0), reader.FieldCount > 1 ? reader.GetInt64(1) : 0);
    }

    public async ValueTask DisposeAsync()
    {
        await _compactor.DisposeAsync().ConfigureAwait(false);
        await _stop.CancelAsync().ConfigureAwait(false);
        await _listener.ConfigureAwait(false);
        await _feed.DisposeAsync().ConfigureAwait(false);
        await _data.DisposeAsync().ConfigureAwait(false);
        await _listenData.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
