using System.Text.Json;
using System.Text.Json.Nodes;
using Turnstile.Server.Model;

namespace Turnstile.Server.Protocols;

/// <summary>
/// Writes an operation's output as JSON following its model shapes: wire member names, typed scalars, and
/// timestamps in the member's format (epoch seconds unless the model says otherwise). Used by rest-json and by the
/// JSON form of query-protocol responses.
/// </summary>
internal static class JsonShapeWriter
{
    /// <summary>A structure's members that the shape knows, under their wire names; unknown and null members are dropped.</summary>
    public static void WriteStructure(Utf8JsonWriter w, Shape shape, JsonObject value)
    {
        w.WriteStartObject();
        foreach (var (name, node) in value)
        {
            if (node is null || !shape.MembersByName.TryGetValue(name, out var member)) continue;
            w.WritePropertyName(member.WireName);
            WriteValue(w, member, node);
        }
        w.WriteEndObject();
    }

    public static void WriteValue(Utf8JsonWriter w, MemberRef member, JsonNode node)
    {
        var shape = member.Shape;
        switch (shape.Type)
        {
            case ShapeType.Structure:
                WriteStructure(w, shape, node as JsonObject ?? []);
                return;
            case ShapeType.List:
                w.WriteStartArray();
                if (node is JsonArray array)
                    foreach (var element in array)
                        if (element is null) w.WriteNullValue();
                        else WriteValue(w, shape.Member!, element);
                w.WriteEndArray();
                return;
            case ShapeType.Map:
                w.WriteStartObject();
                if (node is JsonObject map)
                    foreach (var (key, value) in map)
                    {
                        w.WritePropertyName(key);
                        if (value is null) w.WriteNullValue();
                        else WriteValue(w, shape.Value!, value);
                    }
                w.WriteEndObject();
                return;
            case ShapeType.Timestamp:
                if (!WireValues.TryReadTimestamp(node, out var ts))
                {
                    w.WriteStringValue(WireValues.ScalarText(node));
                    return;
                }
                switch (member.TimestampFormat ?? shape.TimestampFormat)
                {
                    case TimestampFormat.Iso8601: w.WriteStringValue(WireValues.FormatIso8601(ts)); break;
                    case TimestampFormat.Rfc822: w.WriteStringValue(WireValues.FormatRfc822(ts)); break;
                    default: w.WriteNumberValue(WireValues.ToEpochSeconds(ts)); break;
                }
                return;
            case ShapeType.Boolean:
                if (WireValues.TryGetBool(node, out var b)) w.WriteBooleanValue(b);
                else w.WriteStringValue(WireValues.ScalarText(node));
                return;
            case ShapeType.Integer or ShapeType.Long:
                if (WireValues.TryGetLong(node, out var l)) w.WriteNumberValue(l);
                else w.WriteStringValue(WireValues.ScalarText(node));
                return;
            case ShapeType.Float or ShapeType.Double:
                if (WireValues.TryGetDouble(node, out var d)) w.WriteNumberValue(d);
                else w.WriteStringValue(WireValues.ScalarText(node));
                return;
            case ShapeType.Blob when node is JsonValue v && v.TryGetValue(out byte[]? bytes):
                w.WriteStringValue(Convert.ToBase64String(bytes));
                return;
            default:
                w.WriteStringValue(WireValues.ScalarText(node));
                return;
        }
    }
}
