using System.Text.Json;
using System.Text.Json.Nodes;

namespace Turnstile.Kube.Patch;

/// <summary>
/// RFC 6902 JSON patch (<c>application/json-patch+json</c>) with the behaviour and error texts of the library
/// kube-apiserver v1.32 uses (evanphx/json-patch v4.12): a replace of a missing object key adds it, <c>-</c> appends
/// only in add, negative indices are refused, a missing <c>value</c> means null. Operations that do not apply give the
/// 422 of <see cref="PatchException.NotApplicable"/>; a patch that is not a list of operations is a 400.
/// </summary>
public static class JsonPatch
{
    /// <summary>At most this many operations (kube-apiserver's <c>maxJSONPatchOperations</c>); more is a 413.</summary>
    public const int MaxOperations = 10_000;

    /// <summary>
    /// What <c>fieldValidation=Strict|Warn</c> finds in the patch document itself: fields other than op, path, from
    /// and value, and duplicate keys, each prefixed <c>json patch</c> (<c>json patch unknown field "[0].foo"</c>).
    /// </summary>
    public static IReadOnlyList<string> StrictProblems(string patchJson)
    {
        JsonNode? parsed;
        try
        {
            parsed = Validation.FieldValidation.ParseLastWins(patchJson);
        }
        catch (JsonException)
        {
            return []; // Apply reports the malformed patch
        }
        if (parsed is not JsonArray ops) return [];
        var problems = new List<string>();
        var duplicates = Validation.FieldValidation.DuplicateFields(System.Text.Encoding.UTF8.GetBytes(patchJson)).ToList();
        for (var i = 0; i < ops.Count; i++)
        {
            if (ops[i] is not JsonObject op) continue;
            foreach (var (key, _) in op)
                if (key is not ("op" or "path" or "from" or "value")) problems.Add($"json patch unknown field {Core.Kube.GoJson.Quote($"[{i}].{key}")}");
        }
        problems.AddRange(duplicates.Select(d => "json patch " + d));
        return problems;
    }

    public static JsonNode Apply(JsonNode document, string patchJson)
    {
        JsonArray ops;
        try
        {
            var parsed = Validation.FieldValidation.ParseLastWins(patchJson);
            ops = parsed as JsonArray ?? throw PatchException.BadRequest($"json: cannot unmarshal {GoKind(parsed)} into Go value of type jsonpatch.Patch");
        }
        catch (JsonException e)
        {
            throw PatchException.BadRequest("invalid JSON: " + e.Message);
        }
        if (ops.Count > MaxOperations)
            throw new PatchException(new(413, "RequestEntityTooLarge",
                $"Request entity too large: The allowed maximum operations in a JSON patch is {MaxOperations}, got {ops.Count}", new()));
        var decoded = ops.Select(o => o as JsonObject ?? throw PatchException.BadRequest(
            $"json: cannot unmarshal {GoKind(o)} into Go value of type jsonpatch.Operation")).ToList();

        var root = new Holder(document.DeepClone());
        foreach (var op in decoded)
        {
            var kind = op["op"] is JsonValue k && k.TryGetValue<string>(out var s) ? s : "unknown";
            switch (kind)
            {
                case "add": Add(root, op); break;
                case "remove": Remove(root, op); break;
                case "replace": Replace(root, op); break;
                case "move": Move(root, op); break;
                case "test": Test(root, op); break;
                case "copy": Copy(root, op); break;
                default: throw PatchException.NotApplicable($"Unexpected kind: {kind}");
            }
        }
        return root.Value!;
    }

    // The document root sits in a holder so a whole-document replace can swap it.
    private sealed class Holder(JsonNode? value)
    {
        public JsonNode? Value { get; set; } = value;
    }

    private static string? PathOf(JsonObject op, string field) => op[field] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static JsonNode? ValueOf(JsonObject op) => op["value"]?.DeepClone();

    private static void Add(Holder root, JsonObject op)
    {
        var path = PathOf(op, "path") ?? throw PatchException.NotApplicable("add operation failed to decode path: missing value");
        var (container, key) = FindContainer(root.Value, path);
        if (container is null) throw PatchException.NotApplicable($"add operation does not apply: doc is missing path: \"{path}\": missing value");
        var error = AddTo(container, key, ValueOf(op));
        if (error is not null) throw PatchException.NotApplicable($"error in add for path: '{path}': {error}");
    }

    private static void Remove(Holder root, JsonObject op)
    {
        var path = PathOf(op, "path") ?? throw PatchException.NotApplicable("remove operation failed to decode path: missing value");
        var (container, key) = FindContainer(root.Value, path);
        if (container is null) throw PatchException.NotApplicable($"remove operation does not apply: doc is missing path: \"{path}\": missing value");
        var error = RemoveFrom(container, key);
        if (error is not null) throw PatchException.NotApplicable($"error in remove for path: '{path}': {error}");
    }

    private static void Replace(Holder root, JsonObject op)
    {
        var path = PathOf(op, "path") ?? throw PatchException.NotApplicable("replace operation failed to decode path");
        if (path.Length == 0)
        {
            var value = ValueOf(op);
            if (value is not (JsonObject or JsonArray)) throw PatchException.NotApplicable("replace operation value must be object or array");
            root.Value = value;
            return;
        }
        var (container, key) = FindContainer(root.Value, path);
        if (container is null) throw PatchException.NotApplicable($"replace operation does not apply: doc is missing path: {path}: missing value");
        switch (container)
        {
            case JsonObject o:
                o[key] = ValueOf(op); // a missing key is added, as the library does
                break;
            case JsonArray a:
                var index = ParseIndex(key, out var err);
                if (err is not null) throw PatchException.NotApplicable($"error in remove for path: '{path}': {err}");
                if (index < 0 || index >= a.Count)
                    throw PatchException.NotApplicable($"replace operation does not apply: doc is missing key: {path}: missing value");
                a[index] = ValueOf(op);
                break;
        }
    }

