using System.Globalization;
using System.Text.Json.Nodes;

namespace Turnstile.Aws.Eks;

/// <summary>
/// Typed reads of an operation's input members. The protocol layer normally delivers model types, but query
/// members may still arrive as strings, so numbers and booleans are accepted in either form.
/// </summary>
internal static class Input
{
    public static string? String(JsonObject input, string member) =>
        input[member] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public static string RequiredString(JsonObject input, string member, string? path = null) =>
        String(input, member) ?? throw EksErrors.Missing(path ?? member);

    public static JsonObject? Object(JsonObject input, string member) => input[member] as JsonObject;

    public static bool Has(JsonObject input, string member) => input[member] is not null;

    public static bool? Bool(JsonObject input, string member)
    {
        if (input[member] is not JsonValue value) return null;
        if (value.TryGetValue<bool>(out var flag)) return flag;
        if (value.TryGetValue<string>(out var text) && bool.TryParse(text, out flag)) return flag;
        throw EksErrors.InvalidParameterError($"Invalid value for {member}: expected a boolean");
    }

    public static int? Int(JsonObject input, string member)
    {
        if (input[member] is not JsonValue value) return null;
        if (value.TryGetValue<int>(out var number)) return number;
        if (value.TryGetValue<long>(out var wide) && wide is >= int.MinValue and <= int.MaxValue) return (int)wide;
        if (value.TryGetValue<double>(out var real) && real == Math.Floor(real) && Math.Abs(real) <= int.MaxValue) return (int)real;
        if (value.TryGetValue<string>(out var text) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out number)) return number;
        throw EksErrors.InvalidParameterError($"Invalid value for {member}: expected an integer");
    }

    /// <summary>A list of strings; null when absent.</summary>
    public static IReadOnlyList<string>? StringList(JsonObject input, string member)
    {
        switch (input[member])
        {
            case null:
                return null;
            case JsonArray array:
                return array.Select(item => item is JsonValue v && v.TryGetValue<string>(out var s)
                    ? s
                    : throw EksErrors.InvalidParameterError($"Invalid value for {member}: expected a list of strings")).ToArray();
            case JsonValue single when single.TryGetValue<string>(out var one):
                return [one];
            default:
                throw EksErrors.InvalidParameterError($"Invalid value for {member}: expected a list of strings");
        }
    }

    /// <summary>A string-to-string map; null when absent.</summary>
    public static IReadOnlyDictionary<string, string>? StringMap(JsonObject input, string member)
    {
        if (input[member] is null) return null;
        if (input[member] is not JsonObject map) throw EksErrors.InvalidParameterError($"Invalid value for {member}: expected a map");
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, node) in map)
            result[key] = node is JsonValue v && v.TryGetValue<string>(out var s)
                ? s
                : throw EksErrors.InvalidParameterError($"Invalid value for {member}.{key}: expected a string");
        return result;
    }
}

/// <summary>Builds output members. Timestamps are ISO-8601 strings in UTC with milliseconds (the protocol layer converts them).</summary>
internal static class Output
{
    public static string Timestamp(DateTimeOffset at) =>
        at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static JsonArray Strings(IEnumerable<string> items) => new(items.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray());

    public static JsonObject Map(IReadOnlyDictionary<string, string> map)
    {
        var result = new JsonObject();
        foreach (var (key, value) in map.OrderBy(p => p.Key, StringComparer.Ordinal)) result[key] = value;
        return result;
    }
}
