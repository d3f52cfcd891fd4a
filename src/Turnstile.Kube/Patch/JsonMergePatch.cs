using System.Text.Json;
using System.Text.Json.Nodes;

namespace Turnstile.Kube.Patch;

/// <summary>
/// RFC 7386 JSON merge patch (<c>application/merge-patch+json</c>): objects merge recursively, <c>null</c> deletes a
/// key, anything else (arrays included) replaces. A patch that is not JSON is a 400 <c>Invalid JSON Patch</c>.
/// </summary>
public static class JsonMergePatch
{
    public static JsonNode? Apply(JsonNode? document, string patchJson)
    {
        JsonNode? patch;
        try
        {
            patch = Validation.FieldValidation.ParseLastWins(patchJson);
        }
        catch (JsonException)
        {
            throw PatchException.BadRequest("Invalid JSON Patch");
        }
        return Merge(document?.DeepClone(), patch);
    }

    /// <summary>Merges <paramref name="patch"/> into <paramref name="target"/> (which it may modify and return).</summary>
    public static JsonNode? Merge(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject) return patch?.DeepClone();
        var result = target as JsonObject ?? new JsonObject();
        foreach (var (key, value) in patchObject)
        {
            if (value is null) result.Remove(key);
            else if (value is JsonObject && result[key] is JsonObject existing) Merge(existing, value);
            else result[key] = Merge(null, value);
        }
        return result;
    }
}
