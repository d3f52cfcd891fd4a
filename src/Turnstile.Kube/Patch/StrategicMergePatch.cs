using System.Text.Json;
using System.Text.Json.Nodes;
using Turnstile.Kube.OpenApi;

namespace Turnstile.Kube.Patch;

/// <summary>
/// Strategic merge patch (<c>application/strategic-merge-patch+json</c>) for built-in kinds, following apimachinery's
/// <c>StrategicMergeMapPatch</c> as the API server runs it, driven by the schema's <c>x-kubernetes-patch-strategy</c>
/// and <c>x-kubernetes-patch-merge-key</c>:
/// <list type="bullet">
/// <item>maps merge, <c>null</c> deletes a key; a field whose strategy is <c>replace</c> is replaced;</item>
/// <item>lists with strategy <c>merge</c> merge element by merge key (objects) or as a set (primitives); other lists
/// are replaced. Merged lists keep the patch's items in patch order and the other items in their order, interleaved
/// by their original positions (new items first);</item>
/// <item>directives: <c>$patch: replace|delete</c> in maps and list elements, <c>$retainKeys</c>,
/// <c>$deleteFromPrimitiveList/&lt;field&gt;</c> and <c>$setElementOrder/&lt;field&gt;</c>.</item>
/// </list>
/// Errors carry apimachinery's texts and the statuses the server gives them: 400 for the directive-format errors,
/// and 400 with kube's text for the rest (a list element without its merge key, an unknown directive), which kube answers 500.
/// </summary>
public static class StrategicMergePatch
{
    private const string Directive = "$patch";
    private const string RetainKeys = "$retainKeys";
    private const string DeleteFromPrimitiveList = "$deleteFromPrimitiveList";
    private const string SetElementOrder = "$setElementOrder";

    public static JsonObject Apply(JsonObject original, string patchJson, SchemaNode? schema)
    {
        JsonNode? patch;
        try
        {
            patch = Validation.FieldValidation.ParseLastWins(patchJson);
        }
        catch (JsonException)
        {
            throw PatchException.BadRequest("invalid JSON document");
        }
        if (patch is not JsonObject patchObject) throw PatchException.BadRequest("invalid JSON document");
        return Apply(original, patchObject, schema);
    }

    public static JsonObject Apply(JsonObject original, JsonObject patch, SchemaNode? schema) =>
        MergeMap((JsonObject)original.DeepClone(), (JsonObject)patch.DeepClone(), schema);

    private static JsonObject MergeMap(JsonObject original, JsonObject patch, SchemaNode? schema)
    {
        if (patch.TryGetPropertyValue(Directive, out var directive))
        {
            switch (Text(directive))
            {
                case "replace":
                    patch.Remove(Directive);
                    return patch;
                case "delete":
                    return new JsonObject();
                default:
                    throw PatchException.Malformed($"unknown patch type: {GoFormat.Value(directive)} in map: {GoFormat.Value(patch)}");
            }
        }

        ApplyRetainKeys(original, patch);
        ApplySetElementOrders(original, patch, schema);

        foreach (var (patchKey, patchValue) in patch.ToList())
        {
            var key = patchKey;
            var isDeleteList = false;
            if (key.StartsWith(DeleteFromPrimitiveList, StringComparison.Ordinal))
            {
                key = SuffixAfterSlash(key, DeleteFromPrimitiveList, "invalid patch format of primitive list");
                isDeleteList = true;
            }
            if (patchValue is null)
            {
                original.Remove(key);
                continue;
            }
            if (!original.TryGetPropertyValue(key, out var originalValue) || Kind(originalValue) != Kind(patchValue))
            {
                if (!isDeleteList) SetOrRemove(original, key, WithoutDirectives(WithoutNulls(patchValue.DeepClone())));
                continue;
            }
            var fieldSchema = Field(schema, key);
            var strategy = MainStrategy(fieldSchema?.PatchStrategy);
            switch (patchValue)
            {
                case JsonObject patchMap:
                    original[key] = strategy == "replace" ? patchMap.DeepClone() : MergeMap((JsonObject)originalValue!.DeepClone(), (JsonObject)patchMap.DeepClone(), fieldSchema);
                    break;
                case JsonArray patchList:
                    original[key] = strategy == "merge" || isDeleteList
                        ? MergeSlice((JsonArray)originalValue!, patchList, fieldSchema?.Items, fieldSchema?.PatchMergeKey ?? "", isDeleteList, fieldSchema)
                        : patchList.DeepClone();
                    break;
                default:
                    original[key] = patchValue.DeepClone();
                    break;
            }
        }
        return original;
    }

