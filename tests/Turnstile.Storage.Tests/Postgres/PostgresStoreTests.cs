using Turnstile.State;
using Turnstile.Storage.Postgres;
using Turnstile.Storage.Tests.Conformance;

namespace Turnstile.Storage.Tests.Postgres;

public sealed class PostgresStoreTests : StoreConformanceTests
{
    private PostgresLocation? _database;

    protected override async Task<IStore> OpenStoreAsync()
    {
        _database = await PostgresTestServer.CreateDatabaseAsync();
        return await PostgresStore.OpenAsync(_database);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_database is not null) await PostgresTestServer.DropDatabaseAsync(_database);
    }
}
