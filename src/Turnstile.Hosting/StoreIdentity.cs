using System.Text.Json;
using Turnstile.State;

namespace Turnstile.Hosting;

/// <summary>
/// Which account and region a store belongs to, written at <see cref="Key"/> when the store is first used: a store
/// holds one account's IAM principals, keys and ARNs, so serving it as another account or region would answer with
/// ARNs that do not match what it holds.
/// </summary>
public sealed record StoreIdentity(string AccountId, string Region, DateTimeOffset CreatedAt)
{
    public const string Key = "/meta/emulator";

    /// <summary>Claims an empty store for the account and region, or checks that a used one belongs to them.</summary>
    /// <exception cref="StoreMismatchException">When the store belongs to another account or region.</exception>
    public static async Task<StoreIdentity> ClaimAsync(IStore store, string accountId, string region, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (await store.GetAsync(Key, cancellationToken).ConfigureAwait(false) is { } stored)
            {
                var existing = JsonSerializer.Deserialize<StoreIdentity>(stored.Value)
                               ?? throw new InvalidDataException($"the store's {Key} is empty");
                if (existing.AccountId != accountId || existing.Region != region)
                    throw new StoreMismatchException(store.Description, existing, accountId, region);
                return existing;
            }
            var claimed = new StoreIdentity(accountId, region, now);
            var result = await store.TxnAsync(new TxnRequest([new KeyAbsent(Key)], [new Put(Key, JsonSerializer.SerializeToUtf8Bytes(claimed))]),
                cancellationToken).ConfigureAwait(false);
            if (result.Succeeded) return claimed;
            // Another replica claimed it first: check its claim.
        }
    }
}

/// <summary>A store that belongs to another account or region than the one asked for.</summary>
public sealed class StoreMismatchException(string store, StoreIdentity owner, string accountId, string region) : Exception(
    $"the store {store} holds account {owner.AccountId} in region {owner.Region}, not account {accountId} in region {region}; " +
    $"start with --account-id {owner.AccountId} --region {owner.Region}, use another store, or empty this one with turnstile reset")
{
    public StoreIdentity Owner { get; } = owner;
}
