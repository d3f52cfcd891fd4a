using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Turnstile.Kube.Catalog;
using Turnstile.KubeServer.Access;
using Turnstile.State;

namespace Turnstile.KubeServer.Catalog;

/// <summary>
/// Each cluster's served API: EKS's built-in catalogue plus the cluster's stored CustomResourceDefinitions, rebuilt
/// only when a CRD changed. A CRD the catalogue refuses (a built-in group, a resource another CRD serves) is not served.
/// </summary>
public sealed class ClusterCatalogs
{
    private const string CrdGroup = "apiextensions.k8s.io";

    private sealed record Built(StateFingerprint Inputs, ApiSnapshot Snapshot);

    private readonly ConcurrentDictionary<string, Built> _catalogs = new(StringComparer.Ordinal);
    private readonly ApiSnapshot _builtIn = ServedApis.ForEks().Current;

    public ApiSnapshot For(IStateView view, string cluster)
    {
        var prefix = StateKey.KubeResource(cluster, CrdGroup, "customresourcedefinitions");
        var inputs = StateFingerprint.Of(view, [], [prefix]);
        if (inputs.Count == 0) return _builtIn;
        if (_catalogs.TryGetValue(cluster, out var built) && built.Inputs == inputs) return built.Snapshot;
        var served = ServedApis.ForEks();
        foreach (var kv in view.List(prefix))
        {
            try
            {
                if (JsonNode.Parse(kv.Value) is JsonObject crd) served.AddOrReplace(CustomResourceDefinition.FromObject(crd));
            }
            catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException or FormatException)
            {
                // Not servable: kube's CRD controller would report it in the CRD's conditions and serve nothing.
            }
        }
        var snapshot = served.Current;
        _catalogs[cluster] = new Built(inputs, snapshot);
        return snapshot;
    }
}
