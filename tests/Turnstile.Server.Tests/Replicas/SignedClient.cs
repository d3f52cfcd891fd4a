using System.Net.Http.Headers;
using System.Text;
using Turnstile.Core.Aws.Sigv4;

namespace Turnstile.Server.Tests.Replicas;

/// <summary>Signed HTTP calls to one emulator endpoint (SigV4 as botocore signs: host, x-amz-date, content-type), for load the CLI is too slow for.</summary>
public sealed class SignedClient(Uri endpoint, AwsCredentials credentials, string region) : IDisposable
{
    private readonly HttpClient _client = new() { Timeout = TimeSpan.FromSeconds(60) };

    public Uri Endpoint { get; } = endpoint;

    /// <summary>A query-protocol call (IAM, STS): a signed form POST to <c>/</c>.</summary>
    public Task<HttpResponseMessage> QueryAsync(string service, string form, CancellationToken cancellationToken = default) =>
        SendAsync("POST", "/", form, service, "application/x-www-form-urlencoded; charset=utf-8", cancellationToken);

    /// <summary>An EKS (rest-json) call.</summary>
    public Task<HttpResponseMessage> EksAsync(string method, string path, string? json = null, CancellationToken cancellationToken = default) =>
        SendAsync(method, path, json, "eks", json is null ? null : "application/json", cancellationToken);

    private Task<HttpResponseMessage> SendAsync(string method, string path, string? body, string service, string? contentType, CancellationToken cancellationToken)
    {
        var bytes = body is null ? [] : Encoding.UTF8.GetBytes(body);
        var headers = new List<HttpHeader> { new("Host", Endpoint.Authority) };
        if (contentType is not null) headers.Add(new HttpHeader("Content-Type", contentType));
        var request = new SigV4HttpRequest { Method = method, RawPath = path, RawQuery = "", Headers = headers, Body = bytes };
        var signed = SigV4Signer.Sign(request, credentials, region, service, DateTimeOffset.UtcNow).SignedRequest;
        var message = new HttpRequestMessage(new HttpMethod(method), new Uri(Endpoint, path));
        if (body is not null) message.Content = new ByteArrayContent(bytes);
        foreach (var header in signed.Headers)
        {
            if (header.Name.Equals("Host", StringComparison.OrdinalIgnoreCase)) continue;
            if (header.Name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                message.Content ??= new ByteArrayContent([]);
                message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(header.Value);
                continue;
            }
            message.Headers.TryAddWithoutValidation(header.Name, header.Value);
        }
        return _client.SendAsync(message, cancellationToken);
    }

    public void Dispose() => _client.Dispose();
}
