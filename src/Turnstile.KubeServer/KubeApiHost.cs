using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Turnstile.Aws.Eks;

namespace Turnstile.KubeServer;

/// <summary>
/// The HTTPS listener of the Kubernetes API front: one port for every cluster (paths <c>/clusters/&lt;name&gt;/...</c>),
/// a serving certificate for the listen address, <c>localhost</c> and the loopback addresses, signed by the CA that
/// DescribeCluster returns, so kubectl verifies it with the kubeconfig <c>aws eks update-kubeconfig</c> writes.
/// The host owns the front and disposes it.
/// </summary>
public sealed class KubeApiHost : IAsyncDisposable
{
    private readonly KubeFront _front;
    private readonly string _host;
    private readonly int _port;
    private readonly ILoggerFactory? _loggerFactory;
    private WebApplication? _app;
    private X509Certificate2? _certificate;

    public KubeApiHost(KubeFront front, string host = "127.0.0.1", int port = 0, ILoggerFactory? loggerFactory = null)
    {
        _front = front;
        _host = host;
        _port = port;
        _loggerFactory = loggerFactory;
    }

    /// <summary>The bound port (the real one when 0 was asked for); valid after start.</summary>
    public int Port { get; private set; }

    /// <summary><c>https://HOST:PORT</c>; a cluster's API is under <c>/clusters/&lt;name&gt;</c>.</summary>
    public Uri Endpoint => new($"https://{(_host.Contains(':') ? $"[{_host}]" : _host)}:{Port}");

    public async Task StartAsync(ClusterCertificateAuthority authority, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (_app is not null) throw new InvalidOperationException("already started");
        _certificate = ServingCertificate(authority, _host, now);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // The handlers read at most 3 MiB and answer 413 themselves, as a Status.
            kestrel.Limits.MaxRequestBodySize = null;
            foreach (var address in ListenAddresses(_host))
                kestrel.Listen(address, _port, listen => listen.UseHttps(_certificate));
        });
        if (_loggerFactory is not null) builder.Services.AddSingleton(_loggerFactory);
        builder.Services.AddSingleton<IHostLifetime, PassiveLifetime>();
        var app = builder.Build();
        app.Run(_front.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _app = app;
        Port = _port;
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
            if (Uri.TryCreate(address, UriKind.Absolute, out var uri))
            {
                Port = uri.Port;
                break;
            }
    }

    private static X509Certificate2 ServingCertificate(ClusterCertificateAuthority authority, string host, DateTimeOffset now)
    {
        var names = new List<string> { "localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local" };
        var addresses = new List<IPAddress> { IPAddress.Loopback, IPAddress.IPv6Loopback };
        if (IPAddress.TryParse(host, out var ip))
        {
            if (!addresses.Contains(ip) && !ip.Equals(IPAddress.Any) && !ip.Equals(IPAddress.IPv6Any)) addresses.Add(ip);
        }
        else if (!names.Contains(host, StringComparer.OrdinalIgnoreCase))
        {
            names.Add(host);
        }
        return authority.IssueServingCertificate(names, addresses, now);
    }

    private static IEnumerable<IPAddress> ListenAddresses(string host)
    {
        if (IPAddress.TryParse(host, out var ip)) return [ip];
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)) return [IPAddress.Loopback];
        return Dns.GetHostAddresses(host);
    }

    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        var app = _app;
        if (app is null) return;
        _app = null;
        await app.StopAsync(cancellationToken).ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _front.DisposeAsync().ConfigureAwait(false);
        _certificate?.Dispose();
    }

    /// <summary>Signals are the caller's business (the command handles Ctrl-C).</summary>
    private sealed class PassiveLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
