using System.Collections.Concurrent;
using System.Text;
using Turnstile.Aws.Eks;
using Turnstile.Core.Clusters;
using Turnstile.Core.Kube;
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
    private const string RbacGroup = "rbac.authorization.k8s.io";

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

    private static string RbacPrefix(string cluster) => StateKey.Kube(cluster) + RbacGroup + "/";

    /// <summary>The cluster's stored Roles, ClusterRoles and bindings; the bootstrap policy when none is stored yet.</summary>
    private static RbacPolicy RbacOf(IStateView view, string cluster)
    {
        var documents = new List<KubeDocument>();
        var stored = 0;
        foreach (var kv in view.List(RbacPrefix(cluster)))
        {
            stored++;
            try
            {
                documents.AddRange(KubeObjectDecoder.DecodeDocuments(Encoding.UTF8.GetString(kv.Value)));
            }
            catch (KubeDecodeException)
            {
                // An object the typed RBAC model cannot read grants nothing (kube's informer would not hold it either).
            }
        }
        if (stored == 0)
            return new RbacPolicy(BootstrapPolicy.ClusterRoles, BootstrapPolicy.ClusterRoleBindings, BootstrapPolicy.Roles, BootstrapPolicy.RoleBindings);
        return new RbacPolicy(documents.Select(d => d.As<ClusterRole>()).OfType<ClusterRole>(),
            documents.Select(d => d.As<ClusterRoleBinding>()).OfType<ClusterRoleBinding>(),
            documents.Select(d => d.As<Role>()).OfType<Role>(),
            documents.Select(d => d.As<RoleBinding>()).OfType<RoleBinding>());
    }
}
