using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Turnstile.Core.Kube;

namespace Turnstile.Kube.Handlers;

/// <summary>
/// YAML as kube-apiserver reads and writes it: a request body is converted to JSON with YAML 1.1 scalar rules
/// (sigs.k8s.io/yaml over go-yaml v2), a response is the JSON re-emitted as block YAML with sorted keys.
/// </summary>
internal static class YamlCodec
{
    /// <summary>The first document of a YAML text as JSON, or the go-yaml style error text.</summary>
    public static (JsonNode? Node, string? Error) ToJson(string yaml)
    {
        // The parser recurses per level: refuse flow nesting deeper than JSON input may be before parsing.
        if (FlowDepth(yaml) > Storage.KubeJson.MaxDepth)
            return (null, $"error converting YAML to JSON: yaml: exceeded max depth of {Storage.KubeJson.MaxDepth}");
        List<KNode?> documents;
        try
        {
            documents = YamlTextParser.Parse(yaml);
        }
        catch (SyntaxError e)
        {
            return (null, $"error converting YAML to JSON: yaml: line {e.Line}: {e.Message}");
        }
        if (documents.Count == 0 || documents[0] is not { } root) return (null, null);
        try
        {
            return (Convert(root), null);
        }
        catch (FormatException e)
        {
            return (null, "error converting YAML to JSON: " + e.Message);
        }
    }

    private static int FlowDepth(string yaml)
    {
        int depth = 0, max = 0;
        foreach (var c in yaml)
        {
            if (c is '[' or '{') max = Math.Max(max, ++depth);
            else if (c is ']' or '}' && depth > 0) depth--;
        }
        return max;
    }

    private static JsonNode? Convert(KNode node) => node switch
    {
        KMap map => new JsonObject(map.Entries.Select(e => KeyValuePair.Create(e.Key, Convert(e.Value)))),
        KSeq seq => new JsonArray(seq.Items.Select(Convert).ToArray()),
        KScalar s => Scalar(s),
        _ => null,
    };

    private static JsonNode? Scalar(KScalar s)
    {
        switch (s.Kind)
        {
            case ScalarKind.Null:
                return null;
            case ScalarKind.Bool:
                return JsonValue.Create(s.Value is "y" or "Y" or "yes" or "Yes" or "YES" or "on" or "On" or "ON" or "true" or "True" or "TRUE");
            case ScalarKind.Int:
                return JsonNode.Parse(ParseInt(s.Value).ToString(CultureInfo.InvariantCulture));
            case ScalarKind.Float:
                var text = s.Value.Replace("_", "", StringComparison.Ordinal);
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || double.IsInfinity(d) || double.IsNaN(d))
                    throw new FormatException($"json: unsupported value: {s.Value}");
                return JsonNode.Parse(text.StartsWith('.') ? "0" + text : text.StartsWith("-.", StringComparison.Ordinal) ? "-0" + text[1..] : text.TrimStart('+'));
            default:
                return JsonValue.Create(s.Value);
        }
    }

    private static long ParseInt(string value)
    {
        var text = value.Replace("_", "", StringComparison.Ordinal);
        var negative = text.StartsWith('-');
        text = text.TrimStart('+', '-');
        long result;
        if (text.StartsWith("0x", StringComparison.Ordinal)) result = System.Convert.ToInt64(text[2..], 16);
        else if (text.StartsWith("0b", StringComparison.Ordinal)) result = System.Convert.ToInt64(text[2..], 2);
        else if (text.StartsWith("0o", StringComparison.Ordinal)) result = System.Convert.ToInt64(text[2..], 8);
        else if (text.Length > 1 && text.StartsWith('0')) result = System.Convert.ToInt64(text[1..], 8);
        else result = long.Parse(text, CultureInfo.InvariantCulture);
        return negative ? -result : result;
    }

    /// <summary>JSON re-emitted as kube's YAML (keys sorted as go-yaml sorts them).</summary>
    public static string FromJson(JsonNode? node) => node is JsonObject obj ? YamlWriter.Write(ToMap(obj)) : YamlWriter.Write(new YMap());

    private static YMap ToMap(JsonObject obj)
    {
        var map = new YMap();
        foreach (var (key, value) in obj) map.Add(key, ToValue(value));
        return map.Sorted();
    }

    private static object? ToValue(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => ToMap(o),
        JsonArray a => a.Select(ToValue).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => new YPlain("true"),
            JsonValueKind.False => new YPlain("false"),
            _ => new YPlain(v.ToJsonString()),
        },
        _ => null,
    };
}
