using Turnstile.State;
using Turnstile.Storage.Sqlite;
using Turnstile.Storage.Tests.Sqlite;

namespace Turnstile.Storage.Tests.Locations;

public sealed class StoreLocationTests
{
    [Fact]
    public void Memory_and_sqlite_locations_parse()
    {
        Assert.IsType<MemoryLocation>(StoreLocation.Parse("memory"));
        Assert.Equal("memory (state is lost on exit)", StoreLocation.Parse(" memory ").Description);
        var sqlite = Assert.IsType<SqliteLocation>(StoreLocation.Parse("sqlite:/var/lib/turnstile/state.db"));
        Assert.Equal("/var/lib/turnstile/state.db", sqlite.Path);
        Assert.Equal("sqlite " + Path.GetFullPath("relative/state.db"), StoreLocation.Parse("sqlite:relative/state.db").Description);
    }

    [Theory]
    [InlineData("postgresql://turnstile:pw@db.example:6543/emulator", "db.example", 6543, "emulator", "turnstile", "pw")]
    [InlineData("postgres://turnstile@localhost/emulator", "localhost", 5432, "emulator", "turnstile", null)]
    [InlineData("postgresql://us%40er:p%3Aw%2F@[::1]:5433/db", "::1", 5433, "db", "us@er", "p:w/")]
    [InlineData("postgresql://u:p@ss@host/db", "host", 5432, "db", "u", "p@ss")]
    public void Postgres_urls_parse(string text, string host, int port, string database, string user, string? password)
    {
        var location = Assert.IsType<PostgresLocation>(StoreLocation.Parse(text));
        Assert.Equal(new PostgresLocation(host, port, database, user, password), location);
    }

    [Fact]
    public void The_description_never_shows_the_password()
    {
        var location = StoreLocation.Parse("postgresql://turnstile:hunter2@db:5432/emulator");
        Assert.Equal("postgresql://turnstile@db:5432/emulator", location.Description);
        Assert.Equal(location.Description, location.ToString());
        Assert.Equal("postgresql://turnstile@[::1]:5432/emulator", StoreLocation.Parse("postgresql://turnstile:hunter2@[::1]/emulator").Description);
    }

    [Theory]
    [InlineData("", "the store location is empty; expected memory, sqlite:PATH or postgresql://USER[:PASSWORD]@HOST[:PORT]/DB")]
    [InlineData("mysql:/tmp/db", "unknown store location \"mysql:/tmp/db\"; expected memory, sqlite:PATH or postgresql://USER[:PASSWORD]@HOST[:PORT]/DB")]
    [InlineData("sqlite:", "the store location sqlite: needs a file path, as in sqlite:/var/lib/turnstile/turnstile.db")]
    [InlineData("postgresql://host/db", "invalid postgresql:// store location: the user name is missing; expected postgresql://USER[:PASSWORD]@HOST[:PORT]/DB")]
    [InlineData("postgresql://u:secret@host", "invalid postgresql:// store location: the database name is missing; expected postgresql://USER[:PASSWORD]@HOST[:PORT]/DB")]
    [InlineData("postgres://u:secret@host:99999/db", "invalid postgres:// store location: the port must be a number from 1 to 65535; expected postgres://USER[:PASSWORD]@HOST[:PORT]/DB")]
    [InlineData("postgresql://u:secret@host:x/db", "invalid postgresql:// store location: the port must be a number from 1 to 65535; expected postgresql://USER[:PASSWORD]@HOST[:PORT]/DB")]
    [InlineData("postgresql://u:secret@/db", "invalid postgresql:// store location: the host is missing; expected postgresql://USER[:PASSWORD]@HOST[:PORT]/DB")]
    [InlineData("postgresql://u:secret@host/db?sslmode=require", "invalid postgresql:// store location: query parameters and fragments are not supported; expected postgresql://USER[:PASSWORD]@HOST[:PORT]/DB")]
    [InlineData("mysql://u:secret@h/db", "unknown store location; expected memory, sqlite:PATH or postgresql://USER[:PASSWORD]@HOST[:PORT]/DB")]
    public void Bad_locations_get_one_line_errors_without_secrets(string text, string message)
    {
        var error = Assert.Throws<FormatException>(() => StoreLocation.Parse(text));
        Assert.Equal(message, error.Message);
        Assert.DoesNotContain("secret", error.Message);
    }

    [Fact]
    public async Task The_factory_opens_each_kind()
    {
        await using (var memory = await StoreFactory.OpenAsync(StoreLocation.Parse("memory")))
            Assert.IsType<InMemoryStore>(memory);

        using var directory = new TemporaryDirectory();
        var path = Path.Combine(directory.Path, "f.db");
        await using (var sqlite = await StoreFactory.OpenAsync(StoreLocation.Parse("sqlite:" + path)))
        {
            Assert.IsType<SqliteStore>(sqlite);
            Assert.Equal("sqlite " + path, sqlite.Description);
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
