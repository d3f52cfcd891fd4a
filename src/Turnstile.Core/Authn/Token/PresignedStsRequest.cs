using Turnstile.Core.Aws.Sigv4;

namespace Turnstile.Core.Authn.Token;

/// <summary>A token that passed the pre-STS checks: the presigned GetCallerIdentity URL and what it claims.</summary>
public sealed record PresignedStsRequest
{
    public required string Url { get; init; }
    public required string Scheme { get; init; }

    /// <summary>Host as written in the URL, with <c>:port</c> if present (what the <c>host</c> header carries).</summary>
    public required string Host { get; init; }

    /// <summary>The URL matched a configured local STS endpoint (real-AWS host rules were skipped).</summary>
    public required bool IsLocalEndpoint { get; init; }

    /// <summary><c>global</c>, the region label of an AWS STS host, or <c>local</c>.</summary>
    public required string StsRegion { get; init; }

    public required string RawPath { get; init; }
    public required string RawQuery { get; init; }

    /// <summary>Text before the first '/' of <c>X-Amz-Credential</c>; empty when absent.</summary>
    public required string AccessKeyId { get; init; }

    /// <summary>The credential scope when <c>X-Amz-Credential</c> has the five-part form.</summary>
    public SigV4CredentialScope? Scope { get; init; }

    public required IReadOnlyList<string> SignedHeaders { get; init; }
    public required DateTimeOffset Date { get; init; }
    public required long ExpiresSeconds { get; init; }
    public string? SessionToken { get; init; }

    /// <summary>End of validity: <c>X-Amz-Date</c> + 15 minutes.</summary>
    public DateTimeOffset ValidUntil => Date + EksToken.ValidFor;

    /// <summary>The GET STS would receive, with <paramref name="clusterId"/> as the signed <c>x-k8s-aws-id</c> header.</summary>
    public SigV4HttpRequest ToHttpRequest(string clusterId) => new()
    {
        Method = "GET",
        RawPath = RawPath,
        RawQuery = RawQuery,
        Headers = [new HttpHeader("host", Host), new HttpHeader(EksToken.ClusterIdHeader, clusterId)],
    };
}

/// <summary>A token whose pre-checks and signature both passed.</summary>
public sealed record VerifiedEksToken(PresignedStsRequest Request, SigV4Request Signature);
