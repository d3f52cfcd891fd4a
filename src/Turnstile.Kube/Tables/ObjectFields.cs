using System.Text.Json;
using System.Text.Json.Nodes;

namespace Turnstile.Kube.Tables;

/// <summary>Lenient reads of an object's fields for printing: missing or mistyped fields read as empty.</summary>
internal static class ObjectFields
{
    public static JsonNode? At(this JsonNode? node, string dottedPath)
    {
        foreach (var part in dottedPath.Split('.'))
        {
            if (node is not JsonObject o) return null;
            node = o[part];
        }
        return node;
    }

    public static string Str(this JsonNode? node, string path) =>
        node.At(path) is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "";

    public static long Int(this JsonNode? node, string path) =>
        node.At(path) is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var l) ? l : 0;

    public static bool Bool(this JsonNode? node, string path) =>
        node.At(path) is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    public static IEnumerable<JsonObject> Objects(this JsonNode? node, string path) =>
        node.At(path) is JsonArray a ? a.OfType<JsonObject>() : [];

    public static IEnumerable<string> Strings(this JsonNode? node, string path) =>
        node.At(path) is JsonArray a ? a.OfType<JsonValue>().Where(v => v.GetValueKind() == JsonValueKind.String).Select(v => v.GetValue<string>()) : [];

    public static int Count(this JsonNode? node, string path) => node.At(path) switch
    {
        JsonObject o => o.Count,
        JsonArray a => a.Count,
        _ => 0,
    };

    /// <summary>metav1's <c>FormatLabelSelector</c>: <c>k=v,k2 in (a,b)</c>, <c>&lt;none&gt;</c> when empty.</summary>
    public static string LabelSelector(this JsonNode? selector)
    {
        var parts = new List<string>();
        if (selector.At("matchLabels") is JsonObject labels)
            parts.AddRange(labels.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={(string?)kv.Value}"));
        foreach (var e in selector.Objects("matchExpressions"))
        {
            var key = e.Str("key");
            var values = string.Join(",", e.Strings("values").Order(StringComparer.Ordinal));
            parts.Add(e.Str("operator") switch
            {
                "In" => $"{key} in ({values})",
                "NotIn" => $"{key} notin ({values})",
                "Exists" => key,
                "DoesNotExist" => "!" + key,
                var op => $"{key} {op} ({values})",
            });
        }
        return parts.Count == 0 ? "<none>" : string.Join(",", parts);
    }

    /// <summary>A <c>map[string]string</c> selector (services, RCs): <c>k=v,...</c> sorted, <c>&lt;none&gt;</c> when empty.</summary>
    public static string MapSelector(this JsonNode? selector) =>
        selector is JsonObject { Count: > 0 } o
            ? string.Join(",", o.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={(string?)kv.Value}"))
            : "<none>";

    /// <summary>
    /// labels.Selector's <c>String()</c> of a LabelSelector: every requirement sorted by key (<c>k=v</c>,
    /// <c>k in (a,b)</c>, <c>k notin (a,b)</c>, <c>k</c>, <c>!k</c>), empty for an empty selector.
    /// </summary>
    public static string SelectorString(this JsonNode? selector)
    {
        var requirements = new List<(string Key, string Text)>();
        if (selector.At("matchLabels") is JsonObject labels)
            requirements.AddRange(labels.Select(kv => (kv.Key, $"{kv.Key}={(string?)kv.Value}")));
        foreach (var e in selector.Objects("matchExpressions"))
        {
            var key = e.Str("key");
            var values = string.Join(",", e.Strings("values").Order(StringComparer.Ordinal));
            requirements.Add((key, e.Str("operator") switch
            {
                "In" => $"{key} in ({values})",
                "NotIn" => $"{key} notin ({values})",
                "Exists" => key,
                "DoesNotExist" => "!" + key,
                var op => $"{key} {op} ({values})",
            }));
        }
        return string.Join(",", requirements.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => r.Text));
    }

    public static string OrNone(this string s) => s.Length == 0 ? "<none>" : s;

    public static string OrUnset(this string s) => s.Length == 0 ? "<unset>" : s;
}
