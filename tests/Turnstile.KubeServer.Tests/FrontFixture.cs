using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Turnstile.Aws;
using Turnstile.Core.Authn.Token;
using Turnstile.Core.Aws.Sigv4;
using Turnstile.Hosting;
using Turnstile.KubeServer;
using Turnstile.Server;
using Turnstile.State;

namespace Turnstile.KubeServer.Tests;

/// <summary>
/// One emulator as <c>turnstile serve</c> composes it, in-process on free loopback ports: the AWS endpoint (plain HTTP)
/// and the Kubernetes API front (HTTPS, trusted through the cluster CA only), with signed AWS calls and EKS tokens.
/// </summary>
public sealed class FrontFixture : IAsyncLifetime
{
    public const string Account = EmulatorOptions.DefaultAccountId;
    public const string Region = EmulatorOptions.DefaultRegion;
    public static readonly AwsCredentials Admin = new(EmulatorOptions.DefaultAdminAccessKeyId, EmulatorOptions.DefaultAdminSecretAccessKey);

    private readonly HttpClient _aws = new();
    private EmulatorHost? _awsHost;
    private KubeApiHost? _kubeHost;
    private HttpClient? _kube;
    private X509Certificate2? _ca;

    public EmulatorRuntime Runtime { get; private set; } = null!;

    public Uri AwsEndpoint => _awsHost!.Endpoint;

    public Uri KubeEndpoint => _kubeHost!.Endpoint;

    /// <summary>The CA's PEM as DescribeCluster returns it (base64 of the PEM).</summary>
    public string CertificateAuthorityData { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Runtime = await EmulatorRuntime.StartAsync(new InMemoryStore(), new EmulatorOptions { KubePort = 0 });
        _awsHost = new EmulatorHost(Runtime.HostOptions());
        await _awsHost.StartAsync();
        _kubeHost = await Runtime.StartKubeApiAsync(_awsHost.Endpoint);
        var authority = await Runtime.Eks.GetCertificateAuthorityAsync();
        CertificateAuthorityData = authority.CertificateAuthorityData;
        _ca = X509Certificate2.CreateFromPem(authority.CertificatePem);
        _kube = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = TrustedByClusterCa },
        }) { Timeout = TimeSpan.FromSeconds(60) };
    }

    // Only the cluster CA is trusted, as kubectl trusts certificate-authority-data.
    private bool TrustedByClusterCa(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
        using var verify = new X509Chain();
        verify.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        verify.ChainPolicy.CustomTrustStore.Add(_ca!);
        verify.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return verify.Build(new X509Certificate2(certificate));
    }

    public async Task DisposeAsync()
    {
        _kube?.Dispose();
        _aws.Dispose();
        if (_kubeHost is not null) await _kubeHost.DisposeAsync();
        if (_awsHost is not null) await _awsHost.DisposeAsync();
        await Runtime.DisposeAsync();
        _ca?.Dispose();
    }

    // ---- AWS side ----

    public async Task<string> AwsAsync(string method, string pathAndQuery, string? body, string service, string? contentType, AwsCredentials? credentials = null)
    {
        var q = pathAndQuery.IndexOf('?');
        var bytes = body is null ? [] : Encoding.UTF8.GetBytes(body);
        var headers = new List<HttpHeader> { new("Host", AwsEndpoint.Authority) };
        if (contentType is not null) headers.Add(new HttpHeader("Content-Type", contentType));
        var request = new SigV4HttpRequest
        {
            Method = method,
            RawPath = q < 0 ? pathAndQuery : pathAndQuery[..q],
            RawQuery = q < 0 ? "" : pathAndQuery[(q + 1)..],
            Headers = headers,
            Body = bytes,
        };
        var signed = SigV4Signer.Sign(request, credentials ?? Admin, Region, service, DateTimeOffset.UtcNow).SignedRequest;
        using var message = new HttpRequestMessage(new HttpMethod(method), new Uri(AwsEndpoint, pathAndQuery));
        if (body is not null) message.Content = new ByteArrayContent(bytes);
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
        using var response = await _aws.SendAsync(message);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {pathAndQuery}: {(int)response.StatusCode} {text}");
        return text;
    }

    public Task<string> EksAsync(string method, string path, string? json = null) =>
        AwsAsync(method, path, json, "eks", json is null ? null : "application/json");

    public Task<string> IamAsync(string form) =>
        AwsAsync("POST", "/", form + "&Version=2010-05-08", "iam", "application/x-www-form-urlencoded; charset=utf-8");

    public Task CreateClusterAsync(string name, string mode = "API_AND_CONFIG_MAP") =>
        EksAsync("POST", "/clusters", $$$"""
            {"name":"{{{name}}}","roleArn":"arn:aws:iam::{{{Account}}}:role/eks-cluster-role","resourcesVpcConfig":{"subnetIds":["subnet-0a","subnet-0b"]},
             "accessConfig":{"authenticationMode":"{{{mode}}}"}}
            """);

    /// <summary>A new IAM user with an access key.</summary>
    public async Task<AwsCredentials> CreateUserAsync(string name)
    {
        await IamAsync("Action=CreateUser&UserName=" + name);
        var xml = XDocument.Parse(await IamAsync("Action=CreateAccessKey&UserName=" + name));
        string Field(string n) => xml.Descendants().First(e => e.Name.LocalName == n).Value;
        return new AwsCredentials(Field("AccessKeyId"), Field("SecretAccessKey"));
    }

    public static string UserArn(string name) => $"arn:aws:iam::{Account}:user/{name}";

    public Task CreateAccessEntryAsync(string cluster, string principalArn, string? username = null, params string[] groups)
    {
        var body = new JsonObject { ["principalArn"] = principalArn };
        if (username is not null) body["username"] = username;
        if (groups.Length > 0) body["kubernetesGroups"] = new JsonArray(groups.Select(g => (JsonNode?)g).ToArray());
        return EksAsync("POST", $"/clusters/{cluster}/access-entries", body.ToJsonString());
    }

    public string Token(string cluster, AwsCredentials? credentials = null, DateTimeOffset? at = null) =>
        EksTokenGenerator.Generate(credentials ?? Admin, cluster, Region, AwsEndpoint.GetLeftPart(UriPartial.Authority), at ?? DateTimeOffset.UtcNow).Token;

    // ---- Kubernetes side ----

    public async Task<KubeResult> KubeAsync(string method, string path, string? token = null, string? body = null, string? contentType = null,
        IEnumerable<(string Name, string Value)>? headers = null)
    {
        using var message = new HttpRequestMessage(new HttpMethod(method), new Uri(KubeEndpoint, path));
        if (token is not null) message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            message.Content = new StringContent(body);
            message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType ?? "application/json");
        }
        foreach (var (name, value) in headers ?? []) message.Headers.TryAddWithoutValidation(name, value);
        using var response = await _kube!.SendAsync(message);
        return new KubeResult((int)response.StatusCode, await response.Content.ReadAsStringAsync(),
            response.Content.Headers.ContentType?.ToString() ?? "",
            response.Headers.Concat(response.Content.Headers).ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase));
    }

    public HttpClient KubeClient => _kube!;
}

public sealed record KubeResult(int Status, string Body, string ContentType, IReadOnlyDictionary<string, string> Headers)
{
    public JsonObject Json => (JsonObject)JsonNode.Parse(Body)!;

    public KubeResult Expect(int status)
    {
        Assert.True(Status == status, $"expected {status}, got {Status}: {Body}");
        return this;
    }

    public override string ToString() => $"{Status} {Body}";
}
