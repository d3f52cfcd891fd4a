using System.Runtime.CompilerServices;
using System.Text.Json;
using Turnstile.State;

namespace Turnstile.Aws;

/// <summary>
/// Records stored as UTF-8 JSON, one per key. A stored version is decoded once: the decoded record is kept with the
/// <see cref="KeyValue"/> it came from (the cache shares unchanged values between revisions), so it is decoded again
/// only when the key is written. Callers must treat decoded records as immutable.
/// </summary>
public static class StoredJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General);

    private static readonly ConditionalWeakTable<KeyValue, object> Decoded = new();

    public static T? Read<T>(this OptimisticTransaction state, string key) where T : class =>
        state.Get(key) is { } stored ? Decode<T>(stored) : null;

    public static T Decode<T>(KeyValue stored) where T : class
    {
        if (Decoded.TryGetValue(stored, out var cached) && cached is T hit) return hit;
        var decoded = JsonSerializer.Deserialize<T>(stored.Value, Options)
                      ?? throw new InvalidDataException($"stored value {stored.Key} is empty");
        if (stored.ModRevision > 0) Decoded.AddOrUpdate(stored, decoded);
        return decoded;
    }

    public static void Write<T>(this OptimisticTransaction state, string key, T value) =>
        state.Put(key, JsonSerializer.SerializeToUtf8Bytes(value, Options));

    /// <summary>Creates <paramref name="key"/>; the commit fails if another call created it meanwhile.</summary>
    public static void Create<T>(this OptimisticTransaction state, string key, T value)
    {
        state.RequireAbsent(key);
        state.Write(key, value);
    }
}

/// <summary>
/// A value computed from a decoded record once per stored version (compiled policies, rendered certificates): kept
/// alongside the record instance, which <see cref="StoredJson"/> keeps per (key, modification revision).
/// </summary>
public sealed class PerRecord<TRecord, TValue>(Func<TRecord, TValue> compute) where TRecord : class where TValue : class
{
    private readonly ConditionalWeakTable<TRecord, TValue> _values = new();
    private readonly ConditionalWeakTable<TRecord, TValue>.CreateValueCallback _create = new(compute);

    public TValue Of(TRecord record) => _values.GetValue(record, _create);
}
