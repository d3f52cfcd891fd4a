using System.Text.Json;
using Turnstile.Core.Kube;

namespace Turnstile.Kube;

/// <summary>Writing helpers for the API server's compact JSON (Go string escaping, trailing newline).</summary>
internal static class KubeJsonWriter
{
    public static byte[] Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
            body(w);
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>Without the trailing newline, as <c>json.Marshal</c> output is served (OpenAPI documents).</summary>
    public static byte[] WriteBare(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
            body(w);
        return buffer.ToArray();
    }

    public static void String(Utf8JsonWriter w, string name, string value) => GoJson.WriteString(w, name, value);

    public static void StringValue(Utf8JsonWriter w, string value) => w.WriteRawValue(GoJson.Quote(value), skipInputValidation: true);

    public static void StringArray(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) StringValue(w, v);
        w.WriteEndArray();
    }
}

/// <summary>Writes JSON nodes with Go string escaping; by default with object keys in ordinal order, as Go encodes maps.</summary>
internal static class SortedJson
{
    public static void Write(Utf8JsonWriter w, System.Text.Json.Nodes.JsonNode? node, bool sort = true)
    {
        switch (node)
        {
            case System.Text.Json.Nodes.JsonObject o:
                w.WriteStartObject();
                foreach (var kv in sort ? o.OrderBy(kv => kv.Key, StringComparer.Ordinal) : o.AsEnumerable())
                {
                    w.WritePropertyName(kv.Key);
                    Write(w, kv.Value, sort);
                }
                w.WriteEndObject();
                break;
            case System.Text.Json.Nodes.JsonArray a:
                w.WriteStartArray();
                foreach (var v in a) Write(w, v, sort);
                w.WriteEndArray();
                break;
            case null:
                w.WriteNullValue();
                break;
            default:
                if (node.GetValueKind() == JsonValueKind.String) KubeJsonWriter.StringValue(w, node.GetValue<string>());
                else node.WriteTo(w);
                break;
        }
    }
}
