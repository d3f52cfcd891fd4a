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
public sealed class AuthenticationFilter(EksTokenVerifier verifier, StsCallerIdentity sts, VerifiedTokens verified)
{
    private const string BearerPrefix = "Bearer ";

    private static readonly KubeUser Anonymous = new(KubeUser.Anonymous, "", [KubeUser.UnauthenticatedGroup], KubeUser.NoExtra);

    public FrontDelegate Wrap(FrontDelegate next) => async request =>
    {
        var http = request.Http;
        var authorization = http.Request.Headers.Authorization;
        var header = authorization.Count > 0 ? authorization[0] ?? "" : "";
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

    /// <summary>The token's mapping (null when the token or STS refuses it); also the TokenReview webhook's answer.</summary>
    internal Task<Core.Mapping.MappingResult?> AuthenticateAsync(FrontRequest request, string token, CancellationToken cancellationToken) =>
        AuthenticateAsync(request.Cluster, request.Engine, token, cancellationToken);

    /// <summary>The same for a cluster's engine (the TokenReview API).</summary>
    internal async Task<Core.Mapping.MappingResult?> AuthenticateAsync(string cluster, Core.Clusters.AccessEngine engine, string token,
        CancellationToken cancellationToken)
    {
        // Only the emulator's STS can vouch for a caller here: a token naming a real AWS host is refused.
        if (!verifier.TryValidate(token, out var presigned, out _) || !presigned.IsLocalEndpoint) return null;
        var identity = verified.Find(cluster, token);
        if (identity is null)
        {
            var before = verified.Before(presigned.AccessKeyId);
            identity = await sts.IdentifyAsync(presigned, cluster, cancellationToken).ConfigureAwait(false);
            if (identity is null) return null;
            verified.Add(cluster, token, identity, before);
        }
        return engine.Mapper.Map(identity);
    }
}

/// <summary>The TokenReview API's view of the front's authentication: the token as this cluster's API server takes it.</summary>
internal sealed class FrontTokenAuthenticator(AuthenticationFilter authentication, Turnstile.Kube.Access.IClusterAccess access) : Turnstile.Kube.Reviews.ITokenAuthenticator
{
    public async ValueTask<Turnstile.Kube.Reviews.TokenAuthentication> AuthenticateAsync(string cluster, string token, CancellationToken cancellationToken)
    {
        if (await access.EngineAsync(cluster, cancellationToken).ConfigureAwait(false) is not { } engine)
            return Turnstile.Kube.Reviews.TokenAuthentication.Failed("no such cluster");
        var mapped = await authentication.AuthenticateAsync(cluster, engine, token, cancellationToken).ConfigureAwait(false);
        return mapped?.AuthenticatedUser is { } user
            ? new Turnstile.Kube.Reviews.TokenAuthentication(user, "")
            : Turnstile.Kube.Reviews.TokenAuthentication.Failed(mapped?.Error ?? "invalid token");
    }
}