    // $retainKeys: the patch may only set listed keys (nulls aside); original keys not listed are dropped.
    private static void ApplyRetainKeys(JsonObject original, JsonObject patch)
    {
        if (!patch.TryGetPropertyValue(RetainKeys, out var retain)) return;
        patch.Remove(RetainKeys);
        if (retain is not JsonArray list) throw PatchException.BadRequest("invalid patch format of retainKeys");
        var keep = list.Select(Text).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, value) in patch)
        {
            if (value is null || key.StartsWith(DeleteFromPrimitiveList, StringComparison.Ordinal) || key.StartsWith(SetElementOrder, StringComparison.Ordinal)) continue;
            if (!keep.Contains(key)) throw PatchException.BadRequest("invalid patch format of retainKeys");
        }
        foreach (var key in original.Select(kv => kv.Key).ToList())
            if (!keep.Contains(key)) original.Remove(key);
    }

    // $setElementOrder/<field>: merge the field now, then order it by the given list, server-only items interleaved.
    private static void ApplySetElementOrders(JsonObject original, JsonObject patch, SchemaNode? schema)
    {
        foreach (var (directiveKey, orderNode) in patch.Where(kv => kv.Key.StartsWith(SetElementOrder, StringComparison.Ordinal)).ToList())
        {
            patch.Remove(directiveKey);
            if (orderNode is not JsonArray order) throw PatchException.Malformed($"expected a []interface {{}}, but received a {GoTypeName(orderNode)}");
            var key = SuffixAfterSlash(directiveKey, SetElementOrder, "invalid patch format of setElementOrder list");
            var fieldSchema = Field(schema, key);
            var mergeKey = fieldSchema?.PatchMergeKey ?? "";
            var originalList = original[key] as JsonArray;
            var patchList = patch[key] as JsonArray;
            if (original[key] is { } o && originalList is null) throw PatchException.Malformed($"expected a []interface {{}}, but received a {GoTypeName(o)}");
            if (patch[key] is { } p && patchList is null) throw PatchException.Malformed($"expected a []interface {{}}, but received a {GoTypeName(p)}");
            ValidateOrder(patchList, order, mergeKey);

            JsonArray merged;
            if (originalList is not null && patchList is null) merged = originalList;
            else if (originalList is null && patchList is not null)
            {
                if (WithoutDirectives(patchList.DeepClone()) is not JsonArray cleaned) continue;
                merged = cleaned;
            }
            else if (originalList is not null && patchList is not null)
            {
                merged = MainStrategy(fieldSchema?.PatchStrategy) == "merge"
                    ? MergeSlice(originalList, patchList, fieldSchema?.Items, mergeKey, false, fieldSchema)
                    : (JsonArray)patchList.DeepClone();
            }
            else continue;

            var (inOrder, serverOnly) = Partition(merged, order, mergeKey);
            original[key] = Normalize(inOrder, serverOnly, order, originalList ?? [], mergeKey, IsMapList(originalList, patchList));
            patch.Remove(key);
        }
    }

    // The patch list's items must appear in the $setElementOrder list in the same relative order.
    private static void ValidateOrder(JsonArray? patchList, JsonArray order, string mergeKey)
    {
        if (patchList is null || patchList.Count == 0 || order.Count == 0) return;
        var items = mergeKey.Length > 0 ? patchList.Where(i => i is not JsonObject o || Text(o[Directive]) != "delete").ToList() : patchList.ToList();
        int p = 0, s = 0;
        while (p < items.Count && s < order.Count)
        {
            if (items[p] is JsonObject io && io.ContainsKey(Directive))
            {
                p++;
                continue;
            }
            if (KeyEquals(items[p], order[s], mergeKey)) p++;
            s++;
        }
        if (p < items.Count && s >= order.Count)
            throw PatchException.Malformed($"The order in patch list:\n{GoFormat.Value(patchList)}\n doesn't match {SetElementOrder} list:\n{GoFormat.Value(order)}\n");
    }

    private static JsonArray MergeSlice(JsonArray original, JsonArray patch, SchemaNode? items, string mergeKey, bool isDeleteList, SchemaNode? fieldSchema)
    {
        if (original.Count == 0 && patch.Count == 0) return (JsonArray)original.DeepClone();
        var elementKind = ElementKind(original, patch);
        var originalItems = original.Select(n => n?.DeepClone()).ToList();
        var patchItems = patch.Select(n => n?.DeepClone()).ToList();
        List<JsonNode?> merged;
        var isMap = elementKind == JsonValueKind.Object;
        if (!isMap)
        {
            if (isDeleteList) return new JsonArray(originalItems.Where(o => !patchItems.Any(d => JsonNode.DeepEquals(d, o))).ToArray());
            merged = [];
            foreach (var item in originalItems.Concat(patchItems))
                if (!merged.Any(m => JsonNode.DeepEquals(m, item))) merged.Add(item);
            mergeKey = "";
        }
        else
        {
            if (mergeKey.Length == 0) throw PatchException.Malformed($"cannot merge lists without merge key for {SchemaName(fieldSchema)}");
            var plain = new List<JsonNode?>();
            var replace = false;
            foreach (var element in patchItems.Cast<JsonObject>())
            {
                if (!element.TryGetPropertyValue(Directive, out var d))
                {
                    plain.Add(element);
                    continue;
                }
                switch (Text(d))
                {
                    case "delete":
                        if (!element.TryGetPropertyValue(mergeKey, out var value)) throw NoMergeKey(element, mergeKey);
                        originalItems.RemoveAll(o => o is JsonObject om && om.TryGetPropertyValue(mergeKey, out var v) && JsonNode.DeepEquals(v, value));
                        break;
                    case "replace":
                        replace = true;
                        break;
                    case "merge":
                        throw PatchException.Malformed("merging lists cannot yet be specified in the patch");
                    default:
                        throw PatchException.Malformed($"unknown patch type: {GoFormat.Value(d)} in map: {GoFormat.Value(element)}");
                }
            }
            if (replace)
            {
                originalItems = plain;
                plain = [];
            }
            merged = [.. originalItems];
            foreach (var element in plain.Cast<JsonObject>())
            {
                if (!element.TryGetPropertyValue(mergeKey, out var value)) throw NoMergeKey(element, mergeKey);
                var index = merged.FindIndex(m => m is JsonObject mo && mo.TryGetPropertyValue(mergeKey, out var v) && JsonNode.DeepEquals(v, value));
                if (index >= 0) merged[index] = MergeMap((JsonObject)merged[index]!, element, items);
                else merged.Add(element);
            }
            patchItems = plain;
        }
        var (inPatch, serverOnly) = Partition(new JsonArray(merged.ToArray()), new JsonArray(patchItems.Select(p => p?.DeepClone()).ToArray()), mergeKey);
        return Normalize(inPatch, serverOnly, new JsonArray(patchItems.Select(p => p?.DeepClone()).ToArray()), new JsonArray(originalItems.Select(o => o?.DeepClone()).ToArray()), mergeKey, isMap);
    }

    private static (List<JsonNode?> InList, List<JsonNode?> Others) Partition(JsonArray merged, JsonArray by, string mergeKey)
    {
        var inList = new List<JsonNode?>();
        var others = new List<JsonNode?>();
        foreach (var item in merged.ToList())
        {
            if (mergeKey.Length > 0)
            {
                if (item is not JsonObject o) throw PatchException.Malformed($"expected a map[string]interface {{}}, but received a {GoTypeName(item)}");
                if (!o.ContainsKey(mergeKey)) throw NoMergeKey(o, mergeKey);
            }
            (IndexOf(by, item, mergeKey) >= 0 ? inList : others).Add(item);
        }
        return (inList, others);
    }

    // Items of the patch in patch order, server-only items in server order, merged by their original positions.
    private static JsonArray Normalize(List<JsonNode?> patchItems, List<JsonNode?> serverOnly, JsonArray patchOrder, JsonArray serverOrder, string mergeKey, bool isMap)
    {
        if (isMap)
            foreach (var item in patchItems.Concat(serverOnly).Concat(patchOrder).Concat(serverOrder))
                if (item is not JsonObject o || !o.ContainsKey(mergeKey)) throw NoMergeKey(item as JsonObject ?? [], mergeKey);
        var left = serverOnly.OrderBy(i => IndexOf(serverOrder, i, mergeKey)).ToList();
        var right = patchItems.OrderBy(i => IndexOf(patchOrder, i, mergeKey)).ToList();
        var result = new JsonArray();
        int l = 0, r = 0;
        while (l < left.Count || r < right.Count)
        {
            bool takeLeft;
            if (r >= right.Count) takeLeft = true;
            else if (l >= left.Count) takeLeft = false;
            else
            {
                var li = IndexOf(serverOrder, left[l], mergeKey);
                var ri = IndexOf(serverOrder, right[r], mergeKey);
                takeLeft = li >= 0 && ri >= 0 && li < ri;
            }
            var next = takeLeft ? left[l++] : right[r++];
            result.Add(next?.Parent is null ? next : next.DeepClone());
        }
        return result;
    }

    private static int IndexOf(JsonArray list, JsonNode? item, string mergeKey)
    {
        for (var i = 0; i < list.Count; i++)
            if (KeyEquals(list[i], item, mergeKey)) return i;
        return -1;
    }

    private static bool KeyEquals(JsonNode? a, JsonNode? b, string mergeKey) =>
        mergeKey.Length == 0
            ? JsonNode.DeepEquals(a, b)
            : JsonNode.DeepEquals((a as JsonObject)?[mergeKey], (b as JsonObject)?[mergeKey]);

    private static JsonValueKind ElementKind(JsonArray original, JsonArray patch)
    {
        JsonValueKind? kind = null;
        foreach (var item in original.Concat(patch))
        {
            var k = Kind(item);
            if (kind is null)
            {
                if (k == JsonValueKind.Array) throw PatchException.BadRequest("lists of lists are not supported");
                kind = k;
            }
            else if (kind != k)
            {
                throw PatchException.Malformed($"list element types are not identical: [{GoFormat.Value(original)} {GoFormat.Value(patch)}]");
            }
        }
        return kind ?? JsonValueKind.Undefined;
    }

    // Go compares reflect types: every number is a float64, true and false are one bool type.
    private static JsonValueKind Kind(JsonNode? node) => node switch
    {
        null => JsonValueKind.Null,
        _ => node.GetValueKind() is JsonValueKind.False ? JsonValueKind.True : node.GetValueKind(),
    };

    private static JsonNode? WithoutNulls(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o.ToList())
                {
                    if (v is null) o.Remove(k);
                    else WithoutNulls(v);
                }
                break;
            case JsonArray a:
                foreach (var v in a) WithoutNulls(v);
                break;
        }
        return node;
    }

    // removeDirectives: a map carrying $patch disappears, in lists too.
    private static JsonNode? WithoutDirectives(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                if (o.ContainsKey(Directive)) return Dropped;
                foreach (var (k, v) in o.ToList())
                    if (ReferenceEquals(WithoutDirectives(v), Dropped)) o.Remove(k);
                return o;
            case JsonArray a:
                foreach (var item in a.ToList())
                    if (ReferenceEquals(WithoutDirectives(item), Dropped)) a.Remove(item);
                return a;
            default:
                return node;
        }
    }

    // Marks a value removeDirectives drops; never inserted anywhere.
    private static readonly JsonObject Dropped = new();

    private static void SetOrRemove(JsonObject target, string key, JsonNode? value)
    {
        if (ReferenceEquals(value, Dropped)) target.Remove(key);
        else target[key] = value;
    }

    private static string SuffixAfterSlash(string key, string prefix, string error)
    {
        var parts = key.Split('/', 2);
        if (parts.Length <= 1 || parts[0] != prefix) throw PatchException.BadRequest(error);
        return parts[1];
    }

    private static SchemaNode? Field(SchemaNode? schema, string key) => schema?.Property(key) ?? schema?.AdditionalProperties;

    // The strategy besides retainKeys ("merge,retainKeys" -> "merge", "retainKeys" -> "").
    private static string MainStrategy(string? strategies)
    {
        var parts = (strategies ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
        return parts.FirstOrDefault(p => p != "retainKeys") ?? "";
    }

    private static string SchemaName(SchemaNode? schema) => schema is null ? "" : SchemaSet.RefOf(schema.Declared) ?? "";

    private static PatchException NoMergeKey(JsonObject map, string mergeKey) =>
        PatchException.Malformed($"map: {GoFormat.Value(map)} does not contain declared merge key: {mergeKey}");

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static string GoTypeName(JsonNode? node) => node switch
    {
        JsonObject => "map[string]interface {}",
        JsonArray => "[]interface {}",
        null => "<nil>",
        _ => node.GetValueKind() switch { JsonValueKind.String => "string", JsonValueKind.Number => "float64", _ => "bool" },
    };

    private static bool IsMapList(JsonArray? a, JsonArray? b) => (a ?? []).Concat(b ?? []).FirstOrDefault() is JsonObject;
}
