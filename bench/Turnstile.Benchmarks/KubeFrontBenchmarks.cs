using System.Net.Http.Headers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Turnstile.Aws;
using Turnstile.Core.Authn.Token;
using Turnstile.Core.Aws.Sigv4;
using Turnstile.Hosting;
using Turnstile.KubeServer;
using Turnstile.Server;
using Turnstile.State;

namespace Turnstile.Benchmarks;

/// <summary>
/// One authenticated and authorized GET of a ConfigMap handled by the Kubernetes API front, server side and in
/// process (no socket, no TLS): cluster prefix, RequestInfo, EKS token checks, the presigned GetCallerIdentity through
/// the AWS pipeline, identity mapping (the creator's access entry), impersonation check, authorization, the GET
/// handler and the response body. Target: at most 100 us median.
/// </summary>
[MemoryDiagnoser]
public class KubeFrontBenchmarks
{
    private const string Cluster = "bench";
    private static readonly AwsCredentials Admin = new(EmulatorOptions.DefaultAdminAccessKeyId, EmulatorOptions.DefaultAdminSecretAccessKey);

    private EmulatorRuntime _runtime = null!;
    private EmulatorHost _aws = null!;
    private KubeFront _front = null!;
    private string _authorization = "";
    private readonly MemoryStream _body = new();

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _runtime = await EmulatorRuntime.StartAsync(new InMemoryStore(), new EmulatorOptions());
        _aws = new EmulatorHost(_runtime.HostOptions());
        await _aws.StartAsync();
        var endpoint = _aws.Endpoint.GetLeftPart(UriPartial.Authority);
        await CreateClusterAsync();
        _front = new KubeFront(new KubeFrontOptions
        {
            Cache = _runtime.Cache,
            Eks = _runtime.Eks,
            AwsEndpoint = _runtime.HostOptions(),
            StsEndpoints = [endpoint],
        });
        // Valid for 15 minutes: longer than this benchmark runs.
        _authorization = "Bearer " + EksTokenGenerator.Generate(Admin, Cluster, EmulatorOptions.DefaultRegion, endpoint, DateTimeOffset.UtcNow).Token;
        await SendAsync("POST", "/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"settings"},"data":{"color":"blue"}}""", 201);
        await SendAsync("GET", "/api/v1/namespaces/default/configmaps/settings", null, 200);
    }

    [Benchmark]
    public Task<int> AuthenticatedAuthorizedGet() => SendAsync("GET", "/api/v1/namespaces/default/configmaps/settings", null, 200);

    private async Task<int> SendAsync(string method, string path, string? body, int expected)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Scheme = "https";
        context.Request.Host = new HostString("127.0.0.1", 6443);
        context.Request.Path = "/clusters/" + Cluster + path;
        context.Request.Headers.Authorization = _authorization;
        context.Request.Headers.Accept = "application/json";
        if (body is not null)
        {
            context.Request.ContentType = "application/json";
            context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        }
        _body.SetLength(0);
        context.Response.Body = _body;
        await _front.HandleAsync(context);
        if (context.Response.StatusCode != expected)
            throw new InvalidOperationException($"{method} {path}: {context.Response.StatusCode} {Encoding.UTF8.GetString(_body.ToArray())}");
        return context.Response.StatusCode;
    }

    private async Task CreateClusterAsync()
    {
        var json = Encoding.UTF8.GetBytes("""
            {"name":"bench","roleArn":"arn:aws:iam::111122223333:role/eks-cluster-role","resourcesVpcConfig":{"subnetIds":["subnet-0a","subnet-0b"]},
             "accessConfig":{"authenticationMode":"API_AND_CONFIG_MAP"}}
            """);
        var request = new SigV4HttpRequest
        {
            Method = "POST",
            RawPath = "/clusters",
            RawQuery = "",
            Headers = [new HttpHeader("Host", _aws.Endpoint.Authority), new HttpHeader("Content-Type", "application/json")],
            Body = json,
        };
        var signed = SigV4Signer.Sign(request, Admin, EmulatorOptions.DefaultRegion, "eks", DateTimeOffset.UtcNow).SignedRequest;
        using var client = new HttpClient();
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(_aws.Endpoint, "/clusters")) { Content = new ByteArrayContent(json) };
        foreach (var header in signed.Headers)
        {
            if (header.Name.Equals("Host", StringComparison.OrdinalIgnoreCase)) continue;
            if (header.Name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(header.Value);
            else message.Headers.TryAddWithoutValidation(header.Name, header.Value);
        }
        using var response = await client.SendAsync(message);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException("CreateCluster: " + await response.Content.ReadAsStringAsync());
    }

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    private async Task CleanupAsync()
    {
        await _front.DisposeAsync();
        await _aws.DisposeAsync();
        await _runtime.DisposeAsync();
    }
}
