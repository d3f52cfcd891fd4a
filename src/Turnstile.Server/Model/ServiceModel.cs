using System.Collections.Concurrent;
using System.Text.Json;

namespace Turnstile.Server.Model;

public enum WireProtocol
{
    Query,
    RestJson,
}

/// <summary>One operation of a service model: its HTTP binding and input/output shapes.</summary>
public sealed class OperationModel
{
    internal OperationModel(string name, string httpMethod, string requestUri)
    {
        Name = name;
        HttpMethod = httpMethod;
        RequestUri = requestUri;
    }

    public string Name { get; }
    public string HttpMethod { get; }
    public string RequestUri { get; }
    public int ResponseCode { get; internal init; } = 200;
    public Shape? Input { get; internal init; }
    public Shape? Output { get; internal init; }

    /// <summary>Query protocol: the element wrapping the output members (<c>CreateUserResult</c>).</summary>
    public string? ResultWrapper { get; internal init; }

    /// <summary>False for operations modelled with <c>smithy.api#noAuth</c> (AssumeRoleWithWebIdentity).</summary>
    public bool RequiresSignature { get; internal init; } = true;

    public IReadOnlyList<Shape> Errors { get; internal init; } = [];

    public override string ToString() => $"{Name} {HttpMethod} {RequestUri}";
}

/// <summary>
/// A service model (the trimmed botocore <c>service-2.json</c> embedded in this assembly): protocol, metadata,
/// operations and shapes. Models are parsed once and shared.
/// </summary>
public sealed class ServiceModel
{
    private static readonly ConcurrentDictionary<string, ServiceModel> Embedded = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Shape> _errorsByCode;

    private ServiceModel(string name, WireProtocol protocol, string apiVersion, string signingName, string? xmlNamespace,
        IReadOnlyDictionary<string, OperationModel> operations, IReadOnlyDictionary<string, Shape> shapes)
    {
        Name = name;
        Protocol = protocol;
        ApiVersion = apiVersion;
        SigningName = signingName;
        XmlNamespace = xmlNamespace;
        Operations = operations;
        Shapes = shapes;
        _errorsByCode = new Dictionary<string, Shape>(StringComparer.Ordinal);
        foreach (var shape in shapes.Values)
        {
            if (!shape.IsException) continue;
            _errorsByCode.TryAdd(shape.Name, shape);
            if (shape.Error is { } error) _errorsByCode.TryAdd(error.Code, shape);
        }
    }

    /// <summary>Names of the models embedded in this assembly.</summary>
    public static IReadOnlyList<string> EmbeddedNames { get; } = ["iam", "sts", "eks"];

    public string Name { get; }
    public WireProtocol Protocol { get; }
    public string ApiVersion { get; }
    public string SigningName { get; }
    public string? XmlNamespace { get; }
    public IReadOnlyDictionary<string, OperationModel> Operations { get; }
    public IReadOnlyDictionary<string, Shape> Shapes { get; }

    /// <summary>The modelled exception shape whose error code or shape name is <paramref name="code"/>.</summary>
    public Shape? FindError(string code) => _errorsByCode.GetValueOrDefault(code);

    /// <summary>The embedded model <c>iam</c>, <c>sts</c> or <c>eks</c> (parsed on first use).</summary>
    public static ServiceModel Load(string name) =>
        TryLoad(name) ?? throw new ArgumentException($"no embedded service model '{name}'", nameof(name));

    public static ServiceModel? TryLoad(string name)
    {
        if (Embedded.TryGetValue(name, out var model)) return model;
        using var stream = typeof(ServiceModel).Assembly.GetManifestResourceStream($"Turnstile.Server.Models.{name}.json");
        if (stream is null) return null;
        model = Parse(name, stream);
        return Embedded.GetOrAdd(name, model);
    }

    /// <summary>Parses a trimmed (or full) botocore service model.</summary>
    public static ServiceModel Parse(string name, Stream json)
    {
        using var document = JsonDocument.Parse(json);
        return Parse(name, document.RootElement);
    }

    public static ServiceModel Parse(string name, JsonElement root)
    {
        var metadata = root.GetProperty("metadata");
        var protocolText = metadata.GetProperty("protocol").GetString();
        var protocol = protocolText switch
        {
            "query" => WireProtocol.Query,
            "rest-json" => WireProtocol.RestJson,
            _ => throw new NotSupportedException($"service model '{name}': protocol '{protocolText}' is not supported"),
        };
        var apiVersion = metadata.GetProperty("apiVersion").GetString()!;
        var signingName = Str(metadata, "signingName") ?? Str(metadata, "endpointPrefix") ?? name;
        var xmlNamespace = Str(metadata, "xmlNamespace");

        var shapesJson = root.GetProperty("shapes");
        var shapes = new Dictionary<string, Shape>(StringComparer.Ordinal);
        foreach (var property in shapesJson.EnumerateObject())
            shapes[property.Name] = new Shape(property.Name, ParseType(property.Value.GetProperty("type").GetString()));
        foreach (var property in shapesJson.EnumerateObject())
            Fill(shapes[property.Name], property.Value, shapes, protocol);

        var operations = new Dictionary<string, OperationModel>(StringComparer.Ordinal);
        foreach (var property in root.GetProperty("operations").EnumerateObject())
        {
            var op = property.Value;
            var http = op.GetProperty("http");
            var requiresSignature = true;
            if (op.TryGetProperty("auth", out var auth) && auth.ValueKind == JsonValueKind.Array)
            {
                requiresSignature = false;
                foreach (var scheme in auth.EnumerateArray())
                    if (scheme.GetString() != "smithy.api#noAuth") requiresSignature = true;
            }
            if (Str(op, "authtype") == "none") requiresSignature = false;

            var errors = new List<Shape>();
            if (op.TryGetProperty("errors", out var errorList))
                foreach (var e in errorList.EnumerateArray())
                {
                    var errorName = e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetProperty("shape").GetString()!;
                    if (shapes.TryGetValue(errorName, out var errorShape)) errors.Add(errorShape);
                }

            operations[property.Name] = new OperationModel(property.Name, http.GetProperty("method").GetString()!,
                http.GetProperty("requestUri").GetString()!)
            {
                ResponseCode = http.TryGetProperty("responseCode", out var rc) ? rc.GetInt32() : 200,
                Input = op.TryGetProperty("input", out var input) ? shapes[input.GetProperty("shape").GetString()!] : null,
                Output = op.TryGetProperty("output", out var output) ? shapes[output.GetProperty("shape").GetString()!] : null,
                ResultWrapper = op.TryGetProperty("output", out output) ? Str(output, "resultWrapper") : null,
                RequiresSignature = requiresSignature,
                Errors = errors,
            };
        }
        return new ServiceModel(name, protocol, apiVersion, signingName, xmlNamespace, operations, shapes);
    }

