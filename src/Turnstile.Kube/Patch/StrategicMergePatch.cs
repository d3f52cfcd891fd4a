using System.Text.Json;
using System.Text.Json.Nodes;
using Turnstile.Kube.OpenApi;

namespace Turnstile.Kube.Patch;

/// <summary>
/// Strategic merge patch (<c>application/strategic-merge-patch+json</c>) for built-in kinds, driven by the schema's
/// <c>x-kubernetes-patch-strategy</c> and <c>x-kubernetes-patch-merge-key</c>: lists with strategy <c>merge</c> merge
/// element by merge key (objects) or as a set (primitives), other lists are replaced; maps merge and <c>null</c>
/// deletes. Directives: <c>$patch: replace|delete|merge</c> (in maps and list elements), <c>$retainKeys</c>,
/// <c>$deleteFromPrimitiveList/&lt;field&gt;</c> and <c>$setElementOrder/&lt;field&gt;</c>. Errors carry apimachinery's texts
/// and statuses (400 for malformed directives, 422 for content that contradicts <c>$retainKeys</c>, and the 500 the
/// server gives for a list element without its merge key).
/// </summary>
public static class StrategicMergePatch
{
    private const string Directive = "$patch";
    private const string RetainKeys = "$retainKeys";
    private const string DeleteFromPrimitiveList = "$deleteFromPrimitiveList/";
    private const string SetElementOrder = "$setElementOrder/";

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
        MergeMap((JsonObject)original.DeepClone(), (JsonObject)patch.DeepClone(), schema) ?? new JsonObject();

