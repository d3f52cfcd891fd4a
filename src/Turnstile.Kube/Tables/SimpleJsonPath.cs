using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Turnstile.Kube.Tables;

/// <summary>
/// The JSONPath subset printer columns use: <c>.a.b</c>, <c>.a[0]</c>, <c>.a[*].b</c> and equality filters
/// <c>.a[?(@.type=="Ready")].status</c>. Several matches are joined with commas, as the CRD table convertor does.
/// </summary>
internal static partial class SimpleJsonPath
{
    public static JsonNode? Find(JsonNode root, string path)
    {
        IEnumerable<JsonNode?> current = [root];
        foreach (Match m in Step().Matches(path.Trim().TrimStart('{').TrimEnd('}')))
        {
            if (m.Groups["field"].Success)
            {
                var field = m.Groups["field"].Value;
                current = current.Select(n => n is JsonObject o ? o[field] : null).Where(n => n is not null);
            }
            else if (m.Groups["index"].Success)
            {
                var i = int.Parse(m.Groups["index"].Value);
                current = current.Select(n => n is JsonArray a && (i < 0 ? a.Count + i : i) is var k && k >= 0 && k < a.Count ? a[k] : null).Where(n => n is not null);
            }
            else if (m.Groups["all"].Success)
            {
                current = current.SelectMany(n => n is JsonArray a ? a : []).Where(n => n is not null);
            }
            else
            {
                var key = m.Groups["key"].Value;
                var value = m.Groups["value"].Value;
                current = current.SelectMany(n => n is JsonArray a ? a : [])
                    .Where(n => n is JsonObject o && o[key] is JsonValue v && v.ToString() == value);
            }
        }
        var results = current.ToList();
        return results.Count switch
        {
            0 => null,
            1 => results[0],
            _ => JsonValue.Create(string.Join(",", results.Select(r => r is JsonValue v ? v.ToString() : r!.ToJsonString()))),
        };
    }

    [GeneratedRegex("""\.(?<field>[A-Za-z0-9_\-/]+)|\[(?<index>-?\d+)\]|\[(?<all>\*)\]|\[\?\(@\.(?<key>[A-Za-z0-9_\-]+)\s*==\s*["'](?<value>[^"']*)["']\)\]""")]
    private static partial Regex Step();
}
