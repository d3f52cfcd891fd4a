using System.Text;

namespace Turnstile.Core.Aws.Sigv4;

/// <summary>
/// One query parameter: <see cref="Name"/>/<see cref="Value"/> decoded, <see cref="EncodedName"/>/<see cref="EncodedValue"/>
/// re-encoded with the strict SigV4 set (the form that enters the canonical query string).
/// </summary>
internal readonly record struct QueryParam(string Name, string Value, string EncodedName, string EncodedValue)
{
    public static QueryParam FromDecoded(string name, string value) =>
        new(name, value, UriEncoding.Encode(name), UriEncoding.Encode(value));

    public static int CompareCanonical(QueryParam a, QueryParam b)
    {
        var c = string.CompareOrdinal(a.EncodedName, b.EncodedName);
        return c != 0 ? c : string.CompareOrdinal(a.EncodedValue, b.EncodedValue);
    }
}

internal static class QueryString
{
    /// <summary>Splits a raw query on '&amp;' and the first '=' of each pair; empty pairs are skipped, order is kept.</summary>
    public static List<QueryParam> Parse(string raw)
    {
        var list = new List<QueryParam>();
        var start = 0;
        while (start < raw.Length)
        {
            var amp = raw.IndexOf('&', start);
            if (amp < 0) amp = raw.Length;
            if (amp > start)
            {
                var pair = raw.AsSpan(start, amp - start);
                var eq = pair.IndexOf('=');
                var (name, encodedName) = Component(eq < 0 ? pair : pair[..eq]);
                var (value, encodedValue) = eq < 0 ? ("", "") : Component(pair[(eq + 1)..]);
                list.Add(new QueryParam(name, value, encodedName, encodedValue));
            }
            start = amp + 1;
        }
        return list;
    }

    private static (string Decoded, string Encoded) Component(ReadOnlySpan<char> raw)
    {
        if (raw.IsEmpty) return ("", "");
        if (UriEncoding.IsAllUnreserved(raw, allowSlash: false))
        {
            var same = raw.ToString();
            return (same, same);
        }
        var decoded = new ByteBuilder(raw.Length * 3);
        var encoded = new ByteBuilder(raw.Length * 3);
        try
        {
            UriEncoding.DecodeQueryComponent(ref decoded, raw);
            UriEncoding.EncodeBytes(ref encoded, decoded.Span, keepSlash: false);
            return (Encoding.UTF8.GetString(decoded.Span), Encoding.ASCII.GetString(encoded.Span));
        }
        finally
        {
            decoded.Dispose();
            encoded.Dispose();
        }
    }

    /// <summary>First value of the parameter whose decoded name is exactly <paramref name="name"/>.</summary>
    public static string? Get(List<QueryParam> query, string name)
    {
        foreach (var p in query)
            if (string.Equals(p.Name, name, StringComparison.Ordinal)) return p.Value;
        return null;
    }
}
