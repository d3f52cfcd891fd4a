using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Turnstile.Server.Protocols;

/// <summary>Scalar conversions shared by the protocols: timestamps, numbers and strings held in JSON nodes.</summary>
internal static class WireValues
{
    public static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>ISO-8601 UTC as AWS writes it: <c>2013-06-08T03:20:41Z</c>, with milliseconds only when non-zero.</summary>
    public static string FormatIso8601(DateTimeOffset value)
    {
        var utc = value.UtcDateTime;
        return utc.Millisecond == 0
            ? utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
    }

    /// <summary>Epoch seconds with millisecond fraction, as rest-json protocols send timestamps.</summary>
    public static double ToEpochSeconds(DateTimeOffset value) => value.ToUnixTimeMilliseconds() / 1000.0;

    public static string FormatRfc822(DateTimeOffset value) =>
        value.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss 'GMT'", CultureInfo.InvariantCulture);

    /// <summary>Parses ISO-8601, RFC-822 or epoch-seconds text.</summary>
    public static bool TryParseTimestamp(string text, out DateTimeOffset value)
    {
        text = text.Trim();
        if (text.Length > 0 && (char.IsAsciiDigit(text[0]) || text[0] == '-') &&
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) &&
            !text.Contains('-', StringComparison.Ordinal) && !text.Contains(':', StringComparison.Ordinal))
        {
            return TryFromEpochSeconds(seconds, out value);
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
    }

