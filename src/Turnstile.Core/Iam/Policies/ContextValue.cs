using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace Turnstile.Core.Iam.Policies;

/// <summary>The value types SimulatePrincipalPolicy's ContextEntry knows (each also has a list form).</summary>
public enum ContextValueType
{
    String,
    Numeric,
    Boolean,
    Date,
    Ip,
    Binary,
}

/// <summary>
/// A request-context value. Values are kept in their wire text form (dates as ISO 8601, binary as base64)
/// and converted by each condition operator family, as IAM does.
/// </summary>
public sealed class ContextValue
{
    public ContextValueType Type { get; }
    public IReadOnlyList<string> Values { get; }

    /// <summary>True for list-typed keys (e.g. <c>aws:TagKeys</c>), even when they hold zero or one value.</summary>
    public bool IsMultiValued { get; }

    private ContextValue(ContextValueType type, IReadOnlyList<string> values, bool multi)
    {
        Type = type;
        Values = values;
        IsMultiValued = multi;
    }

    public static ContextValue Of(string value) => new(ContextValueType.String, [value], false);
    public static ContextValue Of(bool value) => new(ContextValueType.Boolean, [value ? "true" : "false"], false);
    public static ContextValue Of(long value) => new(ContextValueType.Numeric, [value.ToString(CultureInfo.InvariantCulture)], false);
    public static ContextValue Of(decimal value) => new(ContextValueType.Numeric, [value.ToString(CultureInfo.InvariantCulture)], false);
    public static ContextValue Of(DateTimeOffset value) => new(ContextValueType.Date, [FormatDate(value)], false);
    public static ContextValue Of(IPAddress value) => new(ContextValueType.Ip, [value.ToString()], false);
    public static ContextValue Ip(string value) => new(ContextValueType.Ip, [value], false);
    public static ContextValue Binary(byte[] value) => new(ContextValueType.Binary, [Convert.ToBase64String(value)], false);

    public static ContextValue List(params string[] values) => new(ContextValueType.String, values.ToArray(), true);
    public static ContextValue List(ContextValueType type, IEnumerable<string> values) => new(type, values.ToArray(), true);

    /// <summary>Builds from a SimulatePrincipalPolicy ContextEntry (<c>ContextKeyType</c> such as <c>stringList</c>).</summary>
    public static ContextValue FromSimulation(string contextKeyType, IEnumerable<string> values)
    {
        var multi = contextKeyType.EndsWith("List", StringComparison.Ordinal);
        var type = (multi ? contextKeyType[..^4] : contextKeyType) switch
        {
            "string" => ContextValueType.String,
            "numeric" => ContextValueType.Numeric,
            "boolean" => ContextValueType.Boolean,
            "date" => ContextValueType.Date,
            "ip" => ContextValueType.Ip,
            "binary" => ContextValueType.Binary,
            _ => throw new ArgumentOutOfRangeException(nameof(contextKeyType), contextKeyType, "unknown ContextKeyType"),
        };
        return new ContextValue(type, values.ToArray(), multi);
    }

    /// <summary>The form IAM uses for <c>aws:CurrentTime</c>.</summary>
    public static string FormatDate(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public override string ToString() => IsMultiValued ? "[" + string.Join(", ", Values) + "]" : Values.Count == 1 ? Values[0] : "";
}

/// <summary>Request context keys. Key names compare case-insensitively, as IAM's do.</summary>
public sealed class ContextKeys : IReadOnlyDictionary<string, ContextValue>
{
    private readonly Dictionary<string, ContextValue> _values = new(StringComparer.OrdinalIgnoreCase);

    public ContextKeys()
    {
    }

    public ContextKeys(IEnumerable<KeyValuePair<string, ContextValue>> values)
    {
        foreach (var (key, value) in values) _values[key] = value;
    }

    public ContextKeys Set(string key, ContextValue value)
    {
        _values[key] = value;
        return this;
    }

    public ContextKeys Set(string key, string value) => Set(key, ContextValue.Of(value));

    public bool Remove(string key) => _values.Remove(key);

    public ContextValue this[string key] => _values[key];
    public IEnumerable<string> Keys => _values.Keys;
    public IEnumerable<ContextValue> Values => _values.Values;
    public int Count => _values.Count;
    public bool ContainsKey(string key) => _values.ContainsKey(key);
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out ContextValue value) => _values.TryGetValue(key, out value);
    public IEnumerator<KeyValuePair<string, ContextValue>> GetEnumerator() => _values.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
