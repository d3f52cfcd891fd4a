using System.Text;
using System.Text.Json;
using Turnstile.Core.Authn.Token;
using Turnstile.Core.Aws.Sigv4;

namespace Turnstile.Core.Tests.Authn.Token;

/// <summary>aws-iam-authenticator.md §6.1: T-GEN-1..5 and T-GEN-10.</summary>
public sealed class EksTokenGeneratorTests
{
    internal static readonly AwsCredentials AuthenticatorCredentials = new(
        Encoding.UTF8.GetString(Convert.FromBase64String("QVNJQVIyVEc0NFY2QVMzWlpFN0M=")),
        Encoding.UTF8.GetString(Convert.FromBase64String("NEtENWNudEdjVm1MV1JkRjV3dk5SdXpOTDVReG1wNk9LVlk2RnovUQ==")));

    internal const string TGen1Url =
        "https://sts.us-west-2.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256" +
        "&X-Amz-Credential=ASIAR2TG44V6AS3ZZE7C%2F20230428%2Fus-west-2%2Fsts%2Faws4_request&X-Amz-Date=20230428T000000Z" +
        "&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id" +
        "&X-Amz-Signature=e211dba77aba9dc44b0b6be38b8eaad092599c5157f6314444c5b9d85747f5ce";

    [Fact]
    public void TGen1_AuthenticatorVectorIsByteExact()
    {
        var signingTime = DateTimeOffset.FromUnixTimeSeconds(1682640000);
        var token = EksTokenGenerator.Generate(AuthenticatorCredentials, "test-cluster", "us-west-2",
            StsPartitions.DefaultEndpoint("us-west-2"), signingTime);

        Assert.Equal(TGen1Url, token.PresignedUrl);
        Assert.Equal("k8s-aws-v1." + TokenTestSupport.Base64UrlNoPad(TGen1Url), token.Token);
        Assert.Equal(signingTime.AddMinutes(14), token.Expiration);
    }

    [Fact]
    public void BotocoreLocalEndpointVector_WithSessionToken()
    {
        var credentials = new AwsCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "FAKESESSIONTOKEN/with+chars=");
        var token = EksTokenGenerator.Generate(credentials, "demo", "us-east-1", "http://127.0.0.1:4566",
            new DateTimeOffset(2015, 8, 30, 12, 36, 0, TimeSpan.Zero));
        Assert.StartsWith("http://127.0.0.1:4566/?Action=GetCallerIdentity&Version=2011-06-15&", token.PresignedUrl);
        Assert.Contains("&X-Amz-Security-Token=FAKESESSIONTOKEN%2Fwith%2Bchars%3D&", token.PresignedUrl);
        Assert.EndsWith("&X-Amz-Signature=bef0ff01eee47dbf3086c0043a2aaf1008e2f1dbc57de8f6934960a7b4db1aef", token.PresignedUrl);
    }

    [Fact]
    public void EmptyClusterId_IsRejected() =>
        Assert.Equal("ClusterID is required (Parameter 'clusterId')",
            Assert.Throws<ArgumentException>(() => EksTokenGenerator.Generate(AuthenticatorCredentials, "", "us-west-2",
                "https://sts.us-west-2.amazonaws.com", DateTimeOffset.UnixEpoch)).Message);

    private static readonly DateTimeOffset Expiry = new(2012, 11, 1, 22, 8, 41, TimeSpan.Zero);

    [Fact]
    public void TGen2_FormatJson()
    {
        var json = new ExecCredential(ExecCredential.ResolveApiVersion(null, out var warning), "token", Expiry).ToJson();
        Assert.Null(warning);
        Assert.Equal(
            """{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{},"status":{"expirationTimestamp":"2012-11-01T22:08:41Z","token":"token"}}""",
            json);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal("token", doc.RootElement.GetProperty("status").GetProperty("token").GetString());
        Assert.Equal(Expiry, doc.RootElement.GetProperty("status").GetProperty("expirationTimestamp").GetDateTimeOffset());
    }

    [Fact]
    public void TGen3_EmptyExecInfo()
    {
        Assert.Equal(ExecCredential.V1Beta1, ExecCredential.ResolveApiVersion("", out var warning));
        Assert.Null(warning);
    }

    [Fact]
    public void TGen4_ExecInfoV1Beta1()
    {
        const string execInfo = """{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{"interactive":false}}""";
        Assert.Equal(ExecCredential.V1Beta1, ExecCredential.ResolveApiVersion(execInfo, out var warning));
        Assert.Null(warning);
    }

    [Fact]
    public void TGen5_ExecInfoV1()
    {
        const string execInfo = """{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":true}}""";
        var apiVersion = ExecCredential.ResolveApiVersion(execInfo, out var warning);
        Assert.Equal("client.authentication.k8s.io/v1", apiVersion);
        Assert.Null(warning);
        Assert.Contains("\"apiVersion\":\"client.authentication.k8s.io/v1\"", new ExecCredential(apiVersion, "t", Expiry).ToJson());
    }

    [Theory]
    [InlineData("""{"apiVersion":"client.authentication.k8s.io/v1alpha1"}""", ExecCredential.V1Alpha1, "deprecated API version")]
    [InlineData("""{"apiVersion":"client.authentication.k8s.io/v2"}""", ExecCredential.V1Beta1, "Unrecognized API version")]
    [InlineData("""{"kind":"ExecCredential"}""", ExecCredential.V1Beta1, "Unrecognized API version")]
    [InlineData("not json", ExecCredential.V1Beta1, "Error parsing KUBERNETES_EXEC_INFO")]
    public void ExecInfoFallbacks_WarnLikeTheCli(string execInfo, string apiVersion, string warningPart)
    {
        Assert.Equal(apiVersion, ExecCredential.ResolveApiVersion(execInfo, out var warning));
        Assert.Contains(warningPart, warning);
    }

    [Fact]
    public void IndentedJson_UsesFourSpaces()
    {
        var json = new ExecCredential(ExecCredential.V1Beta1, "k8s-aws-v1.abc", Expiry).ToJson(indented: true);
        Assert.Contains("\n    \"kind\": \"ExecCredential\",", json);
        Assert.Contains("\n        \"token\": \"k8s-aws-v1.abc\"", json);
    }

    [Fact]
    public void GeneratedToken_ToExecCredential()
    {
        var token = EksTokenGenerator.Generate(AuthenticatorCredentials, "c", "us-west-2", "https://sts.us-west-2.amazonaws.com",
            new DateTimeOffset(2019, 10, 23, 23, 0, 0, 500, TimeSpan.Zero));
        var json = token.ToExecCredential().ToJson();
        Assert.Contains("\"expirationTimestamp\":\"2019-10-23T23:14:00Z\"", json);
        Assert.Contains("X-Amz-Date=20191023T230000Z", token.PresignedUrl);
    }

    [Fact]
    public void TGen10_TokensNeverContainPadding()
    {
        var random = new Random(12345);
        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 100; i++)
        {
            var cluster = new string('c', random.Next(1, 40));
            var credentials = AuthenticatorCredentials with
            {
                SessionToken = random.Next(2) == 0 ? null : new string('t', random.Next(1, 300)),
            };
            var token = EksTokenGenerator.Generate(credentials, cluster, "eu-west-1", "http://127.0.0.1:4566",
                start.AddSeconds(random.Next(0, 86400 * 365)));
            Assert.DoesNotContain('=', token.Token);
            Assert.StartsWith("k8s-aws-v1.", token.Token);
        }
    }
}
