using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Turnstile.Core.Aws.Sigv4;

namespace Turnstile.Core.Authn.Token;

public sealed record EksTokenVerifierOptions
{
    /// <summary>The verifier's partition (aws-iam-authenticator <c>--partition</c>).</summary>
    public string Partition { get; init; } = "aws";

    /// <summary>The verifier's own region, used for the fallback STS hosts; may be empty.</summary>
    public string VerifierRegion { get; init; } = "";

    /// <summary>
    /// Emulator STS endpoints accepted besides real AWS hosts, e.g. <c>http://127.0.0.1:4566</c>. They match on scheme,
    /// host and port; plain http is allowed for them.
    /// </summary>
    public IReadOnlyList<string> LocalStsEndpoints { get; init; } = [];

    /// <summary>How far <c>X-Amz-Date</c> may lie ahead of the server clock (STS's own window).</summary>
    public TimeSpan MaxFutureSkew { get; init; } = TimeSpan.FromMinutes(15);
}

/// <summary>
/// Server side of EKS token authentication: aws-iam-authenticator's pre-STS checks in their order and wording,
/// then a local SigV4 check of the presigned URL (nothing is sent to the host named in the token).
/// </summary>
public sealed class EksTokenVerifier
{
    private static readonly HashSet<string> AllowedParameters = new(StringComparer.Ordinal)
    {
        "action", "version", "x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-expires",
        "x-amz-security-token", "x-amz-signature", "x-amz-signedheaders",
    };

    private readonly TimeProvider _time;
    private readonly StsHostValidator _hosts;
    private readonly SigV4Verifier _sigv4;
    private readonly List<(string Scheme, string Host, int Port)> _localEndpoints = [];

    public EksTokenVerifier(EksTokenVerifierOptions? options = null, TimeProvider? timeProvider = null, SigningKeyCache? keyCache = null)
    {
        Options = options ?? new EksTokenVerifierOptions();
        _time = timeProvider ?? TimeProvider.System;
        _hosts = new StsHostValidator(Options.Partition, Options.VerifierRegion);
        // The token has its own clock rules (below); SigV4 only checks shape, scope and signature.
        _sigv4 = new SigV4Verifier(new SigV4VerifierOptions { ValidateTime = false }, _time, keyCache);
        foreach (var endpoint in Options.LocalStsEndpoints)
        {
            var uri = new Uri(endpoint, UriKind.Absolute);
            _localEndpoints.Add((uri.Scheme.ToLowerInvariant(), uri.Host.ToLowerInvariant(), uri.Port));
        }
    }

    public EksTokenVerifierOptions Options { get; }

    public StsHostValidator HostValidator => _hosts;

    /// <summary>Pre-checks and signature in one go.</summary>
    public bool TryVerify(
        string token,
        string clusterId,
        Func<SigV4Request, SigV4Secret> secretLookup,
        [NotNullWhen(true)] out VerifiedEksToken? verified,
        [NotNullWhen(false)] out EksTokenError? error)
    {
        verified = null;
        if (!TryValidate(token, out var request, out error)) return false;
        if (!TryVerifySignature(request, clusterId, secretLookup, out var signature, out error)) return false;
        verified = new VerifiedEksToken(request, signature);
        return true;
    }

    /// <summary>
    /// Checks the SigV4 signature of the presigned URL as STS would, with <paramref name="clusterId"/> as the
    /// <c>x-k8s-aws-id</c> header: a token minted for another cluster fails here.
    /// </summary>
    public bool TryVerifySignature(
        PresignedStsRequest request,
        string clusterId,
        Func<SigV4Request, SigV4Secret> secretLookup,
        [NotNullWhen(true)] out SigV4Request? signature,
        [NotNullWhen(false)] out EksTokenError? error)
    {
        if (_sigv4.TryParse(request.ToHttpRequest(clusterId), out signature, out var sigError, expectedService: "sts"))
            sigError = _sigv4.VerifyWith(signature, secretLookup);
        error = sigError is null ? null : EksTokenError.Sts(sigError);
        if (error is not null) signature = null;
        return error is null;
    }

    /// <summary>aws-iam-authenticator's checks 1–18 (spec §2.1) plus the future-date bound.</summary>
    public bool TryValidate(string token, [NotNullWhen(true)] out PresignedStsRequest? request, [NotNullWhen(false)] out EksTokenError? error)
    {
        request = null;
        error = Validate(token, ref request);
        return error is null;
    }

