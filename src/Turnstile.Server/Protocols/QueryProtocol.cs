using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;
using Turnstile.Aws;
using Turnstile.Server.Model;

namespace Turnstile.Server.Protocols;

/// <summary>
/// The AWS query protocol (IAM, STS): form-encoded parameters in, XML out (or JSON when the client sends
/// <c>Accept: application/json</c>, which is what aws-iam-authenticator does for GetCallerIdentity).
/// </summary>
internal static class QueryProtocol
{
    public const string XmlContentType = "text/xml";
    public const string JsonContentType = "application/json";

    private static readonly XmlWriterSettings XmlSettings = new()
    {
        Encoding = new UTF8Encoding(false),
        OmitXmlDeclaration = true,
        Indent = false,
        CloseOutput = false,
    };

    private static readonly JsonWriterOptions JsonOptions = new() { SkipValidation = true };

    // ---------------------------------------------------------------- input

    /// <summary>
    /// Builds the operation input from flat parameters (<c>Tags.member.1.Key</c>, <c>Attributes.entry.1.key</c>...).
    /// Unknown parameters (Action, Version, X-Amz-*) are ignored.
    /// </summary>
    public static JsonObject ReadInput(Shape? input, IReadOnlyDictionary<string, string> parameters)
    {
        if (input is null || input.Members.Count == 0) return new JsonObject();
        return ReadStructure(input, "", parameters) ?? new JsonObject();
    }

    private static JsonObject? ReadStructure(Shape shape, string prefix, IReadOnlyDictionary<string, string> p)
    {
        JsonObject? result = null;
        foreach (var member in shape.Members)
        {
            var key = prefix.Length == 0 ? member.WireName : prefix + "." + member.WireName;
            var node = ReadValue(member, key, p);
            if (node is not null) (result ??= new JsonObject())[member.Name] = node;
        }
        return result;
    }

    private static JsonNode? ReadValue(MemberRef member, string key, IReadOnlyDictionary<string, string> p)
    {
        var shape = member.Shape;
        switch (shape.Type)
        {
            case ShapeType.Structure:
                return ReadStructure(shape, key, p);
            case ShapeType.List:
            {
                if (p.TryGetValue(key, out var empty) && empty.Length == 0) return new JsonArray();
                var flattened = shape.Flattened || member.Flattened;
                var listPrefix = flattened ? key : key + "." + (shape.Member!.LocationName ?? "member");
                var indices = Indices(listPrefix, p);
                if (indices is null) return null;
                var array = new JsonArray();
                foreach (var index in indices)
                {
                    var element = ReadValue(shape.Member!, listPrefix + "." + index.ToString(CultureInfo.InvariantCulture), p);
                    if (element is not null) array.Add(element);
                }
                return array;
            }
            case ShapeType.Map:
            {
                var flattened = shape.Flattened || member.Flattened;
                var entryPrefix = flattened ? key : key + ".entry";
                var indices = Indices(entryPrefix, p);
                if (indices is null) return null;
                var map = new JsonObject();
                var keyName = shape.Key!.LocationName ?? "key";
                var valueName = shape.Value!.LocationName ?? "value";
                foreach (var index in indices)
                {
                    var entry = entryPrefix + "." + index.ToString(CultureInfo.InvariantCulture) + ".";
                    if (!p.TryGetValue(entry + keyName, out var mapKey)) continue;
                    map[mapKey] = ReadValue(shape.Value, entry + valueName, p);
                }
                return map;
            }
            default:
                return p.TryGetValue(key, out var text) ? ReadScalar(shape, text, key) : null;
        }
    }

