using Turnstile.Core.Aws.Sigv4;

namespace Turnstile.Core.Tests.Aws.Sigv4;

/// <summary>Every aws-c-auth v4 case in header and in query (presigned) form.</summary>
public sealed class SigV4ConformanceTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var name in ConformanceSuite.CaseNames()) data.Add(name);
        return data;
    }

    [Fact]
    public void SuiteIsPresent() => Assert.Equal(38, ConformanceSuite.CaseNames().Count());

    [Theory]
    [MemberData(nameof(Cases))]
    public void HeaderForm_MatchesExpectedTexts(string name)
    {
        var ctx = ConformanceSuite.Context(name);
        var result = SigV4Signer.Sign(ConformanceSuite.Request(name), ctx.Credentials, ctx.Region, ctx.Service,
            ctx.Timestamp, ctx.SigningOptions);

        Assert.Equal(ConformanceSuite.ReadText(name, "header-canonical-request.txt"), result.CanonicalRequest);
        Assert.Equal(ConformanceSuite.ReadText(name, "header-string-to-sign.txt"), result.StringToSign);
        Assert.Equal(ConformanceSuite.ReadText(name, "header-signature.txt").Trim(), result.Signature);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void QueryForm_MatchesExpectedTexts(string name)
    {
        var ctx = ConformanceSuite.Context(name);
        var result = SigV4Signer.Presign(ConformanceSuite.Request(name), ctx.Credentials, ctx.Region, ctx.Service,
            ctx.Timestamp, TimeSpan.FromSeconds(ctx.ExpiresSeconds), ctx.SigningOptions);

        Assert.Equal(ConformanceSuite.ReadText(name, "query-canonical-request.txt"), result.CanonicalRequest);
        Assert.Equal(ConformanceSuite.ReadText(name, "query-string-to-sign.txt"), result.StringToSign);
        Assert.Equal(ConformanceSuite.ReadText(name, "query-signature.txt").Trim(), result.Signature);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void HeaderForm_SuiteSignedRequestVerifies(string name)
    {
        var ctx = ConformanceSuite.Context(name);
        var verifier = ctx.Verifier();
        var request = ConformanceSuite.Request(name, "header-signed-request.txt");

        Assert.True(verifier.TryParse(request, out var parsed, out var error), error?.ToString());
        Assert.Equal(SigV4AuthLocation.Header, parsed.Location);
        Assert.Equal(ctx.Credentials.AccessKeyId, parsed.AccessKeyId);
        Assert.Equal(ctx.Region, parsed.Scope.Region);
        Assert.Equal(ctx.Service, parsed.Scope.Service);
        Assert.Equal(ctx.Credentials.SessionToken, parsed.SessionToken);
        Assert.Equal(ConformanceSuite.ReadText(name, "header-canonical-request.txt"), verifier.CanonicalRequestOf(parsed));
        Assert.Null(verifier.Verify(parsed, ctx.Credentials.SecretAccessKey));
        Assert.Equal(SigV4ErrorCodes.SignatureDoesNotMatch, verifier.Verify(parsed, "wrong-secret")?.Code);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void QueryForm_SuiteSignedRequestVerifies(string name)
    {
        var ctx = ConformanceSuite.Context(name);
        var verifier = ctx.Verifier();
        var request = ConformanceSuite.Request(name, "query-signed-request.txt");

        Assert.True(verifier.TryParse(request, out var parsed, out var error), error?.ToString());
        Assert.Equal(SigV4AuthLocation.Query, parsed.Location);
        Assert.Equal(ctx.ExpiresSeconds, parsed.ExpiresSeconds);
        Assert.Equal(ctx.Credentials.SessionToken, parsed.SessionToken);
        Assert.Null(verifier.Verify(parsed, ctx.Credentials.SecretAccessKey));
        Assert.Equal(SigV4ErrorCodes.SignatureDoesNotMatch, verifier.Verify(parsed, "wrong-secret")?.Code);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BothForms_RoundTripThroughOwnSigner(string name)
    {
        var ctx = ConformanceSuite.Context(name);
        var verifier = ctx.Verifier(ctx.Timestamp.AddMinutes(5));
        var header = SigV4Signer.Sign(ConformanceSuite.Request(name), ctx.Credentials, ctx.Region, ctx.Service,
            ctx.Timestamp, ctx.SigningOptions);
        var query = SigV4Signer.Presign(ConformanceSuite.Request(name), ctx.Credentials, ctx.Region, ctx.Service,
            ctx.Timestamp, TimeSpan.FromSeconds(ctx.ExpiresSeconds), ctx.SigningOptions);

        foreach (var signed in new[] { header.SignedRequest, query.SignedRequest })
        {
            Assert.True(verifier.TryAuthenticate(signed,
                r => r.AccessKeyId == ctx.Credentials.AccessKeyId ? ctx.Credentials.SecretAccessKey : null,
                out _, out var error), error?.ToString());
        }
    }
}
