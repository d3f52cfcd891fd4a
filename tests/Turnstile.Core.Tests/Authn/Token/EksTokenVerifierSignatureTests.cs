using Turnstile.Core.Authn.Token;
using Turnstile.Core.Aws.Sigv4;

namespace Turnstile.Core.Tests.Authn.Token;

/// <summary>Local SigV4 verification of generated tokens, local endpoints, and the session-aware lookup.</summary>
public sealed class EksTokenVerifierSignatureTests
{
    private static readonly DateTimeOffset T0 = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);
    private static readonly AwsCredentials Creds = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    private const string Local = "http://127.0.0.1:4566";

    private static EksTokenVerifier Verifier(DateTimeOffset now, params string[] localEndpoints) =>
        new(new EksTokenVerifierOptions { LocalStsEndpoints = localEndpoints }, new FixedClock(now), new SigningKeyCache());

    private static SigV4Secret Lookup(SigV4Request r) => r.AccessKeyId == Creds.AccessKeyId ? Creds.SecretAccessKey : null;

    [Fact]
    public void LocalEndpointToken_VerifiesForItsClusterOnly()
    {
        var token = EksTokenGenerator.Generate(Creds, "demo", "eu-west-1", Local, T0).Token;
        var verifier = Verifier(T0.AddMinutes(10), Local);

        Assert.True(verifier.TryVerify(token, "demo", Lookup, out var verified, out var error), error?.Message);
        Assert.True(verified.Request.IsLocalEndpoint);
        Assert.Equal("local", verified.Request.StsRegion);
        Assert.Equal("127.0.0.1:4566", verified.Request.Host);
        Assert.Equal("AKIDEXAMPLE", verified.Signature.AccessKeyId);
        Assert.Equal("eu-west-1", verified.Signature.Scope.Region);

        Assert.False(verifier.TryVerify(token, "other", Lookup, out _, out error));
        Assert.Equal(EksTokenErrorKind.Sts, error.Kind);
        Assert.Equal(SigV4ErrorCodes.SignatureDoesNotMatch, error.Signature?.Code);
        Assert.StartsWith("sts getCallerIdentity failed: SignatureDoesNotMatch: The request signature we calculated", error.Message);
    }

    [Theory]
    [InlineData()]
    [InlineData("http://127.0.0.1:4567")]
    [InlineData("http://localhost:4566")]
    [InlineData("https://127.0.0.1:4566")]
    public void HttpTokenWithoutMatchingLocalEndpoint_IsRejected(params string[] localEndpoints)
    {
        var token = EksTokenGenerator.Generate(Creds, "demo", "us-east-1", Local, T0).Token;
        Assert.False(Verifier(T0, localEndpoints).TryValidate(token, out _, out var error));
        Assert.Equal("input token was not properly formatted: unexpected scheme \"http\" in pre-signed URL", error.Message);
    }

    [Theory]
    [InlineData("http://LOCALHOST:80/", "http://localhost")]
    [InlineData("https://emu.example.test:8443", "https://emu.example.test:8443/")]
    [InlineData("http://[::1]:4566", "http://[::1]:4566")]
    public void LocalEndpointMatching_UsesSchemeHostAndPort(string configured, string tokenEndpoint)
    {
        var token = EksTokenGenerator.Generate(Creds, "demo", "us-east-1", tokenEndpoint, T0).Token;
        var verifier = Verifier(T0, configured);
        Assert.True(verifier.TryVerify(token, "demo", Lookup, out var verified, out var error), error?.Message);
        Assert.True(verified.Request.IsLocalEndpoint);
    }

    [Fact]
    public void AwsHostToken_VerifiesLocallyWithoutContactingIt()
    {
        var verifier = new EksTokenVerifier(null, new FixedClock(DateTimeOffset.FromUnixTimeSeconds(1682640000 + 300)));
        var token = EksToken.Encode(EksTokenGeneratorTests.TGen1Url);
        SigV4Secret Secret(SigV4Request r) => r.AccessKeyId == EksTokenGeneratorTests.AuthenticatorCredentials.AccessKeyId
            ? EksTokenGeneratorTests.AuthenticatorCredentials.SecretAccessKey
            : null;

        Assert.True(verifier.TryVerify(token, "test-cluster", Secret, out var verified, out var error), error?.Message);
        Assert.Equal("us-west-2", verified.Request.StsRegion);
        Assert.False(verifier.TryVerify(token, "other", Secret, out _, out _));
    }

    [Fact]
    public void BotocoreSessionTokenVector_Verifies()
    {
        const string url =
            "http://127.0.0.1:4566/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256" +
            "&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20150830T123600Z" +
            "&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Security-Token=FAKESESSIONTOKEN%2Fwith%2Bchars%3D" +
            "&X-Amz-Signature=bef0ff01eee47dbf3086c0043a2aaf1008e2f1dbc57de8f6934960a7b4db1aef";
        string? seenToken = null;
        SigV4Secret Session(SigV4Request r)
        {
            seenToken = r.SessionToken;
            return r.SessionToken == "FAKESESSIONTOKEN/with+chars=" ? Creds.SecretAccessKey : SigV4Secret.Fail(SigV4Error.InvalidClientTokenId());
        }

        var verifier = Verifier(T0.AddMinutes(14), Local);
        Assert.True(verifier.TryVerify(EksToken.Encode(url), "demo", Session, out var verified, out var error), error?.Message);
        Assert.Equal("FAKESESSIONTOKEN/with+chars=", seenToken);
        Assert.Equal("FAKESESSIONTOKEN/with+chars=", verified.Request.SessionToken);
        Assert.False(verifier.TryVerify(EksToken.Encode(url), "other", Session, out _, out _));

        Assert.False(Verifier(T0.AddMinutes(16), Local).TryVerify(EksToken.Encode(url), "demo", Session, out _, out error));
        Assert.Equal(EksTokenErrorKind.Format, error.Kind);
        Assert.Contains("X-Amz-Date parameter is expired (15 minute expiration) 2015-08-30 12:36:00 +0000 UTC", error.Message);
    }

    [Fact]
    public void UnknownKeyAndExpiredSession_AreStsErrors()
    {
        var token = EksTokenGenerator.Generate(Creds with { SessionToken = "old" }, "demo", "us-east-1", Local, T0).Token;
        var verifier = Verifier(T0, Local);

        Assert.False(verifier.TryVerify(token, "demo", _ => null, out _, out var error));
        Assert.Equal("sts getCallerIdentity failed: InvalidClientTokenId: The security token included in the request is invalid.", error.Message);

        Assert.False(verifier.TryVerify(token, "demo", _ => SigV4Secret.Fail(SigV4Error.ExpiredToken()), out _, out error));
        Assert.Equal("sts getCallerIdentity failed: ExpiredToken: The security token included in the request is expired", error.Message);
    }

    [Fact]
    public void TamperedOrIncompleteSignature_IsStsError()
    {
        var good = EksTokenGenerator.Generate(Creds, "demo", "us-east-1", Local, T0).PresignedUrl;
        var verifier = Verifier(T0, Local);

        var tampered = good[..^1] + (good[^1] == '0' ? '1' : '0');
        Assert.False(verifier.TryVerify(EksToken.Encode(tampered), "demo", Lookup, out _, out var error));
        Assert.Equal(SigV4ErrorCodes.SignatureDoesNotMatch, error.Signature?.Code);

        var noSignature = good[..good.IndexOf("&X-Amz-Signature=", StringComparison.Ordinal)];
        Assert.False(verifier.TryVerify(EksToken.Encode(noSignature), "demo", Lookup, out _, out error));
        Assert.Equal(SigV4ErrorCodes.IncompleteSignature, error.Signature?.Code);

        var otherService = good.Replace("%2Fsts%2F", "%2Fiam%2F");
        Assert.False(verifier.TryVerify(EksToken.Encode(otherService), "demo", Lookup, out _, out error));
        Assert.Contains("Credential should be scoped to correct service: 'sts'.", error.Message);
    }

    [Fact]
    public void ToHttpRequest_CarriesHostAndClusterHeader()
    {
        var token = EksTokenGenerator.Generate(Creds, "demo", "us-east-1", Local, T0).Token;
        Assert.True(Verifier(T0, Local).TryValidate(token, out var request, out _));
        var http = request.ToHttpRequest("demo");
        Assert.Equal("GET", http.Method);
        Assert.Equal("/", http.RawPath);
        Assert.Equal("127.0.0.1:4566", http.GetHeader("Host"));
        Assert.Equal("demo", http.GetHeader("x-k8s-aws-id"));
    }
}
