using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Turnstile.Core.AccessPolicies;
using Turnstile.Core.Authn;
using Turnstile.Core.Authz;
using Turnstile.KubeServer.Front;

namespace Turnstile.KubeServer.Webhooks;

/// <summary>
/// Webhook mode, for a real kube-apiserver in front of an emulated cluster: <c>POST /clusters/&lt;name&gt;/authenticate</c>
/// answers TokenReviews as aws-iam-authenticator's <c>/authenticate</c> does (EKS tokens, the cluster's identity
/// mapping), and <c>POST /clusters/&lt;name&gt;/authorize</c> answers SubjectAccessReviews with the cluster's EKS access
/// policies, the authorizer EKS puts after RBAC. The API server calls them with its own credentials, not an EKS
/// token, so they sit before authentication. <c>turnstile webhook-config</c> writes the kubeconfig files that point
/// <c>--authentication-token-webhook-config-file</c> and <c>--authorization-webhook-config-file</c> here.
/// </summary>
public sealed class WebhookFilter(AuthenticationFilter authentication)
{
    public const string AuthenticatePath = "/authenticate";
    public const string AuthorizePath = "/authorize";

    private const string JsonContentType = "application/json; charset=UTF-8";
    private const int MaxBodyBytes = 3 * 1024 * 1024;

    public FrontDelegate Wrap(FrontDelegate next) => request => request.Path switch
    {
        AuthenticatePath => AuthenticateAsync(request),
        AuthorizePath => AuthorizeAsync(request),
        _ => next(request),
    };

    // aws-iam-authenticator's protocol: plain-text 405/400 for a wrong method or body, 403 with an unauthenticated
    // TokenReview for a token it refuses, 200 with the user for one it maps.
    private async Task AuthenticateAsync(FrontRequest request)
    {
        var http = request.Http;
        if (!HttpMethods.IsPost(http.Request.Method))
        {
            await PlainAsync(request, 405, "expected POST").ConfigureAwait(false);
            return;
        }
        var review = await ReadObjectAsync(request).ConfigureAwait(false);
        var spec = Member(review, "spec");
        var tokenNode = Member(spec as JsonObject, "token");
        if (review is null || spec is not (null or JsonObject) || (tokenNode is not null && tokenNode.GetValueKind() != JsonValueKind.String))
        {
            await PlainAsync(request, 400, "expected a request body to be a TokenReview").ConfigureAwait(false);
            return;
        }
        var token = tokenNode?.GetValue<string>() ?? "";
        var mapped = await authentication.AuthenticateAsync(request, token, http.RequestAborted).ConfigureAwait(false);
        if (mapped?.User is not { } user)
        {
            await JsonAsync(request, 403, new JsonObject { ["metadata"] = new JsonObject(), ["spec"] = new JsonObject(), ["status"] = new JsonObject { ["user"] = new JsonObject() } })
                .ConfigureAwait(false);
            return;
        }
        var extra = new JsonObject();
        foreach (var (key, values) in user.Extra) extra[key] = new JsonArray([.. values.Select(x => JsonValue.Create(x))]);
        await JsonAsync(request, 200, new JsonObject
        {
            ["metadata"] = new JsonObject(),
            ["spec"] = new JsonObject(),
            ["status"] = new JsonObject
            {
                ["authenticated"] = true,
                ["user"] = new JsonObject
                {
                    ["username"] = user.Username,
                    ["uid"] = user.Uid,
                    ["groups"] = new JsonArray([.. user.Groups.Select(x => JsonValue.Create(x))]),
                    ["extra"] = extra,
                },
            },
        }).ConfigureAwait(false);
    }

