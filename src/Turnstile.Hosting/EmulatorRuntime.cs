using Microsoft.Extensions.Logging;
using Turnstile.Aws;
using Turnstile.Aws.Eks;
using Turnstile.Aws.Iam;
using Turnstile.Aws.Sts;
using Turnstile.KubeServer;
using Turnstile.Server;
using Turnstile.State;

namespace Turnstile.Hosting;

/// <summary>
/// One replica of the emulator, composed in one place for the command line, the tests and the benchmarks: the store,
/// the replica's <see cref="StateCache"/> over it, the IAM, STS and EKS services over the cache, and the options of the
/// AWS endpoint that serves them (later also the Kubernetes front). Several runtimes over one shared store behave as
/// one emulator.
/// </summary>
public sealed class EmulatorRuntime : IAsyncDisposable
{
    private readonly bool _ownsStore;

    private EmulatorRuntime(IStore store, bool ownsStore, StateCache cache, EmulatorState state, IamService iam, StsService sts, EksService eks)
    {
        Store = store;
        _ownsStore = ownsStore;
        Cache = cache;
        State = state;
        Iam = iam;
        Sts = sts;
        Eks = eks;
    }

    public IStore Store { get; }
    public StateCache Cache { get; }
    public EmulatorState State { get; }
    public EmulatorOptions Options => State.Options;

    /// <summary>IAM: a service, and also the credential source, the request authorizer and the principal directory.</summary>
    public IamService Iam { get; }

    public StsService Sts { get; }

    /// <summary>EKS: a service, and what the Kubernetes front reads clusters, access models and the CA from.</summary>
    public EksService Eks { get; }

    public IReadOnlyList<IAwsService> Services => [Iam, Sts, Eks];

    /// <summary>
    /// Starts a replica over <paramref name="store"/>: claims the store for the account and region (or refuses one that
    /// belongs to others), loads it into a cache that follows its change feed, builds the services and bootstraps the
    /// account's admin in a new store. With <paramref name="ownsStore"/> the store is disposed with the runtime.
    /// </summary>
    /// <exception cref="StoreMismatchException">When the store belongs to another account or region.</exception>
    public static async Task<EmulatorRuntime> StartAsync(IStore store, EmulatorOptions options, bool ownsStore = true, TimeProvider? clock = null,
        IClusterSeeder? seeder = null, CancellationToken cancellationToken = default)
    {
        clock ??= TimeProvider.System;
        await StoreIdentity.ClaimAsync(store, options.AccountId, options.Region, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        var cache = await StateCache.StartAsync(store, cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            var state = new EmulatorState(cache, options, clock);
            // IAM owns principals and keys: it authenticates (credential source), enforces policies (authorizer)
            // and tells EKS which principals exist (directory).
            var iam = new IamService(state);
            await iam.BootstrapAsync(cancellationToken).ConfigureAwait(false);
            var eks = new EksService(state, iam, options.RealisticLatency ? EksTimings.Realistic : null, seeder);
            return new EmulatorRuntime(store, ownsStore, cache, state, iam, new StsService(iam), eks);
        }
        catch
        {
            await cache.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The AWS endpoint's options for these services (IAM authenticates and authorizes).</summary>
    public EmulatorHostOptions HostOptions(string host = "127.0.0.1", int port = 0, ILoggerFactory? loggerFactory = null) => new()
    {
        Host = host,
        Port = port,
        State = Cache,
        Services = Services,
        Credentials = Iam,
        Authorizer = Iam,
        Clock = State.Clock,
        DefaultRegion = Options.Region,
        LoggerFactory = loggerFactory,
    };

    /// <summary>
    /// Starts the clusters' Kubernetes API front over HTTPS on <paramref name="host"/>:<paramref name="port"/> (0 picks a
    /// free port, which DescribeCluster then names). Tokens must name <paramref name="awsEndpoint"/>, the AWS endpoint
    /// clients use for STS; their GetCallerIdentity runs in-process through that endpoint's pipeline. The caller stops
    /// and disposes the host.
    /// </summary>
    public async Task<KubeApiHost> StartKubeApiAsync(Uri awsEndpoint, string host = "127.0.0.1", int port = 0, ILoggerFactory? loggerFactory = null,
        Turnstile.Kube.Handlers.WatchSettings? watch = null, CancellationToken cancellationToken = default)
    {
        var front = new KubeFront(new KubeFrontOptions
        {
            Cache = Cache,
            Eks = Eks,
            AwsEndpoint = HostOptions(awsEndpoint.Host, awsEndpoint.Port, loggerFactory),
            StsEndpoints = StsEndpoints(awsEndpoint),
            Clock = State.Clock,
            Watch = watch ?? new Turnstile.Kube.Handlers.WatchSettings(),
        });
        var api = new KubeApiHost(front, host, port, loggerFactory);
        try
        {
            await front.ResumeAsync(cancellationToken).ConfigureAwait(false);
            await api.StartAsync(await Eks.GetCertificateAuthorityAsync(cancellationToken).ConfigureAwait(false), State.Now, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await api.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        State.KubePort = api.Port;
        return api;
    }

    // A loopback endpoint is reachable as 127.0.0.1 and as localhost; tokens may name either.
    private static IReadOnlyList<string> StsEndpoints(Uri awsEndpoint)
    {
        var endpoint = awsEndpoint.GetLeftPart(UriPartial.Authority);
        if (!awsEndpoint.IsLoopback) return [endpoint];
        return [$"{awsEndpoint.Scheme}://127.0.0.1:{awsEndpoint.Port}", $"{awsEndpoint.Scheme}://localhost:{awsEndpoint.Port}"];
    }

    public async ValueTask DisposeAsync()
    {
        await Cache.DisposeAsync().ConfigureAwait(false);
        if (_ownsStore) await Store.DisposeAsync().ConfigureAwait(false);
    }
}
