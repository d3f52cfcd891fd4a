using BenchmarkDotNet.Attributes;
using Turnstile.Core.Aws.Sigv4;

namespace Turnstile.Benchmarks;

/// <summary>
/// SigV4 verification of a request as the aws CLI sends it to STS (header auth, session token, form body,
/// the unsigned amz-sdk-* headers botocore adds after signing). Target: median at most 5 µs.
/// </summary>
[MemoryDiagnoser]
public class SigV4Benchmarks
{
    private static readonly DateTimeOffset SignedAt = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private SigV4Verifier _verifier = null!;
    private SigV4HttpRequest _signed = null!;
    private Func<SigV4Request, SigV4Secret> _lookup = null!;

    [GlobalSetup]
    public void Setup()
    {
        var creds = new AwsCredentials("ASIAQWERTYUIOPASDFGH", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", new string('T', 400));
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
            Body = "Action=GetCallerIdentity&Version=2011-06-15"u8.ToArray(),
        };
        _signed = SigV4Signer.Sign(request, creds, "us-east-1", "sts", SignedAt).SignedRequest
            .WithHeader("amz-sdk-invocation-id", "6f1c0e2a-0000-4000-8000-000000000000")
            .WithHeader("amz-sdk-request", "attempt=1");
        _verifier = new SigV4Verifier(null, new FixedClock(SignedAt.AddSeconds(1)), new SigningKeyCache());
        _lookup = _ => creds.SecretAccessKey;
        if (!_verifier.TryAuthenticate(_signed, _lookup, out _, out var error)) throw new InvalidOperationException(error?.ToString());
    }

    [Benchmark]
    public bool ParseAndVerify() => _verifier.TryAuthenticate(_signed, _lookup, out _, out _);

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
