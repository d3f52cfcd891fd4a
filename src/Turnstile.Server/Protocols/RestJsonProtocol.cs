using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Turnstile.Aws;
using Turnstile.Core.Text;
using Turnstile.Server.Model;

namespace Turnstile.Server.Protocols;

/// <summary>A request as the rest-json binder needs it: method, raw (still percent-encoded) path and query, headers, body.</summary>
internal readonly record struct RestRequest(
    string Method,
    string RawPath,
    string RawQuery,
    Func<string, string?> GetHeader,
    ReadOnlyMemory<byte> Body);

/// <summary>
/// Routes rest-json requests to operations with the model's <c>requestUri</c> templates. Matching runs on the raw path
/// split at '/', so a label such as <c>{principalArn}</c> that arrives as one segment containing <c>%2F</c> stays one
/// segment; labels are percent-decoded only after matching.
/// </summary>
internal sealed class RestJsonRouter
{
    private readonly Dictionary<string, Route[]> _byMethod = new(StringComparer.Ordinal);

    private sealed record Segment(string? Literal, string? Label, bool Greedy);

    private sealed record Route(OperationModel Operation, Segment[] Segments, int Literals);

    public RestJsonRouter(IEnumerable<OperationModel> operations)
    {
        var lists = new Dictionary<string, List<Route>>(StringComparer.Ordinal);
        foreach (var op in operations)
        {
            var template = op.RequestUri;
            var q = template.IndexOf('?');
            if (q >= 0) template = template[..q];
            var parts = template.Trim('/').Split('/', StringSplitOptions.None);
            if (template.Trim('/').Length == 0) parts = [];
            var segments = new Segment[parts.Length];
            var literals = 0;
            for (var i = 0; i < parts.Length; i++)
            {
                var part = parts[i];
                if (part.Length > 2 && part[0] == '{' && part[^1] == '}')
                {
                    var label = part[1..^1];
                    var greedy = label.EndsWith('+');
                    segments[i] = new Segment(null, greedy ? label[..^1] : label, greedy);
                }
                else
                {
                    segments[i] = new Segment(part, null, false);
                    literals++;
                }
            }
            if (!lists.TryGetValue(op.HttpMethod, out var list)) lists[op.HttpMethod] = list = [];
            list.Add(new Route(op, segments, literals));
        }
        foreach (var (method, list) in lists)
        {
            // Most specific first: more literal segments, then longer templates.
            list.Sort((a, b) => a.Literals != b.Literals ? b.Literals.CompareTo(a.Literals) : b.Segments.Length.CompareTo(a.Segments.Length));
            _byMethod[method] = list.ToArray();
        }
    }

    /// <summary>Finds the operation for <paramref name="method"/> and the raw path; labels come back still encoded.</summary>
    public bool TryMatch(string method, string rawPath, out OperationModel? operation, out List<KeyValuePair<string, string>>? rawLabels)
    {
        operation = null;
        rawLabels = null;
        if (!_byMethod.TryGetValue(method, out var routes)) return false;
        var trimmed = rawPath.AsSpan().TrimStart('/');
        var parts = trimmed.Length == 0 ? [] : trimmed.ToString().Split('/');
        foreach (var route in routes)
        {
            if (Matches(route, parts, out rawLabels))
            {
                operation = route.Operation;
                return true;
            }
        }
        return false;
    }

    private static bool Matches(Route route, string[] parts, out List<KeyValuePair<string, string>>? labels)
    {
        labels = null;
        var segments = route.Segments;
        var greedy = segments.Length > 0 && segments[^1].Greedy;
        if (greedy ? parts.Length < segments.Length : parts.Length != segments.Length) return false;
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            if (segment.Literal is not null)
            {
                if (!string.Equals(segment.Literal, parts[i], StringComparison.Ordinal)) return false;
                continue;
            }
            var value = segment.Greedy ? string.Join('/', parts, i, parts.Length - i) : parts[i];
            if (value.Length == 0) return false;
            (labels ??= []).Add(new(segment.Label!, value));
        }
        return true;
    }
}

