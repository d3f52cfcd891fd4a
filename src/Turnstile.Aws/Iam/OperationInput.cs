using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Turnstile.Aws.Iam;

/// <summary>
/// Typed reads of an operation's input members. The protocol layer has already checked the model's constraints;
/// these accessors only convert, and report a missing required member the way AWS's validation does.
/// </summary>
internal readonly struct OperationInput(JsonObject input)
{
    public JsonObject Json => input;

    public string Required(string member) => String(member) ?? throw IamErrors.NotNull(member);

    public string? String(string member) => input[member] switch
    {
        null => null,
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        JsonNode node => node.ToJsonString(),
    };

    public string Path(string member = "Path") => String(member) ?? "/";

    public int? Int(string member)
    {
        if (input[member] is not JsonValue value) return null;
        if (value.TryGetValue<int>(out var i)) return i;
        if (value.TryGetValue<long>(out var l)) return (int)Math.Clamp(l, int.MinValue, int.MaxValue);
        if (value.TryGetValue<double>(out var d)) return (int)Math.Clamp(d, int.MinValue, int.MaxValue);
        if (value.TryGetValue<string>(out var s) && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)) return parsed;
        if (value.TryGetValue<JsonElement>(out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var ei)) return ei;
        return null;
    }

    public bool? Bool(string member)
    {
        if (input[member] is not JsonValue value) return null;
        if (value.TryGetValue<bool>(out var b)) return b;
        if (value.TryGetValue<string>(out var s) && bool.TryParse(s, out var parsed)) return parsed;
        if (value.TryGetValue<JsonElement>(out var e) && e.ValueKind is JsonValueKind.True or JsonValueKind.False) return e.GetBoolean();
        return null;
    }

    public IReadOnlyList<string> Strings(string member) =>
        input[member] is JsonArray array ? array.Select(n => n?.GetValue<string>() ?? "").ToArray() : [];

    public bool Has(string member) => input[member] is not null;

    /// <summary>A <c>Tags</c> list of <c>{Key, Value}</c>; duplicate keys (case-insensitive) are InvalidInput as in IAM.</summary>
    public IReadOnlyList<TagRecord> Tags(string member = "Tags")
    {
        if (input[member] is not JsonArray array) return [];
        var tags = new List<TagRecord>(array.Count);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var node in array)
        {
            if (node is not JsonObject tag) continue;
            var key = tag["Key"]?.GetValue<string>() ?? throw IamErrors.NotNull("Tags.member.Key");
            var value = tag["Value"]?.GetValue<string>() ?? throw IamErrors.NotNull("Tags.member.Value");
            if (!seen.Add(key)) throw IamErrors.DuplicateTagKeys();
            tags.Add(new TagRecord(key, value));
        }
        return tags;
    }

    /// <summary>Objects of a list of structures, e.g. AssumeRole's <c>PolicyArns</c> (<c>[{arn}]</c>).</summary>
    public IEnumerable<JsonObject> Objects(string member) =>
        input[member] is JsonArray array ? array.OfType<JsonObject>() : [];
}
