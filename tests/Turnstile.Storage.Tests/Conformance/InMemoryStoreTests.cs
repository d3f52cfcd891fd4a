using Turnstile.State;

namespace Turnstile.Storage.Tests.Conformance;

public sealed class InMemoryStoreTests : StoreConformanceTests
{
    protected override Task<IStore> OpenStoreAsync() => Task.FromResult<IStore>(new InMemoryStore());
}
