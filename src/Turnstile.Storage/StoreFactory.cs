using Turnstile.State;
using Turnstile.Storage.Postgres;
using Turnstile.Storage.Sqlite;

namespace Turnstile.Storage;

/// <summary>Opens the store a <see cref="StoreLocation"/> names.</summary>
public static class StoreFactory
{
    /// <summary>Opens (creating when missing) the store at <paramref name="location"/>.</summary>
    /// <exception cref="StoreUnavailableException">When it cannot be opened or reached (a one-line message, no password).</exception>
    public static async Task<IStore> OpenAsync(StoreLocation location, StoreOptions? options = null, CancellationToken cancellationToken = default) => location switch
    {
        MemoryLocation => new InMemoryStore(),
        SqliteLocation sqlite => SqliteStore.Open(sqlite.Path, options),
        PostgresLocation postgres => await PostgresStore.OpenAsync(postgres, options, cancellationToken).ConfigureAwait(false),
        _ => throw new ArgumentException("unknown store location " + location.GetType().Name, nameof(location)),
    };
}
