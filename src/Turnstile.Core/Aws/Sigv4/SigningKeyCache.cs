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

    private readonly ConcurrentDictionary<Entry, byte[]> _keys = new();

    private readonly record struct Entry(string Secret, string Date, string Region, string Service);

    public int Count => _keys.Count;

    public byte[] Get(string secretAccessKey, string date, string region, string service)
    {
        var entry = new Entry(secretAccessKey, date, region, service);
        if (_keys.TryGetValue(entry, out var key)) return key;
        key = Derive(secretAccessKey, date, region, service);
        if (_keys.Count >= capacity) _keys.Clear();
        _keys.TryAdd(entry, key);
        return key;
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
