using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Turnstile.Core.Kube;
using Turnstile.Kube.OpenApi;

namespace Turnstile.Kube.Validation;

/// <summary>The <c>fieldValidation</c> query parameter.</summary>
public enum FieldValidationMode
{
    /// <summary>Unknown fields are dropped silently; the last of duplicate fields wins.</summary>
    Ignore,

    /// <summary>Like Ignore, but each unknown and duplicate field gives a warning (the default since v1.23).</summary>
    Warn,

    /// <summary>Any unknown or duplicate field fails the request with 400 BadRequest.</summary>
    Strict,
}

/// <summary>The decoded object, or the error to answer with.</summary>
/// <param name="Object">The object with unknown fields pruned; null when <see cref="Error"/> is set.</param>
/// <param name="Warnings">Texts for <c>Warning</c> headers (<c>unknown field "spec.foo"</c>), Warn mode only.</param>
public sealed record DecodedObject(JsonObject? Object, IReadOnlyList<string> Warnings, KubeStatus? Error);

/// <summary>
/// Decodes a request body against its kind's schema the way kube-apiserver's strict JSON decoding and CRD pruning do:
/// fields the schema does not declare are unknown (matching is case-sensitive), a repeated key is a duplicate (the last
/// value is kept), and both are reported by their path from the object root (<c>spec.template.spec.containers[0].foo</c>)
/// in the order they appear. Built-in kinds keep anything inside open objects (RawExtension, FieldsV1); custom
/// resources keep unknown fields only under <c>x-kubernetes-preserve-unknown-fields</c>.
/// </summary>
public static class FieldValidation
{
    /// <summary>Parses the query value; empty means Warn. Null for an unsupported value.</summary>
    public static FieldValidationMode? ParseMode(string? value) => value switch
    {
        null or "" => FieldValidationMode.Warn,
        "Ignore" => FieldValidationMode.Ignore,
        "Warn" => FieldValidationMode.Warn,
        "Strict" => FieldValidationMode.Strict,
        _ => null,
    };

    /// <summary>The 400 for a <c>fieldValidation</c> value that is none of the three.</summary>
    public static KubeStatus InvalidModeError(string value) =>
        KubeStatus.BadRequest($"fieldValidation: Invalid value: {GoQuote(value)}: fieldValidation must be one of \"Ignore\", \"Warn\", or \"Strict\"");

    /// <summary>
    /// Decodes a create or update body. Errors are the create/update handler's 400:
    /// <c>{Kind} in version "{version}" cannot be handled as a {Kind}: strict decoding error: unknown field "spec.foo", duplicate field "x"</c>.
    /// </summary>
    public static DecodedObject Decode(ReadOnlySpan<byte> json, SchemaNode schema, GroupVersionKind gvk, FieldValidationMode mode) =>
        Decode(json, schema, mode, $"{gvk.Kind} in version {GoQuote(gvk.Version)} cannot be handled as a {gvk.Kind}: ");

    /// <summary>
    /// Prunes an object already in memory (the result of applying a patch), reporting unknown fields as
    /// <see cref="Decode(ReadOnlySpan{byte}, SchemaNode, GroupVersionKind, FieldValidationMode)"/> does; the error
    /// message is the bare <c>strict decoding error: ...</c>.
    /// </summary>
    public static DecodedObject Prune(JsonObject obj, SchemaNode schema, FieldValidationMode mode) =>
        Decode(Encoding.UTF8.GetBytes(obj.ToJsonString()), schema, mode, "");

