using System.Reflection;
using System.Text.Json.Nodes;
using Turnstile.Core.Kube;
using Turnstile.Kube.Catalog;

namespace Turnstile.Kube.OpenApi;

/// <summary>A group/version/kind.</summary>
public readonly record struct GroupVersionKind(string Group, string Version, string Kind);

/// <summary>
/// The OpenAPI v3 schemas of every kind a cluster serves, by name (<c>io.k8s.api.core.v1.Pod</c>,
/// <c>com.example.v1.Widget</c>): the embedded Kubernetes v1.32 definitions (structure only) plus one schema and one
/// list schema per served CRD version. Schemas are shared, never to be mutated.
/// </summary>
public sealed class SchemaSet
{
    public const string RefPrefix = "#/components/schemas/";
    internal const string ObjectMetaName = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
    internal const string ListMetaName = "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta";

    private static readonly Lazy<IReadOnlyDictionary<string, JsonObject>> BuiltIn = new(LoadBuiltIn);

    private readonly Dictionary<string, JsonObject> _schemas;
    private readonly Dictionary<GroupVersionKind, string> _byKind = [];
    private readonly HashSet<string> _structural = new(StringComparer.Ordinal);

    private SchemaSet(Dictionary<string, JsonObject> schemas)
    {
        _schemas = schemas;
        foreach (var (name, schema) in schemas) IndexKinds(name, schema);
    }

    /// <summary>The built-in schemas alone.</summary>
    private static SchemaSet BuiltInOnly() => new(new Dictionary<string, JsonObject>(BuiltIn.Value, StringComparer.Ordinal));

    /// <summary>The schemas of everything a snapshot serves.</summary>
    public static SchemaSet For(ApiSnapshot snapshot)
    {
        var set = BuiltInOnly();
        foreach (var r in snapshot.Catalog.AllResources.Where(r => r.Source is ApiSource.EksCustomResource or ApiSource.CustomResource))
        {
            var gvk = new GroupVersionKind(r.Group, r.Version, r.Kind);
            if (set._byKind.ContainsKey(gvk)) continue;
            var crd = snapshot.FindCustomResource(r.Group, r.Name);
            var version = crd?.Versions.First(v => v.Name == r.Version);
            set.AddCustomKind(gvk, crd?.Names.ListKind ?? r.Kind + "List", version?.Schema);
        }
        return set;
    }

    public IReadOnlyDictionary<string, JsonObject> Schemas => _schemas;

    /// <summary>The schema name of a kind (the name its <c>x-kubernetes-group-version-kind</c> is on).</summary>
    public string? NameOf(GroupVersionKind gvk) => _byKind.GetValueOrDefault(gvk);

    /// <summary>The root of a kind's schema; null when the kind has none (metrics.k8s.io, unknown kinds).</summary>
    public SchemaNode? ForKind(GroupVersionKind gvk) =>
        NameOf(gvk) is { } name ? new SchemaNode(this, _schemas[name], _structural.Contains(name)) : null;

    /// <summary>Follows <c>$ref</c> and single-element <c>allOf</c> wrappers to the schema that carries the structure.</summary>
    internal JsonObject Resolve(JsonObject schema)
    {
        for (var depth = 0; depth < 16; depth++)
        {
            var target = RefOf(schema);
            if (target is null || !_schemas.TryGetValue(target, out var next)) return schema;
            schema = next;
        }
        return schema;
    }

    /// <summary>The schema name a node points to (<c>$ref</c> or <c>allOf: [{$ref}]</c>), if any.</summary>
    internal static string? RefOf(JsonObject schema)
    {
        if (schema["$ref"] is JsonValue r) return Strip(r.GetValue<string>());
        if (schema["allOf"] is JsonArray { Count: 1 } all && all[0] is JsonObject one && one["$ref"] is JsonValue r2) return Strip(r2.GetValue<string>());
        return null;
    }