    private static void Move(Holder root, JsonObject op)
    {
        var from = PathOf(op, "from") ?? throw PatchException.NotApplicable("move operation failed to decode from: missing value");
        var (source, sourceKey) = FindContainer(root.Value, from);
        if (source is null) throw PatchException.NotApplicable($"move operation does not apply: doc is missing from path: {from}: missing value");
        var value = Get(source, sourceKey, out var error);
        if (error is not null) throw PatchException.NotApplicable($"error in move for path: '{sourceKey}': {error}");
        error = RemoveFrom(source, sourceKey);
        if (error is not null) throw PatchException.NotApplicable($"error in move for path: '{sourceKey}': {error}");
        var path = PathOf(op, "path") ?? throw PatchException.NotApplicable("move operation failed to decode path: missing value");
        var (target, key) = FindContainer(root.Value, path);
        if (target is null) throw PatchException.NotApplicable($"move operation does not apply: doc is missing destination path: {path}: missing value");
        error = AddTo(target, key, value);
        if (error is not null) throw PatchException.NotApplicable($"error in move for path: '{path}': {error}");
    }

    private static void Copy(Holder root, JsonObject op)
    {
        var from = PathOf(op, "from") ?? throw PatchException.NotApplicable("copy operation failed to decode from: missing value");
        var (source, sourceKey) = FindContainer(root.Value, from);
        if (source is null) throw PatchException.NotApplicable($"copy operation does not apply: doc is missing from path: {from}: missing value");
        var value = Get(source, sourceKey, out var error);
        if (error is not null) throw PatchException.NotApplicable($"error in copy for from: '{from}': {error}");
        var path = PathOf(op, "path") ?? throw PatchException.NotApplicable("copy operation failed to decode path: missing value");
        var (target, key) = FindContainer(root.Value, path);
        if (target is null) throw PatchException.NotApplicable($"copy operation does not apply: doc is missing destination path: {path}: missing value");
        error = AddTo(target, key, value?.DeepClone());
        if (error is not null) throw PatchException.NotApplicable($"error while adding value during copy: {error}");
    }

    private static void Test(Holder root, JsonObject op)
    {
        var path = PathOf(op, "path") ?? throw PatchException.NotApplicable("test operation failed to decode path: missing value");
        var expected = op["value"];
        if (path.Length == 0)
        {
            if (!JsonNode.DeepEquals(root.Value, expected)) throw PatchException.NotApplicable($"testing value {path} failed: test failed");
            return;
        }
        var (container, key) = FindContainer(root.Value, path);
        if (container is null) throw PatchException.NotApplicable($"test operation does not apply: is missing path: {path}: missing value");
        var actual = Get(container, key, out var error);
        if (error is not null) throw PatchException.NotApplicable($"error in test for path: '{path}': {error}");
        if (!JsonNode.DeepEquals(actual, expected)) throw PatchException.NotApplicable($"testing value {path} failed: test failed");
    }

    // The library's findObject: walk every segment but the last, each through an object or array.
    private static (JsonNode? Container, string Key) FindContainer(JsonNode? doc, string path)
    {
        var split = path.Split('/');
        if (split.Length < 2) return (null, "");
        var current = doc;
        foreach (var part in split[1..^1])
        {
            var next = current is null ? null : Get(current, Unescape(part), out var err) is var n && err is null ? n : null;
            if (next is not (JsonObject or JsonArray)) return (null, "");
            current = next;
        }
        return (current, Unescape(split[^1]));
    }

    private static JsonNode? Get(JsonNode container, string key, out string? error)
    {
        error = null;
        if (container is JsonObject o) return o.TryGetPropertyValue(key, out var v) ? v : null;
        var a = (JsonArray)container;
        var index = ParseIndex(key, out error);
        if (error is not null) return null;
        if (index < 0 || index >= a.Count)
        {
            error = $"Unable to access invalid index: {index}: invalid index referenced";
            return null;
        }
        return a[index];
    }

    private static string? AddTo(JsonNode container, string key, JsonNode? value)
    {
        if (container is JsonObject o)
        {
            o[key] = value;
            return null;
        }
        var a = (JsonArray)container;
        if (key == "-")
        {
            a.Add(value);
            return null;
        }
        var index = ParseIndex(key, out var error);
        if (error is not null) return $"value was not a proper array index: '{key}': {error}";
        if (index < 0 || index > a.Count) return $"Unable to access invalid index: {index}: invalid index referenced";
        a.Insert(index, value);
        return null;
    }

    private static string? RemoveFrom(JsonNode container, string key)
    {
        if (container is JsonObject o)
            return o.Remove(key) ? null : $"Unable to remove nonexistent key: {key}: missing value";
        var a = (JsonArray)container;
        var index = ParseIndex(key, out var error);
        if (error is not null) return error;
        if (index < 0 || index >= a.Count) return $"Unable to access invalid index: {index}: invalid index referenced";
        a.RemoveAt(index);
        return null;
    }

    private static int ParseIndex(string key, out string? error)
    {
        error = null;
        if (int.TryParse(key, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var i)) return i;
        error = $"strconv.Atoi: parsing {Core.Kube.GoJson.Quote(key)}: invalid syntax";
        return 0;
    }

    private static string Unescape(string part) => part.Replace("~1", "/").Replace("~0", "~");

    internal static string GoKind(JsonNode? node) => node switch
    {
        JsonObject => "object",
        JsonArray => "array",
        null => "null",
        _ => node.GetValueKind() switch { JsonValueKind.String => "string", JsonValueKind.Number => "number", _ => "bool" },
    };
}
