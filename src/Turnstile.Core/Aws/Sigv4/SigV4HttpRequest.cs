namespace Turnstile.Core.Aws.Sigv4;

/// <summary>One request header as received. Names compare case-insensitively; a name may repeat.</summary>
public readonly record struct HttpHeader(string Name, string Value);

/// <summary>
/// The parts of an HTTP request that SigV4 covers, independent of any server framework.
/// <see cref="RawPath"/> and <see cref="RawQuery"/> are the request-target text exactly as received
/// (still percent-encoded; the query without its leading <c>?</c>).
/// </summary>
public sealed record SigV4HttpRequest
{
    public required string Method { get; init; }
    public required string RawPath { get; init; }
    public string RawQuery { get; init; } = "";
    public IReadOnlyList<HttpHeader> Headers { get; init; } = [];
    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>Lowercase hex SHA-256 of <see cref="Body"/> if the caller already has it (the body is then not hashed again).</summary>
    public string? BodySha256Hex { get; init; }

    /// <summary>Value of the first header called <paramref name="name"/> (case-insensitive), or null.</summary>
    public string? GetHeader(string name)
    {
        var headers = Headers;
        for (var i = 0; i < headers.Count; i++)
            if (string.Equals(headers[i].Name, name, StringComparison.OrdinalIgnoreCase))
                return headers[i].Value;
        return null;
    }

    /// <summary>A copy with every header called <paramref name="name"/> removed and one <c>name: value</c> appended.</summary>
    public SigV4HttpRequest WithHeader(string name, string value)
    {
        var list = new List<HttpHeader>(Headers.Count + 1);
        foreach (var h in Headers)
            if (!string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)) list.Add(h);
        list.Add(new HttpHeader(name, value));
        return this with { Headers = list };
    }
}
