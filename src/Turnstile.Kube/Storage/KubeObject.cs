using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Turnstile.Kube.Storage;

/// <summary>
/// One Kubernetes object as a JSON tree, with typed access to its ObjectMeta. Mutable: each request works on its own
/// copy (<see cref="Parse"/>, <see cref="Clone"/>). Values of the wrong JSON type read as absent; request bodies are
/// checked for shape before they get here (<c>ObjectShape</c>).
/// </summary>
public sealed class KubeObject(JsonObject root, bool unstructured = false)
{
    public JsonObject Root { get; } = root;

    /// <summary>
    /// A custom resource: kube handles it as an unstructured map, so it serializes with every object's keys sorted
    /// (Go's map encoding) instead of in a Go struct's field order.
    /// </summary>
    public bool Unstructured { get; } = unstructured;

    public static KubeObject Parse(ReadOnlySpan<byte> json, bool unstructured = false) => new(KubeJson.ParseObject(json), unstructured);

    public KubeObject Clone() => new((JsonObject)Root.DeepClone(), Unstructured);

    public string Kind
    {
        get => String(Root, "kind");
        set => Root["kind"] = value;
    }

    public string ApiVersion
    {
        get => String(Root, "apiVersion");
        set => Root["apiVersion"] = value;
    }

    public JsonObject Metadata
    {
        get
        {
            if (Root["metadata"] is JsonObject m) return m;
            var created = new JsonObject();
            Root["metadata"] = created;
            return created;
        }
    }

    private JsonObject? MetadataOrNull => Root["metadata"] as JsonObject;

    public string Name
    {
        get => String(MetadataOrNull, "name");
        set => SetString("name", value);
    }

    public string GenerateName
    {
        get => String(MetadataOrNull, "generateName");
        set => SetString("generateName", value);
    }

    public string Namespace
    {
        get => String(MetadataOrNull, "namespace");
        set => SetString("namespace", value);
    }

    public string Uid
    {
        get => String(MetadataOrNull, "uid");
        set => SetString("uid", value);
    }

    public string ResourceVersion
    {
        get => String(MetadataOrNull, "resourceVersion");
        set => SetString("resourceVersion", value);
    }

    public long Generation
    {
        get => Int(MetadataOrNull, "generation") ?? 0;
        set
        {
            if (value == 0) Metadata.Remove("generation");
            else Metadata["generation"] = value;
        }
    }

    public string CreationTimestamp
    {
        get => String(MetadataOrNull, "creationTimestamp");
        set => SetString("creationTimestamp", value);
    }

    public string DeletionTimestamp
    {
        get => String(MetadataOrNull, "deletionTimestamp");
        set => SetString("deletionTimestamp", value);
    }

    public long? DeletionGracePeriodSeconds
    {
        get => Int(MetadataOrNull, "deletionGracePeriodSeconds");
        set
        {
            if (value is null) Metadata.Remove("deletionGracePeriodSeconds");
            else Metadata["deletionGracePeriodSeconds"] = value.Value;
        }
    }

    public IReadOnlyDictionary<string, string> Labels => StringMap(MetadataOrNull?["labels"]);

    public IReadOnlyDictionary<string, string> Annotations => StringMap(MetadataOrNull?["annotations"]);

    public IReadOnlyList<string> Finalizers => StringList(MetadataOrNull?["finalizers"]);

    public void SetLabel(string key, string value) => SetMapEntry("labels", key, value);

    public void SetFinalizers(IReadOnlyCollection<string> finalizers)
    {
        if (finalizers.Count == 0) Metadata.Remove("finalizers");
        else Metadata["finalizers"] = new JsonArray(finalizers.Select(f => (JsonNode?)JsonValue.Create(f)).ToArray());
    }

    public JsonNode? this[string member]
    {
        get => Root[member];
        set
        {
            if (value is null) Root.Remove(member);
            else Root[member] = value;
        }
    }

    public bool Has(string member) => Root.ContainsKey(member);

    /// <summary>
    /// Puts the object in the shape kube-apiserver serializes: ObjectMeta with empty optional members dropped and
    /// unknown members pruned; for built-in kinds kind, apiVersion, metadata first (ObjectMeta in Go's field order)
    /// and status last, for custom resources every object's keys sorted.
    /// </summary>
    public void Canonicalize()
    {
        var metadata = MetadataOrNull ?? new JsonObject();
        var ordered = new JsonObject();
        foreach (var name in ObjectMetaFields.Ordered)
        {
            if (!metadata.TryGetPropertyValue(name, out var value) || IsEmpty(name, value)) continue;
            metadata.Remove(name);
            ordered[name] = value;
        }
        Root.Remove("metadata");
        Root["metadata"] = ordered;
        if (Unstructured)
        {
            SortKeys(Root);
            return;
        }
        var order = Root.Select(p => p.Key).OrderBy(k => k switch { "kind" => 0, "apiVersion" => 1, "metadata" => 2, "status" => 4, _ => 3 }).ToList();
        var members = order.Select(name => (name, value: Root[name])).ToList();
        Root.Clear();
        foreach (var (name, value) in members) Root[name] = value;
    }

    private static void SortKeys(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                var members = obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, p.Value)).ToList();
                obj.Clear();
                foreach (var (key, value) in members)
                {
                    SortKeys(value);
                    obj[key] = value;
                }
                break;
            case JsonArray array:
                foreach (var item in array) SortKeys(item);
                break;
        }
    }

    // Go's omitempty on ObjectMeta: empty strings, a zero generation, empty maps and lists, nulls (the pointer
    // deletionGracePeriodSeconds keeps its 0).
    private static bool IsEmpty(string member, JsonNode? value) => value switch
    {
        null => true,
        JsonObject o => o.Count == 0,
        JsonArray a => a.Count == 0,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>().Length == 0,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => member == "generation" && v.ToJsonString() == "0",
        _ => false,
    };

    public byte[] ToJsonBytes() => KubeJson.Serialize(Root);

    private void SetString(string member, string value)
    {
        if (value.Length == 0) MetadataOrNull?.Remove(member);
        else Metadata[member] = value;
    }

    private void SetMapEntry(string member, string key, string value)
    {
        if (Metadata[member] is not JsonObject map)
        {
            map = new JsonObject();
            Metadata[member] = map;
        }
        map[key] = value;
    }

    internal static string String(JsonObject? obj, string member) =>
        obj?[member] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "";

    internal static long? Int(JsonObject? obj, string member) =>
        obj?[member] is JsonValue v && v.GetValueKind() == JsonValueKind.Number && long.TryParse(v.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;

    internal static IReadOnlyDictionary<string, string> StringMap(JsonNode? node)
    {
        if (node is not JsonObject map || map.Count == 0) return EmptyMap;
        var result = new Dictionary<string, string>(map.Count, StringComparer.Ordinal);
        foreach (var (k, v) in map)
            if (v is JsonValue value && value.GetValueKind() == JsonValueKind.String) result[k] = value.GetValue<string>();
        return result;
    }

    internal static IReadOnlyList<string> StringList(JsonNode? node)
    {
        if (node is not JsonArray array || array.Count == 0) return [];
        var result = new List<string>(array.Count);
        foreach (var item in array)
            if (item is JsonValue value && value.GetValueKind() == JsonValueKind.String) result.Add(value.GetValue<string>());
        return result;
    }

    private static readonly IReadOnlyDictionary<string, string> EmptyMap = new Dictionary<string, string>();
}
