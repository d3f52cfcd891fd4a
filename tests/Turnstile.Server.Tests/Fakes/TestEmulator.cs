using System.Net.Http.Headers;
using System.Text;
using Turnstile.Aws;
using Turnstile.Core.Aws.Sigv4;
using Turnstile.State;

namespace Turnstile.Server.Tests.Fakes;

/// <summary>An in-process emulator on a free loopback port with the fake services, plus a SigV4-signing HTTP helper.</summary>
public sealed class TestEmulator : IAsyncDisposable
{
    private readonly HttpClient _client = new();
    private readonly StateCache _state;

    private TestEmulator(EmulatorHost host, StateCache state, FakeService sts, FakeService iam, FakeService eks, FakeAuthorizer authorizer)
    {
        _state = state;
        Host = host;
        Sts = sts;
        Iam = iam;
        Eks = eks;
        Authorizer = authorizer;
    }

    public EmulatorHost Host { get; }
    public FakeService Sts { get; }
    public FakeService Iam { get; }
    public FakeService Eks { get; }
    public FakeAuthorizer Authorizer { get; }
    public Uri Endpoint => Host.Endpoint;

    public static async Task<TestEmulator> StartAsync(int maxBodyBytes = EmulatorHostOptions.DefaultMaxRequestBodyBytes)
    {
        var sts = FakeServices.Sts();
        var iam = FakeServices.Iam();
        var eks = FakeServices.Eks();
        var authorizer = new FakeAuthorizer();
        var state = await StateCache.StartAsync(new InMemoryStore());
        var host = new EmulatorHost(new EmulatorHostOptions
        {
            State = state,
            Host = "127.0.0.1",
            Port = 0,
            Services = [sts, iam, eks],
            Credentials = new FakeCredentialSource().Seed(),
            Authorizer = authorizer,
            MaxRequestBodyBytes = maxBodyBytes,
        });
        await host.StartAsync();
        return new TestEmulator(host, state, sts, iam, eks, authorizer);
    }

    /// <summary>Signs and sends a request the way botocore does (host, x-amz-date, content-type and token signed).</summary>
    public Task<HttpResponseMessage> SendSignedAsync(string method, string pathAndQuery, string? body, string service,
        string? contentType = null, string keyId = TestKeys.AdminKey, string secret = TestKeys.AdminSecret, string? token = null,
        DateTimeOffset? time = null, IEnumerable<KeyValuePair<string, string>>? extraHeaders = null)
    {
        var q = pathAndQuery.IndexOf('?');
        var bodyBytes = body is null ? [] : Encoding.UTF8.GetBytes(body);
        var headers = new List<HttpHeader> { new("Host", $"{Endpoint.Host}:{Endpoint.Port}") };
        if (contentType is not null) headers.Add(new HttpHeader("Content-Type", contentType));
        var request = new SigV4HttpRequest
        {
            Method = method,
            RawPath = q < 0 ? pathAndQuery : pathAndQuery[..q],
            RawQuery = q < 0 ? "" : pathAndQuery[(q + 1)..],
            Headers = headers,
            Body = bodyBytes,
        };
        var signed = SigV4Signer.Sign(request, new AwsCredentials(keyId, secret, token), TestKeys.Region, service,
            time ?? DateTimeOffset.UtcNow).SignedRequest;
        var message = new HttpRequestMessage(new HttpMethod(method), new Uri(Endpoint, pathAndQuery));
        if (method != "GET") message.Content = new ByteArrayContent(bodyBytes);
        foreach (var header in signed.Headers)
        {
            if (header.Name.Equals("Host", StringComparison.OrdinalIgnoreCase)) continue;
            if (header.Name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                message.Content!.Headers.ContentType = MediaTypeHeaderValue.Parse(header.Value);
                continue;
            }
            message.Headers.TryAddWithoutValidation(header.Name, header.Value);
        }
        if (extraHeaders is not null)
            foreach (var (name, value) in extraHeaders) message.Headers.TryAddWithoutValidation(name, value);
        return _client.SendAsync(message);
    }

    public Task<HttpResponseMessage> QueryAsync(string form, string service = "sts", string keyId = TestKeys.AdminKey,
        string secret = TestKeys.AdminSecret, string? token = null, DateTimeOffset? time = null,
        IEnumerable<KeyValuePair<string, string>>? extraHeaders = null) =>
        SendSignedAsync("POST", "/", form, service, "application/x-www-form-urlencoded; charset=utf-8", keyId, secret, token, time, extraHeaders);

    public Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage message) => _client.SendAsync(message);

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await Host.DisposeAsync();
        await _state.DisposeAsync();
    }
}
