using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;

namespace Turnstile.Core.Aws.Sigv4;

/// <summary>
/// Server-side SigV4 (AWS4-HMAC-SHA256) for header and presigned-query authentication, non-S3 canonicalisation.
/// Use: <see cref="TryParse"/> → look up the secret of <see cref="SigV4Request.AccessKeyId"/> → <see cref="Verify"/>
/// (or <see cref="TryAuthenticate"/> with a lookup delegate).
/// </summary>
public sealed class SigV4Verifier
{
    public const string Algorithm = CanonicalRequest.Algorithm;
    private const string SecurityTokenParam = "X-Amz-Security-Token";
    private const string SignatureParam = "X-Amz-Signature";

    private static readonly List<QueryParam> NoQuery = [];

    private readonly TimeProvider _time;
    private readonly SigningKeyCache _keys;

    public SigV4Verifier(SigV4VerifierOptions? options = null, TimeProvider? timeProvider = null, SigningKeyCache? keyCache = null)
    {
        Options = options ?? SigV4VerifierOptions.Default;
        _time = timeProvider ?? TimeProvider.System;
        _keys = keyCache ?? SigningKeyCache.Shared;
    }

    public SigV4VerifierOptions Options { get; }

    /// <summary>
    /// Parses the signature claims and checks their shape, the clock (see <see cref="SigV4VerifierOptions.ValidateTime"/>)
    /// and the credential scope. <paramref name="expectedService"/>, when given, must equal the scope's service.
    /// </summary>
    public bool TryParse(
        SigV4HttpRequest request,
        [NotNullWhen(true)] out SigV4Request? parsed,
        [NotNullWhen(false)] out SigV4Error? error,
        string? expectedService = null)
    {
        var authorization = request.GetHeader("Authorization");
        List<QueryParam>? query = null;
        string? algorithm = null;
        if (request.RawQuery.Contains("X-Amz-Algorithm", StringComparison.Ordinal))
        {
            query = QueryString.Parse(request.RawQuery);
            algorithm = QueryString.Get(query, "X-Amz-Algorithm");
        }
        if (authorization is not null && algorithm is not null)
        {
            parsed = null;
            error = SigV4Error.SignatureDoesNotMatch(
                "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified");
            return false;
        }

        error = authorization is not null
            ? ParseHeader(request, authorization, out parsed)
            : algorithm is not null
                ? ParseQuery(request, query!, algorithm, out parsed)
                : Fail(SigV4Error.MissingAuthenticationToken(), out parsed);
        if (parsed is not null)
            error ??= (Options.ValidateTime ? CheckTime(parsed) : null) ?? CheckScope(parsed, expectedService);
        if (error is null && parsed is not null) return true;
        parsed = null;
        error ??= SigV4Error.MissingAuthenticationToken();
        return false;
    }

    /// <summary>Recomputes the signature with <paramref name="secretAccessKey"/>; null when it matches.</summary>
    public SigV4Error? Verify(SigV4Request parsed, string secretAccessKey)
    {
        var payloadError = PayloadHash(parsed, out var payloadHash);
        if (payloadError is not null) return payloadError;
        var query = parsed.Query ?? SortedQuery(parsed.Http.RawQuery);
        var key = _keys.GetKey(secretAccessKey, parsed.Scope.Date, parsed.Scope.Region, parsed.Scope.Service);

        if (Matches(parsed, query, payloadHash, key, excludeToken: false)) return null;
        if (parsed.Location == SigV4AuthLocation.Query && parsed.SessionToken is not null &&
            Options.AcceptUnsignedPresignedSessionToken &&
            Matches(parsed, query, payloadHash, key, excludeToken: true))
            return null;
        return SigV4Error.SignatureDoesNotMatch();
    }

    /// <summary>
    /// Parse, look up the secret and verify. A lookup without secret or error answers <c>InvalidClientTokenId</c>.
    /// </summary>
    public bool TryAuthenticate(
        SigV4HttpRequest request,
        Func<SigV4Request, SigV4Secret> secretLookup,
        [NotNullWhen(true)] out SigV4Request? parsed,
        [NotNullWhen(false)] out SigV4Error? error,
        string? expectedService = null)
    {
        if (!TryParse(request, out parsed, out error, expectedService)) return false;
        error = VerifyWith(parsed, secretLookup);
        return error is null;
    }