    public static bool TryFromEpochSeconds(double seconds, out DateTimeOffset value)
    {
        value = default;
        if (double.IsNaN(seconds) || seconds < -62135596800 || seconds > 253402300799) return false;
        value = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));
        return true;
    }

    /// <summary>Reads a timestamp a service put into its output: DateTimeOffset, DateTime, ISO text or epoch seconds.</summary>
    public static bool TryReadTimestamp(JsonNode node, out DateTimeOffset value)
    {
        value = default;
        if (node is not JsonValue v) return false;
        if (v.TryGetValue(out DateTimeOffset dto))
        {
            value = dto;
            return true;
        }
        if (v.TryGetValue(out DateTime dt))
        {
            value = dt.Kind == DateTimeKind.Unspecified ? new DateTimeOffset(dt, TimeSpan.Zero) : new DateTimeOffset(dt.ToUniversalTime());
            return true;
        }
        switch (v.GetValueKind())
        {
            case JsonValueKind.String:
                return TryGetString(v, out var text) && TryParseTimestamp(text, out value);
            case JsonValueKind.Number:
                return TryGetDouble(v, out var seconds) && TryFromEpochSeconds(seconds, out value);
            default:
                return false;
        }
    }

    public static bool TryGetString(JsonNode node, out string value)
    {
        value = "";
        if (node is not JsonValue v) return false;
        if (v.TryGetValue(out string? s))
        {
            value = s;
            return true;
        }
        if (v.TryGetValue(out JsonElement e) && e.ValueKind == JsonValueKind.String)
        {
            value = e.GetString()!;
            return true;
        }
        return false;
    }

    /// <summary>The text of a scalar node for query/XML output: strings as-is, numbers and booleans in JSON spelling.</summary>
    public static string ScalarText(JsonNode node)
    {
        if (TryGetString(node, out var s)) return s;
        return node.GetValueKind() switch
        {
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.String => JsonSerializer.Deserialize<string>(node.ToJsonString()) ?? "",
            _ => node.ToJsonString(),
        };
    }

    public static bool TryGetDouble(JsonNode node, out double value)
    {
        value = 0;
        if (node is not JsonValue v) return false;
        if (v.GetValueKind() == JsonValueKind.Number)
            return double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        return TryGetString(v, out var text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    public static bool TryGetLong(JsonNode node, out long value)
    {
        value = 0;
        if (node is not JsonValue v) return false;
        if (v.TryGetValue(out long l)) { value = l; return true; }
        if (v.TryGetValue(out int i)) { value = i; return true; }
        var text = v.GetValueKind() == JsonValueKind.Number ? v.ToJsonString() : TryGetString(v, out var s) ? s : null;
        return text is not null && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    public static bool TryGetBool(JsonNode node, out bool value)
    {
        value = false;
        if (node is not JsonValue v) return false;
        switch (v.GetValueKind())
        {
            case JsonValueKind.True: value = true; return true;
            case JsonValueKind.False: return true;
            case JsonValueKind.String:
                return TryGetString(v, out var s) && bool.TryParse(s, out value);
            default: return false;
        }
    }

    /// <summary>
    /// Decodes an <c>application/x-www-form-urlencoded</c> component ('+' is a space, %XX a byte) as strict UTF-8.
    /// Returns false for a malformed escape or invalid UTF-8.
    /// </summary>
    public static bool TryFormDecode(ReadOnlySpan<byte> raw, out string value)
    {
        var plain = true;
        foreach (var b in raw)
        {
            if (b == '%' || b == '+' || b >= 0x80)
            {
                plain = false;
                break;
            }
        }
        if (plain)
        {
            value = Encoding.ASCII.GetString(raw);
            return true;
        }

        var rented = ArrayPool<byte>.Shared.Rent(raw.Length);
        try
        {
            var n = 0;
            for (var i = 0; i < raw.Length; i++)
            {
                var b = raw[i];
                if (b == '+') rented[n++] = (byte)' ';
                else if (b == '%')
                {
                    if (i + 2 >= raw.Length || HexValue(raw[i + 1]) < 0 || HexValue(raw[i + 2]) < 0)
                    {
                        value = "";
                        return false;
                    }
                    rented[n++] = (byte)(HexValue(raw[i + 1]) * 16 + HexValue(raw[i + 2]));
                    i += 2;
                }
                else rented[n++] = b;
            }
            try
            {
                value = StrictUtf8.GetString(rented, 0, n);
                return true;
            }
            catch (DecoderFallbackException)
            {
                value = "";
                return false;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public static bool TryFormDecode(ReadOnlySpan<char> raw, out string value)
    {
        Span<byte> small = stackalloc byte[256];
        var bytes = raw.Length <= small.Length ? small[..raw.Length] : new byte[raw.Length];
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c > 0x7F)
            {
                // Kestrel hands the request target over as text; keep non-ASCII characters as they are.
                value = "";
                return TryFormDecodeWide(raw, out value);
            }
            bytes[i] = (byte)c;
        }
        return TryFormDecode(bytes, out value);
    }

    private static bool TryFormDecodeWide(ReadOnlySpan<char> raw, out string value)
    {
        var bytes = Encoding.UTF8.GetBytes(raw.ToArray());
        return TryFormDecode(bytes, out value);
    }

    public static int HexValue(int c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>
    /// Splits a form body or query string into decoded (name, value) pairs, in order; false if any part is malformed.
    /// </summary>
    public static bool TryParseForm(ReadOnlySpan<byte> raw, List<KeyValuePair<string, string>> into)
    {
        while (!raw.IsEmpty)
        {
            var amp = raw.IndexOf((byte)'&');
            var pair = amp < 0 ? raw : raw[..amp];
            raw = amp < 0 ? ReadOnlySpan<byte>.Empty : raw[(amp + 1)..];
            if (pair.IsEmpty) continue;
            var eq = pair.IndexOf((byte)'=');
            if (!TryFormDecode(eq < 0 ? pair : pair[..eq], out var name)) return false;
            var value = "";
            if (eq >= 0 && !TryFormDecode(pair[(eq + 1)..], out value)) return false;
            into.Add(new(name, value));
        }
        return true;
    }

    public static bool TryParseForm(ReadOnlySpan<char> raw, List<KeyValuePair<string, string>> into)
    {
        while (!raw.IsEmpty)
        {
            var amp = raw.IndexOf('&');
            var pair = amp < 0 ? raw : raw[..amp];
            raw = amp < 0 ? ReadOnlySpan<char>.Empty : raw[(amp + 1)..];
            if (pair.IsEmpty) continue;
            var eq = pair.IndexOf('=');
            if (!TryFormDecode(eq < 0 ? pair : pair[..eq], out var name)) return false;
            var value = "";
            if (eq >= 0 && !TryFormDecode(pair[(eq + 1)..], out value)) return false;
            into.Add(new(name, value));
        }
        return true;
    }

    /// <summary>Percent-decodes a URI path segment ('+' stays '+'); false on a malformed escape or invalid UTF-8.</summary>
    public static bool TryDecodePathSegment(string raw, out string value)
    {
        if (raw.IndexOf('%') < 0)
        {
            value = raw;
            return true;
        }
        var bytes = new byte[raw.Length];
        var n = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '%')
            {
                if (i + 2 >= raw.Length || HexValue(raw[i + 1]) < 0 || HexValue(raw[i + 2]) < 0)
                {
                    value = "";
                    return false;
                }
                bytes[n++] = (byte)(HexValue(raw[i + 1]) * 16 + HexValue(raw[i + 2]));
                i += 2;
            }
            else if (c > 0x7F)
            {
                value = "";
                return false;
            }
            else bytes[n++] = (byte)c;
        }
        try
        {
            value = StrictUtf8.GetString(bytes, 0, n);
            return true;
        }
        catch (DecoderFallbackException)
        {
            value = "";
            return false;
        }
    }

    /// <summary>Replaces characters XML 1.0 cannot carry (control characters, lone surrogates) with U+FFFD.</summary>
    public static string XmlSafe(string text)
    {
        var i = 0;
        for (; i < text.Length; i++)
            if (!IsXmlChar(text, i)) break;
        if (i == text.Length) return text;
        var sb = new StringBuilder(text.Length);
        for (var j = 0; j < text.Length; j++)
        {
            var c = text[j];
            if (char.IsHighSurrogate(c) && j + 1 < text.Length && char.IsLowSurrogate(text[j + 1]))
            {
                sb.Append(c).Append(text[++j]);
                continue;
            }
            sb.Append(IsXmlChar(text, j) ? c : '\uFFFD');
        }
        return sb.ToString();
    }

    private static bool IsXmlChar(string text, int i)
    {
        var c = text[i];
        if (c >= 0x20 && c < 0xD800) return true;
        if (c is '\t' or '\n' or '\r') return true;
        if (c < 0x20) return false;
        if (char.IsHighSurrogate(c)) return i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
        if (char.IsLowSurrogate(c)) return i > 0 && char.IsHighSurrogate(text[i - 1]);
        return c is not ('\uFFFE' or '\uFFFF');
    }
}
