using System.Text.Json;
using System.Text.Json.Nodes;

namespace Turnstile.Kube.Apply.Schema;

/// <summary>
/// Apply types built from OpenAPI v3 schemas by the rules kube-apiserver uses (kube-openapi's <c>schemaconv</c>):
/// <c>x-kubernetes-list-type</c> / <c>-list-map-keys</c> (falling back to <c>x-kubernetes-patch-strategy</c> and
/// <c>-patch-merge-key</c>), <c>x-kubernetes-map-type</c>, <c>additionalProperties</c>,
/// <c>x-kubernetes-preserve-unknown-fields</c>, formats (<c>int-or-string</c>, <c>date-time</c>: untyped scalars),
/// and the hard-coded <c>Quantity</c> and <c>RawExtension</c>. Kinds are found through
/// <c>x-kubernetes-group-version-kind</c>. Types are built on first use and shared.
/// </summary>
public sealed class ApplySchemaSet
{
    private const string QuantityName = "io.k8s.apimachinery.pkg.api.resource.Quantity";
    private const string RawExtensionName = "io.k8s.apimachinery.pkg.runtime.RawExtension";

    /// <summary>Definitions generated from Go types: only these have zero values (see <see cref="ApplyField.ZeroValue"/>).</summary>
    public static readonly IReadOnlyList<string> BuiltInPrefixes =
        ["io.k8s.api.", "io.k8s.apimachinery.", "io.k8s.apiextensions-apiserver.", "io.k8s.kube-aggregator."];

