using System.Text;
using BenchmarkDotNet.Attributes;
using Turnstile.Aws;
using Turnstile.Core.Aws.Sigv4;
using Turnstile.Hosting;
using Turnstile.Server;
using Turnstile.State;

namespace Turnstile.Benchmarks;

/// <summary>
/// One signed call through the AWS request pipeline in process, without sockets or Kestrel: decode, SigV4
/// authentication against the stored key, IAM authorization, the operation on the state cache, the encoded response.
/// What the load runs (bench/load) measure minus the HTTP server, so old and new trees can be compared without the
/// noise of the network stack and of other processes.
/// </summary>
[MemoryDiagnoser]
public class AwsPipelineBenchmarks
{
    private EmulatorRuntime _runtime = null!;
    private AwsRequestPipeline _pipeline = null!;
    private IncomingRequest _getCallerIdentity = null!;
    private IncomingRequest _describeCluster = null!;

    // Synchronous entry points: the in-process toolchain does not await asynchronous setup methods.
    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => _runtime.DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _runtime = await EmulatorRuntime.StartAsync(new InMemoryStore(), new EmulatorOptions());
        _pipeline = new AwsRequestPipeline(_runtime.HostOptions());
        var create = Signed("POST", "/clusters", "eks", "application/json",
            $$$"""{"name":"load","roleArn":"arn:aws:iam::{{{_runtime.Options.AccountId}}}:role/eks","resourcesVpcConfig":{"subnetIds":["a","b"]}}""");
        await Expect200(create);
        _getCallerIdentity = Signed("POST", "/", "sts", "application/x-www-form-urlencoded; charset=utf-8", "Action=GetCallerIdentity&Version=2011-06-15");
        _describeCluster = Signed("GET", "/clusters/load", "eks", null, null);
        await Expect200(_getCallerIdentity);
        await Expect200(_describeCluster);
    }

    [Benchmark]
    public int GetCallerIdentity() => _pipeline.ProcessAsync(_getCallerIdentity).GetAwaiter().GetResult().StatusCode;

    [Benchmark]
    public int DescribeCluster() => _pipeline.ProcessAsync(_describeCluster).GetAwaiter().GetResult().StatusCode;

    private async Task Expect200(IncomingRequest request)
    {
        var response = await _pipeline.ProcessAsync(request);
        if (response.StatusCode != 200)
            throw new InvalidOperationException($"{request.Method} {request.RawPath}: {response.StatusCode} {Encoding.UTF8.GetString(response.Body)}");
    }

    /// <summary>Signed as botocore signs it, now (valid for the 15 minutes a benchmark run takes at most).</summary>
    private IncomingRequest Signed(string method, string path, string service, string? contentType, string? body)
    {
        List<HttpHeader> headers = [new("Host", "127.0.0.1:4566")];
        if (contentType is not null) headers.Add(new("Content-Type", contentType));
        var request = new SigV4HttpRequest
        {
            Method = method,
            RawPath = path,
            Headers = headers,
            Body = body is null ? ReadOnlyMemory<byte>.Empty : Encoding.UTF8.GetBytes(body),
        };
        var credentials = new AwsCredentials(EmulatorOptions.DefaultAdminAccessKeyId, EmulatorOptions.DefaultAdminSecretAccessKey, null);
        var signed = SigV4Signer.Sign(request, credentials, _runtime.Options.Region, service, DateTimeOffset.UtcNow).SignedRequest;
        return new IncomingRequest { Method = signed.Method, RawPath = signed.RawPath, RawQuery = signed.RawQuery, Headers = signed.Headers, Body = signed.Body };
    }
}