    private static void Fill(Shape shape, JsonElement json, Dictionary<string, Shape> shapes, WireProtocol protocol)
    {
        if (json.TryGetProperty("members", out var members))
        {
            var list = new List<MemberRef>();
            var byName = new Dictionary<string, MemberRef>(StringComparer.Ordinal);
            var byWire = new Dictionary<string, MemberRef>(StringComparer.Ordinal);
            foreach (var m in members.EnumerateObject())
            {
                var reference = Ref(m.Name, m.Value, shapes);
                list.Add(reference);
                byName[reference.Name] = reference;
                byWire.TryAdd(reference.WireName, reference);
            }
            shape.Members = list;
            shape.MembersByName = byName;
            shape.MembersByWireName = byWire;
        }
        if (json.TryGetProperty("required", out var required))
        {
            var set = new HashSet<string>(StringComparer.Ordinal);
            foreach (var r in required.EnumerateArray()) set.Add(r.GetString()!);
            shape.Required = set;
        }
        if (json.TryGetProperty("min", out var min)) shape.Min = (long)min.GetDouble();
        if (json.TryGetProperty("max", out var max)) shape.Max = (long)max.GetDouble();
        shape.Pattern = Str(json, "pattern");
        if (json.TryGetProperty("enum", out var enumValues))
        {
            var values = new List<string>();
            foreach (var v in enumValues.EnumerateArray()) values.Add(v.GetString()!);
            shape.Enum = values;
        }
        shape.TimestampFormat = ParseTimestampFormat(Str(json, "timestampFormat"));
        shape.Flattened = Bool(json, "flattened");
        shape.Sensitive = Bool(json, "sensitive");
        if (json.TryGetProperty("member", out var member)) shape.Member = Ref("member", member, shapes);
        if (json.TryGetProperty("key", out var key)) shape.Key = Ref("key", key, shapes);
        if (json.TryGetProperty("value", out var value)) shape.Value = Ref("value", value, shapes);
        shape.IsException = Bool(json, "exception");
        if (shape.IsException)
        {
            var code = shape.Name;
            var status = 400;
            var sender = !Bool(json, "fault");
            if (json.TryGetProperty("error", out var error))
            {
                code = Str(error, "code") ?? code;
                if (error.TryGetProperty("httpStatusCode", out var hs)) status = hs.GetInt32();
                if (error.TryGetProperty("senderFault", out var sf)) sender = sf.GetBoolean();
                else if (status >= 500) sender = false;
            }
            shape.Error = new ErrorTraits(code, status, sender);
        }
        shape.UrlEncodedInXml = protocol == WireProtocol.Query && shape.Name == "policyDocumentType";
    }

    private static MemberRef Ref(string name, JsonElement json, Dictionary<string, Shape> shapes)
    {
        var locationName = Str(json, "locationName");
        return new MemberRef(name, shapes[json.GetProperty("shape").GetString()!])
        {
            Location = Str(json, "location") switch
            {
                null => MemberLocation.Body,
                "uri" => MemberLocation.Uri,
                "querystring" => MemberLocation.QueryString,
                "header" => MemberLocation.Header,
                "headers" => MemberLocation.Headers,
                "statusCode" => MemberLocation.StatusCode,
                var other => throw new NotSupportedException($"member {name}: location '{other}'"),
            },
            LocationName = locationName,
            WireName = locationName ?? name,
            Flattened = Bool(json, "flattened"),
            TimestampFormat = ParseTimestampFormat(Str(json, "timestampFormat")),
            IdempotencyToken = Bool(json, "idempotencyToken"),
        };
    }

    private static ShapeType ParseType(string? type) => type switch
    {
        "structure" => ShapeType.Structure,
        "list" => ShapeType.List,
        "map" => ShapeType.Map,
        "string" => ShapeType.String,
        "integer" => ShapeType.Integer,
        "long" => ShapeType.Long,
        "float" => ShapeType.Float,
        "double" => ShapeType.Double,
        "boolean" => ShapeType.Boolean,
        "timestamp" => ShapeType.Timestamp,
        "blob" => ShapeType.Blob,
        _ => throw new NotSupportedException($"shape type '{type}'"),
    };

    private static TimestampFormat? ParseTimestampFormat(string? text) => text switch
    {
        null => null,
        "iso8601" => Model.TimestampFormat.Iso8601,
        "unixTimestamp" => Model.TimestampFormat.UnixTimestamp,
        "rfc822" => Model.TimestampFormat.Rfc822,
        _ => throw new NotSupportedException($"timestampFormat '{text}'"),
    };

    private static string? Str(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool Bool(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    public override string ToString() => $"{Name} ({Protocol}, {ApiVersion})";
}
