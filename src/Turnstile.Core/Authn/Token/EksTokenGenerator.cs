using Turnstile.Core.Aws.Sigv4;

namespace Turnstile.Core.Authn.Token;

/// <summary>A freshly minted token with the URL inside it and the expiry reported to kubectl.</summary>
public sealed record GeneratedEksToken(string Token, string PresignedUrl, DateTimeOffset SignedAt, DateTimeOffset Expiration)
{
    public ExecCredential ToExecCredential(string apiVersion = ExecCredential.V1Beta1) => new(apiVersion, Token, Expiration);
}

/// <summary>
/// Mints EKS tokens the way <c>aws eks get-token</c> does: presigned GET GetCallerIdentity (Version 2011-06-15),
/// <c>x-k8s-aws-id</c> signed, <c>X-Amz-Expires=60</c>, empty-body payload hash, expiry = signing time + 14 minutes.
/// </summary>
public static class EksTokenGenerator
{
    /// <param name="stsEndpoint">Scheme and authority of STS, e.g. <c>https://sts.us-west-2.amazonaws.com</c> or
    /// <c>http://127.0.0.1:4566</c> (see <see cref="StsPartitions.DefaultEndpoint"/>).</param>
    /// <param name="region">Signing region (credential scope).</param>
    public static GeneratedEksToken Generate(
        AwsCredentials credentials, string clusterId, string region, string stsEndpoint, DateTimeOffset signingTime)
    {
        if (string.IsNullOrEmpty(clusterId)) throw new ArgumentException("ClusterID is required", nameof(clusterId));
        var endpoint = new Uri(stsEndpoint, UriKind.Absolute);
        var signingSecond = new DateTimeOffset(signingTime.UtcTicks - signingTime.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);

        var request = new SigV4HttpRequest
        {
            Method = "GET",
            RawPath = endpoint.AbsolutePath,
            RawQuery = "Action=GetCallerIdentity&Version=2011-06-15",
            Headers = [new HttpHeader("host", endpoint.Authority), new HttpHeader(EksToken.ClusterIdHeader, clusterId)],
        };
        var presigned = SigV4Signer.Presign(request, credentials, region, "sts", signingSecond,
            TimeSpan.FromSeconds(EksToken.PresignExpiresSeconds));

        var url = $"{endpoint.Scheme}://{endpoint.Authority}{endpoint.AbsolutePath}?{presigned.SignedRequest.RawQuery}";
        return new GeneratedEksToken(EksToken.Encode(url), url, signingSecond, signingSecond + EksToken.ReportedLifetime);
    }
}
