using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Turnstile.Core.Kube;
using Turnstile.Kube.Storage;

namespace Turnstile.Kube.Handlers;

/// <summary>A decoded request object, with the strict-decoding problems (duplicate fields) found on the way.</summary>
public sealed record DecodedObject(KubeObject Object, IReadOnlyList<string> DuplicateFields);

/// <summary>
/// Reading and decoding request bodies as kube-apiserver does: a 3 MiB limit (413), JSON or YAML by Content-Type
/// (415), Go's syntax errors (400), kind and apiVersion defaulted from the endpoint and checked against it, and the
/// JSON types of ObjectMeta checked like Go's typed decoder would.
/// </summary>
public static class BodyDecoder
{
    /// <summary>kube-apiserver's MaxRequestBodyBytes.</summary>
    public const int MaxBodyBytes = 3 * 1024 * 1024;

    /// <exception cref="KubeApiException">413 for a body over the limit.</exception>
    public static async Task<byte[]> ReadAsync(Stream? body, CancellationToken cancellationToken)
    {
        if (body is null) return [];
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        while (true)
        {
            var read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false);
            if (read == 0) return buffer.ToArray();
            if (buffer.Length + read > MaxBodyBytes)
                throw new KubeApiException(new KubeStatus(413, "RequestEntityTooLarge", $"Request entity too large: limit is {MaxBodyBytes}", null));
            buffer.Write(chunk, 0, read);
        }
    }

    /// <summary>
    /// Decodes an object for an endpoint serving <paramref name="kind"/> at <paramref name="apiVersion"/>: missing
    /// kind or apiVersion take the endpoint's, a different one is refused as kube refuses it.
    /// </summary>
    /// <exception cref="KubeApiException">400 with kube's decode error texts.</exception>
    public static DecodedObject Decode(byte[] body, OutputFormat format, string kind, string apiVersion, bool unstructured = false)
    {
        var (root, error, duplicates) = ParseDocument(body, format);
        if (error is not null) throw Unrecognized(kind, error, body);
        // A JSON or YAML null decodes as an empty object (Go's Unmarshal of null leaves the struct as it is).
        root ??= new JsonObject();
        if (root is not JsonObject obj)
            throw Unrecognized(kind, "couldn't get version/kind; json parse error: json: cannot unmarshal " + GoTypeName(root) +
                " into Go value of type struct { APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" }", body);
        foreach (var member in new[] { "apiVersion", "kind" })
            if (obj[member] is { } value && !(value is JsonValue v && v.GetValueKind() == JsonValueKind.String))
                throw Unrecognized(kind, $"couldn't get version/kind; json parse error: json: cannot unmarshal {GoTypeName(value)} into Go struct field .{member} of type string", body);
        var decoded = new KubeObject(obj, unstructured);
        if (decoded.Kind.Length == 0) decoded.Kind = kind;
        if (decoded.ApiVersion.Length == 0) decoded.ApiVersion = apiVersion;
        var version = decoded.ApiVersion.Contains('/') ? decoded.ApiVersion[(decoded.ApiVersion.IndexOf('/') + 1)..] : decoded.ApiVersion;
        if (decoded.Kind != kind)
            throw KubeApiException.BadRequest($"{decoded.Kind} in version {GoJson.Quote(version)} cannot be handled as a {kind}: converting " +
                                              $"({PackageOf(decoded.ApiVersion)}.{decoded.Kind}) to ({InternalPackageOf(apiVersion)}.{kind}): unknown conversion");
        if (decoded.ApiVersion != apiVersion)
            throw KubeApiException.BadRequest($"the API version in the data ({decoded.ApiVersion}) does not match the expected API version ({apiVersion})");
        if (ObjectShape.Check(obj) is { } shapeError)
            throw CannotHandle(kind, version, shapeError);
        return new DecodedObject(decoded, duplicates);
    }

    /// <summary>kube's transformDecodeError once the kind is known.</summary>
    public static KubeApiException CannotHandle(string kind, string version, string error) =>
        KubeApiException.BadRequest($"{kind} in version {GoJson.Quote(version)} cannot be handled as a {kind}: {error}");

    /// <summary>Parses a body as JSON (Go's syntax errors) or YAML, keeping the last of duplicate members and noting them.</summary>
    public static (JsonNode? Root, string? Error, IReadOnlyList<string> Duplicates) ParseDocument(byte[] body, OutputFormat format)
    {
        if (format == OutputFormat.Yaml)
        {
            var (node, yamlError) = YamlCodec.ToJson(Encoding.UTF8.GetString(body));
            return (node, yamlError, []);
        }
        if (GoJsonSyntax.Check(body) is { } syntax) return (null, "couldn't get version/kind; json parse error: " + syntax, []);
        var duplicates = new List<string>();
        try
        {
            return (ParseJson(body, duplicates), null, duplicates);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            // Invalid UTF-8 passes Go's scanner (it decodes as U+FFFD); do the same.
            duplicates.Clear();
            try
            {
                return (ParseJson(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body)), duplicates), null, duplicates);
            }
            catch (Exception again) when (again is JsonException or InvalidOperationException or ArgumentException)
            {
                return (null, "couldn't get version/kind; json parse error: " + again.Message, []);
            }
        }
    }

    private static JsonNode? ParseJson(byte[] body, List<string> duplicates)
    {
        using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = KubeJson.MaxDepth + 1 });
        return Convert(document.RootElement, "", duplicates);
    }

    // Builds the tree by hand: Go keeps the last of duplicate members, and strict decoding reports them.
    private static JsonNode? Convert(JsonElement element, string path, List<string> duplicates)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var obj = new JsonObject();
                foreach (var property in element.EnumerateObject())
                {
                    var childPath = path.Length == 0 ? property.Name : path + "." + property.Name;
                    if (obj.ContainsKey(property.Name))
                    {
                        duplicates.Add($"duplicate field {GoJson.Quote(childPath)}");
                        obj.Remove(property.Name);
                    }
                    obj[property.Name] = Convert(property.Value, childPath, duplicates);
                }
                return obj;
            case JsonValueKind.Array:
                return new JsonArray(element.EnumerateArray().Select(e => Convert(e, path, duplicates)).ToArray());
            case JsonValueKind.String:
                return JsonValue.Create(element.GetString());
            case JsonValueKind.Null:
                return null;
            default:
                return JsonValue.Create(element.Clone());
        }
    }

    private static KubeApiException Unrecognized(string kind, string error, byte[] body) =>
        KubeApiException.BadRequest($"the object provided is unrecognized (must be of type {kind}): {error} ({Summarize(body)})");

    // kube's summarizeData: the first 30 bytes, as text when the body starts like a JSON object, else hex.
    private static string Summarize(byte[] body)
    {
        if (body.Length == 0) return "<empty>";
        var head = body.AsSpan(0, Math.Min(body.Length, 30));
        var text = body[0] == (byte)'{' ? Encoding.UTF8.GetString(head) : System.Convert.ToHexStringLower(head);
        return body.Length > 30 ? text + " ..." : text;
    }

    /// <summary>How Go's json names a value's type in an UnmarshalTypeError.</summary>
    internal static string GoTypeName(JsonNode? value) => value switch
    {
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number",
            JsonValueKind.True or JsonValueKind.False => "bool",
            _ => "null",
        },
        _ => "null",
    };

    // The Go package names in a conversion error: k8s.io/api/<group>/<version> types print as "<version>.Kind",
    // the internal ones as "<group's first label>.Kind" (core for the legacy group).
    private static string PackageOf(string apiVersion) => apiVersion.Contains('/') ? apiVersion[(apiVersion.IndexOf('/') + 1)..] : apiVersion;

    private static string InternalPackageOf(string apiVersion)
    {
        if (!apiVersion.Contains('/')) return "core";
        var group = apiVersion[..apiVersion.IndexOf('/')];
        return group == "events.k8s.io" ? "core" : group.Split('.')[0];
    }
}