    /// <summary>The element numbers present under <c>prefix.N</c>, ascending; null when there are none.</summary>
    private static List<int>? Indices(string prefix, IReadOnlyDictionary<string, string> p)
    {
        List<int>? indices = null;
        foreach (var name in p.Keys)
        {
            if (name.Length <= prefix.Length + 1 || name[prefix.Length] != '.' || !name.StartsWith(prefix, StringComparison.Ordinal))
                continue;
            var rest = name.AsSpan(prefix.Length + 1);
            var dot = rest.IndexOf('.');
            var digits = dot < 0 ? rest : rest[..dot];
            if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index < 1) continue;
            indices ??= [];
            if (!indices.Contains(index)) indices.Add(index);
        }
        indices?.Sort();
        return indices;
    }

    private static JsonNode ReadScalar(Shape shape, string text, string key)
    {
        switch (shape.Type)
        {
            case ShapeType.String:
            case ShapeType.Blob:
                return JsonValue.Create(text);
            case ShapeType.Integer:
                if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i)) return JsonValue.Create(i);
                throw Malformed(key, text, "an integer");
            case ShapeType.Long:
                if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
                throw Malformed(key, text, "an integer");
            case ShapeType.Float:
            case ShapeType.Double:
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return JsonValue.Create(d);
                throw Malformed(key, text, "a number");
            case ShapeType.Boolean:
                if (bool.TryParse(text, out var b)) return JsonValue.Create(b);
                throw Malformed(key, text, "a boolean (true or false)");
            case ShapeType.Timestamp:
                if (WireValues.TryParseTimestamp(text, out var ts)) return JsonValue.Create(ts);
                throw Malformed(key, text, "an ISO-8601 timestamp");
            default:
                throw Malformed(key, text, shape.Type.ToString());
        }
    }

    private static AwsServiceException Malformed(string key, string text, string expected) =>
        WireErrors.MalformedInput(WireProtocol.Query, $"Value '{text}' for parameter {key} is invalid: expected {expected}.");

    // ---------------------------------------------------------------- output

    public static WireResponse Success(ServiceModel model, OperationModel operation, JsonObject? output, string requestId, bool json) =>
        json ? SuccessJson(operation, output, requestId) : SuccessXml(model, operation, output, requestId);

    private static WireResponse SuccessXml(ServiceModel model, OperationModel operation, JsonObject? output, string requestId)
    {
        var buffer = new MemoryStream(512);
        using (var w = XmlWriter.Create(buffer, XmlSettings))
        {
            w.WriteStartElement(operation.Name + "Response", model.XmlNamespace ?? "");
            if (operation.Output is { } shape)
            {
                w.WriteStartElement(operation.ResultWrapper ?? operation.Name + "Result");
                if (output is not null) WriteXmlMembers(w, shape, output);
                w.WriteEndElement();
            }
            w.WriteStartElement("ResponseMetadata");
            w.WriteElementString("RequestId", requestId);
            w.WriteEndElement();
            w.WriteEndElement();
        }
        return new WireResponse(200, XmlContentType, buffer.ToArray());
    }

    private static void WriteXmlMembers(XmlWriter w, Shape shape, JsonObject value)
    {
        foreach (var (name, node) in value)
        {
            if (node is null || !shape.MembersByName.TryGetValue(name, out var member)) continue;
            WriteXmlMember(w, member, node);
        }
    }

    private static void WriteXmlMember(XmlWriter w, MemberRef member, JsonNode node)
    {
        var shape = member.Shape;
        var flattened = shape.Flattened || member.Flattened;
        switch (shape.Type)
        {
            case ShapeType.List when node is JsonArray array:
            {
                var elementName = shape.Member!.LocationName ?? "member";
                if (!flattened) w.WriteStartElement(member.WireName);
                foreach (var element in array)
                {
                    if (element is null) continue;
                    w.WriteStartElement(flattened ? member.WireName : elementName);
                    WriteXmlContent(w, shape.Member, element);
                    w.WriteEndElement();
                }
                if (!flattened) w.WriteEndElement();
                return;
            }
            case ShapeType.Map when node is JsonObject map:
            {
                if (!flattened) w.WriteStartElement(member.WireName);
                foreach (var (key, value) in map)
                {
                    w.WriteStartElement(flattened ? member.WireName : "entry");
                    w.WriteElementString(shape.Key!.LocationName ?? "key", WireValues.XmlSafe(key));
                    if (value is not null)
                    {
                        w.WriteStartElement(shape.Value!.LocationName ?? "value");
                        WriteXmlContent(w, shape.Value, value);
                        w.WriteEndElement();
                    }
                    w.WriteEndElement();
                }
                if (!flattened) w.WriteEndElement();
                return;
            }
            default:
                w.WriteStartElement(member.WireName);
                WriteXmlContent(w, member, node);
                w.WriteEndElement();
                return;
        }
    }

    private static void WriteXmlContent(XmlWriter w, MemberRef member, JsonNode node)
    {
        var shape = member.Shape;
        switch (shape.Type)
        {
            case ShapeType.Structure:
                if (node is JsonObject obj) WriteXmlMembers(w, shape, obj);
                return;
            case ShapeType.List or ShapeType.Map:
                // A list nested directly in a list (rare): wrap like a member named after the element.
                WriteXmlMember(w, member, node);
                return;
            default:
                w.WriteString(WireValues.XmlSafe(ScalarToText(member, node, xml: true)));
                return;
        }
    }

    private static string ScalarToText(MemberRef member, JsonNode node, bool xml)
    {
        var shape = member.Shape;
        switch (shape.Type)
        {
            case ShapeType.Timestamp:
                if (!WireValues.TryReadTimestamp(node, out var ts)) return WireValues.ScalarText(node);
                return (member.TimestampFormat ?? shape.TimestampFormat) switch
                {
                    TimestampFormat.UnixTimestamp => WireValues.ToEpochSeconds(ts).ToString("R", CultureInfo.InvariantCulture),
                    TimestampFormat.Rfc822 => WireValues.FormatRfc822(ts),
                    _ => WireValues.FormatIso8601(ts),
                };
            case ShapeType.Boolean:
                return WireValues.TryGetBool(node, out var b) ? (b ? "true" : "false") : WireValues.ScalarText(node);
            case ShapeType.Blob when node is JsonValue v && v.TryGetValue(out byte[]? bytes):
                return Convert.ToBase64String(bytes);
            default:
                var text = WireValues.ScalarText(node);
                return xml && shape.UrlEncodedInXml ? Uri.EscapeDataString(text) : text;
        }
    }

    private static WireResponse SuccessJson(OperationModel operation, JsonObject? output, string requestId)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, JsonOptions))
        {
            w.WriteStartObject();
            w.WriteStartObject(operation.Name + "Response");
            if (operation.Output is { } shape)
            {
                w.WritePropertyName(operation.ResultWrapper ?? operation.Name + "Result");
                JsonShapeWriter.WriteStructure(w, shape, output ?? []);
            }
            w.WriteStartObject("ResponseMetadata");
            w.WriteString("RequestId", requestId);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return new WireResponse(200, JsonContentType, buffer.WrittenSpan.ToArray());
    }

    // ---------------------------------------------------------------- errors

    /// <summary>
    /// <c>&lt;ErrorResponse xmlns=...&gt;&lt;Error&gt;&lt;Type&gt;Sender&lt;/Type&gt;&lt;Code/&gt;&lt;Message/&gt;&lt;/Error&gt;&lt;RequestId/&gt;&lt;/ErrorResponse&gt;</c>,
    /// or <c>{"Error":{"Code","Message","Type"},"RequestId"}</c> for JSON clients.
    /// </summary>
    public static WireResponse Error(AwsServiceException error, int status, bool senderFault, string? xmlNamespace, string requestId, bool json)
    {
        var type = senderFault ? "Sender" : "Receiver";
        if (json)
        {
            var buffer = new ArrayBufferWriter<byte>(256);
            using (var w = new Utf8JsonWriter(buffer, JsonOptions))
            {
                w.WriteStartObject();
                w.WriteStartObject("Error");
                w.WriteString("Code", error.Code);
                w.WriteString("Message", error.Message);
                w.WriteString("Type", type);
                w.WriteEndObject();
                w.WriteString("RequestId", requestId);
                w.WriteEndObject();
            }
            return new WireResponse(status, JsonContentType, buffer.WrittenSpan.ToArray());
        }

        var stream = new MemoryStream(256);
        using (var w = XmlWriter.Create(stream, XmlSettings))
        {
            w.WriteStartElement("ErrorResponse", xmlNamespace ?? "");
            w.WriteStartElement("Error");
            w.WriteElementString("Type", type);
            w.WriteElementString("Code", WireValues.XmlSafe(error.Code));
            w.WriteElementString("Message", WireValues.XmlSafe(error.Message));
            w.WriteEndElement();
            w.WriteElementString("RequestId", requestId);
            w.WriteEndElement();
        }
        return new WireResponse(status, XmlContentType, stream.ToArray());
    }
}