    // The access-policy authorizer behind the webhook: the access entry is the one of the ARN the authenticator put in
    // the user's extra (canonicalArn); no entry, or no policy that matches, is "no opinion" (allowed false, not denied).
    private async Task AuthorizeAsync(FrontRequest request)
    {
        var http = request.Http;
        if (!HttpMethods.IsPost(http.Request.Method))
        {
            await StatusWriter.WriteAsync(http, StatusWriter.MethodNotAllowed()).ConfigureAwait(false);
            return;
        }
        var review = await ReadObjectAsync(request).ConfigureAwait(false);
        string? error = null;
        if (review is null || SubjectAccessReviewSpec.TryRead(review, out error) is not { } spec)
        {
            await StatusWriter.WriteAsync(http, Core.Kube.KubeStatus.BadRequest(error ?? "expected a request body to be a SubjectAccessReview")).ConfigureAwait(false);
            return;
        }
        var canonicalArn = spec.Extra.TryGetValue("canonicalArn", out var arns) && arns.Count == 1 ? arns[0] : null;
        var policies = canonicalArn is null ? [] : request.Engine.Mapper.FindAccessEntry(canonicalArn)?.AccessPolicies ?? [];
        var decision = AccessPolicyAuthorizer.Authorize(policies, spec.Attributes);
        var status = new JsonObject { ["allowed"] = decision.Allowed };
        if (decision.Allowed) status["reason"] = decision.Reason;
        await JsonAsync(request, 200, new JsonObject
        {
            ["apiVersion"] = spec.ApiVersion,
            ["kind"] = "SubjectAccessReview",
            ["metadata"] = new JsonObject(),
            ["spec"] = review["spec"]?.DeepClone(),
            ["status"] = status,
        }).ConfigureAwait(false);
    }

    private static async Task<JsonObject?> ReadObjectAsync(FrontRequest request)
    {
        var http = request.Http;
        using var buffer = new MemoryStream();
        var chunk = new byte[16384];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        try
        {
            return JsonNode.Parse(buffer.ToArray(), documentOptions: new JsonDocumentOptions { MaxDepth = 64 }) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // Go's decoder matches object keys case-insensitively when no exact key exists.
    internal static JsonNode? Member(JsonObject? obj, string name)
    {
        if (obj is null) return null;
        if (obj.TryGetPropertyValue(name, out var exact)) return exact;
        foreach (var (key, value) in obj)
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase)) return value;
        return null;
    }

    private static Task PlainAsync(FrontRequest request, int code, string text) =>
        StatusWriter.WriteAsync(request.Http, code, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(text + "\n"));

    private static Task JsonAsync(FrontRequest request, int code, JsonObject body) =>
        StatusWriter.WriteAsync(request.Http, code, JsonContentType, Encoding.UTF8.GetBytes(body.ToJsonString() + "\n"));
}

/// <summary>What the authorization webhook reads of a SubjectAccessReview (v1 or v1beta1).</summary>
internal sealed record SubjectAccessReviewSpec(string ApiVersion, RequestAttributes Attributes, IReadOnlyDictionary<string, IReadOnlyList<string>> Extra)
{
    public static SubjectAccessReviewSpec? TryRead(JsonObject review, out string? error)
    {
        error = null;
        var apiVersion = WebhookFilter.Member(review, "apiVersion") is JsonValue av && av.GetValueKind() == JsonValueKind.String
            ? av.GetValue<string>()
            : "authorization.k8s.io/v1";
        if (apiVersion is not ("authorization.k8s.io/v1" or "authorization.k8s.io/v1beta1"))
        {
            error = $"unsupported SubjectAccessReview version {apiVersion}";
            return null;
        }
        if (WebhookFilter.Member(review, "spec") is not JsonObject spec)
        {
            error = "spec: expected an object";
            return null;
        }
        var extra = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (WebhookFilter.Member(spec, "extra") is JsonObject extraObject)
            foreach (var (key, values) in extraObject)
                if (values is JsonArray list && list.All(x => x is JsonValue value && value.GetValueKind() == JsonValueKind.String))
                    extra[key] = [.. list.Select(x => x!.GetValue<string>())];
        if (WebhookFilter.Member(spec, "resourceAttributes") is JsonObject resource)
            return new SubjectAccessReviewSpec(apiVersion, RequestAttributes.ForResource(
                Text(resource, "verb"), Text(resource, "group"), Text(resource, "resource"), Text(resource, "namespace"), Text(resource, "name"),
                Text(resource, "subresource"), Text(resource, "version")), extra);
        if (WebhookFilter.Member(spec, "nonResourceAttributes") is JsonObject nonResource)
            return new SubjectAccessReviewSpec(apiVersion, RequestAttributes.ForPath(Text(nonResource, "verb"), Text(nonResource, "path")), extra);
        error = "spec: exactly one of nonResourceAttributes or resourceAttributes must be specified";
        return null;
    }

    private static string Text(JsonObject obj, string name) =>
        WebhookFilter.Member(obj, name) is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "";
}
