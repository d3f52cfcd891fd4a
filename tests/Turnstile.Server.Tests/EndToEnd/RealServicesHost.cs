using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Turnstile.Aws;
using Turnstile.Core.Aws.Sigv4;
using Turnstile.Hosting;
using Turnstile.State;
using Turnstile.Server.Tests.Eks;

namespace Turnstile.Server.Tests.EndToEnd;

/// <summary>An AWS error as it came over the wire.</summary>
public sealed record WireError(HttpStatusCode Status, string? Code, string? Message, string? Type = null);

/// <summary>
/// IAM, STS and EKS as <c>turnstile serve</c> composes them, in-process on a free loopback port, with an HTTP client
/// that signs requests the way botocore does (SigV4 over host, x-amz-date, content-type).
/// </summary>
public sealed class RealServicesHost : IAsyncLifetime
{
    public const string FormContentType = "application/x-www-form-urlencoded; charset=utf-8";

    private readonly HttpClient _client = new();
    private EmulatorHost? _host;
    private EmulatorRuntime? _runtime;

    public EmulatorRuntime Runtime => _runtime ?? throw new InvalidOperationException("not started");

    public Uri Endpoint => (_host ?? throw new InvalidOperationException("not started")).Endpoint;

    public static AwsCredentials Admin { get; } = new(EksCliFixture.Admin.AccessKeyId, EksCliFixture.Admin.SecretAccessKey);

    public async Task InitializeAsync()
    {
        _runtime = await EmulatorRuntime.StartAsync(new InMemoryStore(), new EmulatorOptions());
        _host = new EmulatorHost(_runtime.HostOptions());
        await _host.StartAsync();
    }

    /// <summary>Sends <paramref name="body"/> signed for <paramref name="service"/> in the emulator's region.</summary>
    public Task<HttpResponseMessage> SendAsync(string method, string pathAndQuery, string? body, string service, string? contentType,
        AwsCredentials? credentials = null, IEnumerable<KeyValuePair<string, string>>? extraHeaders = null) =>
        SendAsync(method, pathAndQuery, body is null ? null : Encoding.UTF8.GetBytes(body), service, contentType, credentials, extraHeaders);

    public Task<HttpResponseMessage> SendAsync(string method, string pathAndQuery, byte[]? body, string service, string? contentType,
        AwsCredentials? credentials = null, IEnumerable<KeyValuePair<string, string>>? extraHeaders = null)
    {
        var q = pathAndQuery.IndexOf('?');
        var headers = new List<HttpHeader> { new("Host", Endpoint.Authority) };
        if (contentType is not null) headers.Add(new HttpHeader("Content-Type", contentType));
        var request = new SigV4HttpRequest
        {
            Method = method,
            RawPath = q < 0 ? pathAndQuery : pathAndQuery[..q],
            RawQuery = q < 0 ? "" : pathAndQuery[(q + 1)..],
            Headers = headers,
            Body = body ?? [],
        };
        var signed = SigV4Signer.Sign(request, credentials ?? Admin, EksCliFixture.DefaultRegion, service, DateTimeOffset.UtcNow).SignedRequest;
        // Sent exactly as signed: System.Uri would otherwise re-escape what it considers invalid (a stray '%').
        var uri = new Uri(Endpoint.GetLeftPart(UriPartial.Authority) + pathAndQuery, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        var message = new HttpRequestMessage(new HttpMethod(method), uri);
        if (body is not null) message.Content = new ByteArrayContent(body);
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
        foreach (var (name, value) in extraHeaders ?? []) message.Headers.TryAddWithoutValidation(name, value);
        return _client.SendAsync(message);
    }

    /// <summary>A query-protocol call (IAM, STS): a signed form POST to <c>/</c>.</summary>
    public Task<HttpResponseMessage> QueryAsync(string service, string form, AwsCredentials? credentials = null) =>
        SendAsync("POST", "/", form, service, FormContentType, credentials);

    /// <summary>An EKS (rest-json) call.</summary>
    public Task<HttpResponseMessage> EksAsync(string method, string path, string? json = null, AwsCredentials? credentials = null) =>
        SendAsync(method, path, json, "eks", json is null ? null : "application/json", credentials);

    /// <summary>The query protocol's <c>&lt;ErrorResponse&gt;</c>: status, code, message and fault type.</summary>
    public static async Task<WireError> QueryError(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        var error = XDocument.Parse(text).Descendants().FirstOrDefault(e => e.Name.LocalName == "Error")
                    ?? throw new Xunit.Sdk.XunitException($"no <Error> in {(int)response.StatusCode}: {text}");
        string? Child(string name) => error.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
        return new WireError(response.StatusCode, Child("Code"), Child("Message"), Child("Type"));
    }

    /// <summary>The rest-json error: status, <c>x-amzn-ErrorType</c> and the body's <c>message</c>.</summary>
    public static async Task<WireError> RestJsonError(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        var code = response.Headers.TryGetValues("x-amzn-ErrorType", out var values) ? values.Single() : null;
        using var document = JsonDocument.Parse(text);
        var message = document.RootElement.TryGetProperty("message", out var m) ? m.GetString() : null;
        return new WireError(response.StatusCode, code, message);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        if (_host is not null) await _host.DisposeAsync();
        if (_runtime is not null) await _runtime.DisposeAsync();
    }
}
