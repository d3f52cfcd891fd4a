namespace Turnstile.Core.Aws.Sigv4;

/// <summary>Writes the SigV4 canonical request (non-S3 rules) as UTF-8 bytes.</summary>
internal static class CanonicalRequest
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    public static void Write(
        ref ByteBuilder b,
        string method,
        string rawPath,
        bool normalizePath,
        List<QueryParam> sortedQuery,
        string? excludeParam1,
        string? excludeParam2,
        IReadOnlyList<HttpHeader> headers,
        IReadOnlyList<string> signedHeaders,
        string signedHeadersLine,
        ReadOnlySpan<char> payloadHash)
    {
        foreach (var c in method) b.Append((byte)char.ToUpperInvariant(c));
        b.Append('\n');
        WriteUri(ref b, rawPath, normalizePath);
        b.Append('\n');
        WriteQuery(ref b, sortedQuery, excludeParam1, excludeParam2);
        b.Append('\n');
        for (var i = 0; i < signedHeaders.Count; i++) WriteHeader(ref b, signedHeaders[i], headers);
        b.Append('\n');
        b.Append(signedHeadersLine);
        b.Append('\n');
        b.Append(payloadHash);
    }

    public static void WriteUri(ref ByteBuilder b, string rawPath, bool normalize)
    {
        ReadOnlySpan<char> path = rawPath;
        if (normalize && NeedsNormalization(path)) path = RemoveDotSegments(rawPath);
        if (path.IsEmpty)
        {
            b.Append('/');
            return;
        }
        // The path is still percent-encoded, so encoding it again turns '%' into '%25' (double encoding).
        UriEncoding.Encode(ref b, path, keepSlash: true);
    }

    private static bool NeedsNormalization(ReadOnlySpan<char> path)
    {
        var start = 0;
        for (var i = 0; i <= path.Length; i++)
        {
            if (i < path.Length && path[i] != '/') continue;
            var segment = path[start..i];
            // Empty segments other than the leading one before the first '/' or the trailing one after a final '/'.
            if (segment.IsEmpty ? i > 0 && i < path.Length : segment is "." or "..") return true;
            start = i + 1;
        }
        return false;
    }

    /// <summary>
    /// Drops empty and "." segments, resolves ".." (never above the root) and keeps a trailing '/' when
    /// anything is left (botocore's <c>remove_dot_segments</c> behaviour).
    /// </summary>
    internal static string RemoveDotSegments(string path)
    {
        if (path.Length == 0) return "";
        var output = new List<string>();
        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment == ".") continue;
            if (segment == "..")
            {
                if (output.Count > 0) output.RemoveAt(output.Count - 1);
            }
            else
            {
                output.Add(segment);
            }
        }
        var first = path[0] == '/' ? "/" : "";
        var last = path[^1] == '/' && output.Count > 0 ? "/" : "";
        return first + string.Join('/', output) + last;
    }

    public static void WriteQuery(ref ByteBuilder b, List<QueryParam> sortedQuery, string? exclude1, string? exclude2)
    {
        var first = true;
        foreach (var p in sortedQuery)
        {
            if ((exclude1 is not null && p.Name == exclude1) || (exclude2 is not null && p.Name == exclude2)) continue;
            if (!first) b.Append('&');
            first = false;
            b.Append(p.EncodedName);
            b.Append('=');
            b.Append(p.EncodedValue);
        }
    }

    /// <summary><c>name:v1,v2\n</c> with every value trimmed and inner whitespace runs (also obs-fold) collapsed.</summary>
    private static void WriteHeader(ref ByteBuilder b, string name, IReadOnlyList<HttpHeader> headers)
    {
        b.Append(name);
        b.Append(':');
        var first = true;
        for (var i = 0; i < headers.Count; i++)
        {
            var h = headers[i];
            if (!string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)) continue;
            if (!first) b.Append(',');
            first = false;
            WriteHeaderValue(ref b, h.Value);
        }
        b.Append('\n');
    }

    private static void WriteHeaderValue(ref ByteBuilder b, string value)
    {
        var span = value.AsSpan().Trim(Whitespace);
        while (true)
        {
            var gap = span.IndexOfAny(Whitespace);
            if (gap < 0) break;
            b.Append(span[..gap]);
            b.Append(' ');
            span = span[gap..].TrimStart(Whitespace);
        }
        b.Append(span);
    }

    private const string Whitespace = " \t\r\n";

    /// <summary>"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{hex(sha256(canonicalRequest))}".</summary>
    public static void WriteStringToSign(ref ByteBuilder b, string amzDate, string scope, ReadOnlySpan<byte> canonicalRequest)
    {
        Span<byte> hash = stackalloc byte[32];
        Sha256.Hash(canonicalRequest, hash);
        b.Append(Algorithm);
        b.Append('\n');
        b.Append(amzDate);
        b.Append('\n');
        b.Append(scope);
        b.Append('\n');
        b.AppendHex(hash);
    }

    /// <summary>Lowercase hex HMAC-SHA256 of the string to sign, written as 64 ASCII bytes.</summary>
    internal static void Sign(SigningKey signingKey, ReadOnlySpan<byte> stringToSign, Span<byte> hexSignature)
    {
        Span<byte> mac = stackalloc byte[32];
        signingKey.Mac(stringToSign, mac);
        Hex.WriteLower(mac, hexSignature);
    }

    public static string PayloadHash(SigV4HttpRequest request)
    {
        if (request.BodySha256Hex is { } known) return known;
        if (request.Body.IsEmpty) return EmptyPayloadHash;
        Span<byte> hash = stackalloc byte[32];
        Sha256.Hash(request.Body.Span, hash);
        return Hex.ToLower(hash);
    }
}
