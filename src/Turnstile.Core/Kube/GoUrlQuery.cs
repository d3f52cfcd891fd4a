using System.Text;

namespace Turnstile.Core.Kube;

/// <summary>
/// A URL query string parsed the way Go's <c>url.ParseQuery</c> does (which is what the API server sees through
/// <c>req.URL.Query()</c>): pairs split on <c>&amp;</c>, <c>+</c> means space, pairs containing <c>;</c> or a bad
/// percent-escape are dropped, repeated keys keep every value in order.
/// </summary>
public sealed class GoUrlQuery
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    public static readonly GoUrlQuery Empty = new();

    private GoUrlQuery() { }

    /// <summary>Parses a raw query string, with or without its leading <c>?</c>.</summary>
    public static GoUrlQuery Parse(string? rawQuery)
    {
        var q = new GoUrlQuery();
        if (string.IsNullOrEmpty(rawQuery)) return q;
        var rest = rawQuery[0] == '?' ? rawQuery[1..] : rawQuery;
        foreach (var pair in rest.Split('&'))
        {
            if (pair.Length == 0 || pair.Contains(';')) continue;
            var eq = pair.IndexOf('=');
            var rawKey = eq >= 0 ? pair[..eq] : pair;
            var rawValue = eq >= 0 ? pair[(eq + 1)..] : "";
            if (Unescape(rawKey) is not { } key || Unescape(rawValue) is not { } value) continue;
            if (!q._values.TryGetValue(key, out var list)) q._values[key] = list = [];
            list.Add(value);
        }
        return q;
    }

    public bool Has(string key) => _values.ContainsKey(key);

    /// <summary>All values of a key (empty when absent).</summary>
    public IReadOnlyList<string> GetAll(string key) => _values.TryGetValue(key, out var v) ? v : [];

    /// <summary>The first value of a key, or null when absent (Go's <c>Values.Get</c> returns "" for both).</summary>
    public string? First(string key) => _values.TryGetValue(key, out var v) && v.Count > 0 ? v[0] : null;

    // Go's QueryUnescape: %XX and '+'; null on a malformed escape.
    private static string? Unescape(string s)
    {
        if (s.IndexOfAny(['%', '+']) < 0) return s;
        var input = Encoding.UTF8.GetBytes(s);
        var bytes = new List<byte>(input.Length);
        for (var i = 0; i < input.Length; i++)
        {
            var b = input[i];
            if (b == '%')
            {
                if (i + 2 >= input.Length || !IsHex((char)input[i + 1]) || !IsHex((char)input[i + 2])) return null;
                bytes.Add((byte)(HexValue((char)input[i + 1]) * 16 + HexValue((char)input[i + 2])));
                i += 2;
            }
            else
            {
                bytes.Add(b == '+' ? (byte)' ' : b);
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool IsHex(char c) => c is >= '0' and <= '9' or >= 'a' and <= 'f' or >= 'A' and <= 'F';

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