    private static string Strip(string reference) =>
        reference.StartsWith(RefPrefix, StringComparison.Ordinal) ? reference[RefPrefix.Length..] : reference;

    // A CRD version's schema as the API server publishes it: apiVersion/kind/metadata added, the kind's GVK attached,
    // plus a list schema. Without a schema (EKS add-on CRDs known only by discovery) the object keeps anything.
    private void AddCustomKind(GroupVersionKind gvk, string listKind, JsonObject? declared)
    {
        var name = CustomSchemaName(gvk.Group, gvk.Version, gvk.Kind);
        var schema = declared?.DeepClone().AsObject() ?? new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true };
        schema["type"] ??= "object";
        var properties = schema["properties"] as JsonObject ?? new JsonObject();
        schema.Remove("properties");
        var merged = new JsonObject
        {
            ["apiVersion"] = new JsonObject { ["type"] = "string" },
            ["kind"] = new JsonObject { ["type"] = "string" },
            ["metadata"] = Ref(ObjectMetaName),
        };
        foreach (var (key, value) in properties.ToArray())
        {
            if (key is "apiVersion" or "kind" or "metadata") continue;
            properties.Remove(key);
            merged[key] = value;
        }
        schema["properties"] = merged;
        schema["x-kubernetes-group-version-kind"] = GvkArray(gvk);
        _schemas[name] = schema;
        _structural.Add(name);
        IndexKinds(name, schema);

        var listName = CustomSchemaName(gvk.Group, gvk.Version, listKind);
        var list = new JsonObject
        {
            ["properties"] = new JsonObject
            {
                ["apiVersion"] = new JsonObject { ["type"] = "string" },
                ["items"] = new JsonObject { ["items"] = Ref(name), ["type"] = "array" },
                ["kind"] = new JsonObject { ["type"] = "string" },
                ["metadata"] = Ref(ListMetaName),
            },
            ["required"] = new JsonArray("items"),
            ["type"] = "object",
            ["x-kubernetes-group-version-kind"] = GvkArray(gvk with { Kind = listKind }),
        };
        _schemas[listName] = list;
        IndexKinds(listName, list);
    }

    /// <summary>apiextensions' definition name: the group's labels reversed, then version and kind (<c>com.example.v1.Widget</c>).</summary>
    public static string CustomSchemaName(string group, string version, string kind) =>
        string.Join('.', group.Split('.').Reverse()) + "." + version + "." + kind;

    private static JsonObject Ref(string name) => new() { ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = RefPrefix + name }) };

    private static JsonArray GvkArray(GroupVersionKind gvk) =>
        new(new JsonObject { ["group"] = gvk.Group, ["kind"] = gvk.Kind, ["version"] = gvk.Version });

    private void IndexKinds(string name, JsonObject schema)
    {
        if (schema["x-kubernetes-group-version-kind"] is not JsonArray kinds) return;
        foreach (var k in kinds.OfType<JsonObject>())
        {
            var gvk = new GroupVersionKind((string?)k["group"] ?? "", (string?)k["version"] ?? "", (string?)k["kind"] ?? "");
            // meta types (DeleteOptions, Status, WatchEvent) list every group-version; the first definition wins
            _byKind.TryAdd(gvk, name);
        }
    }

    private static void Materialize(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o: foreach (var kv in o) Materialize(kv.Value); break;
            case JsonArray a: foreach (var v in a) Materialize(v); break;
        }
    }

    private static IReadOnlyDictionary<string, JsonObject> LoadBuiltIn()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Turnstile.Kube.OpenApi.Schemas.kubernetes-1.32.json")
            ?? throw new InvalidOperationException("embedded Kubernetes schemas missing");
        var root = JsonNode.Parse(stream)!.AsObject();
        Materialize(root); // nodes parse lazily; touch every one now so concurrent readers never race
        return root["schemas"]!.AsObject().ToDictionary(kv => kv.Key, kv => kv.Value!.AsObject(), StringComparer.Ordinal);
    }
}
