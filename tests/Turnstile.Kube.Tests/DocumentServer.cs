using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Turnstile.Kube.Catalog;
using Turnstile.Kube.Discovery;
using Turnstile.Kube.OpenApi;

namespace Turnstile.Kube.Tests;

/// <summary>A list the test server answers as a server-side Table.</summary>
public sealed record ServedList(string Path, string Group, string Resource, IReadOnlyList<System.Text.Json.Nodes.JsonObject> Objects);

/// <summary>
/// A test-only plain-HTTP server that answers discovery and OpenAPI requests from a snapshot, and the given lists as
/// Tables, so the real kubectl can read the documents Turnstile.Kube builds. Every other path is a 404 Status.
/// </summary>
public sealed class DocumentServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _home;

    private DocumentServer(WebApplication app, string home, int port)
    {
        _app = app;
        _home = home;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Requests the server saw, as <c>METHOD path?query Accept</c>.</summary>
    public List<string> Requests { get; } = [];

    public static async Task<DocumentServer> StartAsync(Func<ApiSnapshot> snapshot, params ServedList[] lists)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        DocumentServer? server = null;
        app.Run(async context =>
        {
            var request = context.Request;
            lock (server!.Requests) server.Requests.Add($"{request.Method} {request.Path}{request.QueryString} {request.Headers.Accept}");
            var (body, type) = lists.FirstOrDefault(l => l.Path == request.Path.Value) is { } list
                ? (new Turnstile.Kube.Tables.TableConverter(snapshot()).ToTable(list.Group, list.Resource, list.Objects, Turnstile.Kube.Tables.IncludeObject.Metadata, DateTimeOffset.UtcNow, "7"),
                    Turnstile.Kube.Tables.TableWriter.ContentType)
                : Answer(snapshot(), request);
            if (body is null)
            {
                context.Response.StatusCode = 404;
                context.Response.ContentType = "application/json";
                await context.Response.Body.WriteAsync(Core.Kube.KubeStatus.NotFoundPath().ToJsonBytes());
                return;
            }
            context.Response.ContentType = type;
            await context.Response.Body.WriteAsync(body);
        });
        await app.StartAsync();
        var port = new Uri(app.Urls.First()).Port;
        var home = Directory.CreateTempSubdirectory("turnstile-kubectl-").FullName;
        File.WriteAllText(Path.Combine(home, "config"), $"""
            apiVersion: v1
            kind: Config
            clusters: [{"{"}name: t, cluster: {"{"}server: "http://127.0.0.1:{port}"{"}"}{"}"}]
            users: [{"{"}name: t, user: {"{"}{"}"}{"}"}]
            contexts: [{"{"}name: t, context: {"{"}cluster: t, user: t, namespace: default{"}"}{"}"}]
            current-context: t
            """);
        server = new DocumentServer(app, home, port);
        return server;
    }

    private static (byte[]? Body, string Type) Answer(ApiSnapshot s, HttpRequest request)
    {
        var path = request.Path.Value!.TrimEnd('/');
        var accept = request.Headers.Accept.ToString();
        if (path is "/api" or "/apis")
        {
            var format = DiscoveryDocuments.Negotiate(accept);
            if (format is DiscoveryFormat.AggregatedV2 or DiscoveryFormat.AggregatedV2Beta1)
            {
                var doc = s.Discovery.Aggregated(path == "/api", format.Value);
                return (doc.Body, doc.ContentType);
            }
            var legacy = path == "/api" ? s.Discovery.ApiVersions("127.0.0.1:443") : s.Discovery.GroupList;
            return (legacy.Body, legacy.ContentType);
        }
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts is ["api", var v]) return Doc(s.Discovery.ResourceList("", v));
        if (parts is ["apis", var g]) return Doc(s.Discovery.Group(g));
        if (parts is ["apis", var g2, var v2]) return Doc(s.Discovery.ResourceList(g2, v2));
        if (path == "/openapi/v2")
        {
            var doc = accept.Contains(OpenApiDocuments.V2ProtobufAccept) ? s.OpenApi.V2Protobuf : s.OpenApi.V2Json;
            return (doc.Body, doc.ContentType);
        }
        if (path == "/openapi/v3") return (s.OpenApi.V3Root.Body, s.OpenApi.V3Root.ContentType);
        if (path.StartsWith("/openapi/v3/", StringComparison.Ordinal))
            return s.OpenApi.V3(path["/openapi/v3/".Length..]) is { } d ? (d.Body, d.ContentType) : (null, "");
        return (null, "");
    }

    private static (byte[]?, string) Doc(DiscoveryDocument? d) => d is null ? (null, "") : (d.Body, d.ContentType);

    /// <summary>Runs the kubectl on PATH against this server with a fresh kubeconfig and cache.</summary>
    public async Task<(int ExitCode, string Stdout, string Stderr)> KubectlAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["KUBECONFIG"] = Path.Combine(_home, "config");
        psi.Environment["HOME"] = _home;
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add("--cache-dir=" + Path.Combine(_home, "cache"));
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (p.ExitCode, await stdout, await stderr);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_home, recursive: true);
    }
}