/// <summary>The rest-json protocol (EKS): input from URI labels, query string, headers and a JSON body; JSON output.</summary>
internal static class RestJsonProtocol
{
    public const string ContentType = "application/json";

    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };
    internal const int MaxBodyDepth = 64;
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxBodyDepth, AllowDuplicateProperties = false };

    // ---------------------------------------------------------------- input

    public static JsonObject ReadInput(Shape? input, RestRequest request, List<KeyValuePair<string, string>>? rawLabels)
    {
        var result = new JsonObject();
        if (input is null) return result;

        if (rawLabels is not null)
        {
            foreach (var (label, raw) in rawLabels)
            {
                var member = FindByLocation(input, MemberLocation.Uri, label);
                if (member is null) continue;
                if (!WireValues.TryDecodePathSegment(raw, out var decoded))
                    throw WireErrors.MalformedRequest(WireProtocol.RestJson, $"Invalid percent-encoding in URI label {label}.");
                result[member.Name] = ReadText(member, decoded, label);
            }
        }

        List<KeyValuePair<string, string>>? query = null;
        var hasBodyMembers = false;
        foreach (var member in input.Members)
        {
            switch (member.Location)
            {
                case MemberLocation.QueryString:
                    query ??= ParseQuery(request.RawQuery);
                    ReadQueryMember(member, query, result);
                    break;
                case MemberLocation.Header:
                    if (request.GetHeader(member.WireName) is { } header) result[member.Name] = ReadText(member, header.Trim(), member.WireName);
                    break;
                case MemberLocation.Body:
                    hasBodyMembers = true;
                    break;
            }
        }

        if (hasBodyMembers && !request.Body.IsEmpty && !IsBlank(request.Body.Span))
        {
            if (ParseBody(request.Body.Span) is not JsonObject bodyObject)
                throw WireErrors.MalformedRequest(WireProtocol.RestJson, "Request body must be a JSON object.");
            foreach (var (wireName, node) in bodyObject)
            {
                if (node is null || !input.MembersByWireName.TryGetValue(wireName, out var member) || member.Location != MemberLocation.Body)
                    continue;
                result[member.Name] = ReadJson(member, node, wireName);
            }
        }

        foreach (var member in input.Members)
            if (member.IdempotencyToken && !result.ContainsKey(member.Name))
                result[member.Name] = Guid.NewGuid().ToString();
        return result;
    }

    /// <summary>
    /// The body as JSON, refused whole (400) when it is not strictly valid: a syntax error, nesting deeper than
    /// <see cref="MaxBodyDepth"/>, a duplicate key, or a string (value or key) with invalid UTF-8 or an unpaired
    /// surrogate escape such as <c>"\ud800"</c>. System.Text.Json decodes strings lazily, so every string is decoded
    /// here once; otherwise a bad one in a member the operation reads would surface later as an exception.
    /// </summary>
    internal static JsonNode? ParseBody(ReadOnlySpan<byte> body)
    {
        try
        {
            if (StrictJson.Problem(body, new JsonReaderOptions { MaxDepth = MaxBodyDepth }) is { } problem) throw new JsonException(problem);
            return JsonNode.Parse(body, documentOptions: DocumentOptions);
        }
        catch (JsonException e)
        {
            throw WireErrors.MalformedRequest(WireProtocol.RestJson, "Could not parse request body into json: " + e.Message);
        }
    }

    private static MemberRef? FindByLocation(Shape shape, MemberLocation location, string wireName)
    {
        foreach (var member in shape.Members)
            if (member.Location == location && string.Equals(member.WireName, wireName, StringComparison.Ordinal)) return member;
        return null;
    }

    private static List<KeyValuePair<string, string>> ParseQuery(string rawQuery)
    {
        var list = new List<KeyValuePair<string, string>>();
        if (rawQuery.Length > 0 && !WireValues.TryParseForm(rawQuery.AsSpan(), list))
            throw WireErrors.MalformedRequest(WireProtocol.RestJson, "The query string contains invalid percent-encoding or UTF-8.");
        return list;
    }

    private static void ReadQueryMember(MemberRef member, List<KeyValuePair<string, string>> query, JsonObject result)
    {
        var shape = member.Shape;
        if (shape.Type == ShapeType.List)
        {
            JsonArray? array = null;
            foreach (var (name, value) in query)
                if (string.Equals(name, member.WireName, StringComparison.Ordinal))
                    (array ??= []).Add(ReadText(shape.Member!, value, name));
            if (array is not null) result[member.Name] = array;
            return;
        }
        if (shape.Type == ShapeType.Map)
        {
            // A querystring map without a locationName collects the parameters no other member claims.
            var map = new JsonObject();
            foreach (var (name, value) in query)
                if (map[name] is null) map[name] = ReadText(shape.Value!, value, name);
            if (map.Count > 0) result[member.Name] = map;
            return;
        }
        foreach (var (name, value) in query)
        {
            if (!string.Equals(name, member.WireName, StringComparison.Ordinal)) continue;
            result[member.Name] = ReadText(member, value, name);
            return;
        }
    }

    /// <summary>A scalar that arrived as text (URI label, query parameter, header).</summary>
    private static JsonNode ReadText(MemberRef member, string text, string where)
    {
        var shape = member.Shape;
        switch (shape.Type)
        {
            case ShapeType.String:
            case ShapeType.Blob:
                return JsonValue.Create(text);
            case ShapeType.Integer when int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i):
                return JsonValue.Create(i);
            case ShapeType.Long when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l):
                return JsonValue.Create(l);
            case ShapeType.Float or ShapeType.Double when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d):
                return JsonValue.Create(d);
            case ShapeType.Boolean when bool.TryParse(text, out var b):
                return JsonValue.Create(b);
            case ShapeType.Timestamp when WireValues.TryParseTimestamp(text, out var ts):
                return JsonValue.Create(ts);
            default:
                throw Malformed(where, $"'{text}' is not a valid {TypeName(shape.Type)}");
        }
    }

    /// <summary>Converts a body value to the model's names and types (timestamps become DateTimeOffset values).</summary>
    private static JsonNode ReadJson(MemberRef member, JsonNode node, string where)
    {
        var shape = member.Shape;
        var kind = node.GetValueKind();
        switch (shape.Type)
        {
            case ShapeType.Structure:
            {
                if (node is not JsonObject obj) throw Malformed(where, "expected a JSON object");
                var result = new JsonObject();
                foreach (var (wireName, value) in obj)
                {
                    if (value is null || !shape.MembersByWireName.TryGetValue(wireName, out var m)) continue;
                    result[m.Name] = ReadJson(m, value, wireName);
                }
                return result;
            }
            case ShapeType.List:
            {
                if (node is not JsonArray array) throw Malformed(where, "expected a JSON array");
                var result = new JsonArray();
                foreach (var element in array)
                    result.Add(element is null ? null : ReadJson(shape.Member!, element, where));
                return result;
            }
            case ShapeType.Map:
            {
                if (node is not JsonObject obj) throw Malformed(where, "expected a JSON object");
                var result = new JsonObject();
                foreach (var (key, value) in obj)
                    result[key] = value is null ? null : ReadJson(shape.Value!, value, key);
                return result;
            }
            case ShapeType.String or ShapeType.Blob:
                if (kind != JsonValueKind.String) throw Malformed(where, "expected a string");
                return node.DeepClone();
            case ShapeType.Boolean:
                if (kind is not (JsonValueKind.True or JsonValueKind.False)) throw Malformed(where, "expected a boolean");
                return JsonValue.Create(kind == JsonValueKind.True);
            case ShapeType.Integer:
                if (kind != JsonValueKind.Number || !int.TryParse(node.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i))
                    throw Malformed(where, "expected an integer");
                return JsonValue.Create(i);
            case ShapeType.Long:
                if (kind != JsonValueKind.Number || !long.TryParse(node.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
                    throw Malformed(where, "expected an integer");
                return JsonValue.Create(l);
            case ShapeType.Float or ShapeType.Double:
                if (kind != JsonValueKind.Number || !WireValues.TryGetDouble(node, out var d)) throw Malformed(where, "expected a number");
                return JsonValue.Create(d);
            case ShapeType.Timestamp:
                if (!WireValues.TryReadTimestamp(node, out var ts)) throw Malformed(where, "expected a timestamp");
                return JsonValue.Create(ts);
            default:
                throw Malformed(where, "unsupported type");
        }
    }

    private static string TypeName(ShapeType type) => type switch
    {
        ShapeType.Integer or ShapeType.Long => "integer",
        ShapeType.Float or ShapeType.Double => "number",
        ShapeType.Boolean => "boolean",
        ShapeType.Timestamp => "timestamp",
        _ => type.ToString().ToLowerInvariant(),
    };

    private static AwsServiceException Malformed(string where, string problem) =>
        WireErrors.MalformedInput(WireProtocol.RestJson, $"Invalid value for parameter {where}: {problem}.");

    private static bool IsBlank(ReadOnlySpan<byte> body)
    {
        foreach (var b in body)
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')) return false;
        return true;
    }

    // ---------------------------------------------------------------- output

    /// <summary>
    /// The success response: status from the model (or a <c>statusCode</c> member), header members as headers,
    /// the rest as a JSON body; timestamps as epoch seconds with a fraction.
    /// </summary>
    public static WireResponse Success(OperationModel operation, JsonObject? output)
    {
        var status = operation.ResponseCode;
        List<KeyValuePair<string, string>> headers = [];
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            if (operation.Output is { } shape && output is not null)
            {
                foreach (var (name, node) in output)
                {
                    if (node is null || !shape.MembersByName.TryGetValue(name, out var member)) continue;
                    switch (member.Location)
                    {
                        case MemberLocation.Header:
                            headers.Add(new(member.WireName, HeaderText(member, node)));
                            break;
                        case MemberLocation.Headers when node is JsonObject prefixed:
                            foreach (var (suffix, value) in prefixed)
                                if (value is not null) headers.Add(new(member.WireName + suffix, WireValues.ScalarText(value)));
                            break;
                        case MemberLocation.StatusCode:
                            if (WireValues.TryGetLong(node, out var code)) status = (int)code;
                            break;
                        case MemberLocation.Body:
                            w.WritePropertyName(member.WireName);
                            JsonShapeWriter.WriteValue(w, member, node);
                            break;
                    }
                }
            }
            w.WriteEndObject();
        }
        return new WireResponse(status, ContentType, buffer.WrittenSpan.ToArray(), headers);
    }

    private static string HeaderText(MemberRef member, JsonNode node)
    {
        if (member.Shape.Type == ShapeType.Timestamp && WireValues.TryReadTimestamp(node, out var ts))
            return (member.TimestampFormat ?? member.Shape.TimestampFormat) switch
            {
                TimestampFormat.Iso8601 => WireValues.FormatIso8601(ts),
                TimestampFormat.UnixTimestamp => WireValues.ToEpochSeconds(ts).ToString("R", CultureInfo.InvariantCulture),
                _ => WireValues.FormatRfc822(ts),
            };
        return WireValues.ScalarText(node);
    }

    // ---------------------------------------------------------------- errors

    /// <summary>Status from the model, <c>x-amzn-ErrorType: Code</c>, body <c>{"message": ..., extra fields}</c>.</summary>
    public static WireResponse Error(AwsServiceException error, int status)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("message", error.Message);
            foreach (var (name, value) in error.Fields)
                if (name != "message") w.WriteString(name, value);
            w.WriteEndObject();
        }
        return new WireResponse(status, ContentType, buffer.WrittenSpan.ToArray(),
        [new("x-amzn-ErrorType", error.Code)]);
    }
}
