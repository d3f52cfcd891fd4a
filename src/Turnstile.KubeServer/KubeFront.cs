using Microsoft.AspNetCore.Http;
using Turnstile.Aws.Eks;
using Turnstile.Core.Authn.Token;
using Turnstile.Core.Kube;
using Turnstile.Kube.Handlers;
using Turnstile.Kube.Registry;
using Turnstile.Kube.Reviews;
using Turnstile.Kube.Storage;
using Turnstile.KubeServer.Access;
using Turnstile.KubeServer.Authentication;
using Turnstile.KubeServer.Catalog;
using Turnstile.KubeServer.Front;
using Turnstile.KubeServer.Webhooks;
using Turnstile.Server;
using Turnstile.State;

namespace Turnstile.KubeServer;

/// <summary>What the Kubernetes API front serves from: one replica's state, its EKS service and its AWS endpoint.</summary>
public sealed record KubeFrontOptions
{
    public required StateCache Cache { get; init; }

    public required EksService Eks { get; init; }

    /// <summary>The AWS endpoint's options: tokens' presigned GetCallerIdentity calls run through its pipeline in-process.</summary>
    public required EmulatorHostOptions AwsEndpoint { get; init; }

    /// <summary>The emulator's STS endpoints (<c>http://127.0.0.1:4566</c>) tokens may name; no real AWS host is accepted.</summary>
    public required IReadOnlyList<string> StsEndpoints { get; init; }

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>How many STS-verified tokens the front remembers (0: every request goes to STS); see <see cref="Authentication.VerifiedTokens"/>.</summary>
    public int VerifiedTokenCapacity { get; init; } = 10_000;

    public WatchSettings Watch { get; init; } = new();
}

/// <summary>
/// The Kubernetes API of every emulated cluster, built as kube-apiserver's handler chain: the cluster prefix and
/// RequestInfo, authentication (EKS tokens), impersonation, authorization (the cluster's <see cref="ClusterAccess"/>),
/// then the non-resource handlers (discovery, version, health, OpenAPI) or the per-verb resource handlers. Independent
/// of the transport: <see cref="KubeApiHost"/> serves it over HTTPS, tests may call <see cref="HandleAsync"/> directly.
/// </summary>
public sealed class KubeFront : IAsyncDisposable
{
    private readonly FrontDelegate _chain;
    private readonly KubeRegistry _registry;

    public KubeFront(KubeFrontOptions options)
    {
        Access = new ClusterAccess(options.Eks);
        var registryOptions = new RegistryOptions { Time = options.Clock };
        _registry = new KubeRegistry(new KubeStorage(options.Cache, options.Clock), registryOptions, [new RbacEscalationAdmission(Access)]);
        var verifier = new EksTokenVerifier(new EksTokenVerifierOptions { LocalStsEndpoints = options.StsEndpoints }, options.Clock);
        var authentication = new AuthenticationFilter(verifier, new StsCallerIdentity(options.AwsEndpoint),
            new VerifiedTokens(options.Cache, options.VerifiedTokenCapacity));
        var reviews = new AccessReviews(Access, new FrontTokenAuthenticator(authentication, Access), registryOptions);
        var nonResource = new NonResourceHandler(new ServerVersion());
        var resources = new ResourceHandler(_registry, reviews, options.Watch, options.Clock);

        FrontDelegate chain = r => r.Info.Attributes.IsResourceRequest ? resources.HandleAsync(r) : nonResource.HandleAsync(r);
        chain = new AuthorizationFilter().Wrap(chain);
        chain = new ImpersonationFilter().Wrap(chain);
        chain = authentication.Wrap(chain);
        chain = new WebhookFilter(authentication).Wrap(chain);
        chain = new ClusterFilter(options.Eks, Access, new ClusterCatalogs()).Wrap(chain);
        _chain = chain;
    }

    /// <summary>The access decision per cluster (also for access reviews and RBAC admission).</summary>
    public ClusterAccess Access { get; }

    /// <summary>Restarts work a previous process left unfinished (terminating namespaces).</summary>
    public Task ResumeAsync(CancellationToken cancellationToken = default) => _registry.Namespaces.ResumeAsync(cancellationToken);

    public async Task HandleAsync(HttpContext context)
    {
        try
        {
            await _chain(new FrontRequest(context)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or BadHttpRequestException)
        {
            // The client went away or broke the connection mid-request; there is nobody to answer.
            context.Abort();
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            // A fault of this server: kube's InternalError Status rather than a dropped connection.
            context.Response.Clear();
            await StatusWriter.WriteAsync(context, new KubeStatus(500, KubeStatus.ReasonInternalError, "Internal error occurred: " + e.Message,
                new StatusDetails { Causes = [new StatusCause("", e.Message, "")] })).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => _registry.DisposeAsync();
}
