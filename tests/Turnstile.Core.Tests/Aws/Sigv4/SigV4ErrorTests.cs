using System.Text;
using Turnstile.Core.Aws.Sigv4;

namespace Turnstile.Core.Tests.Aws.Sigv4;

public sealed class SigV4ErrorTests
{
    private static readonly DateTimeOffset T0 = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);
    private static readonly AwsCredentials Creds = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");

    internal static SigV4HttpRequest StsPost(string? authorization = null)
    {
        var headers = new List<HttpHeader>
        {
            new("Host", "127.0.0.1:4566"),
            new("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
        };
        if (authorization is not null) headers.Add(new HttpHeader("Authorization", authorization));
        return new SigV4HttpRequest
        {
            Method = "POST",
            RawPath = "/",
            Headers = headers,
            Body = "Action=GetCallerIdentity&Version=2011-06-15"u8.ToArray(),
        };
    }

    private static SigV4HttpRequest SignedStsPost(DateTimeOffset? at = null, string service = "sts") =>
        SigV4Signer.Sign(StsPost(), Creds, "us-east-1", service, at ?? T0).SignedRequest;

    private static SigV4Verifier Verifier(DateTimeOffset? now = null, SigV4VerifierOptions? options = null) =>
        new(options, new FixedTime(now ?? T0), new SigningKeyCache());

    private static SigV4Error ParseError(SigV4HttpRequest request, SigV4Verifier? verifier = null, string? expectedService = null)
    {
        Assert.False((verifier ?? Verifier()).TryParse(request, out _, out var error, expectedService));
        return error;
    }

    private static SigV4Error? Authenticate(SigV4HttpRequest request, SigV4Verifier? verifier = null)
    {
        (verifier ?? Verifier()).TryAuthenticate(request, r => r.AccessKeyId == Creds.AccessKeyId ? Creds.SecretAccessKey : null,
            out _, out var error);
        return error;
    }

    private static SigV4HttpRequest ReplaceHeader(SigV4HttpRequest request, string name, Func<string, string> change)
    {
        var value = request.GetHeader(name)!;
        return request.WithHeader(name, change(value));
    }

    [Fact]
    public void SignedRequest_Verifies() => Assert.Null(Authenticate(SignedStsPost()));

    [Fact]
    public void NoAuthentication_IsMissingAuthenticationToken()
    {
        var error = ParseError(StsPost());
        Assert.Equal(new SigV4Error("MissingAuthenticationToken", 403, "Request is missing Authentication Token"), error);
    }

    [Fact]
    public void ForeignAuthorizationScheme_ListsEveryMissingPart()
    {
        const string header = "Basic ZWxhc3RpYzo3V3JFVXg4alJXYjRGOGdlWEtHSEJmdkoyQXNzTEJxeXI4RQ==";
        var error = ParseError(StsPost(header));
        Assert.Equal("IncompleteSignature", error.Code);
        Assert.Equal(400, error.StatusCode);
        Assert.Equal(
            "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
            "Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either " +
            "a 'X-Amz-Date' or a 'Date' header. Authorization=" + header, error.Message);
    }

    [Fact]
    public void CredentialOnly_ListsSignatureAndSignedHeaders()
    {
        var request = StsPost("AWS4-HMAC-SHA256 Credential=ABCDEF").WithHeader("X-Amz-Date", "20150830T123600Z");
        Assert.Equal(
            "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. " +
            "Authorization=AWS4-HMAC-SHA256 Credential=ABCDEF", ParseError(request).Message);
    }

    [Fact]
    public void PartWithoutEqualSign_IsIncompleteSignature()
    {
        const string header = "AWS4-HMAC-SHA256 Credential= AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=abc";
        var error = ParseError(StsPost(header).WithHeader("X-Amz-Date", "20150830T123600Z"));
        Assert.Equal("IncompleteSignature", error.Code);
        Assert.Equal(
            "'AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request' not a valid key=value pair (missing equal-sign) in " +
            "Authorization header: '" + header + "'.", error.Message);
    }

    [Theory]
    [InlineData(", ", ",")]
    [InlineData(", ", " ")]
    [InlineData(", ", " ,\t ")]
    public void AuthorizationSeparators_AreTolerated(string separator, string replacement)
    {
        var request = ReplaceHeader(SignedStsPost(), "Authorization", v => "  " + v.Replace(separator, replacement) + " ");
        Assert.Null(Authenticate(request));
    }

    [Fact]
    public void UnsortedMixedCaseSignedHeaders_AreNormalised()
    {
        var request = ReplaceHeader(SignedStsPost(), "Authorization",
            v => v.Replace("SignedHeaders=content-type;host;x-amz-date", "SignedHeaders=Host;x-amz-date;Content-Type"));
        Assert.Null(Authenticate(request));
    }

    [Fact]
    public void OtherAlgorithm_IsUnsupported()
    {
        var request = ReplaceHeader(SignedStsPost(), "Authorization", v => v.Replace("AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256"));
        Assert.Equal(SigV4Error.IncompleteSignature("Unsupported AWS 'algorithm': 'AWS4-ECDSA-P256-SHA256'."), ParseError(request));
    }

    [Fact]
    public void CredentialWithFourParts_IsIncompleteSignature()
    {
        var request = ReplaceHeader(SignedStsPost(), "Authorization", v => v.Replace("/sts/aws4_request", "/sts"));
        Assert.Equal(SigV4Error.IncompleteSignature(
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got " +
            "'AKIDEXAMPLE/20150830/us-east-1/sts'"), ParseError(request));
    }

    [Fact]
    public void MalformedAmzDate_IsIncompleteSignature()
    {
        var request = SignedStsPost().WithHeader("X-Amz-Date", "2015-08-30T12:36:00Z");
        Assert.Equal(SigV4Error.IncompleteSignature(
            "Date must be in ISO-8601 'basic format'. Got '2015-08-30T12:36:00Z'. See http://en.wikipedia.org/wiki/ISO_8601"),
            ParseError(request));
    }

    [Fact]
    public void HttpDateHeader_IsUsedWithoutXAmzDate()
    {
        var signed = SigV4Signer.Sign(StsPost().WithHeader("Date", "Sun, 30 Aug 2015 12:36:00 GMT"), Creds, "us-east-1", "sts", T0,
            new SigV4SigningOptions { HeadersToSign = ["host", "date", "content-type"] }).SignedRequest;
        var withoutAmzDate = signed with
        {
            Headers = signed.Headers.Where(h => !h.Name.Equals("X-Amz-Date", StringComparison.OrdinalIgnoreCase)).ToList(),
        };
        Assert.Null(Authenticate(withoutAmzDate));
    }

    [Fact]
    public void OldRequest_SignatureExpired()
    {
        var error = ParseError(SignedStsPost(), Verifier(T0.AddMinutes(16)));
        Assert.Equal(SigV4Error.SignatureDoesNotMatch(
            "Signature expired: 20150830T123600Z is now earlier than 20150830T123700Z (20150830T125200Z - 15 min.)"), error);
    }

    [Fact]
    public void FutureRequest_SignatureNotYetCurrent()
    {
        var error = ParseError(SignedStsPost(), Verifier(T0.AddMinutes(-16)));
        Assert.Equal(SigV4Error.SignatureDoesNotMatch(
            "Signature not yet current: 20150830T123600Z is still later than 20150830T123500Z (20150830T122000Z + 15 min.)"), error);
    }

    [Theory]
    [InlineData(-14)]
    [InlineData(14)]
    public void RequestWithinSkew_Verifies(int minutes) =>
        Assert.Null(Authenticate(SignedStsPost(), Verifier(T0.AddMinutes(minutes))));

    [Fact]
    public void ScopeDateMismatch_IsSignatureDoesNotMatch()
    {
        var request = ReplaceHeader(SignedStsPost(), "Authorization", v => v.Replace("/20150830/", "/20150829/"));
        Assert.Equal(SigV4Error.SignatureDoesNotMatch(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20150829' != " +
            "'20150830', from '20150830T123600Z'."), ParseError(request));
    }

    [Fact]
    public void WrongService_IsRejectedWhenExpected()
    {
        var error = ParseError(SignedStsPost(service: "iam"), expectedService: "sts");
        Assert.Equal(SigV4Error.SignatureDoesNotMatch("Credential should be scoped to correct service: 'sts'."), error);
        Assert.True(Verifier().TryParse(SignedStsPost(service: "iam"), out _, out _, expectedService: "iam"));
    }

    [Fact]
    public void WrongTerminator_IsRejected()
    {
        var request = ReplaceHeader(SignedStsPost(), "Authorization", v => v.Replace("/aws4_request", "/aws5_request"));
        Assert.Equal(SigV4Error.SignatureDoesNotMatch(
            "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'."), ParseError(request));
    }

    [Fact]
    public void HostNotSigned_IsRejected()
    {
        var signed = SigV4Signer.Sign(StsPost(), Creds, "us-east-1", "sts", T0,
            new SigV4SigningOptions { HeadersToSign = ["x-amz-date"] }).SignedRequest;
        Assert.Equal(SigV4Error.SignatureDoesNotMatch("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."),
            ParseError(signed));
    }

    [Fact]
    public void TamperedSignature_IsSignatureDoesNotMatch()
    {
        var request = ReplaceHeader(SignedStsPost(), "Authorization", v => v[..^1] + (v[^1] == '0' ? '1' : '0'));
        var error = Authenticate(request);
        Assert.Equal(new SigV4Error("SignatureDoesNotMatch", 403,
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key " +
            "and signing method. Consult the service documentation for details."), error);
    }

    [Fact]
    public void TamperedBody_Fails() =>
        Assert.Equal(SigV4ErrorCodes.SignatureDoesNotMatch,
            Authenticate(SignedStsPost() with { Body = "Action=GetCallerIdentity&Version=2011-06-16"u8.ToArray() })?.Code);

    [Fact]
    public void TamperedSignedHeader_Fails() =>
        Assert.Equal(SigV4ErrorCodes.SignatureDoesNotMatch,
            Authenticate(SignedStsPost().WithHeader("Host", "127.0.0.1:4567"))?.Code);

    [Fact]
    public void HeadersAddedAfterSigning_AreIgnored()
    {
        var request = SignedStsPost()
            .WithHeader("amz-sdk-invocation-id", Guid.NewGuid().ToString())
            .WithHeader("User-Agent", "aws-cli/1.45 botocore/1.43");
        Assert.Null(Authenticate(request));
    }

    [Fact]
    public void TruncatedOrNonAsciiSignature_Fails()
    {
        Assert.NotNull(Authenticate(ReplaceHeader(SignedStsPost(), "Authorization", v => v[..^2])));
        Assert.NotNull(Authenticate(ReplaceHeader(SignedStsPost(), "Authorization", v => v[..^1] + "\u0161")));
    }

    [Fact]
    public void UnknownAccessKey_IsInvalidClientTokenId()
    {
        var request = SigV4Signer.Sign(StsPost(), Creds with { AccessKeyId = "AKIAUNKNOWN" }, "us-east-1", "sts", T0).SignedRequest;
        Assert.Equal(new SigV4Error("InvalidClientTokenId", 403, "The security token included in the request is invalid."),
            Authenticate(request));
    }

    [Fact]
    public void ContentSha256Header_MustMatchBody()
    {
        var signed = SigV4Signer.Sign(StsPost(), Creds, "us-east-1", "sts", T0,
            new SigV4SigningOptions { AddContentSha256Header = true }).SignedRequest;
        Assert.Null(Authenticate(signed));

        // An unsigned claim must not vouch for a different body.
        var plain = SignedStsPost();
        var forged = (plain with { Body = "Action=AssumeRole"u8.ToArray() })
            .WithHeader("X-Amz-Content-Sha256", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(plain.Body.Span)));
        Assert.Equal(SigV4ErrorCodes.ContentSha256Mismatch, Authenticate(forged)?.Code);
    }

    [Fact]
    public void BodyHashSuppliedByCaller_IsUsed()
    {
        var signed = SignedStsPost();
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(signed.Body.Span));
        Assert.Null(Authenticate(signed with { Body = default, BodySha256Hex = hash }));
    }

    [Fact]
    public void HeaderAndQueryAuthTogether_AreRejected()
    {
        var request = SignedStsPost() with { RawQuery = "X-Amz-Algorithm=AWS4-HMAC-SHA256" };
        Assert.Equal(SigV4ErrorCodes.SignatureDoesNotMatch, ParseError(request).Code);
    }

    [Fact]
    public void AlgorithmTextInAValue_IsNotPresignedAuth() =>
        Assert.Null(Authenticate(SigV4Signer.Sign(StsPost() with { RawQuery = "note=X-Amz-Algorithm" }, Creds, "us-east-1", "sts", T0).SignedRequest));

    [Fact]
    public void Presigned_MissingParameters_AreListed()
    {
        var request = StsPost() with { Method = "GET", Body = default, RawQuery = "X-Amz-Algorithm=AWS4-HMAC-SHA256&Action=GetCallerIdentity" };
        Assert.Equal(SigV4Error.IncompleteSignature(
            "AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string parameters must include " +
            "'X-Amz-Signature'. AWS query-string parameters must include 'X-Amz-SignedHeaders'. AWS query-string " +
            "parameters must include 'X-Amz-Date'. Re-examine the query-string parameters."), ParseError(request));
    }

    [Fact]
    public void Presigned_OtherAlgorithm_IsMissingAuthenticationToken()
    {
        var request = StsPost() with { RawQuery = "X-Amz-Algorithm=AWS4-HMAC-SHA1" };
        Assert.Equal(SigV4ErrorCodes.MissingAuthenticationToken, ParseError(request).Code);
    }

    private static SigV4HttpRequest Presigned(int expiresSeconds, DateTimeOffset? at = null) =>
        SigV4Signer.Presign(StsPost() with { Method = "GET", Body = default, RawQuery = "Action=GetCallerIdentity&Version=2011-06-15" },
            Creds, "us-east-1", "sts", at ?? T0, TimeSpan.FromSeconds(expiresSeconds)).SignedRequest;

    [Fact]
    public void Presigned_ExpiresAfterXAmzExpires()
    {
        Assert.Null(Authenticate(Presigned(60), Verifier(T0.AddSeconds(60))));
        Assert.Equal(new SigV4Error("AccessDenied", 403, "Request has expired"),
            ParseError(Presigned(60), Verifier(T0.AddSeconds(61))));
        Assert.Null(Authenticate(Presigned(3600), Verifier(T0.AddMinutes(59))));
    }

    [Fact]
    public void Presigned_SkewWindowPolicy_IgnoresXAmzExpires()
    {
        var options = new SigV4VerifierOptions { PresignedExpiry = PresignedExpiryPolicy.SkewWindow };
        Assert.Null(Authenticate(Presigned(60), Verifier(T0.AddMinutes(14), options)));
        Assert.StartsWith("Signature expired: 20150830T123600Z is now earlier than",
            ParseError(Presigned(60), Verifier(T0.AddMinutes(16), options)).Message);
    }

    [Fact]
    public void Presigned_FutureDate_IsNotYetCurrent() =>
        Assert.StartsWith("Signature not yet current:", ParseError(Presigned(60), Verifier(T0.AddMinutes(-16))).Message);

    [Theory]
    [InlineData("abc", "X-Amz-Expires should be a number")]
    [InlineData("-5", "X-Amz-Expires should be a number")]
    [InlineData("604801", "X-Amz-Expires must be less than a week (in seconds) that is 604800")]
    public void Presigned_BadExpires(string value, string message)
    {
        var request = Presigned(60);
        request = request with { RawQuery = request.RawQuery.Replace("X-Amz-Expires=60", "X-Amz-Expires=" + value) };
        Assert.Equal(SigV4Error.IncompleteSignature(message), ParseError(request));
    }

    [Fact]
    public void Presigned_TamperedQuery_Fails()
    {
        var request = Presigned(60);
        request = request with { RawQuery = request.RawQuery.Replace("Version=2011-06-15", "Version=2011-06-16") };
        Assert.Equal(SigV4ErrorCodes.SignatureDoesNotMatch, Authenticate(request)?.Code);
    }

    [Fact]
    public void Presigned_TokenAppendedAfterSigning_IsOptional()
    {
        var creds = Creds with { SessionToken = "token/with+chars=" };
        var request = SigV4Signer.Presign(StsPost() with { Method = "GET", Body = default }, creds, "us-east-1", "sts", T0,
            TimeSpan.FromSeconds(60), new SigV4SigningOptions { SessionToken = SessionTokenPlacement.AddedAfterSigning }).SignedRequest;
        bool Ok(SigV4Verifier v) => v.TryAuthenticate(request, _ => creds.SecretAccessKey, out var p, out _) && p.SessionToken == creds.SessionToken;

        Assert.True(Ok(Verifier()));
        Assert.False(Ok(Verifier(options: new SigV4VerifierOptions { AcceptUnsignedPresignedSessionToken = false })));
    }

    [Fact]
    public void Path_IsDoubleEncodedAndNormalised()
    {
        var request = new SigV4HttpRequest
        {
            Method = "get",
            RawPath = "/clusters/demo/./access-entries//arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fmy%20role%2FAdmin",
            Headers = [new HttpHeader("Host", "127.0.0.1:4566")],
        };
        var canonical = SigV4Signer.Sign(request, Creds, "us-east-1", "eks", T0).CanonicalRequest;
        Assert.StartsWith(
            "GET\n/clusters/demo/access-entries/arn%253Aaws%253Aiam%253A%253A111122223333%253Arole%252Fmy%2520role%252FAdmin\n",
            canonical);
    }

    [Theory]
    [InlineData("Param1=value2&Param1=Value1", "Param1=Value1&Param1=value2")]
    [InlineData("b&a=", "a=&b=")]
    [InlineData("a=x+y&c=%7e&d=a/b:c", "a=x%20y&c=~&d=a%2Fb%3Ac")]
    [InlineData("k=%zz&&j=%2", "j=%252&k=%25zz")]
    [InlineData("%E1%88%B4=1&Param=2", "%E1%88%B4=1&Param=2")]
    public void Query_IsDecodedReencodedAndSorted(string raw, string expected)
    {
        var request = new SigV4HttpRequest { Method = "GET", RawPath = "/", RawQuery = raw, Headers = [new HttpHeader("Host", "h")] };
        var canonical = SigV4Signer.Sign(request, Creds, "us-east-1", "sts", T0).CanonicalRequest;
        Assert.Equal(expected, canonical.Split('\n')[2]);
        Assert.Null(Authenticate(SigV4Signer.Sign(request, Creds, "us-east-1", "sts", T0).SignedRequest));
    }

    [Fact]
    public void SigningKeys_AreDerivedOncePerScope()
    {
        var cache = new SigningKeyCache();
        var verifier = new SigV4Verifier(null, new FixedTime(T0), cache);
        for (var i = 0; i < 5; i++) Assert.True(verifier.TryAuthenticate(SignedStsPost(), _ => Creds.SecretAccessKey, out _, out _));
        Assert.Equal(1, cache.Count);
        Assert.Equal(SigningKeyCache.Derive(Creds.SecretAccessKey, "20150830", "us-east-1", "sts"),
            cache.Get(Creds.SecretAccessKey, "20150830", "us-east-1", "sts"));
    }

    [Fact]
    public void MultilineAndRepeatedHeaders_AreCanonicalised()
    {
        var request = new SigV4HttpRequest
        {
            Method = "GET",
            RawPath = "/",
            Headers =
            [
                new HttpHeader("Host", "h"), new HttpHeader("My-Header", " a \r\n   b\tc "), new HttpHeader("my-header", "d"),
            ],
        };
        var canonical = SigV4Signer.Sign(request, Creds, "us-east-1", "sts", T0).CanonicalRequest;
        Assert.Contains("\nmy-header:a b c,d\n", canonical);
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(""))));
    }
}
