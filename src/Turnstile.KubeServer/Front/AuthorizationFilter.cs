using Turnstile.Core.Kube;

namespace Turnstile.KubeServer.Front;

/// <summary>
/// The authorization filter: the cluster's authorizer union (system:masters, Node, RBAC, then the caller's EKS access
/// policies) decides on the request's attributes, resource and non-resource alike; a refusal is kube's 403 Status.
/// </summary>
public sealed class AuthorizationFilter
{
    public FrontDelegate Wrap(FrontDelegate next) => async request =>
    {
        var result = request.Engine.Authorizer.Authorize(request.User, request.AccessPolicies, request.Attributes);
        if (!result.Allowed)
        {
            await StatusWriter.WriteAsync(request.Http, KubeStatus.Forbidden(request.Attributes, request.User.Username, result.Reason)).ConfigureAwait(false);
            return;
        }
        await next(request).ConfigureAwait(false);
    };
}
