using Turnstile.Core.Authn;

namespace Turnstile.Kube.Reviews;

/// <summary>What a bearer token authenticates as in one cluster: the user, or why not.</summary>
public sealed record TokenAuthentication(KubeUser? User, string Error)
{
    public static TokenAuthentication Failed(string error) => new(null, error);
}

/// <summary>
/// The front's token authentication (aws-iam-authenticator's rules and the cluster's identity mapping), as the
/// TokenReview API asks it. Without one wired, every TokenReview answers <c>authenticated: false</c>.
/// </summary>
public interface ITokenAuthenticator
{
    ValueTask<TokenAuthentication> AuthenticateAsync(string cluster, string token, CancellationToken cancellationToken);
}
