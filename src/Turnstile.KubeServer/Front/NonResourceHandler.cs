using System.Text;
using Microsoft.AspNetCore.Http;
using Turnstile.Core.Kube;
using Turnstile.Kube.Catalog;
using Turnstile.Kube.Discovery;
using Turnstile.Kube.Handlers;
using Turnstile.Kube.OpenApi;

namespace Turnstile.KubeServer.Front;

/// <summary>
/// The non-resource URLs kubectl and client libraries read: discovery (legacy and aggregated v2/v2beta1, with ETag and
/// 304), <c>/version</c>, the health checks and the OpenAPI v2 and v3 documents of the cluster's catalogue.
/// </summary>
public sealed class NonResourceHandler(ServerVersion version)
{
    private static readonly byte[] Ok = "ok"u8.ToArray();

    public async Task HandleAsync(FrontRequest request)
    {
        var http = request.Http;
        var path = request.Path.Length > 1 ? request.Path.TrimEnd('/') : request.Path;
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
        {
            await StatusWriter.WriteAsync(http, path is "/version" or "/api" or "/apis" || path.StartsWith("/api", StringComparison.Ordinal)
                ? StatusWriter.MethodNotAllowed() : KubeStatus.NotFoundPath()).ConfigureAwait(false);
            return;
        }
        var apis = request.Apis;
        switch (path)
        {
            case "/version":
                await WriteNoCacheAsync(http, "application/json", version.Json).ConfigureAwait(false);
                return;
            case "/healthz" or "/livez" or "/readyz":
                await WriteNoCacheAsync(http, "text/plain; charset=utf-8", Ok).ConfigureAwait(false);
                return;
            case "/api" or "/apis":
                await DiscoveryRootAsync(http, apis, path == "/api").ConfigureAwait(false);
                return;
            case "/openapi/v2":
                var v2 = http.Request.Headers.Accept.ToString().Contains(OpenApiDocuments.V2ProtobufAccept, StringComparison.Ordinal)
                    ? apis.OpenApi.V2Protobuf
                    : apis.OpenApi.V2Json;
                await OpenApiAsync(http, v2, immutable: false).ConfigureAwait(false);
                return;
            case "/openapi/v3":
                await OpenApiAsync(http, apis.OpenApi.V3Root, immutable: false).ConfigureAwait(false);
                return;
        }
        if (path.StartsWith("/openapi/v3/", StringComparison.Ordinal))
        {
            await OpenApiV3Async(request, path["/openapi/v3/".Length..]).ConfigureAwait(false);
            return;
        }
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var document = parts switch
        {
            ["api", var v] => apis.Discovery.ResourceList("", v),
            ["apis", var g] => apis.Discovery.Group(g),
            ["apis", var g, var v] => apis.Discovery.ResourceList(g, v),
            _ => null,
        };
        if (document is null)
        {
            await StatusWriter.WriteAsync(http, KubeStatus.NotFoundPath()).ConfigureAwait(false);
            return;
        }
        await DiscoveryAsync(http, document).ConfigureAwait(false);
    }

    private static async Task DiscoveryRootAsync(HttpContext http, ApiSnapshot apis, bool core)
    {
        var format = DiscoveryDocuments.Negotiate(http.Request.Headers.Accept.ToString());
        if (format is null)
        {
            await StatusWriter.WriteAsync(http, MediaTypes.NotAcceptable(["application/json"])).ConfigureAwait(false);
            return;
        }
        var document = format is DiscoveryFormat.Legacy
            ? core ? apis.Discovery.ApiVersions(http.Request.Host.Value ?? "") : apis.Discovery.GroupList
            : apis.Discovery.Aggregated(core, format.Value);
        await DiscoveryAsync(http, document).ConfigureAwait(false);
    }

    private static async Task DiscoveryAsync(HttpContext http, DiscoveryDocument document)
    {
        var response = http.Response;
        response.Headers.ETag = document.ETag;
        response.Headers.Vary = "Accept";
        response.Headers.CacheControl = "public";
        if (document.MatchesIfNoneMatch(http.Request.Headers.IfNoneMatch.ToString()))
        {
            response.StatusCode = 304;
            return;
        }
        await StatusWriter.WriteAsync(http, 200, document.ContentType, document.Body).ConfigureAwait(false);
    }

    // /openapi/v3/<group-version>?hash=H: a stale hash is redirected to the current one; a current hash is immutable.
    private async Task OpenApiV3Async(FrontRequest request, string groupVersion)
    {
        var http = request.Http;
        if (request.Apis.OpenApi.V3(groupVersion) is not { } document)
        {
            await StatusWriter.WriteAsync(http, KubeStatus.NotFoundPath()).ConfigureAwait(false);
            return;
        }
        var hash = http.Request.Query["hash"].ToString();
        if (hash.Length > 0 && hash != document.Hash)
        {
            http.Response.StatusCode = 301;
            http.Response.Headers.Location = $"{ClusterFilter.Prefix}{request.Cluster}/openapi/v3/{groupVersion}?hash={document.Hash}";
            return;
        }
        await OpenApiAsync(http, document, immutable: hash.Length > 0).ConfigureAwait(false);
    }

    private static async Task OpenApiAsync(HttpContext http, OpenApiDocument document, bool immutable)
    {
        var response = http.Response;
        response.Headers.ETag = document.ETag;
        response.Headers.Vary = "Accept";
        response.Headers.CacheControl = immutable ? "public, immutable" : "no-cache, private";
        if (http.Request.Headers.IfNoneMatch.ToString().Split(',').Any(t => t.Trim() == document.ETag))
        {
            response.StatusCode = 304;
            return;
        }
        await StatusWriter.WriteAsync(http, 200, document.ContentType, document.Body).ConfigureAwait(false);
    }

    private static Task WriteNoCacheAsync(HttpContext http, string contentType, byte[] body)
    {
        http.Response.Headers.CacheControl = "no-cache, private";
        return StatusWriter.WriteAsync(http, 200, contentType, body);
    }
}

/// <summary>What <c>/version</c> reports: an EKS 1.32 build (<c>v1.32.x-eks-&lt;commit&gt;</c>).</summary>
public sealed class ServerVersion
{
    public const string GitVersion = "v1.32.9-eks-113cf36";
    public const string GitCommit = "113cf36f1c8cba2b6cad3b3a4fbcbed1e0b3f9b0";

    public byte[] Json { get; } = Encoding.UTF8.GetBytes(
        "{\n  \"major\": \"1\",\n  \"minor\": \"32\",\n  \"gitVersion\": \"" + GitVersion + "\",\n  \"gitCommit\": \"" + GitCommit + "\",\n" +
        "  \"gitTreeState\": \"clean\",\n  \"buildDate\": \"2025-09-10T20:48:20Z\",\n  \"goVersion\": \"go1.23.12\",\n  \"compiler\": \"gc\",\n" +
        "  \"platform\": \"linux/amd64\"\n}");
}
