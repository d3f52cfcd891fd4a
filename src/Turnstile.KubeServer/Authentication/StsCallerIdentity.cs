using System.Text.Json;
using System.Text.Json.Serialization;
using Turnstile.Core.Authn;
using Turnstile.Core.Authn.Token;
using Turnstile.Core.Aws.Sigv4;
using Turnstile.Server;

namespace Turnstile.KubeServer.Authentication;

/// <summary>
/// Sends a token's presigned GetCallerIdentity to the emulator's own STS in-process, through the same pipeline the
/// AWS endpoint runs (SigV4, credential lookup, session expiry over the same IAM state), as aws-iam-authenticator
/// sends it to STS over HTTP: with the cluster id as the signed <c>x-k8s-aws-id</c> header and asking for JSON.
/// </summary>
public sealed class StsCallerIdentity
{
    private readonly AwsRequestPipeline _pipeline;

    public StsCallerIdentity(EmulatorHostOptions awsEndpoint) => _pipeline = new AwsRequestPipeline(awsEndpoint);

    /// <summary>The caller STS reports, or null when STS refuses the request (bad signature, unknown or expired key).</summary>
    public async Task<AwsIdentity?> IdentifyAsync(PresignedStsRequest request, string clusterId, CancellationToken cancellationToken)
    {
        var http = request.ToHttpRequest(clusterId);
        var response = await _pipeline.ProcessAsync(new IncomingRequest
        {
            Method = http.Method,
            RawPath = http.RawPath,
            RawQuery = http.RawQuery,
            Headers = [.. http.Headers, new HttpHeader("accept", "application/json")],
        }, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != 200) return null;
        var result = JsonSerializer.Deserialize(response.Body, CallerIdentityJson.Default.CallerIdentityResponse)?.Response?.Result;
        if (result is not { Arn: { } arn, Account: { } account, UserId: { } userId }) return null;
        try
        {
            return AwsIdentity.FromCallerIdentity(arn, account, userId, request.AccessKeyId);
        }
        catch (Core.Arns.ArnException)
        {
            return null;
        }
    }
}

internal sealed record CallerIdentityResponse([property: JsonPropertyName("GetCallerIdentityResponse")] CallerIdentityBody? Response);

internal sealed record CallerIdentityBody([property: JsonPropertyName("GetCallerIdentityResult")] CallerIdentityResult? Result);

internal sealed record CallerIdentityResult(
    [property: JsonPropertyName("Arn")] string? Arn,
    [property: JsonPropertyName("Account")] string? Account,
    [property: JsonPropertyName("UserId")] string? UserId);

[JsonSerializable(typeof(CallerIdentityResponse))]
internal sealed partial class CallerIdentityJson : JsonSerializerContext;
