using System.Diagnostics;
using Turnstile.Core.Aws.Sigv4;
using Xunit.Abstractions;

namespace Turnstile.Core.Tests.Aws.Sigv4;

/// <summary>
/// Median parse+verify time of a typical CLI STS call (header auth, session token, form body). The bound asserted
/// here is loose because the machine is shared; the printed median is what to look at.
/// </summary>
public sealed class SigV4PerformanceTests(ITestOutputHelper output)
{
    [Fact]
    public void TypicalStsRequest_VerifiesInMicroseconds()
    {
        var t0 = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var creds = new AwsCredentials("ASIAQWERTYUIOPASDFGH", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", new string('T', 400));
        var body = "Action=GetCallerIdentity&Version=2011-06-15"u8.ToArray();
        var request = new SigV4HttpRequest
        {
            Method = "POST",
            RawPath = "/",
            Headers =
            [
                new HttpHeader("Host", "127.0.0.1:4566"),
                new HttpHeader("Accept-Encoding", "identity"),
                new HttpHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
                new HttpHeader("User-Agent", "aws-cli/1.45.11 md/Botocore#1.43.11 ua/2.1 os/linux#6.8 md/arch#x86_64"),
                new HttpHeader("Content-Length", "43"),
            ],
            Body = body,
        };
        var signed = SigV4Signer.Sign(request, creds, "us-east-1", "sts", t0).SignedRequest
            .WithHeader("amz-sdk-invocation-id", "6f1c0e2a-0000-4000-8000-000000000000")
            .WithHeader("amz-sdk-request", "attempt=1");
        var verifier = new SigV4Verifier(null, new FixedTime(t0.AddSeconds(1)), new SigningKeyCache());
        Func<SigV4Request, SigV4Secret> lookup = _ => creds.SecretAccessKey;

        var samples = new double[2001];
        for (var round = -1; round < samples.Length; round++)
        {
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < 50; i++)
                if (!verifier.TryAuthenticate(signed, lookup, out _, out var error)) Assert.Fail(error.ToString());
            if (round >= 0) samples[round] = Stopwatch.GetElapsedTime(start).TotalMicroseconds / 50;
        }
        Array.Sort(samples);
        var median = samples[samples.Length / 2];
        output.WriteLine($"parse+verify median {median:F2} µs (p10 {samples[samples.Length / 10]:F2}, p90 {samples[samples.Length * 9 / 10]:F2})");
        Assert.True(median < 100, $"median {median} µs");
    }
}
