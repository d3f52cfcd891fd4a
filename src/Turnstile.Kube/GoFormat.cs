using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Turnstile.Kube;

/// <summary>Go's fmt rendering of decoded JSON, as it appears inside API server messages.</summary>
public static class GoFormat
{
    /// <summary>
    /// <c>%v</c> (and <c>%+v</c>) of a <c>map[string]interface{}</c> tree: <c>map[k:v ...]</c> with sorted keys,
    /// <c>[a b]</c>, strings unquoted, numbers as float64, <c>&lt;nil&gt;</c> for null.
    /// </summary>
    public static string Value(JsonNode? node)
    {
        var sb = new StringBuilder();
        Write(sb, node);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, JsonNode? n)
    {
        switch (n)
        {
            case null:
                sb.Append("<nil>");
                break;
            case JsonObject o:
                sb.Append("map[");
                var first = true;
                foreach (var (k, v) in o.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    if (!first) sb.Append(' ');
                    first = false;
                    sb.Append(k).Append(':');
                    Write(sb, v);
                }
                sb.Append(']');
                break;
            case JsonArray a:
                sb.Append('[');
                for (var i = 0; i < a.Count; i++)
                {
                    if (i > 0) sb.Append(' ');
                    Write(sb, a[i]);
                }
                sb.Append(']');
                break;
            default:
                switch (n.GetValueKind())
                {
                    case JsonValueKind.String: sb.Append(n.GetValue<string>()); break;
                    case JsonValueKind.Number: sb.Append(n.GetValue<double>().ToString("R", CultureInfo.InvariantCulture)); break;
                    default: sb.Append(n.ToJsonString()); break;
                }
                break;
        }
    }
}
