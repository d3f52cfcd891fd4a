using Turnstile.Core.Authn.Token;
using Turnstile.Core.Aws.Sigv4;
using static Turnstile.Core.Tests.Authn.Token.TokenTestSupport;

namespace Turnstile.Core.Tests.Authn.Token;

/// <summary>aws-iam-authenticator.md §6.2 V-1..V-26 (TestVerifyTokenPreSTSValidations and derived cases).</summary>
public sealed class EksTokenVerifierPreStsTests
{
    private static readonly DateTimeOffset Now = new(2024, 6, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly string NowText = Now.ToAmzDate();
    private const string Prefix = "input token was not properly formatted: ";

    private static string ValidUrl =>
        "https://sts.amazonaws.com/?action=GetCallerIdentity&X-Amz-Credential=ASIABCDEFGHIJKLMNOPQ%2F20191216%2Fus-west-2%2Fs3%2Faws4_request" +
        $"&x-amz-signedheaders=x-k8s-aws-id&x-amz-expires=60&x-amz-date={NowText}";

    private static EksTokenVerifier Verifier(string partition = "aws", string region = "") =>
        new(new EksTokenVerifierOptions { Partition = partition, VerifierRegion = region }, new FixedClock(Now));

    private static EksTokenError Reject(string token, string partition = "aws")
    {
        Assert.False(Verifier(partition).TryValidate(token, out var request, out var error));
        Assert.Null(request);
        return error;
    }

    private static void AssertFormat(string token, string expectedPart, string partition = "aws")
    {
        var error = Reject(token, partition);
        Assert.Equal(EksTokenErrorKind.Format, error.Kind);
        Assert.StartsWith(Prefix, error.Message);
        Assert.Contains(expectedPart, error.Message);
    }

    [Fact]
    public void V01_TooLarge() => AssertFormat(new string('\0', 4097), "token is too large");

    [Fact]
    public void V01b_ExactlyMaxLengthIsNotTooLarge()
    {
        var error = Reject("k8s-aws-v1." + new string('A', 4096 - 11));
        Assert.DoesNotContain("too large", error.Message);
    }

    [Fact]
    public void V02_WrongPrefix() =>
        Assert.Equal(Prefix + "token is missing expected \"k8s-aws-v1.\" prefix", Reject("k8s-aws-v2.asdfasdfa").Message);

    [Fact]
    public void V03_Base64Error() =>
        Assert.Equal(Prefix + "illegal base64 data at input byte 12", Reject("k8s-aws-v1.decodingerror").Message);

    [Fact]
    public void V04_UrlParseError() => AssertFormat(T(":ab:cd.af:/asda"), "missing protocol scheme");

    [Fact]
    public void V05_HttpScheme() => Assert.Equal(Prefix + "unexpected scheme \"http\" in pre-signed URL", Reject(T("http://")).Message);

    [Fact]
    public void V06_NotAnStsHost() =>
        Assert.Equal(
            "input token was not properly formatted: could not parse region for pre-signed URL google.com, invalid host format: google.com",
            Reject(T("https://google.com")).Message);

    [Fact]
    public void V07_PathInChinaPartition() =>
        AssertFormat(T("https://sts.cn-north-1.amazonaws.com.cn/abc"), "unexpected path in pre-signed URL", "aws-cn");

    [Fact]
    public void V08_Path() => AssertFormat(T("https://sts.amazonaws.com/abc"), "unexpected path in pre-signed URL");

    [Fact]
    public void V09_ParameterNotAllowed() =>
        Assert.Equal(Prefix + "non-whitelisted query parameter \"NoInWhiteList\"",
            Reject(T("https://sts.amazonaws.com/?NoInWhiteList=abc")).Message);

    [Fact]
    public void V10_MultipleValues() =>
        AssertFormat(T("https://sts.amazonaws.com/?action=get&action=post"), "query parameter with multiple values not supported");

    [Fact]
    public void V11_WrongAction() =>
        AssertFormat(T("https://sts.amazonaws.com/?action=NotGetCallerIdenity"), "unexpected action parameter in pre-signed URL");

    [Fact]
    public void V12_ClusterHeaderNotSigned() =>
        AssertFormat(T("https://sts.amazonaws.com/?action=GetCallerIdentity&x-amz-signedheaders=abc%3bx-k8s-aws-i%3bdef"),
            "client did not sign the x-k8s-aws-id header in the pre-signed URL");

    private static string Base(string tail) =>
        T($"https://sts.amazonaws.com/?action=GetCallerIdentity&x-amz-signedheaders=x-k8s-aws-id{tail}");

    [Fact]
    public void V13_ExpiresTooLarge() =>
        Assert.Equal(Prefix + "invalid X-Amz-Expires parameter in pre-signed URL: 9999999",
            Reject(Base($"&x-amz-date={NowText}&x-amz-expires=9999999")).Message);

    [Fact]
    public void V14_BadDate() =>
        AssertFormat(Base("&x-amz-date=xxxxxxx&x-amz-expires=60"),
            "error parsing X-Amz-Date parameter xxxxxxx into format 20060102T150405Z");

    [Fact]
    public void V15_ExpiredDate() =>
        Assert.Equal(Prefix + "X-Amz-Date parameter is expired (15 minute expiration) 1990-04-22 01:02:03 +0000 UTC",
            Reject(Base("&x-amz-date=19900422T010203Z&x-amz-expires=60")).Message);

    [Fact]
    public void V16_MalformedQuery() =>
        Assert.Equal(Prefix + "malformed query parameter",
            Reject(T($"https://sts.sa-east-1.amazonaws.com/?action=GetCallerIdentity&x-amz-signedheaders=x-k8s-aws-id&x-amz-date={NowText}&x-amz-expires=60%gh")).Message);

    [Theory]
    [InlineData("us-east-2")]
    [InlineData("ap-northeast-2")]
    [InlineData("ca-central-1")]
    [InlineData("eu-west-1")]
    [InlineData("sa-east-1")]
    public void V17to21_RegionalHostsPass(string region)
    {
        var token = T($"https://sts.{region}.amazonaws.com/?action=GetCallerIdentity&x-amz-signedheaders=x-k8s-aws-id&x-amz-date={NowText}&x-amz-expires=60");
        Assert.True(Verifier().TryValidate(token, out var request, out var error), error?.Message);
        Assert.Equal(region, request.StsRegion);
        Assert.Equal($"sts.{region}.amazonaws.com", request.Host);
        Assert.Equal(Now, request.Date);
        Assert.Equal(60, request.ExpiresSeconds);
        Assert.Equal("", request.AccessKeyId);
        Assert.False(request.IsLocalEndpoint);
    }

    [Fact]
    public void V22_CaseInsensitiveDuplicate() =>
        AssertFormat(T("https://sts.us-west-2.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256" +
                       "&X-Amz-Credential=ASIAAAAAAAAAAAAAAAAA%2F20220601%2Fus-west-2%2Fsts%2Faws4_request" +
                       $"&X-Amz-Date={NowText}&X-Amz-Expires=900&X-Amz-Security-Token=XXXXXXXXXXXXX" +
                       "&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&x-amz-credential=eve&X-Amz-Signature=999999999999999999"),
            "duplicate query parameter found:");

    [Fact]
    public void V23_MissingExpiresPrintsZero() =>
        Assert.Equal(Prefix + "invalid X-Amz-Expires parameter in pre-signed URL: 0", Reject(Base($"&x-amz-date={NowText}")).Message);

    [Fact]
    public void V24_MissingDate() =>
        Assert.Equal(Prefix + "X-Amz-Date parameter must be present in pre-signed URL", Reject(Base("&x-amz-expires=900")).Message);

    [Fact]
    public void V25_EmptyPath() =>
        AssertFormat(T($"https://sts.amazonaws.com?action=GetCallerIdentity&x-amz-signedheaders=x-k8s-aws-id&x-amz-date={NowText}&x-amz-expires=60"),
            "unexpected path in pre-signed URL");

    [Fact]
    public void V26_PaddingRejected() => AssertFormat(T(ValidUrl) + "==", "illegal base64 data at input byte");

    [Fact]
    public void ValidUrl_PassesAndExposesClaims()
    {
        Assert.True(Verifier().TryValidate(T(ValidUrl), out var request, out var error), error?.Message);
        Assert.Equal("global", request.StsRegion);
        Assert.Equal("ASIABCDEFGHIJKLMNOPQ", request.AccessKeyId);
        Assert.Equal(new SigV4CredentialScope("20191216", "us-west-2", "s3", "aws4_request"), request.Scope);
        Assert.Equal(["x-k8s-aws-id"], request.SignedHeaders);
        Assert.Equal(Now + TimeSpan.FromMinutes(15), request.ValidUntil);
    }

    [Theory]
    [InlineData("%2B60", true)]
    [InlineData("+60", false)]
    [InlineData("0", true)]
    [InlineData("900", true)]
    [InlineData("901", false)]
    [InlineData("-1", false)]
    [InlineData("60abc", false)]
    public void ExpiresRange(string value, bool ok)
    {
        var token = Base($"&x-amz-date={NowText}&x-amz-expires={value}");
        Assert.Equal(ok, Verifier().TryValidate(token, out _, out _));
    }

    [Fact]
    public void ExpiryIsDatePlusFifteenMinutes_NotXAmzExpires()
    {
        var clock = new FixedClock(Now.AddMinutes(15));
        var verifier = new EksTokenVerifier(null, clock);
        Assert.True(verifier.TryValidate(T(ValidUrl), out _, out _));
        clock.Now = Now.AddMinutes(15).AddSeconds(1);
        Assert.False(verifier.TryValidate(T(ValidUrl), out _, out var error));
        Assert.Contains("X-Amz-Date parameter is expired (15 minute expiration)", error.Message);
    }

    [Fact]
    public void FutureDate_AllowsSkewOnly()
    {
        var clock = new FixedClock(Now.AddMinutes(-14));
        var verifier = new EksTokenVerifier(null, clock);
        Assert.True(verifier.TryValidate(T(ValidUrl), out _, out _));
        clock.Now = Now.AddMinutes(-16);
        Assert.False(verifier.TryValidate(T(ValidUrl), out _, out var error));
        Assert.Equal(EksTokenErrorKind.Format, error.Kind);
        Assert.Contains("in the future", error.Message);
    }

    [Theory]
    [InlineData("https://sts.amazonaws.com/?action=GetCallerIdentity;x=1")]
    [InlineData("https://sts.amazonaws.com/?action=Get%zzCallerIdentity")]
    public void QueryParserErrors_AreMalformed(string url) =>
        Assert.Equal(Prefix + "malformed query parameter", Reject(T(url)).Message);

    [Fact]
    public void HostWithPort_FailsHostValidation() =>
        AssertFormat(T($"https://sts.amazonaws.com:443/?action=GetCallerIdentity&x-amz-signedheaders=x-k8s-aws-id&x-amz-date={NowText}&x-amz-expires=60"),
            "sts.amazonaws.com:443");
}
