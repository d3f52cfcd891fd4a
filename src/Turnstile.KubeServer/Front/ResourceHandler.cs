using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Turnstile.Core.Authz;
using Turnstile.Core.Kube;
using Turnstile.Kube.Catalog;
using Turnstile.Kube.Handlers;
using Turnstile.Kube.Registry;
using Turnstile.KubeServer.Adapters;

namespace Turnstile.KubeServer.Front;

/// <summary>
/// Resource requests: the RequestInfo's group, version and resource are looked up in the cluster's catalogue (404 when
/// not served) and the request goes to the per-verb handlers, with the schema-backed patcher, field validator and
/// table printers of that catalogue. The handlers' answer is written as is (watches streamed, flushed per event).
/// </summary>
public sealed class ResourceHandler(KubeRegistry registry, WatchSettings watch, TimeProvider time)
{
    private readonly ConditionalWeakTable<ApiSnapshot, KubeApiHandlers> _handlers = [];

    public async Task HandleAsync(FrontRequest request)
    {
        var http = request.Http;
        var attributes = request.Attributes;
        var api = request.Apis.Catalog.Find(attributes.ApiGroup, attributes.ApiVersion, attributes.Resource);
        if (api is null || (!api.Namespaced && attributes.Namespace.Length > 0 && attributes.Resource != "namespaces"))
        {
            await StatusWriter.WriteAsync(http, KubeStatus.NotFoundPath()).ConfigureAwait(false);
            return;
        }
        var user = request.User;
        var policies = request.AccessPolicies;
        var engine = request.Engine;
        var kubeRequest = new KubeRequest
        {
            Cluster = request.Cluster,
            Verb = attributes.Verb,
            Resource = api,
            Namespace = attributes.Namespace,
            Name = attributes.Name,
            Subresource = attributes.Subresource,
            Query = GoUrlQuery.Parse(http.Request.QueryString.Value is { Length: > 0 } q ? q[1..] : ""),
            Accept = http.Request.Headers.Accept.Count > 0 ? http.Request.Headers.Accept.ToString() : null,
            ContentType = http.Request.ContentType,
            Body = http.Request.Body,
            UserAgent = http.Request.Headers.UserAgent.ToString(),
            User = user,
            AccessPolicies = policies,
            AuthorizeCreate = _ =>
            {
                var create = attributes with { Verb = "create" };
                var result = engine.Authorizer.Authorize(user, policies, create);
                return ValueTask.FromResult(result.Allowed ? null : KubeStatus.Forbidden(create, user.Username, result.Reason));
            },
        };
        var response = await HandlersFor(request.Apis).HandleAsync(kubeRequest, http.RequestAborted).ConfigureAwait(false);
        await WriteAsync(http, response).ConfigureAwait(false);
    }

    private KubeApiHandlers HandlersFor(ApiSnapshot apis) =>
        _handlers.GetValue(apis, a => new KubeApiHandlers(registry, new SchemaPatcher(a, time), new CatalogTableConvertor(a, time),
            new SchemaFieldValidator(a), watch));

    private static async Task WriteAsync(HttpContext http, KubeResponse response)
    {
        var headers = http.Response.Headers;
        if (response.Warnings.Count > 0) headers["Warning"] = response.Warnings.ToArray();
        if (response.RetryAfterSeconds > 0) headers.RetryAfter = response.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        headers.CacheControl = "no-cache, private";
        if (response.StatusCode == 403) headers["X-Content-Type-Options"] = "nosniff";
        if (response.Stream is not { } stream)
        {
            await StatusWriter.WriteAsync(http, response.StatusCode, response.ContentType, response.Body).ConfigureAwait(false);
            return;
        }
        http.Response.StatusCode = response.StatusCode;
        http.Response.ContentType = response.ContentType;
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await http.Response.StartAsync(http.RequestAborted).ConfigureAwait(false);
        try
        {
            await stream(http.Response.Body, http.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away: the watch ends.
        }
    }
}
