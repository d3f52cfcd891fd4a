using System.Buffers;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Turnstile.Core.Aws.Sigv4;

namespace Turnstile.Server;

/// <summary>
/// The AWS endpoint: a bare Kestrel server (no MVC, no routing middleware) whose single request delegate runs the
/// protocol pipeline for every hosted <see cref="Turnstile.Aws.IAwsService"/>. Prints nothing; signal handling is the
/// caller's business.
/// </summary>
public sealed class EmulatorHost : IAsyncDisposable
{
    private readonly EmulatorHostOptions _options;
    private readonly AwsRequestPipeline _pipeline;
    private WebApplication? _app;

    public EmulatorHost(EmulatorHostOptions options)
    {
        _options = options;
        _pipeline = new AwsRequestPipeline(options);
    }

    /// <summary>The bound port (the real one when <see cref="EmulatorHostOptions.Port"/> was 0); valid after start.</summary>
    public int Port { get; private set; }

    /// <summary>Base URL clients use, e.g. <c>http://127.0.0.1:4566</c>; valid after start.</summary>
    public Uri Endpoint => new($"http://{FormatHost(_options.Host)}:{Port}");

    /// <summary>Signing names of the hosted services.</summary>
    public IReadOnlyCollection<string> ServiceNames => _pipeline.SigningNames;

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_app is not null) throw new InvalidOperationException("already started");
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // The pipeline enforces its own body limit so it can answer with an AWS-shaped error.
            kestrel.Limits.MaxRequestBodySize = null;
            foreach (var address in ListenAddresses(_options.Host))
                kestrel.Listen(address, _options.Port);
        });
        builder.Services.AddSingleton<IHostLifetime, PassiveLifetime>();

        var app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _app = app;

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        Port = _options.Port;
        if (addresses is not null)
            foreach (var address in addresses)
                if (Uri.TryCreate(address, UriKind.Absolute, out var uri))
                {
                    Port = uri.Port;
                    break;
                }
    }

    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        var app = _app;
        if (app is null) return;
        _app = null;
        await app.StopAsync(cancellationToken).ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "/";
        SplitTarget(target, out var rawPath, out var rawQuery);

        byte[]? rented = null;
        try
        {
            var canHaveBody = context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? true;
            var (buffer, length, tooLarge) = canHaveBody
                ? await ReadBodyAsync(request, _options.MaxRequestBodyBytes, context.RequestAborted).ConfigureAwait(false)
                : (null, 0, false);
            rented = buffer;

            var headers = new List<HttpHeader>(request.Headers.Count + 2);
            foreach (var (name, values) in request.Headers)
                foreach (var value in values)
                    headers.Add(new HttpHeader(name, value ?? ""));

            var response = await _pipeline.ProcessAsync(new IncomingRequest
            {
                Method = request.Method,
                RawPath = rawPath,
                RawQuery = rawQuery,
                Headers = headers,
                Body = buffer is null ? ReadOnlyMemory<byte>.Empty : buffer.AsMemory(0, length),
                BodyTooLarge = tooLarge,
                SourceIp = context.Connection.RemoteIpAddress?.ToString() ?? "127.0.0.1",
                Secure = request.IsHttps,
            }, context.RequestAborted).ConfigureAwait(false);

            var http = context.Response;
            http.StatusCode = response.StatusCode;
            http.ContentType = response.ContentType;
            http.ContentLength = response.Body.Length;
            if (response.Headers is not null)
                foreach (var (name, value) in response.Headers)
                    http.Headers.Append(name, value);
            await http.Body.WriteAsync(response.Body, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or BadHttpRequestException)
        {
            // The client went away or sent a broken body; there is nobody to answer.
            context.Abort();
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Reads the body into a pooled buffer (the caller returns it); stops early when it exceeds the limit.</summary>
    private static async Task<(byte[]? Buffer, int Length, bool TooLarge)> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancel)
    {
        var declared = request.ContentLength;
        if (declared == 0) return (null, 0, false);
        if (declared > limit) return (null, 0, true);

        var buffer = ArrayPool<byte>.Shared.Rent(declared is > 0 ? (int)declared.Value : 4096);
        var length = 0;
        try
        {
            while (length <= limit)
            {
                if (length == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, limit + 1));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancel).ConfigureAwait(false);
                if (read == 0) break;
                length += read;
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
        if (length > limit)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return (null, 0, true);
        }
        return (buffer, length, false);
    }

    internal static void SplitTarget(string target, out string rawPath, out string rawQuery)
    {
        // Absolute-form targets (proxies): drop scheme and authority.
        if (!target.StartsWith('/') && target.IndexOf("://", StringComparison.Ordinal) is var scheme and >= 0)
        {
            var slash = target.IndexOf('/', scheme + 3);
            target = slash < 0 ? "/" : target[slash..];
        }
        var q = target.IndexOf('?');
        rawPath = q < 0 ? target : target[..q];
        rawQuery = q < 0 ? "" : target[(q + 1)..];
        if (rawPath.Length == 0) rawPath = "/";
    }

    private static IEnumerable<IPAddress> ListenAddresses(string host)
    {
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)) return [IPAddress.Loopback];
        if (IPAddress.TryParse(host.Trim('[', ']'), out var ip)) return [ip];
        return Dns.GetHostAddresses(host);
    }

    private static string FormatHost(string host) =>
        IPAddress.TryParse(host, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{host}]" : host;

    /// <summary>Keeps the generic host from installing Ctrl-C/SIGTERM handlers; the CLI owns process lifetime.</summary>
    private sealed class PassiveLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