    private readonly IReadOnlyDictionary<string, JsonObject> _schemas;
    private readonly Func<string, bool> _isGoGenerated;
    private readonly Dictionary<string, ApplyType> _named = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, MapRelationship), ApplyType> _overridden = [];
    private readonly Dictionary<(string Group, string Version, string Kind), string> _kinds = [];
    private readonly object _gate = new();

    private ApplySchemaSet(IReadOnlyDictionary<string, JsonObject> schemas, Func<string, bool>? isGoGenerated)
    {
        _schemas = schemas;
        _isGoGenerated = isGoGenerated ?? (name => BuiltInPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)));
        foreach (var (name, schema) in schemas)
        {
            if (schema["x-kubernetes-group-version-kind"] is not JsonArray gvks) continue;
            foreach (var gvk in gvks.OfType<JsonObject>())
            {
                if (Text(gvk, "kind") is not { Length: > 0 } kind || Text(gvk, "version") is not { } version) continue;
                _kinds[(Text(gvk, "group") ?? "", version, kind)] = name;
            }
        }
    }

    /// <summary>
    /// From an OpenAPI v3 document (<c>{"components":{"schemas":{...}}}</c>) or a bare <c>{"schemas":{...}}</c>.
    /// </summary>
    /// <param name="isGoGenerated">Which definitions come from Go types; default: the <see cref="BuiltInPrefixes"/>.</param>
    public static ApplySchemaSet FromOpenApiV3(JsonObject document, Func<string, bool>? isGoGenerated = null)
    {
        var schemas = (document["components"] as JsonObject)?["schemas"] as JsonObject ?? document["schemas"] as JsonObject
            ?? throw new ArgumentException("the document has no components.schemas", nameof(document));
        return FromSchemas(schemas.Where(kv => kv.Value is JsonObject).ToDictionary(kv => kv.Key, kv => kv.Value!.AsObject(), StringComparer.Ordinal),
            isGoGenerated);
    }

    /// <summary>From named schemas (keys are what <c>#/components/schemas/NAME</c> references point to).</summary>
    public static ApplySchemaSet FromSchemas(IReadOnlyDictionary<string, JsonObject> schemas, Func<string, bool>? isGoGenerated = null) =>
        new(schemas, isGoGenerated);

    /// <summary>The type of a kind, or null when no schema carries it (use <see cref="ApplyType.Deduced"/> then).</summary>
    public ApplyType? ForKind(string group, string version, string kind) =>
        _kinds.TryGetValue((group, version, kind), out var name) ? Named(name) : null;

    /// <summary>A named definition's type, or null when there is none.</summary>
    public ApplyType? Named(string name)
    {
        lock (_gate) return Resolve(name);
    }

    private ApplyType? Resolve(string name)
    {
        if (_named.TryGetValue(name, out var known)) return known;
        if (!_schemas.TryGetValue(name, out var schema)) return null;
        var type = new ApplyType();
        _named[name] = type;
        switch (name)
        {
            case QuantityName: type.Set(ScalarType.Untyped, null, null); break;
            case RawExtensionName: type.Set(ScalarType.Untyped, ApplyType.UntypedAtomic.List, ApplyType.UntypedAtomic.Map); break;
            default:
                var built = Build(schema, new Context(false, _isGoGenerated(name)));
                type.Set(built.Scalar, built.List, built.Map);
                break;
        }
        return type;
    }

    /// <summary>Whether unknown fields are kept (inherited by inline children) and whether Go zero values apply.</summary>
    private readonly record struct Context(bool PreserveUnknownFields, bool GoGenerated);

    private ApplyType Build(JsonObject schema, Context context)
    {
        if (schema["x-kubernetes-preserve-unknown-fields"] is JsonValue p && p.GetValueKind() == JsonValueKind.True)
            context = context with { PreserveUnknownFields = true };
        return TypeName(schema) switch
        {
            "" => new ApplyType(ScalarType.Untyped, BuildList(schema, context), BuildMap(schema, context)),
            "object" => new ApplyType(null, null, BuildMap(schema, context)),
            "array" => new ApplyType(null, BuildList(schema, context), null),
            "integer" or "number" => new ApplyType(ScalarType.Numeric, null, null),
            "boolean" => new ApplyType(ScalarType.Boolean, null, null),
            "string" => new ApplyType(Text(schema, "format") is null or "" or "byte" ? ScalarType.String : ScalarType.Untyped, null, null),
            _ => new ApplyType(ScalarType.Untyped, null, null),
        };
    }

    /// <summary>A property's or item's type: a named definition (with its own map-type override) or an inline schema.</summary>
    private ApplyType Reference(JsonObject schema, Context context)
    {
        var reference = RefName(schema);
        if (reference is null) return Build(schema, context);
        var target = Resolve(reference) ?? ApplyType.Deduced;
        var relationship = MapRelationshipOf(schema);
        if (relationship is null || target.Map is null) return target;
        var key = (reference, relationship.Value);
        if (!_overridden.TryGetValue(key, out var overridden))
            _overridden[key] = overridden = new ApplyType(target.Scalar, target.List, target.Map.WithRelationship(relationship.Value));
        return overridden;
    }

    private ApplyMap BuildMap(JsonObject schema, Context context)
    {
        var properties = schema["properties"] as JsonObject;
        var required = (schema["required"] as JsonArray)?.Select(r => r?.GetValueKind() == JsonValueKind.String ? r.GetValue<string>() : null)
            .OfType<string>().ToHashSet(StringComparer.Ordinal) ?? [];
        var fields = new List<ApplyField>();
        foreach (var (name, member) in properties ?? [])
        {
            if (member is not JsonObject memberSchema) continue;
            var defaultValue = memberSchema["default"];
            var zero = context.GoGenerated ? GoZeroValue(defaultValue, required.Contains(name)) : null;
            fields.Add(new ApplyField(name, Reference(memberSchema, context), defaultValue?.DeepClone(), zero));
        }

        ApplyType? elementType = schema["additionalProperties"] switch
        {
            null => context.PreserveUnknownFields || properties is not { Count: > 0 } ? ApplyType.Deduced : null,
            JsonObject additional => Reference(additional, context),
            JsonValue allowed when allowed.GetValueKind() == JsonValueKind.True => ApplyType.Deduced,
            _ => null,
        };
        return new ApplyMap(fields, elementType, MapRelationshipOf(schema) ?? MapRelationship.Granular);
    }

    private ApplyList BuildList(JsonObject schema, Context context)
    {
        var (relationship, keys) = ListRelationshipOf(schema);
        var element = schema["items"] is JsonObject items ? Reference(items, context) : ApplyType.UntypedAtomic;
        return new ApplyList(element, relationship, keys);
    }

    /// <summary>
    /// openapi-gen writes <c>default: {}</c> for non-pointer struct fields and the zero scalar for fields without
    /// <c>omitempty</c>; a required field without a default is a nil pointer, slice or map written as null.
    /// Other defaults (<c>protocol: TCP</c>) are real defaults, not zero values.
    /// </summary>
    private static ZeroValue? GoZeroValue(JsonNode? defaultValue, bool required)
    {
        switch (defaultValue)
        {
            case null: return required ? new ZeroValue(null) : null;
            case JsonObject { Count: 0 }: return new ZeroValue(new JsonObject());
            case JsonValue v:
                var zero = v.GetValueKind() switch
                {
                    JsonValueKind.String => v.GetValue<string>().Length == 0,
                    JsonValueKind.False => true,
                    JsonValueKind.Number => v.TryGetValue<double>(out var d) && d == 0,
                    _ => false,
                };
                return zero ? new ZeroValue(v.DeepClone()) : null;
            default: return null;
        }
    }

    private static (ListRelationship, IReadOnlyList<string>) ListRelationshipOf(JsonObject schema)
    {
        switch (Text(schema, "x-kubernetes-list-type"))
        {
            case "atomic": return (ListRelationship.Atomic, []);
            case "set": return (ListRelationship.Set, []);
            case "map":
                var keys = (schema["x-kubernetes-list-map-keys"] as JsonArray)?
                    .Select(k => k?.GetValueKind() == JsonValueKind.String ? k.GetValue<string>() : null).OfType<string>().ToArray() ?? [];
                return keys.Length > 0 ? (ListRelationship.Map, keys) : (ListRelationship.Set, []);
            case not null: return (ListRelationship.Atomic, []); // CRD validation rejects other values
        }
        switch (Text(schema, "x-kubernetes-patch-strategy"))
        {
            case "merge" or "merge,retainKeys":
                return Text(schema, "x-kubernetes-patch-merge-key") is { } key ? (ListRelationship.Map, [key]) : (ListRelationship.Set, []);
            default: return (ListRelationship.Atomic, []);
        }
    }

    private static MapRelationship? MapRelationshipOf(JsonObject schema) => Text(schema, "x-kubernetes-map-type") switch
    {
        "atomic" => MapRelationship.Atomic,
        "granular" => MapRelationship.Granular,
        _ => null,
    };

    private static string? RefName(JsonObject schema)
    {
        var reference = Text(schema, "$ref");
        if (reference is null && schema["allOf"] is JsonArray { Count: 1 } all && all[0] is JsonObject only) reference = Text(only, "$ref");
        if (reference is null) return null;
        var slash = reference.LastIndexOf('/');
        return slash < 0 ? reference : reference[(slash + 1)..];
    }

    private static string TypeName(JsonObject schema) => schema["type"] switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonArray { Count: > 0 } a when a[0]?.GetValueKind() == JsonValueKind.String => a[0]!.GetValue<string>(),
        _ => "",
    };

    private static string? Text(JsonObject o, string name) =>
        o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
