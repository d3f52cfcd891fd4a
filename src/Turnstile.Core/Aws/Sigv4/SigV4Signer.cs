using System.Globalization;

namespace Turnstile.Core.Aws.Sigv4;

/// <summary>An access key pair, with the session token of temporary credentials.</summary>
public sealed record AwsCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken = null)
{
    public override string ToString() => $"AwsCredentials {{ AccessKeyId = {AccessKeyId} }}";
}

/// <summary>Whether a session token enters the signature or is attached after signing.</summary>
public enum SessionTokenPlacement
{
    Signed,
    AddedAfterSigning,
}

public sealed record SigV4SigningOptions
{
    public static SigV4SigningOptions Default { get; } = new();

    public bool NormalizePath { get; init; } = true;

    /// <summary>Add and sign <c>X-Amz-Content-Sha256</c> (header form only).</summary>
    public bool AddContentSha256Header { get; init; }

    public SessionTokenPlacement SessionToken { get; init; } = SessionTokenPlacement.Signed;

    /// <summary>Header names to sign; null signs every header present except hop-by-hop and SDK bookkeeping ones.</summary>
    public IReadOnlyCollection<string>? HeadersToSign { get; init; }
}

/// <summary>A signing result with its intermediate texts.</summary>
public sealed record SigV4Signature
{
    public required string CanonicalRequest { get; init; }
    public required string StringToSign { get; init; }
    public required string Signature { get; init; }
    public required string SignedHeaders { get; init; }
    public required string CredentialScope { get; init; }

    /// <summary>The request with the signature attached (header form: headers added; query form: new <c>RawQuery</c>).</summary>
    public required SigV4HttpRequest SignedRequest { get; init; }

    /// <summary>The <c>Authorization</c> header value (header form only).</summary>
    public string? Authorization { get; init; }
}

/// <summary>SigV4 client side: header signing and presigning (query form), non-S3 rules.</summary>
public static class SigV4Signer
{
    // botocore's SIGNED_HEADERS_BLACKLIST plus the SDK headers it adds after signing.
    private static readonly HashSet<string> NeverSigned = new(StringComparer.OrdinalIgnoreCase)
    {
        "authorization", "user-agent", "expect", "connection", "transfer-encoding", "x-amzn-trace-id",
        "amz-sdk-invocation-id", "amz-sdk-request",
    };

    public static SigV4Signature Sign(
        SigV4HttpRequest request, AwsCredentials credentials, string region, string service, DateTimeOffset time,
        SigV4SigningOptions? options = null)
    {
        options ??= SigV4SigningOptions.Default;
        var amzDate = time.ToAmzDate();
        var scope = $"{time.ToScopeDate()}/{region}/{service}/aws4_request";
        var req = request.WithHeader("X-Amz-Date", amzDate);
        var payloadHash = CanonicalRequest.PayloadHash(req);
        if (options.AddContentSha256Header) req = req.WithHeader("X-Amz-Content-Sha256", payloadHash);
        var token = credentials.SessionToken;
        if (token is not null && options.SessionToken == SessionTokenPlacement.Signed)
            req = req.WithHeader("X-Amz-Security-Token", token);

        var (signedHeaders, line) = ChooseSignedHeaders(req, options);
        var query = QueryString.Parse(req.RawQuery);
        query.Sort(QueryParam.CompareCanonical);
        var (canonical, stringToSign, signature) =
            Compute(req, options, query, signedHeaders, line, payloadHash, amzDate, scope, credentials.SecretAccessKey);

        var authorization =
            $"{CanonicalRequest.Algorithm} Credential={credentials.AccessKeyId}/{scope}, SignedHeaders={line}, Signature={signature}";
        var signed = req.WithHeader("Authorization", authorization);
        if (token is not null && options.SessionToken == SessionTokenPlacement.AddedAfterSigning)
            signed = signed.WithHeader("X-Amz-Security-Token", token);

        return new SigV4Signature
        {
            CanonicalRequest = canonical,
            StringToSign = stringToSign,
            Signature = signature,
            SignedHeaders = line,
            CredentialScope = scope,
            SignedRequest = signed,
            Authorization = authorization,
        };
    }

