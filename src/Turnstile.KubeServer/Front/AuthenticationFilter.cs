using Turnstile.Core.Authn;
using Turnstile.Core.Authn.Token;
using Turnstile.Core.Kube;
using Turnstile.KubeServer.Authentication;

namespace Turnstile.KubeServer.Front;

/// <summary>
/// EKS's authentication: a bearer token must be an aws-iam-authenticator token (<c>k8s-aws-v1.</c>, the presigned
/// GetCallerIdentity of the emulator's own STS, within its 15 minutes, signed for this cluster's <c>x-k8s-aws-id</c>);
/// STS (in-process) names the caller and the cluster's identity mapping turns it into a Kubernetes user. Any failure is
/// kube's 401 Status. Without a bearer token the request is anonymous (<c>system:anonymous</c>), as on EKS.
/// </summary>
public sealed class AuthenticationFilter(EksTokenVerifier verifier, StsCallerIdentity sts)
{
    private const string BearerPrefix = "Bearer ";

    private static readonly KubeUser Anonymous = new(KubeUser.Anonymous, "", [KubeUser.UnauthenticatedGroup], KubeUser.NoExtra);

    public FrontDelegate Wrap(FrontDelegate next) => async request =>
    {
        var http = request.Http;
        var authorization = http.Request.Headers.Authorization;
        var header = authorization.Count == 1 ? authorization[0] ?? "" : "";
        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            request.User = Anonymous;
            await next(request).ConfigureAwait(false);
            return;
        }
        var token = header[BearerPrefix.Length..].Trim();
        var mapped = await AuthenticateAsync(request, token, http.RequestAborted).ConfigureAwait(false);
        if (mapped?.AuthenticatedUser is not { } user)
        {
            await StatusWriter.WriteAsync(http, KubeStatus.Unauthorized()).ConfigureAwait(false);
            return;
        }
        request.User = user;
        request.AccessPolicies = mapped.AccessEntry?.AccessPolicies ?? [];
        await next(request).ConfigureAwait(false);
    };

    private async Task<Core.Mapping.MappingResult?> AuthenticateAsync(FrontRequest request, string token, CancellationToken cancellationToken)
    {
        // Only the emulator's STS can vouch for a caller here: a token naming a real AWS host is refused.
        if (!verifier.TryValidate(token, out var presigned, out _) || !presigned.IsLocalEndpoint) return null;
        var identity = await sts.IdentifyAsync(presigned, request.Cluster, cancellationToken).ConfigureAwait(false);
        return identity is null ? null : request.Engine.Mapper.Map(identity);
    }
}
