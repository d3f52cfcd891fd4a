using Turnstile.Core.Clusters;
using Turnstile.Kube.Access;
using Turnstile.State;

namespace Turnstile.Kube.Tests;

/// <summary>
/// The test double of the front's <see cref="IClusterAccess"/>: Core's engine over a fixed access model (mode, aws-auth,
/// access entries) with the RBAC policy the cluster's stored objects make now.
/// </summary>
internal sealed class StoredStateAccess(StateCache cache, ClusterAccessModel? model = null) : IClusterAccess
{
    private readonly ClusterAccessModel _model = model ?? new ClusterAccessModel { ClusterName = KubeFixture.Cluster };

    public ValueTask<AccessEngine?> EngineAsync(string cluster, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<AccessEngine?>(cluster == _model.ClusterName
            ? new AccessEngine(_model with { Rbac = StoredRbac.Read(cache.Current, cluster) })
            : null);
}