    private static DecodedObject Decode(ReadOnlySpan<byte> json, SchemaNode schema, FieldValidationMode mode, string prefix)
    {
        var walker = new Walker(mode);
        JsonNode? root;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 10_000 });
            if (!reader.Read()) return Failed(prefix + "unexpected end of JSON input");
            root = walker.Read(ref reader, schema, "", structName: Short(schema));
            if (reader.Read()) return Failed(prefix + "invalid character after top-level value");
        }
        catch (JsonException e)
        {
            return Failed(prefix + "invalid JSON: " + e.Message);
        }
        catch (TypeMismatch e)
        {
            return Failed(prefix + e.Message);
        }
        if (root is not JsonObject obj) return Failed(prefix + "json: cannot unmarshal " + (root is JsonArray ? "array" : "value") + $" into Go value of type {Short(schema)}");
        if (mode == FieldValidationMode.Strict && walker.Problems.Count > 0)
            return Failed(prefix + StrictMessage(walker.Problems));
        return new DecodedObject(obj, mode == FieldValidationMode.Warn ? walker.Problems : [], null);
    }

    /// <summary>
    /// Parses JSON the way Go's decoder reads it into a map: a repeated key keeps its last value (System.Text.Json's
    /// JsonObject refuses duplicates). Throws <see cref="JsonException"/> for malformed input.
    /// </summary>
    public static JsonNode? ParseLastWins(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = 10_000 });
        if (!reader.Read()) throw new JsonException("unexpected end of JSON input");
        var node = new Walker(FieldValidationMode.Ignore).Read(ref reader, null, "", "");
        if (reader.Read()) throw new JsonException("invalid character after top-level value");
        return node;
    }

    /// <summary>
    /// The duplicate keys of a JSON document (a merge or strategic merge patch body), by path from its root:
    /// <c>duplicate field "spec.replicas"</c>. Empty when there are none or the JSON does not parse.
    /// </summary>
    public static IReadOnlyList<string> DuplicateFields(ReadOnlySpan<byte> json)
    {
        var walker = new Walker(FieldValidationMode.Strict);
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 10_000 });
            if (reader.Read()) walker.Read(ref reader, null, "", "");
        }
        catch (JsonException)
        {
            return [];
        }
        return walker.Problems;
    }

    /// <summary>
    /// The 422 a patch gets under <c>fieldValidation=Strict</c> when the patch or the patched object has unknown or
    /// duplicate fields: <c> "" is invalid: patch: Invalid value: "{patched object}": strict decoding error: ...</c>
    /// (no kind, no name). <paramref name="badValue"/> is the patched object's JSON for JSON and merge patches and
    /// the patch map in Go's <c>%+v</c> form (<see cref="GoFormat.Value"/>) for strategic merge patches.
    /// </summary>
    public static KubeStatus PatchStrictError(string badValue, IEnumerable<string> problems) =>
        KubeStatus.Invalid("", "", "", [FieldError.Invalid("patch", badValue, StrictMessage(problems))]);

    /// <summary><c>strict decoding error: unknown field "a", duplicate field "b"</c>.</summary>
    public static string StrictMessage(IEnumerable<string> problems) => "strict decoding error: " + string.Join(", ", problems);

    private static DecodedObject Failed(string message) => new(null, [], KubeStatus.BadRequest(message));

    private static string GoQuote(string s) => Core.Kube.GoJson.Quote(s);

    private static string Short(SchemaNode schema) =>
        SchemaSet.RefOf(schema.Declared) is { } name ? name[(name.LastIndexOf('.') + 1)..] : "Object";

    private sealed class TypeMismatch(string message) : Exception(message);

    private sealed class Walker(FieldValidationMode mode)
    {
        public List<string> Problems { get; } = [];

        public JsonNode? Read(ref Utf8JsonReader reader, SchemaNode? schema, string path, string structName)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    return ReadObject(ref reader, schema, path, structName);
                case JsonTokenType.StartArray:
                    CheckType(schema, "array", path, structName);
                    var array = new JsonArray();
                    var items = schema?.Items;
                    var i = 0;
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        array.Add(Read(ref reader, items, $"{path}[{i++}]", structName));
                    return array;
                case JsonTokenType.String:
                    CheckType(schema, "string", path, structName);
                    return JsonValue.Create(reader.GetString());
                case JsonTokenType.Number:
                    CheckType(schema, "number", path, structName);
                    return JsonValue.Create(JsonElement.ParseValue(ref reader)); // keeps the number as written
                case JsonTokenType.True or JsonTokenType.False:
                    CheckType(schema, "bool", path, structName);
                    return JsonValue.Create(reader.GetBoolean());
                default:
                    return null;
            }
        }

        private JsonObject ReadObject(ref Utf8JsonReader reader, SchemaNode? schema, string path, string structName)
        {
            CheckType(schema, "object", path, structName);
            var result = new JsonObject();
            var keep = schema is null || schema.PreservesUnknownFields;
            var values = schema?.AdditionalProperties;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var innerStruct = schema is not null && schema.HasProperties && SchemaSet.RefOf(schema.Declared) is { } n ? n[(n.LastIndexOf('.') + 1)..] : structName;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var name = reader.GetString()!;
                reader.Read();
                var fieldPath = path.Length == 0 ? name : path + "." + name;
                SchemaNode? fieldSchema = null;
                var known = keep;
                if (schema is not null && schema.HasProperties)
                {
                    fieldSchema = schema.Property(name);
                    // an embedded resource always has apiVersion, kind and metadata
                    known = fieldSchema is not null || schema.PreservesUnknownFields
                        || (schema.IsEmbeddedResource && name is "apiVersion" or "kind" or "metadata");
                }
                else if (values is not null)
                {
                    fieldSchema = values;
                    known = true;
                }
                if (!seen.Add(name)) Problems.Add($"duplicate field {GoQuote(fieldPath)}");
                if (!known)
                {
                    Problems.Add($"unknown field {GoQuote(fieldPath)}");
                    reader.Skip();
                    continue;
                }
                result[name] = Read(ref reader, fieldSchema, fieldPath, innerStruct);
            }
            return result;
        }

        // Type errors fail whatever the mode, with encoding/json's wording.
        private static void CheckType(SchemaNode? schema, string jsonType, string path, string structName)
        {
            if (schema is null || schema.IsIntOrString && jsonType is "string" or "number") return;
            var expected = schema.Type;
            if (expected is null) return;
            var ok = (expected, jsonType) switch
            {
                ("object", "object") or ("array", "array") or ("string", "string") or ("boolean", "bool") => true,
                ("integer" or "number", "number") => true,
                _ => false,
            };
            if (ok) return;
            var goType = (expected, schema.Format) switch
            {
                ("integer", "int32") => "int32",
                ("integer", _) => "int64",
                ("number", _) => "float64",
                ("boolean", _) => "bool",
                ("string", _) => "string",
                ("array", _) => "[]" + (schema.Items is { } it && SchemaSet.RefOf(it.Declared) is { } r ? "v1." + r[(r.LastIndexOf('.') + 1)..] : "string"),
                _ => SchemaSet.RefOf(schema.Declared) is { } s ? "v1." + s[(s.LastIndexOf('.') + 1)..] : "map[string]string",
            };
            throw new TypeMismatch($"json: cannot unmarshal {jsonType} into Go struct field {structName}.{path} of type {goType}");
        }
    }
}
