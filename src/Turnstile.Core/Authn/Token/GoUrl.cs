using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Turnstile.Core.Authn.Token;

/// <summary>
/// The subset of Go's <c>net/url</c> parsing aws-iam-authenticator relies on: <c>url.Parse</c> (scheme, host with
/// port, unescaped path, raw query) and <c>url.ParseQuery</c>. Error texts follow Go's where practical.
/// </summary>
internal sealed record GoUrl(string Scheme, string Host, string Path, string RawPath, string RawQuery)
{
    public static bool TryParse(string raw, [NotNullWhen(true)] out GoUrl? url, [NotNullWhen(false)] out string? error)
    {
        url = null;
        foreach (var c in raw)
        {
            if (c < 0x20 || c == 0x7F)
            {
                error = $"parse \"{raw}\": net/url: invalid control character in URL";
                return false;
            }
        }
        var hash = raw.IndexOf('#');
        var rest = hash < 0 ? raw : raw[..hash];

        if (!TryGetScheme(rest, out var scheme, out rest))
        {
            error = $"parse \"{raw}\": missing protocol scheme";
            return false;
        }
        scheme = scheme.ToLowerInvariant();

        var rawQuery = "";
        var q = rest.IndexOf('?');
        if (q >= 0)
        {
            rawQuery = rest[(q + 1)..];
            rest = rest[..q];
        }

        var host = "";
        if (!rest.StartsWith('/'))
        {
            if (scheme.Length > 0)
            {
                // Opaque URL ("https:foo"): no host, no path.
                url = new GoUrl(scheme, "", "", "", rawQuery);
                error = null;
                return true;
            }
            var firstSegment = rest.IndexOf('/') is var slash and >= 0 ? rest[..slash] : rest;
            if (firstSegment.Contains(':'))
            {
                error = $"parse \"{raw}\": first path segment in URL cannot contain colon";
                return false;
            }
        }
        else if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            var authority = rest[2..];
            var slash = authority.IndexOf('/');
            rest = slash < 0 ? "" : authority[slash..];
            authority = slash < 0 ? authority : authority[..slash];
            var at = authority.LastIndexOf('@');
            host = at < 0 ? authority : authority[(at + 1)..];
            if (!ValidHost(host, out var hostError))
            {
                error = $"parse \"{raw}\": {hostError}";
                return false;
            }
        }

        if (!TryUnescape(rest, plusIsSpace: false, out var path))
        {
            error = $"parse \"{raw}\": invalid URL escape {InvalidEscape(rest)}";
            return false;
        }
        url = new GoUrl(scheme, host, path, rest, rawQuery);
        error = null;
        return true;
    }

    private static bool TryGetScheme(string raw, out string scheme, out string rest)
    {
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (char.IsAsciiLetter(c)) continue;
            if (char.IsAsciiDigit(c) || c is '+' or '-' or '.')
            {
                if (i == 0) break;
                continue;
            }
            if (c == ':')
            {
                if (i == 0)
                {
                    scheme = rest = "";
                    return false;
                }
                scheme = raw[..i];
                rest = raw[(i + 1)..];
                return true;
            }
            break;
        }
        scheme = "";
        rest = raw;
        return true;
    }

    private static bool ValidHost(string host, out string error)
    {
        error = "";
        var colon = host.LastIndexOf(':');
        if (colon >= 0 && host.LastIndexOf(']') < colon)
        {
            var port = host[(colon + 1)..];
            foreach (var c in port)
            {
                if (!char.IsAsciiDigit(c))
                {
                    error = $"invalid port \":{port}\" after host";
                    return false;
                }
            }
        }
        foreach (var c in host)
        {
            if (char.IsAsciiLetterOrDigit(c) || "-._~!$&'()*+,;=:[]%".Contains(c) || c >= 0x80) continue;
            error = $"invalid character \"{c}\" in host name";
            return false;
        }
        return true;
    }

    /// <summary>Go <c>url.ParseQuery</c>: '&amp;' separated, ';' is an error, '+' is space, bad '%' escapes are errors.</summary>
    public static bool TryParseQuery(string rawQuery, out List<KeyValuePair<string, List<string>>> values)
    {
        values = [];
        var ok = true;
        foreach (var part in rawQuery.Split('&'))
        {
            if (part.Contains(';'))
            {
                ok = false;
                continue;
            }
            if (part.Length == 0) continue;
            var eq = part.IndexOf('=');
            if (!TryUnescape(eq < 0 ? part : part[..eq], true, out var key) ||
                !TryUnescape(eq < 0 ? "" : part[(eq + 1)..], true, out var value))
            {
                ok = false;
                continue;
            }
            var existing = values.FindIndex(kv => kv.Key == key);
            if (existing < 0) values.Add(new(key, [value]));
            else values[existing].Value.Add(value);
        }
        return ok;
    }

    private static bool TryUnescape(string text, bool plusIsSpace, out string result)
    {
        if (text.IndexOf('%') < 0 && !(plusIsSpace && text.Contains('+')))
        {
            result = text;
            return true;
        }
        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '%')
            {
                if (i + 2 >= text.Length || !Uri.IsHexDigit(text[i + 1]) || !Uri.IsHexDigit(text[i + 2]))
                {
                    result = "";
                    return false;
                }
                bytes.Add((byte)Convert.ToInt32(text.Substring(i + 1, 2), 16));
                i += 2;
            }
            else if (c == '+' && plusIsSpace)
            {
                bytes.Add((byte)' ');
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
            }
        }
        result = Encoding.UTF8.GetString(bytes.ToArray());
        return true;
    }

    private static string InvalidEscape(string text)
    {
        var i = text.IndexOf('%');
        while (i >= 0 && i + 2 < text.Length && Uri.IsHexDigit(text[i + 1]) && Uri.IsHexDigit(text[i + 2]))
            i = text.IndexOf('%', i + 3);
        return i < 0 ? "\"\"" : $"\"{text.Substring(i, Math.Min(3, text.Length - i))}\"";
    }
}
