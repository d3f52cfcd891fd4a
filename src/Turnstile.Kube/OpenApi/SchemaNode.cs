using System.Text.Json.Nodes;

namespace Turnstile.Kube.OpenApi;

/// <summary>
/// One place in a schema: the schema as written at that place (<see cref="Declared"/>, which carries the
/// <c>x-kubernetes-*</c> list and patch extensions of a field) and what it resolves to after following
/// <c>$ref</c> / <c>allOf: [{$ref}]</c> (<see cref="Resolved"/>, which carries the structure).
/// </summary>
public sealed class SchemaNode
{
    private readonly SchemaSet _set;

    internal SchemaNode(SchemaSet set, JsonObject declared, bool structural)
    {
        _set = set;
        Declared = declared;
        Resolved = set.Resolve(declared);
        // a $ref always leads into a built-in type, whatever the parent
        IsStructural = structural && ReferenceEquals(Resolved, declared);
    }

    /// <summary>
    /// True inside a CRD's structural schema, where an object keeps only the fields its schema declares unless it says
    /// <c>x-kubernetes-preserve-unknown-fields</c>. False for built-in types, whose open objects (RawExtension,
    /// FieldsV1) keep anything.
    /// </summary>
    public bool IsStructural { get; }

    public JsonObject Declared { get; }
    public JsonObject Resolved { get; }

    /// <summary>The JSON type (<c>object</c>, <c>array</c>, <c>string</c>, <c>integer</c>, <c>number</c>, <c>boolean</c>) or null when open.</summary>
    public string? Type => Str("type");

    public string? Format => Str("format");

    /// <summary>int-or-string fields (<c>IntOrString</c>, <c>x-kubernetes-int-or-string</c>) take either JSON type.</summary>
    public bool IsIntOrString => Format == "int-or-string" || Bool("x-kubernetes-int-or-string");

    /// <summary>Unknown fields are kept under this node (<c>x-kubernetes-preserve-unknown-fields</c>, RawExtension, JSON).</summary>
    public bool PreservesUnknownFields =>
        Bool("x-kubernetes-preserve-unknown-fields")
        || (!IsStructural && Type is null or "object" && Resolved["properties"] is null && Resolved["additionalProperties"] is null
            && !IsIntOrString && Resolved["items"] is null);

    /// <summary>An embedded object with its own apiVersion/kind/metadata (<c>x-kubernetes-embedded-resource</c>).</summary>
    public bool IsEmbeddedResource => Bool("x-kubernetes-embedded-resource");

    public string? PatchStrategy => Str("x-kubernetes-patch-strategy");
    public string? PatchMergeKey => Str("x-kubernetes-patch-merge-key");

    /// <summary><c>atomic</c>, <c>set</c> or <c>map</c> for lists; <c>atomic</c>/<c>granular</c> for maps and structs (<c>x-kubernetes-map-type</c>).</summary>
    public string? ListType => Str("x-kubernetes-list-type");

    public string? MapType => Str("x-kubernetes-map-type");

    public IReadOnlyList<string> ListMapKeys =>
        Find("x-kubernetes-list-map-keys") is JsonArray a ? a.Select(k => k!.GetValue<string>()).ToArray() : [];

    /// <summary>The declared properties (empty for maps and open objects).</summary>
    public IEnumerable<string> PropertyNames => Resolved["properties"] is JsonObject p ? p.Select(kv => kv.Key) : [];

    public bool HasProperties => Resolved["properties"] is JsonObject { Count: > 0 };

    public SchemaNode? Property(string name) =>
        Resolved["properties"] is JsonObject p && p[name] is JsonObject s ? new SchemaNode(_set, s, IsStructural) : null;

    /// <summary>The schema of map values; null when the object has no <c>additionalProperties</c> schema.</summary>
    public SchemaNode? AdditionalProperties => Resolved["additionalProperties"] is JsonObject s ? new SchemaNode(_set, s, IsStructural) : null;

    public SchemaNode? Items => Resolved["items"] is JsonObject s ? new SchemaNode(_set, s, IsStructural) : null;

    private JsonNode? Find(string key) => Declared[key] ?? Resolved[key];

    private string? Str(string key) => Find(key) is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private bool Bool(string key) => Find(key) is JsonValue v && v.TryGetValue<bool>(out var b) && b;
}