    // Returns null when the map is to be deleted ($patch: delete).
    private static JsonObject? MergeMap(JsonObject original, JsonObject patch, SchemaNode? schema)
    {
        if (patch[Directive] is { } directiveNode)
        {
            var directive = directiveNode is JsonValue v && v.TryGetValue<string>(out var d) ? d : "";
            patch.Remove(Directive);
            switch (directive)
            {
                case "replace": return StripDirectives(patch);
                case "delete": return null;
                case "merge": break;
                default: throw PatchException.Internal($"unknown patch type: {directive} in map: {GoFormat.Value(WithDirective(patch, directive))}");
            }
        }

        if (patch[RetainKeys] is { } retainNode)
        {
            patch.Remove(RetainKeys);
            if (retainNode is not JsonArray retain || retain.Any(k => k is not JsonValue kv || kv.GetValueKind() != JsonValueKind.String))
                throw PatchException.BadRequest("invalid patch format of retainKeys");
            var keep = retain.Select(k => k!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
            foreach (var key in patch.Select(kv => kv.Key).Where(k => !k.StartsWith('$')))
                if (!keep.Contains(key)) throw PatchException.NotApplicable("patch content doesn't match retainKeys list");
            foreach (var key in original.Select(kv => kv.Key).ToList())
                if (!keep.Contains(key)) original.Remove(key);
        }

        foreach (var (key, value) in patch.ToList())
        {
            if (key.StartsWith(DeleteFromPrimitiveList, StringComparison.Ordinal))
            {
                var field = key[DeleteFromPrimitiveList.Length..];
                if (value is not JsonArray toDelete) throw PatchException.BadRequest("invalid patch format of primitive list");
                if (original[field] is JsonArray list)
                    foreach (var item in list.ToList())
                        if (toDelete.Any(d => JsonNode.DeepEquals(d, item))) list.Remove(item);
                continue;
            }
            if (key.StartsWith(SetElementOrder, StringComparison.Ordinal))
            {
                if (value is not JsonArray) throw PatchException.BadRequest("invalid patch format of setElementOrder list");
                continue;
            }
            if (key.StartsWith('$')) continue;

            var fieldSchema = schema?.Property(key) ?? schema?.AdditionalProperties;
            if (value is null)
            {
                original.Remove(key);
                continue;
            }
            var existing = original[key];
            switch (value)
            {
                case JsonObject patchMap when existing is JsonObject originalMap:
                    var merged = MergeMap(originalMap, patchMap, fieldSchema);
                    if (merged is null) original.Remove(key);
                    else if (!ReferenceEquals(merged, originalMap)) original[key] = merged;
                    break;
                case JsonObject patchMap:
                    var created = MergeMap(new JsonObject(), patchMap, fieldSchema);
                    if (created is null) original.Remove(key);
                    else original[key] = created;
                    break;
                case JsonArray patchList:
                    original[key] = MergeList(existing as JsonArray, patchList, fieldSchema);
                    break;
                default:
                    original[key] = value.DeepClone();
                    break;
            }
        }

        foreach (var (key, value) in patch)
            if (key.StartsWith(SetElementOrder, StringComparison.Ordinal) && original[key[SetElementOrder.Length..]] is JsonArray list)
                Reorder(list, (JsonArray)value!, schema?.Property(key[SetElementOrder.Length..])?.PatchMergeKey);
        return original;
    }

    private static JsonArray MergeList(JsonArray? original, JsonArray patch, SchemaNode? schema)
    {
        var strategy = schema?.PatchStrategy ?? "";
        var merge = strategy.Split(',').Contains("merge");
        var items = schema?.Items;
        if (patch.Any(p => p is JsonArray)) throw PatchException.BadRequest("lists of lists are not supported");

        // {"$patch": "replace"} as an element replaces the whole list with the other elements
        var replace = patch.OfType<JsonObject>().FirstOrDefault(o => (string?)o[Directive] == "replace" && o.Count == 1);
        if (replace is not null || !merge)
            return new JsonArray(patch.Where(p => !ReferenceEquals(p, replace)).Select(p => p is JsonObject o ? StripDirectives(o) : p?.DeepClone()).ToArray());

        var result = original is null ? new JsonArray() : (JsonArray)original.DeepClone();
        var mergeKey = schema?.PatchMergeKey;
        if (mergeKey is null)
        {
            // a set of primitives: add the values not yet present
            foreach (var p in patch)
                if (!result.Any(r => JsonNode.DeepEquals(r, p))) result.Add(p?.DeepClone());
            return result;
        }

        foreach (var element in patch)
        {
            if (element is not JsonObject patchMap) throw PatchException.Internal($"expected a map, but received a {GoTypeName(element)}");
            var directive = (string?)patchMap[Directive];
            if (!patchMap.TryGetPropertyValue(mergeKey, out var keyValue))
                throw PatchException.Internal($"map: {GoFormat.Value(patchMap)} does not contain declared merge key: {mergeKey}");
            var index = IndexOf(result, mergeKey, keyValue);
            if (directive == "delete")
            {
                while (index >= 0)
                {
                    result.RemoveAt(index);
                    index = IndexOf(result, mergeKey, keyValue);
                }
                continue;
            }
            if (index >= 0)
            {
                var merged = MergeMap((JsonObject)result[index]!, (JsonObject)patchMap.DeepClone(), items);
                if (merged is null) result.RemoveAt(index);
                else if (!ReferenceEquals(merged, result[index])) result[index] = merged;
            }
            else if (MergeMap(new JsonObject(), (JsonObject)patchMap.DeepClone(), items) is { } added)
            {
                result.Add(added);
            }
        }
        return result;
    }

    // $setElementOrder: the listed elements come first in the given order; the rest keep their relative order after.
    private static void Reorder(JsonArray list, JsonArray order, string? mergeKey)
    {
        var elements = list.ToList();
        list.Clear();
        var placed = new List<JsonNode?>();
        foreach (var o in order)
        {
            var match = elements.FirstOrDefault(e => !placed.Contains(e) && (mergeKey is not null && o is JsonObject om && e is JsonObject em
                ? JsonNode.DeepEquals(om[mergeKey], em[mergeKey])
                : JsonNode.DeepEquals(o, e)));
            if (match is not null) placed.Add(match);
        }
        foreach (var e in placed.Concat(elements.Where(e => !placed.Contains(e)))) list.Add(e);
    }

    private static int IndexOf(JsonArray list, string mergeKey, JsonNode? value)
    {
        for (var i = 0; i < list.Count; i++)
            if (list[i] is JsonObject o && o.TryGetPropertyValue(mergeKey, out var v) && JsonNode.DeepEquals(v, value)) return i;
        return -1;
    }

    private static JsonObject StripDirectives(JsonObject o)
    {
        var copy = new JsonObject();
        foreach (var (key, value) in o)
            if (!key.StartsWith('$')) copy[key] = value?.DeepClone();
        return copy;
    }

    private static JsonObject WithDirective(JsonObject o, string directive)
    {
        var copy = (JsonObject)o.DeepClone();
        copy[Directive] = directive;
        return copy;
    }

    private static string GoTypeName(JsonNode? node) => node switch
    {
        JsonArray => "[]interface {}",
        null => "<nil>",
        _ => node.GetValueKind() switch { JsonValueKind.String => "string", JsonValueKind.Number => "float64", _ => "bool" },
    };
}
