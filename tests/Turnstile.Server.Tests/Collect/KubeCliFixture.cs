using Turnstile.Aws;
using Turnstile.Hosting;
using Turnstile.KubeServer;
using Turnstile.Server.Tests.Eks;

namespace Turnstile.Server.Tests.Collect;

/// <summary>
/// <see cref="EksCliFixture"/> plus the clusters' Kubernetes API on a free port, as <c>turnstile serve</c> runs it, so that
/// the real kubectl (configured by <c>aws eks update-kubeconfig</c>) reaches the emulated clusters.
/// </summary>
public sealed class KubeCliFixture : EksCliFixture
{
    private KubeApiHost? _kubeApi;

    protected override EmulatorOptions Options => new() { KubePort = 0 };

    /// <summary>Starts the Kubernetes API (once) and returns its endpoint.</summary>
    public async Task<Uri> StartKubeApiAsync()
    {
        if (_kubeApi is null)
        {
            _kubeApi = await Runtime.StartKubeApiAsync(Endpoint);
            Own(_kubeApi);
        }
        return _kubeApi.Endpoint;
    }
}