    /// <summary>Runs <paramref name="secretLookup"/> and <see cref="Verify"/>; null when the signature matches.</summary>
    public SigV4Error? VerifyWith(SigV4Request parsed, Func<SigV4Request, SigV4Secret> secretLookup)
    {
        var secret = secretLookup(parsed);
        if (secret.Error is not null) return secret.Error;
        return secret.SecretAccessKey is null ? SigV4Error.InvalidClientTokenId() : Verify(parsed, secret.SecretAccessKey);
    }

    /// <summary>The canonical request the verifier signs for <paramref name="parsed"/> (diagnostics).</summary>
    public string CanonicalRequestOf(SigV4Request parsed)
    {
        PayloadHash(parsed, out var payloadHash);
        var b = new ByteBuilder(512);
        try
        {
            WriteCanonical(ref b, parsed, parsed.Query ?? SortedQuery(parsed.Http.RawQuery), payloadHash, excludeToken: false);
            return b.ToString();
        }
        finally
        {
            b.Dispose();
        }
    }

    private bool Matches(SigV4Request parsed, List<QueryParam> query, string payloadHash, SigningKey key, bool excludeToken)
    {
        var signature = parsed.Signature;
        if (signature.Length != 64) return false;
        Span<byte> provided = stackalloc byte[64];
        for (var i = 0; i < 64; i++)
        {
            var c = signature[i];
            if (c > 0x7F) return false;
            provided[i] = (byte)c;
        }

        var canonical = new ByteBuilder(1024);
        var stringToSign = new ByteBuilder(256);
        try
        {
            WriteCanonical(ref canonical, parsed, query, payloadHash, excludeToken);
            CanonicalRequest.WriteStringToSign(ref stringToSign, parsed.AmzDate, parsed.CredentialScopeText, canonical.Span);
            Span<byte> expected = stackalloc byte[64];
            CanonicalRequest.Sign(key, stringToSign.Span, expected);
            return CryptographicOperations.FixedTimeEquals(expected, provided);
        }
        finally
        {
            canonical.Dispose();
            stringToSign.Dispose();
        }
    }

    private void WriteCanonical(ref ByteBuilder b, SigV4Request parsed, List<QueryParam> query, string payloadHash, bool excludeToken)
    {
        var http = parsed.Http;
        var presigned = parsed.Location == SigV4AuthLocation.Query;
        CanonicalRequest.Write(ref b, http.Method, http.RawPath, Options.NormalizePath, query,
            presigned ? SignatureParam : null, excludeToken ? SecurityTokenParam : null,
            http.Headers, parsed.SignedHeaders, parsed.SignedHeadersLine, payloadHash);
    }

    private SigV4Error? PayloadHash(SigV4Request parsed, out string payloadHash)
    {
        payloadHash = CanonicalRequest.PayloadHash(parsed.Http);
        var claimed = parsed.Http.GetHeader("X-Amz-Content-Sha256");
        if (claimed is null) return null;
        claimed = claimed.Trim();
        // Never trust the claimed hash on its own: an unsigned header could otherwise vouch for a swapped body.
        if (string.Equals(claimed, payloadHash, StringComparison.OrdinalIgnoreCase) ||
            (Options.AllowUnsignedPayload && claimed == "UNSIGNED-PAYLOAD"))
        {
            payloadHash = claimed;
            return null;
        }
        return SigV4Error.ContentSha256Mismatch();
    }

    private static List<QueryParam> SortedQuery(string rawQuery)
    {
        if (rawQuery.Length == 0) return NoQuery;
        var query = QueryString.Parse(rawQuery);
        query.Sort(QueryParam.CompareCanonical);
        return query;
    }

    private static SigV4Error Fail(SigV4Error error, out SigV4Request? parsed)
    {
        parsed = null;
        return error;
    }

