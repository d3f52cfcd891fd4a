using Turnstile.Aws.Eks;
using Turnstile.Core.Authz;
using Turnstile.Core.Kube;
using Turnstile.KubeServer.Access;
using Turnstile.KubeServer.Catalog;

namespace Turnstile.KubeServer.Front;

/// <summary>
/// The first stages: the <c>/clusters/&lt;name&gt;</c> prefix picks the cluster (404 Status for a path without one or
/// an unknown cluster), then kube's RequestInfo is derived from the rest of the path. The cluster's state view, access
/// engine and served catalogue are read once here for the whole request.
/// </summary>
public sealed class ClusterFilter(EksService eks, ClusterAccess access, ClusterCatalogs catalogs)
{
    public const string Prefix = "/clusters/";

    public FrontDelegate Wrap(FrontDelegate next) => async request =>
    {
        var http = request.Http;
        var path = http.Request.Path.Value ?? "";
        if (!path.StartsWith(Prefix, StringComparison.Ordinal))
        {
            await StatusWriter.WriteAsync(http, KubeStatus.NotFoundPath()).ConfigureAwait(false);
            return;
        }
        var slash = path.IndexOf('/', Prefix.Length);
        var cluster = slash < 0 ? path[Prefix.Length..] : path[Prefix.Length..slash];
        var view = await eks.SettledViewAsync(http.RequestAborted).ConfigureAwait(false);
        if (cluster.Length == 0 || access.EngineAt(view, cluster) is not { } engine)
        {
            await StatusWriter.WriteAsync(http, KubeStatus.NotFoundPath()).ConfigureAwait(false);
            return;
        }
        request.Cluster = cluster;
        request.Path = slash < 0 ? "/" : path[slash..];
        request.View = view;
        request.Engine = engine;
        request.Apis = catalogs.For(view, cluster);

        var info = RequestInfoParser.Parse(http.Request.Method, request.Path, http.Request.QueryString.Value);
        if (info.Error is { } error)
        {
            // kube-apiserver answers an unparsable path (a bare /watch or /proxy) with a 500; a client's bad path is a 400 here.
            await StatusWriter.WriteAsync(http, KubeStatus.BadRequest("failed to create RequestInfo: " + error)).ConfigureAwait(false);
            return;
        }
        request.Info = info;
        await next(request).ConfigureAwait(false);
    };
}