    /// <summary>
    /// Presigns: auth parameters go into the query (sorted canonical order, <c>X-Amz-Signature</c> last); the payload
    /// hash is the SHA-256 of the body (empty for a GET), as botocore's <c>SigV4QueryAuth</c> does for non-S3 services.
    /// </summary>
    public static SigV4Signature Presign(
        SigV4HttpRequest request, AwsCredentials credentials, string region, string service, DateTimeOffset time,
        TimeSpan expiresIn, SigV4SigningOptions? options = null)
    {
        options ??= SigV4SigningOptions.Default;
        var amzDate = time.ToAmzDate();
        var scope = $"{time.ToScopeDate()}/{region}/{service}/aws4_request";
        var (signedHeaders, line) = ChooseSignedHeaders(request, options);
        var token = credentials.SessionToken;

        var query = QueryString.Parse(request.RawQuery);
        query.Add(QueryParam.FromDecoded("X-Amz-Algorithm", CanonicalRequest.Algorithm));
        query.Add(QueryParam.FromDecoded("X-Amz-Credential", $"{credentials.AccessKeyId}/{scope}"));
        query.Add(QueryParam.FromDecoded("X-Amz-Date", amzDate));
        query.Add(QueryParam.FromDecoded("X-Amz-Expires",
            ((long)expiresIn.TotalSeconds).ToString(CultureInfo.InvariantCulture)));
        query.Add(QueryParam.FromDecoded("X-Amz-SignedHeaders", line));
        if (token is not null && options.SessionToken == SessionTokenPlacement.Signed)
            query.Add(QueryParam.FromDecoded("X-Amz-Security-Token", token));
        query.Sort(QueryParam.CompareCanonical);

        var payloadHash = CanonicalRequest.PayloadHash(request);
        var (canonical, stringToSign, signature) =
            Compute(request, options, query, signedHeaders, line, payloadHash, amzDate, scope, credentials.SecretAccessKey);

        var b = new ByteBuilder(512);
        string rawQuery;
        try
        {
            CanonicalRequest.WriteQuery(ref b, query, null, null);
            if (token is not null && options.SessionToken == SessionTokenPlacement.AddedAfterSigning)
            {
                b.Append("&X-Amz-Security-Token=");
                b.Append(UriEncoding.Encode(token));
            }
            b.Append("&X-Amz-Signature=");
            b.Append(signature);
            rawQuery = b.ToString();
        }
        finally
        {
            b.Dispose();
        }

        return new SigV4Signature
        {
            CanonicalRequest = canonical,
            StringToSign = stringToSign,
            Signature = signature,
            SignedHeaders = line,
            CredentialScope = scope,
            SignedRequest = request with { RawQuery = rawQuery },
        };
    }

    private static (string[] Names, string Line) ChooseSignedHeaders(SigV4HttpRequest request, SigV4SigningOptions options)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        if (options.HeadersToSign is { } chosen)
        {
            foreach (var n in chosen) names.Add(n.ToLowerInvariant());
        }
        else
        {
            foreach (var h in request.Headers)
                if (!NeverSigned.Contains(h.Name)) names.Add(h.Name.ToLowerInvariant());
        }
        var array = names.ToArray();
        return (array, string.Join(';', array));
    }

    private static (string Canonical, string StringToSign, string Signature) Compute(
        SigV4HttpRequest request, SigV4SigningOptions options, List<QueryParam> sortedQuery, string[] signedHeaders,
        string line, string payloadHash, string amzDate, string scope, string secret)
    {
        var canonical = new ByteBuilder(1024);
        var stringToSign = new ByteBuilder(256);
        try
        {
            CanonicalRequest.Write(ref canonical, request.Method, request.RawPath, options.NormalizePath, sortedQuery,
                null, null, request.Headers, signedHeaders, line, payloadHash);
            CanonicalRequest.WriteStringToSign(ref stringToSign, amzDate, scope, canonical.Span);
            var parts = scope.Split('/');
            var key = SigningKeyCache.Shared.GetKey(secret, parts[0], parts[1], parts[2]);
            Span<byte> signature = stackalloc byte[64];
            CanonicalRequest.Sign(key, stringToSign.Span, signature);
            return (canonical.ToString(), stringToSign.ToString(), System.Text.Encoding.ASCII.GetString(signature));
        }
        finally
        {
            canonical.Dispose();
            stringToSign.Dispose();
        }
    }
}
