using System.Text;
using System.Text.Json.Nodes;

namespace Turnstile.Aws.Eks;

/// <summary>
/// List paging: <c>maxResults</c> 1..100 (100 when omitted) and an opaque <c>nextToken</c> that names the last key
/// returned, so a page resumes after it even when items were added or removed in between. Items must be sorted by key.
/// </summary>
internal static class Paging
{
    public const int DefaultPageSize = 100;

    public static (IReadOnlyList<T> Page, string? NextToken) Page<T>(IEnumerable<T> items, Func<T, string> key, JsonObject input)
    {
        var max = Input.Int(input, "maxResults") ?? DefaultPageSize;
        if (max < 1) throw EksErrors.Constraint("maxResults", max.ToString(), "Member must have value greater than or equal to 1");
        if (max > 100) throw EksErrors.Constraint("maxResults", max.ToString(), "Member must have value less than or equal to 100");
        var after = Decode(Input.String(input, "nextToken"));
        var remaining = after is null ? items : items.Where(item => string.CompareOrdinal(key(item), after) > 0);
        var page = remaining.Take(max + 1).ToList();
        if (page.Count <= max) return (page, null);
        page.RemoveAt(max);
        return (page, Encode(key(page[^1])));
    }

    private const string Prefix = "tsk1:";

    private static string Encode(string key) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(Prefix + key)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string? Decode(string? token)
    {
        if (string.IsNullOrEmpty(token)) return null;
        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(base64));
            if (text.StartsWith(Prefix, StringComparison.Ordinal)) return text[Prefix.Length..];
        }
        catch (FormatException)
        {
        }
        throw EksErrors.InvalidParameterError("The nextToken provided is invalid.");
    }
}