    private static SigV4Error? ParseHeader(SigV4HttpRequest request, string header, out SigV4Request? parsed)
    {
        parsed = null;
        var text = header.AsSpan().Trim();
        var gap = text.IndexOfAny(' ', '\t');
        var algorithm = gap < 0 ? text : text[..gap];
        var rest = gap < 0 ? ReadOnlySpan<char>.Empty : text[(gap + 1)..];

        string? credential = null, signedHeaders = null, signature = null;
        // Parameters are separated by commas and/or whitespace ("a=1, b=2", "a=1,b=2", "a=1 b=2").
        while (true)
        {
            var start = rest.IndexOfAnyExcept(", \t");
            if (start < 0) break;
            rest = rest[start..];
            var end = rest.IndexOfAny(", \t");
            var token = end < 0 ? rest : rest[..end];
            rest = end < 0 ? ReadOnlySpan<char>.Empty : rest[end..];

            var eq = token.IndexOf('=');
            if (eq < 0)
                return SigV4Error.IncompleteSignature(
                    $"'{token}' not a valid key=value pair (missing equal-sign) in Authorization header: '{header}'.");
            var name = token[..eq];
            var value = token[(eq + 1)..];
            if (name.SequenceEqual("Credential")) credential = value.ToString();
            else if (name.SequenceEqual("SignedHeaders")) signedHeaders = value.ToString();
            else if (name.SequenceEqual("Signature")) signature = value.ToString();
        }

        var amzDate = request.GetHeader("X-Amz-Date");
        var httpDate = amzDate is null ? request.GetHeader("Date") : null;
        if (credential is null || signature is null || signedHeaders is null || (amzDate is null && httpDate is null))
        {
            var missing = new List<string>(4);
            if (credential is null) missing.Add("Authorization header requires 'Credential' parameter.");
            if (signature is null) missing.Add("Authorization header requires 'Signature' parameter.");
            if (signedHeaders is null) missing.Add("Authorization header requires 'SignedHeaders' parameter.");
            if (amzDate is null && httpDate is null)
                missing.Add("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
            return SigV4Error.IncompleteSignature($"{string.Join(' ', missing)} Authorization={header}");
        }
        if (!algorithm.SequenceEqual(Algorithm))
            return SigV4Error.IncompleteSignature($"Unsupported AWS 'algorithm': '{algorithm}'.");

        DateTimeOffset timestamp;
        if (amzDate is not null)
        {
            amzDate = amzDate.Trim();
            if (!AmzDate.TryParse(amzDate, out timestamp)) return BadDate(amzDate);
        }
        else
        {
            if (!DateTimeOffset.TryParseExact(httpDate!.Trim(), "r", CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal, out timestamp))
                return BadDate(httpDate!);
            amzDate = timestamp.ToAmzDate();
        }

        return Build(request, SigV4AuthLocation.Header, credential, signedHeaders, signature, amzDate, timestamp,
            request.GetHeader("X-Amz-Security-Token"), expires: null, query: null, out parsed);
    }

    private SigV4Error? ParseQuery(SigV4HttpRequest request, List<QueryParam> query, string algorithm, out SigV4Request? parsed)
    {
        parsed = null;
        if (algorithm != Algorithm) return SigV4Error.MissingAuthenticationToken();

        var credential = QueryString.Get(query, "X-Amz-Credential");
        var signature = QueryString.Get(query, SignatureParam);
        var signedHeaders = QueryString.Get(query, "X-Amz-SignedHeaders");
        var amzDate = QueryString.Get(query, "X-Amz-Date");
        if (credential is null || signature is null || signedHeaders is null || amzDate is null)
        {
            var missing = new List<string>(5);
            if (credential is null) missing.Add("AWS query-string parameters must include 'X-Amz-Credential'.");
            if (signature is null) missing.Add("AWS query-string parameters must include 'X-Amz-Signature'.");
            if (signedHeaders is null) missing.Add("AWS query-string parameters must include 'X-Amz-SignedHeaders'.");
            if (amzDate is null) missing.Add("AWS query-string parameters must include 'X-Amz-Date'.");
            missing.Add("Re-examine the query-string parameters.");
            return SigV4Error.IncompleteSignature(string.Join(' ', missing));
        }

        int? expires = null;
        if (QueryString.Get(query, "X-Amz-Expires") is { } expiresText)
        {
            if (!int.TryParse(expiresText, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
                return SigV4Error.IncompleteSignature("X-Amz-Expires should be a number");
            if (seconds > Options.MaxPresignedExpiresSeconds)
                return SigV4Error.IncompleteSignature(
                    $"X-Amz-Expires must be less than a week (in seconds) that is {Options.MaxPresignedExpiresSeconds}");
            expires = seconds;
        }

        if (!AmzDate.TryParse(amzDate, out var timestamp)) return BadDate(amzDate);
        query.Sort(QueryParam.CompareCanonical);
        return Build(request, SigV4AuthLocation.Query, credential, signedHeaders, signature, amzDate, timestamp,
            QueryString.Get(query, SecurityTokenParam), expires, query, out parsed);
    }

    private static SigV4Error BadDate(string text) => SigV4Error.IncompleteSignature(
        $"Date must be in ISO-8601 'basic format'. Got '{text}'. See http://en.wikipedia.org/wiki/ISO_8601");

    private static SigV4Error? Build(
        SigV4HttpRequest request, SigV4AuthLocation location, string credential, string signedHeadersText,
        string signature, string amzDate, DateTimeOffset timestamp, string? sessionToken, int? expires,
        List<QueryParam>? query, out SigV4Request? parsed)
    {
        parsed = null;
        var parts = credential.Split('/');
        if (parts.Length != 5)
            return SigV4Error.IncompleteSignature(
                $"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '{credential}'");

        var (signedHeaders, line) = SignedHeaderList(signedHeadersText);
        if (!Contains(signedHeaders, "host") && !Contains(signedHeaders, ":authority"))
            return SigV4Error.SignatureDoesNotMatch("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");

        parsed = new SigV4Request
        {
            Location = location,
            AccessKeyId = parts[0],
            Scope = new SigV4CredentialScope(parts[1], parts[2], parts[3], parts[4]),
            CredentialScopeText = credential[(parts[0].Length + 1)..],
            AmzDate = amzDate,
            Timestamp = timestamp,
            SignedHeaders = signedHeaders,
            SignedHeadersLine = line,
            SessionToken = sessionToken,
            Signature = signature.Trim(),
            ExpiresSeconds = expires,
            Http = request,
            Query = query,
        };
        return null;
    }

    /// <summary>Signed header names lowercased and sorted; the client's own text is reused when it already is.</summary>
    private static (string[] Names, string Line) SignedHeaderList(string text)
    {
        var names = text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var canonical = names.Length > 0;
        for (var i = 0; i < names.Length; i++)
        {
            var name = names[i];
            foreach (var c in name)
            {
                if (char.IsAsciiLetterUpper(c))
                {
                    canonical = false;
                    break;
                }
            }
            if (i > 0 && string.CompareOrdinal(names[i - 1], name) >= 0) canonical = false;
        }
        if (canonical && text.Length == names.Length - 1 + SumLength(names)) return (names, text);

        for (var i = 0; i < names.Length; i++) names[i] = names[i].ToLowerInvariant();
        Array.Sort(names, StringComparer.Ordinal);
        var distinct = new List<string>(names.Length);
        foreach (var n in names)
            if (distinct.Count == 0 || distinct[^1] != n) distinct.Add(n);
        var result = distinct.ToArray();
        return (result, string.Join(';', result));
    }

    private static int SumLength(string[] names)
    {
        var sum = 0;
        foreach (var n in names) sum += n.Length;
        return sum;
    }

    private static bool Contains(string[] names, string name)
    {
        foreach (var n in names)
            if (n == name) return true;
        return false;
    }

    private static SigV4Error? CheckScope(SigV4Request parsed, string? expectedService)
    {
        var scope = parsed.Scope;
        List<string>? problems = null;
        if (expectedService is not null && scope.Service != expectedService)
            (problems ??= []).Add($"Credential should be scoped to correct service: '{expectedService}'.");
        if (scope.Terminator != "aws4_request")
            (problems ??= []).Add($"Credential should be scoped with a valid terminator: 'aws4_request', not '{scope.Terminator}'.");
        var requestDate = parsed.AmzDate[..8];
        if (scope.Date != requestDate)
            (problems ??= []).Add(
                $"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{scope.Date}' != '{requestDate}', from '{parsed.AmzDate}'.");
        return problems is null ? null : SigV4Error.SignatureDoesNotMatch(string.Join(' ', problems));
    }

    private SigV4Error? CheckTime(SigV4Request parsed)
    {
        var now = _time.GetUtcNow();
        var skew = Options.MaxClockSkew;
        var ts = parsed.Timestamp;
        if (ts > now + skew)
            return SigV4Error.SignatureDoesNotMatch(
                $"Signature not yet current: {parsed.AmzDate} is still later than {(now + skew).ToAmzDate()} ({now.ToAmzDate()} + {Describe(skew)}.)");

        if (parsed.Location == SigV4AuthLocation.Query && parsed.ExpiresSeconds is { } expires &&
            Options.PresignedExpiry == PresignedExpiryPolicy.XAmzExpires)
            return now > ts.AddSeconds(expires) ? SigV4Error.PresignedUrlExpired() : null;

        if (ts < now - skew)
            return SigV4Error.SignatureDoesNotMatch(
                $"Signature expired: {parsed.AmzDate} is now earlier than {(now - skew).ToAmzDate()} ({now.ToAmzDate()} - {Describe(skew)}.)");
        return null;
    }

    private static string Describe(TimeSpan span) =>
        span.Ticks % TimeSpan.TicksPerMinute == 0
            ? $"{(long)span.TotalMinutes} min"
            : $"{(long)span.TotalSeconds} sec";
}