/// <summary>
/// The JSON types of ObjectMeta, checked as Go's typed decoder checks them, with its UnmarshalTypeError text
/// (<c>json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string</c>).
/// </summary>
internal static class ObjectShape
{
    private static readonly string[] Strings = ["name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "creationTimestamp", "deletionTimestamp"];
    private static readonly string[] Integers = ["generation", "deletionGracePeriodSeconds"];

    public static string? Check(JsonObject obj)
    {
        var metadata = obj["metadata"];
        if (metadata is null) return null;
        if (metadata is not JsonObject meta) return TypeError(metadata, "metadata", "v1.ObjectMeta", obj);
        foreach (var name in Strings)
            if (meta[name] is { } v && !IsString(v) && !(name.EndsWith("Timestamp", StringComparison.Ordinal) && v is null))
                return Error(v, "ObjectMeta", "metadata." + name, "string");
        foreach (var name in Integers)
            if (meta[name] is { } v && !IsInteger(v)) return Error(v, "ObjectMeta", "metadata." + name, "int64");
        foreach (var name in new[] { "labels", "annotations" })
        {
            if (meta[name] is not { } map) continue;
            if (map is not JsonObject entries) return Error(map, "ObjectMeta", "metadata." + name, "map[string]string");
            foreach (var (_, value) in entries)
                if (value is not null && !IsString(value)) return Error(value, "ObjectMeta", "metadata." + name, "string");
        }
        if (meta["finalizers"] is { } finalizers)
        {
            if (finalizers is not JsonArray items) return Error(finalizers, "ObjectMeta", "metadata.finalizers", "[]string");
            foreach (var item in items)
                if (item is not null && !IsString(item)) return Error(item, "ObjectMeta", "metadata.finalizers", "string");
        }
        foreach (var (name, element) in new[] { ("ownerReferences", "v1.OwnerReference"), ("managedFields", "v1.ManagedFieldsEntry") })
        {
            if (meta[name] is not { } list) continue;
            if (list is not JsonArray items) return Error(list, "ObjectMeta", "metadata." + name, "[]" + element);
            foreach (var item in items)
                if (item is not null and not JsonObject) return Error(item, "ObjectMeta", "metadata." + name, element);
        }
        return null;
    }

    private static string TypeError(JsonNode value, string field, string type, JsonObject obj) =>
        Error(value, KubeObject.String(obj, "kind"), field, type);

    private static string Error(JsonNode value, string structName, string field, string type) =>
        $"json: cannot unmarshal {BodyDecoder.GoTypeName(value)} into Go struct field {structName}.{field} of type {type}";

    private static bool IsString(JsonNode value) => value is JsonValue v && v.GetValueKind() == JsonValueKind.String;

    private static bool IsInteger(JsonNode value) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && long.TryParse(v.ToJsonString(), out _);
}
