using System.Text.Json;

namespace Turnstile.Core.Text;

/// <summary>
/// System.Text.Json checks a document's syntax when it parses it but decodes strings only when they are read, so a
/// string with invalid UTF-8 or an unpaired surrogate escape (<c>"\ud800"</c>) passes the parse and throws an
/// <see cref="InvalidOperationException"/> later, wherever it happens to be read. This decodes every string and
/// property name once, up front, so such a document is refused like any other malformed one.
/// </summary>
public static class StrictJson
{
    /// <summary>Null when <paramref name="utf8"/> is valid JSON whose strings all decode, else what is wrong.</summary>
    public static string? Problem(ReadOnlySpan<byte> utf8, JsonReaderOptions options = default)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8, options);
            while (reader.Read())
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName) reader.GetString();
            return null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return e.Message;
        }
    }
}
