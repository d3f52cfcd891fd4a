using Npgsql;

namespace Turnstile.Storage.Tests.Postgres;

/// <summary>
/// The PostgreSQL server the tests use, named by <c>TURNSTILE_TEST_POSTGRES</c> (a postgresql:// location whose user
/// may create databases). Each test gets a database of its own, dropped afterwards. Tests that need the server fail,
/// never skip, when it is missing.
/// </summary>
public static class PostgresTestServer
{
    public const string Variable = "TURNSTILE_TEST_POSTGRES";

    private const string HowToStart =
        "start the test server with `eval \"$(bash scripts/postgres-test.sh start)\"` (scripts/test.sh and .ci/run do this), " +
        "or set " + Variable + " to postgresql://USER:PASSWORD@HOST:PORT/DB for a server where USER may create databases";

    public static PostgresLocation Admin
    {
        get
        {
            var text = Environment.GetEnvironmentVariable(Variable);
            if (string.IsNullOrWhiteSpace(text)) throw new InvalidOperationException($"{Variable} is not set: {HowToStart}");
            return StoreLocation.Parse(text) as PostgresLocation
                ?? throw new InvalidOperationException($"{Variable} must be a postgresql:// location: {HowToStart}");
        }
    }

    /// <summary>Creates an empty database for one test and returns its location.</summary>
    public static async Task<PostgresLocation> CreateDatabaseAsync()
    {
        var admin = Admin;
        var name = "turnstile_test_" + Guid.NewGuid().ToString("N");
        try
        {
            await using var connection = await OpenAdminAsync(admin);
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name} STRATEGY FILE_COPY", connection);
            await create.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException e) when (e is not PostgresException)
        {
            throw new InvalidOperationException($"cannot reach the test PostgreSQL at {admin.Description} ({e.Message}): {HowToStart}", e);
        }
        return admin with { Database = name };
    }

    public static async Task DropDatabaseAsync(PostgresLocation database)
    {
        await using var connection = await OpenAdminAsync(Admin);
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database.Database} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>Ends every session on <paramref name="database"/> as a server restart would (the store must recover).</summary>
    public static async Task TerminateSessionsAsync(PostgresLocation database)
    {
        await using var connection = await OpenAdminAsync(Admin);
        await using var terminate = new NpgsqlCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @db AND pid <> pg_backend_pid()", connection);
        terminate.Parameters.AddWithValue("db", database.Database);
        await terminate.ExecuteScalarAsync();
    }

    private static async Task<NpgsqlConnection> OpenAdminAsync(PostgresLocation admin)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder
        {
            Host = admin.Host, Port = admin.Port, Database = admin.Database, Username = admin.User, Password = admin.Password, Pooling = false, Timeout = 5,
        }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
