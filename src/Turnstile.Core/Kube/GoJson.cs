using System.Text;
using System.Text.Json;

namespace Turnstile.Core.Kube;

/// <summary>
/// String escaping as Go's encoding/json does it (what the API server's JSON serializer emits): <c>&lt;</c>,
/// <c>&gt;</c>, <c>&amp;</c>, U+2028 and U+2029 as lower-case <c>\u00XX</c>-style escapes, <c>\b \f \n \r \t</c>
/// short forms (Go 1.22+), other control characters as <c>\u00xx</c>, lone surrogates as <c>\ufffd</c>, and all other
/// non-ASCII text left as raw UTF-8. System.Text.Json's encoders differ (upper-case hex, escaped non-ASCII), so
/// strings go through here and into <see cref="Utf8JsonWriter"/> as raw values.
/// </summary>
public static class GoJson
{
    /// <summary>The JSON string literal, quotes included.</summary>
    public static string Quote(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '<' or '>' or '&' or '\u2028' or '\u2029':
                    sb.Append("\\u").Append(((int)c).ToString("x4"));
                    break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4"));
                    }
                    else if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                    {
                        sb.Append(c).Append(value[++i]);
                    }
                    else if (char.IsSurrogate(c))
                    {
                        sb.Append("\\ufffd");
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>Writes a string value with Go's escaping.</summary>
    public static void WriteString(Utf8JsonWriter writer, string propertyName, string value)
    {
        writer.WritePropertyName(propertyName);
        writer.WriteRawValue(Quote(value), skipInputValidation: true);
    }
}
