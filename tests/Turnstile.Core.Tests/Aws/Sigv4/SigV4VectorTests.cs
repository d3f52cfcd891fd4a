using System.Text;
using Turnstile.Core.Aws.Sigv4;

namespace Turnstile.Core.Tests.Aws.Sigv4;

/// <summary>peers-and-sigv4.md §2.5 items 2 and 3: EKS-token style presigned GetCallerIdentity vectors.</summary>
public sealed class SigV4VectorTests
{
    private static readonly DateTimeOffset SuiteTime = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);
    private static readonly AwsCredentials SuiteCredentials = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");

    // aws-iam-authenticator TestGetWithSTS fixtures ("Example non-real credentials", stored base64-encoded there).
    private static readonly AwsCredentials AuthenticatorCredentials = new(
        Encoding.UTF8.GetString(Convert.FromBase64String("QVNJQVIyVEc0NFY2QVMzWlpFN0M=")),
        Encoding.UTF8.GetString(Convert.FromBase64String("NEtENWNudEdjVm1MV1JkRjV3dk5SdXpOTDVReG1wNk9LVlk2RnovUQ==")));

    private static SigV4HttpRequest GetCallerIdentity(string host, string clusterId) => new()
    {
        Method = "GET",
        RawPath = "/",
        RawQuery = "Action=GetCallerIdentity&Version=2011-06-15",
        Headers = [new HttpHeader("host", host), new HttpHeader("x-k8s-aws-id", clusterId)],
    };

    private static SigV4Verifier StsStyleVerifier(DateTimeOffset now) => new(
        new SigV4VerifierOptions { PresignedExpiry = PresignedExpiryPolicy.SkewWindow }, new FixedTime(now), new SigningKeyCache());

    [Fact]
    public void AuthenticatorTestGetWithSts_IsByteExact()
    {
        var time = DateTimeOffset.FromUnixTimeSeconds(1682640000);
        var result = SigV4Signer.Presign(GetCallerIdentity("sts.us-west-2.amazonaws.com", "test-cluster"),
            AuthenticatorCredentials, "us-west-2", "sts", time, TimeSpan.FromSeconds(60));

        Assert.Equal("e211dba77aba9dc44b0b6be38b8eaad092599c5157f6314444c5b9d85747f5ce", result.Signature);
        Assert.Equal(
            "Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256" +
            "&X-Amz-Credential=ASIAR2TG44V6AS3ZZE7C%2F20230428%2Fus-west-2%2Fsts%2Faws4_request" +
            "&X-Amz-Date=20230428T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id" +
            "&X-Amz-Signature=e211dba77aba9dc44b0b6be38b8eaad092599c5157f6314444c5b9d85747f5ce",
            result.SignedRequest.RawQuery);
    }

    [Fact]
    public void AuthenticatorVector_VerifiesOnlyForItsCluster()
    {
        const string query =
            "Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256" +
            "&X-Amz-Credential=ASIAR2TG44V6AS3ZZE7C%2F20230428%2Fus-west-2%2Fsts%2Faws4_request" +
            "&X-Amz-Date=20230428T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id" +
            "&X-Amz-Signature=e211dba77aba9dc44b0b6be38b8eaad092599c5157f6314444c5b9d85747f5ce";
        var verifier = StsStyleVerifier(DateTimeOffset.FromUnixTimeSeconds(1682640000 + 600));

        foreach (var (cluster, ok) in new[] { ("test-cluster", true), ("other", false) })
        {
            var request = GetCallerIdentity("sts.us-west-2.amazonaws.com", cluster) with { RawQuery = query };
            Assert.True(verifier.TryParse(request, out var parsed, out var error), error?.ToString());
            Assert.Equal("ASIAR2TG44V6AS3ZZE7C", parsed.AccessKeyId);
            Assert.Equal(new SigV4CredentialScope("20230428", "us-west-2", "sts", "aws4_request"), parsed.Scope);
            Assert.Equal(["host", "x-k8s-aws-id"], parsed.SignedHeaders);
            Assert.Equal(ok, verifier.Verify(parsed, AuthenticatorCredentials.SecretAccessKey) is null);
        }
    }

    [Theory]
    [InlineData(null, "41805663100f5c0f184d112c8e533f30fcf478e0fa6b59f40e148eb095b1c83b")]
    [InlineData("FAKESESSIONTOKEN/with+chars=", "bef0ff01eee47dbf3086c0043a2aaf1008e2f1dbc57de8f6934960a7b4db1aef")]
    public void BotocoreLocalEndpointVectors(string? sessionToken, string expectedSignature)
    {
        var credentials = SuiteCredentials with { SessionToken = sessionToken };
        var result = SigV4Signer.Presign(GetCallerIdentity("127.0.0.1:4566", "demo"), credentials, "us-east-1", "sts",
            SuiteTime, TimeSpan.FromSeconds(60));
        Assert.Equal(expectedSignature, result.Signature);
        if (sessionToken is not null)
            Assert.Contains("&X-Amz-Security-Token=FAKESESSIONTOKEN%2Fwith%2Bchars%3D&", result.SignedRequest.RawQuery);

        // The URL in the order botocore prints it (token after SignedHeaders), verified independently of our signer.
        var botocoreQuery =
            "Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256" +
            "&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fsts%2Faws4_request" +
            "&X-Amz-Date=20150830T123600Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id" +
            (sessionToken is null ? "" : "&X-Amz-Security-Token=FAKESESSIONTOKEN%2Fwith%2Bchars%3D") +
            "&X-Amz-Signature=" + expectedSignature;
        var verifier = StsStyleVerifier(SuiteTime.AddMinutes(14));
        foreach (var (cluster, ok) in new[] { ("demo", true), ("other", false) })
        {
            var request = GetCallerIdentity("127.0.0.1:4566", cluster) with { RawQuery = botocoreQuery };
            Assert.True(verifier.TryParse(request, out var parsed, out var error), error?.ToString());
            Assert.Equal(sessionToken, parsed.SessionToken);
            var verdict = verifier.Verify(parsed, credentials.SecretAccessKey);
            Assert.Equal(ok, verdict is null);
            if (!ok) Assert.Equal(SigV4Error.SignatureDoesNotMatch(), verdict);
        }
    }

    [Fact]
    public void UnsignedPayloadVariant_DoesNotMatchTheAuthenticatorVector()
    {
        // Guards the "empty-body hash, not UNSIGNED-PAYLOAD" rule for non-S3 presigning.
        var time = DateTimeOffset.FromUnixTimeSeconds(1682640000);
        var request = GetCallerIdentity("sts.us-west-2.amazonaws.com", "test-cluster") with { BodySha256Hex = "UNSIGNED-PAYLOAD" };
        var result = SigV4Signer.Presign(request, AuthenticatorCredentials, "us-west-2", "sts", time, TimeSpan.FromSeconds(60));
        Assert.NotEqual("e211dba77aba9dc44b0b6be38b8eaad092599c5157f6314444c5b9d85747f5ce", result.Signature);
    }
}
