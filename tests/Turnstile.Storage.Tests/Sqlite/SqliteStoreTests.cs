using Turnstile.State;
using Turnstile.Storage.Sqlite;
using Turnstile.Storage.Tests.Conformance;

namespace Turnstile.Storage.Tests.Sqlite;

public sealed class SqliteStoreTests : StoreConformanceTests
{
    private readonly TemporaryDirectory _directory = new();

    protected override Task<IStore> OpenStoreAsync() => Task.FromResult<IStore>(SqliteStore.Open(Path.Combine(_directory.Path, "state.db")));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Dispose();
    }
}