    private EksTokenError? Validate(string token, ref PresignedStsRequest? request)
    {
        if (token.Length > EksToken.MaxLengthBytes ||
            (token.Length * 3 > EksToken.MaxLengthBytes && Encoding.UTF8.GetByteCount(token) > EksToken.MaxLengthBytes))
            return EksTokenError.Format("token is too large");
        if (!token.StartsWith(EksToken.Prefix, StringComparison.Ordinal))
            return EksTokenError.Format($"token is missing expected \"{EksToken.Prefix}\" prefix");
        if (!EksToken.TryDecodeBase64Url(token[EksToken.Prefix.Length..], out var bytes, out var base64Error))
            return EksTokenError.Format(base64Error);

        var rawUrl = Encoding.UTF8.GetString(bytes);
        if (!GoUrl.TryParse(rawUrl, out var url, out var urlError)) return EksTokenError.Format(urlError);

        var isLocal = IsLocalEndpoint(url);
        if (url.Scheme != "https" && !isLocal)
            return EksTokenError.Format($"unexpected scheme \"{url.Scheme}\" in pre-signed URL");

        var stsRegion = "local";
        if (!isLocal)
        {
            if (!_hosts.TryValidate(url.Host, out var hostError)) return EksTokenError.Format(hostError);
            if (!StsHostValidator.TryGetStsRegion(url.Host, out stsRegion, out var regionError))
                return new EksTokenError(EksTokenErrorKind.Other, regionError);
        }

        if (url.Path != "/") return EksTokenError.Format("unexpected path in pre-signed URL");
        if (!GoUrl.TryParseQuery(url.RawQuery, out var query)) return EksTokenError.Format("malformed query parameter");

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, _) in query)
            if (!seen.Add(key.ToLowerInvariant()))
                return EksTokenError.Format($"duplicate query parameter found: \"{key}\"");

        var lower = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, values) in query)
        {
            if (!AllowedParameters.Contains(key.ToLowerInvariant()))
                return EksTokenError.Format($"non-whitelisted query parameter \"{key}\"");
            if (values.Count != 1) return EksTokenError.Format("query parameter with multiple values not supported");
            lower[key.ToLowerInvariant()] = values[0];
        }

        if (!lower.TryGetValue("action", out var action) || action != "GetCallerIdentity")
            return EksTokenError.Format("unexpected action parameter in pre-signed URL");

        var signedHeaders = lower.TryGetValue("x-amz-signedheaders", out var sh) ? sh.Split(';') : [];
        var signsClusterId = false;
        foreach (var h in signedHeaders)
            signsClusterId |= string.Equals(h, EksToken.ClusterIdHeader, StringComparison.OrdinalIgnoreCase);
        if (!signsClusterId)
            return EksTokenError.Format($"client did not sign the {EksToken.ClusterIdHeader} header in the pre-signed URL");

        var expires = ParseGoInt(lower.GetValueOrDefault("x-amz-expires", ""), out var expiresOk);
        if (!expiresOk || expires < 0 || expires > 900)
            return EksTokenError.Format($"invalid X-Amz-Expires parameter in pre-signed URL: {expires}");

        if (!lower.TryGetValue("x-amz-date", out var dateText))
            return EksTokenError.Format("X-Amz-Date parameter must be present in pre-signed URL");
        if (!AmzDate.TryParse(dateText, out var date))
            return EksTokenError.Format(
                $"error parsing X-Amz-Date parameter {dateText} into format 20060102T150405Z: parsing time \"{dateText}\" as \"20060102T150405Z\": cannot parse");

        var now = _time.GetUtcNow();
        if (now > date + EksToken.ValidFor)
            return EksTokenError.Format($"X-Amz-Date parameter is expired (15 minute expiration) {GoTime(date)}");
        if (date > now + Options.MaxFutureSkew)
            return EksTokenError.Format($"X-Amz-Date parameter is in the future {GoTime(date)}");

        var credential = lower.GetValueOrDefault("x-amz-credential", "");
        var parts = credential.Split('/');
        request = new PresignedStsRequest
        {
            Url = rawUrl,
            Scheme = url.Scheme,
            Host = url.Host,
            IsLocalEndpoint = isLocal,
            StsRegion = stsRegion,
            RawPath = url.RawPath,
            RawQuery = url.RawQuery,
            AccessKeyId = parts[0],
            Scope = parts.Length == 5 ? new SigV4CredentialScope(parts[1], parts[2], parts[3], parts[4]) : null,
            SignedHeaders = signedHeaders,
            Date = date,
            ExpiresSeconds = expires,
            SessionToken = lower.GetValueOrDefault("x-amz-security-token"),
        };
        return null;
    }

    private bool IsLocalEndpoint(GoUrl url)
    {
        if (_localEndpoints.Count == 0 || url.Host.Length == 0) return false;
        var host = url.Host;
        int port;
        var colon = host.LastIndexOf(':');
        if (colon >= 0 && host.LastIndexOf(']') < colon)
        {
            if (!int.TryParse(host.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port)) return false;
            host = host[..colon];
        }
        else
        {
            port = url.Scheme switch { "http" => 80, "https" => 443, _ => -1 };
        }
        foreach (var (scheme, h, p) in _localEndpoints)
            if (scheme == url.Scheme && p == port && string.Equals(h, host, StringComparison.OrdinalIgnoreCase))
                return true;
        return false;
    }

    /// <summary>Go <c>strconv.ParseInt(s, 10, 64)</c>: optional sign, digits; overflow yields the clamped value and failure.</summary>
    private static long ParseGoInt(string text, out bool ok)
    {
        ok = long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value);
        if (ok || text.Length < 2) return ok ? value : 0;
        var digits = text[0] is '+' or '-' ? text[1..] : text;
        foreach (var c in digits)
            if (!char.IsAsciiDigit(c)) return 0;
        return text[0] == '-' ? long.MinValue : long.MaxValue;
    }

    private static string GoTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " +0000 UTC";
}
