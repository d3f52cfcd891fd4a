using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Turnstile.Core.Aws.Sigv4;

/// <summary>
/// Derived SigV4 signing keys (kSigning) per (secret, scope date, region, service). Deriving costs four HMACs,
/// so a verifier keeps them; when the cache is full it is simply emptied (keys change daily anyway).
/// </summary>
public sealed class SigningKeyCache(int capacity = 4096)
{
    public static SigningKeyCache Shared { get; } = new();

    private readonly ConcurrentDictionary<Entry, SigningKey> _keys = new();

    private readonly record struct Entry(string Secret, string Date, string Region, string Service);

    public int Count => _keys.Count;

    public byte[] Get(string secretAccessKey, string date, string region, string service) =>
        GetKey(secretAccessKey, date, region, service).Key;

    internal SigningKey GetKey(string secretAccessKey, string date, string region, string service)
    {
        var entry = new Entry(secretAccessKey, date, region, service);
        if (_keys.TryGetValue(entry, out var key)) return key;
        key = new SigningKey(Derive(secretAccessKey, date, region, service));
        if (_keys.Count >= capacity) _keys.Clear();
        return _keys.GetOrAdd(entry, key);
    }

    /// <summary>kSigning = HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request").</summary>
    public static byte[] Derive(string secretAccessKey, string date, string region, string service)
    {
        var secret = Encoding.UTF8.GetBytes("AWS4" + secretAccessKey);
        Span<byte> k = stackalloc byte[32];
        HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(date), k);
        HMACSHA256.HashData(k, Encoding.UTF8.GetBytes(region), k);
        HMACSHA256.HashData(k, Encoding.UTF8.GetBytes(service), k);
        HMACSHA256.HashData(k, "aws4_request"u8, k);
        CryptographicOperations.ZeroMemory(secret);
        return k.ToArray();
    }
}

/// <summary>
/// A signing key with one spare keyed HMAC context: the one-shot HMAC API sets up a fresh native context per call,
/// which costs about as much as the MAC itself.
/// </summary>
internal sealed class SigningKey(byte[] key)
{
    private IncrementalHash? _spare;

    public byte[] Key { get; } = key;

    public void Mac(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        var hmac = Interlocked.Exchange(ref _spare, null) ?? IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Key);
        hmac.AppendData(data);
        hmac.GetHashAndReset(destination);
        if (Interlocked.CompareExchange(ref _spare, hmac, null) is not null) hmac.Dispose();
    }
}

/// <summary>SHA-256 through a per-thread reusable context (see <see cref="SigningKey"/> for why).</summary>
internal static class Sha256
{
    [ThreadStatic] private static IncrementalHash? _hash;

    public static void Hash(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        var hash = _hash ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(data);
        hash.GetHashAndReset(destination);
    }
}
