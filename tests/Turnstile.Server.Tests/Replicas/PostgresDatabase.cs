using Npgsql;

namespace Turnstile.Server.Tests.Replicas;

/// <summary>
/// A fresh PostgreSQL database for one test, on the server <c>TURNSTILE_TEST_POSTGRES</c> names (scripts/postgres-test.sh
/// starts one and exports it); dropped on dispose. Without the variable the test fails: it never skips.
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    public const string Variable = "TURNSTILE_TEST_POSTGRES";

    private readonly NpgsqlConnectionStringBuilder _admin;

    private PostgresDatabase(NpgsqlConnectionStringBuilder admin, string name, string location)
    {
        _admin = admin;
        Name = name;
        Location = location;
    }

    public string Name { get; }

    /// <summary>The database as <c>--store</c> takes it (<c>postgresql://USER:PASSWORD@HOST:PORT/DB</c>).</summary>
    public string Location { get; }

    public static async Task<PostgresDatabase> CreateAsync()
    {
        var server = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } text
            ? new Uri(text)
            : throw new InvalidOperationException($"{Variable} is not set: start PostgreSQL with `eval \"$(bash scripts/postgres-test.sh start)\"` (scripts/test.sh does)");
        var userInfo = server.UserInfo.Split(':', 2);
        var admin = new NpgsqlConnectionStringBuilder
        {
            Host = server.Host,
            Port = server.Port > 0 ? server.Port : 5432,
            Username = Uri.UnescapeDataString(userInfo[0]),
            Password = userInfo.Length > 1 ? Uri.UnescapeDataString(userInfo[1]) : null,
            Database = server.AbsolutePath.Trim('/') is { Length: > 0 } db ? db : "postgres",
            Pooling = false,
        };
        var name = "turnstile_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(admin.ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        var location = $"postgresql://{server.UserInfo}@{server.Host}:{admin.Port}/{name}";
        return new PostgresDatabase(admin, name, location);
    }

    public async ValueTask DisposeAsync()
    {
        await using var connection = new NpgsqlConnection(_admin.ConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
