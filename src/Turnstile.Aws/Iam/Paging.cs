using System.Text;
using System.Text.Json.Nodes;

namespace Turnstile.Aws.Iam;

/// <summary>
/// IAM's Marker/MaxItems paging. Items are listed in a stable order; the marker is an opaque token naming the
/// first item of the next page, so pages stay consistent when earlier items are deleted in between.
/// </summary>
internal static class Paging
{
    public const int DefaultMaxItems = 100;

    /// <summary>
    /// Orders <paramref name="items"/> by <paramref name="key"/> (ordinal) and writes one page as <paramref name="listMember"/>,
    /// with <c>IsTruncated</c> and, when truncated, <c>Marker</c>.
    /// </summary>
    public static JsonObject Page<T>(JsonObject output, string listMember, IEnumerable<T> items, Func<T, string> key, Func<T, JsonNode> render, OperationInput input)
    {
        var maxItems = input.Int("MaxItems") ?? DefaultMaxItems;
        if (maxItems < 1) maxItems = DefaultMaxItems;
        var marker = input.String("Marker");
        var start = marker is null ? null : Decode(marker);

        var page = new JsonArray();
        string? next = null;
        foreach (var (itemKey, item) in items.Select(i => (key(i), i)).OrderBy(p => p.Item1, StringComparer.Ordinal))
        {
            if (start is not null && string.CompareOrdinal(itemKey, start) < 0) continue;
            if (page.Count == maxItems)
            {
                next = itemKey;
                break;
            }
            page.Add(render(item));
        }
        output[listMember] = page;
        output["IsTruncated"] = next is not null;
        if (next is not null) output["Marker"] = Encode(next);
        return output;
    }

    /// <summary>A sort key that orders case-insensitively first, then exactly, so it is unique for unique names.</summary>
    public static string NameKey(string name) => name.ToUpperInvariant() + "\u0000" + name;

    private static string Encode(string key) => Convert.ToBase64String(Encoding.UTF8.GetBytes(key));

    private static string Decode(string marker)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(marker));
        }
        catch (FormatException)
        {
            throw IamErrors.Validation("Invalid Marker.");
        }
    }
}
