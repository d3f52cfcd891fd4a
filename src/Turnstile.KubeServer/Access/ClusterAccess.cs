using System.Collections.Concurrent;
using Turnstile.Aws.Eks;
using Turnstile.Core.Clusters;
using Turnstile.Core.Rbac;
using Turnstile.Core.Rbac.Bootstrap;
using Turnstile.Kube.Access;
using Turnstile.State;

namespace Turnstile.KubeServer.Access;

/// <summary>
/// <see cref="IClusterAccess"/> over the replica's state: the cluster's access model (EKS records, the live aws-auth
/// ConfigMap, the stored RBAC objects) as an <see cref="AccessEngine"/>, built once and reused until one of its inputs
/// changes. A cluster without any stored RBAC object is authorized by the 1.32 bootstrap policy.
/// </summary>
public sealed class ClusterAccess(EksService eks) : IClusterAccess
{
    private sealed record Built(long ViewRevision, StateFingerprint Inputs, AccessEngine Engine);

    private readonly ConcurrentDictionary<string, Built> _engines = new(StringComparer.Ordinal);

    public async ValueTask<AccessEngine?> EngineAsync(string cluster, CancellationToken cancellationToken = default)
    {
        var view = await eks.SettledViewAsync(cancellationToken).ConfigureAwait(false);
        return EngineAt(view, cluster);
    }

    /// <summary>The engine for <paramref name="cluster"/> as <paramref name="view"/> has it; null when there is no such cluster.</summary>
    public AccessEngine? EngineAt(IStateView view, string cluster)
    {
        _engines.TryGetValue(cluster, out var built);
        if (built is not null && built.ViewRevision == view.Revision) return built.Engine;
        var inputs = Fingerprint(view, cluster);
        if (built is not null && built.Inputs == inputs)
        {
            _engines.TryUpdate(cluster, built with { ViewRevision = view.Revision }, built);
            return built.Engine;
        }
        var model = eks.BuildAccessModel(view, cluster, RbacOf(view, cluster));
        if (model is null)
        {
            _engines.TryRemove(cluster, out _);
            return null;
        }
        var engine = new AccessEngine(model);
        _engines[cluster] = new Built(view.Revision, inputs, engine);
        return engine;
    }

    private static StateFingerprint Fingerprint(IStateView view, string cluster) =>
        StateFingerprint.Of(view, [EksKeys.Cluster(cluster), StateKey.KubeObject(cluster, "", "configmaps", "kube-system", "aws-auth")],
            [EksKeys.AccessEntries(cluster), RbacPrefix(cluster), StateKey.KubeResource(cluster, "", "nodes")]);

    private static string RbacPrefix(string cluster) => StateKey.Kube(cluster) + RbacGroup.Name + "/";

    /// <summary>The cluster's stored Roles, ClusterRoles and bindings; the bootstrap policy when none is stored (a cluster not seeded).</summary>
    private static RbacPolicy RbacOf(IStateView view, string cluster) =>
        view.List(RbacPrefix(cluster)).Any()
            ? StoredRbac.Read(view, cluster)
            : new RbacPolicy(BootstrapPolicy.ClusterRoles, BootstrapPolicy.ClusterRoleBindings, BootstrapPolicy.Roles, BootstrapPolicy.RoleBindings);
}
