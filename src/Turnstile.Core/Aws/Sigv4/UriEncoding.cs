namespace Turnstile.Core.Aws.Sigv4;

/// <summary>SigV4 percent-encoding: every byte except RFC 3986 unreserved characters becomes <c>%XX</c> (uppercase).</summary>
internal static class UriEncoding
{
    private static ReadOnlySpan<byte> UpperHex => "0123456789ABCDEF"u8;

    public static bool IsUnreserved(int c) =>
        (uint)(c - 'A') <= 'Z' - 'A' || (uint)(c - 'a') <= 'z' - 'a' || (uint)(c - '0') <= 9 ||
        c == '-' || c == '_' || c == '.' || c == '~';

    public static bool IsAllUnreserved(ReadOnlySpan<char> text, bool allowSlash)
    {
        foreach (var c in text)
            if (!IsUnreserved(c) && !(allowSlash && c == '/')) return false;
        return true;
    }

    /// <summary>Encodes the UTF-8 bytes of <paramref name="text"/>; '/' is kept when <paramref name="keepSlash"/>.</summary>
    public static void Encode(ref ByteBuilder output, ReadOnlySpan<char> text, bool keepSlash)
    {
        if (IsAllUnreserved(text, keepSlash))
        {
            output.Append(text);
            return;
        }
        var scratch = new ByteBuilder(text.Length * 3);
        try
        {
            scratch.Append(text);
            EncodeBytes(ref output, scratch.Span, keepSlash);
        }
        finally
        {
            scratch.Dispose();
        }
    }

    public static void EncodeBytes(ref ByteBuilder output, ReadOnlySpan<byte> bytes, bool keepSlash)
    {
        foreach (var b in bytes)
        {
            if (IsUnreserved(b) || (keepSlash && b == '/'))
            {
                output.Append(b);
            }
            else
            {
                output.Append((byte)'%');
                output.Append(UpperHex[b >> 4]);
                output.Append(UpperHex[b & 0xF]);
            }
        }
    }

    public static string Encode(string text)
    {
        if (IsAllUnreserved(text, false)) return text;
        var b = new ByteBuilder(text.Length * 3);
        try
        {
            Encode(ref b, text, keepSlash: false);
            return b.ToString();
        }
        finally
        {
            b.Dispose();
        }
    }

    /// <summary>
    /// Percent-decodes a query component into bytes, '+' meaning space (as Go's and Java's query parsers and
    /// aws-sdk-go-v2's signer treat it). A '%' not followed by two hex digits stays literal.
    /// </summary>
    public static void DecodeQueryComponent(ref ByteBuilder output, ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '%' && i + 2 < text.Length &&
                HexValue(text[i + 1]) is var hi and >= 0 && HexValue(text[i + 2]) is var lo and >= 0)
            {
                output.Append((byte)(hi * 16 + lo));
                i += 2;
            }
            else if (c == '+')
            {
                output.Append((byte)' ');
            }
            else if (c < 0x80)
            {
                output.Append((byte)c);
            }
            else
            {
                // Raw non-ASCII in the request target: keep its UTF-8 bytes (surrogate pairs together).
                var len = char.IsHighSurrogate(c) && i + 1 < text.Length ? 2 : 1;
                output.Append(text.Slice(i, len));
                i += len - 1;
            }
        }
    }

    public static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
