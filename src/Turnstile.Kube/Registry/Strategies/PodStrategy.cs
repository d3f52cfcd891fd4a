using System.Text.Json.Nodes;
using Turnstile.Core.Kube;
using Turnstile.Kube.Storage;

namespace Turnstile.Kube.Registry.Strategies;

/// <summary>
/// Pods: phase Pending and a QoS class on create, then scheduled and reported Running by <see cref="PodScheduler"/>, the selectable fields of kube's <c>ToSelectableFields</c>, a spec
/// that only allows image, activeDeadlineSeconds, tolerations and terminationGracePeriodSeconds to change, and
/// deletes answered with the pod. Deletion is immediate (no kubelet would confirm a graceful one) unless the pod has
/// finalizers.
/// </summary>
public sealed class PodStrategy : KindStrategy
{
    private const string UpdatableFields =
        "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

    public override bool ReturnDeletedObject => true;

    public override FieldLabels FieldLabels(RegistryResource resource) =>
        Registry.FieldLabels.Custom(true, ["metadata.name", "metadata.namespace", "status.podIPs"], new Dictionary<string, string>
        {
            ["spec.nodeName"] = "spec.nodeName",
            ["spec.restartPolicy"] = "spec.restartPolicy",
            ["spec.schedulerName"] = "spec.schedulerName",
            ["spec.serviceAccountName"] = "spec.serviceAccountName",
            ["status.phase"] = "status.phase",
            ["status.nominatedNodeName"] = "status.nominatedNodeName",
        })
        .With("spec.hostNetwork", o => Registry.FieldLabels.Read(o, "spec.hostNetwork") == "true" ? "true" : "false")
        .With("status.podIP", o => (o["status"] as JsonObject)?["podIPs"] is JsonArray { Count: > 0 } ips && ips[0] is JsonObject first
            ? KubeObject.String(first, "ip") : "");

    public override void PrepareForCreate(StrategyContext context, KubeObject obj)
    {
        obj["status"] = new JsonObject { ["phase"] = "Pending", ["qosClass"] = QosClass(obj["spec"] as JsonObject) };
        PodScheduler.Schedule(context, obj);
    }

    public override IEnumerable<FieldError> Validate(StrategyContext context, KubeObject obj)
    {
        var spec = obj["spec"] as JsonObject;
        if (spec?["containers"] is not JsonArray { Count: > 0 } containers)
        {
            yield return FieldError.Required("spec.containers");
            yield break;
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < containers.Count; i++)
        {
            var container = containers[i] as JsonObject;
            var name = KubeObject.String(container, "name");
            if (name.Length == 0) yield return FieldError.Required($"spec.containers[{i}].name");
            else if (!names.Add(name)) yield return FieldError.Duplicate($"spec.containers[{i}].name", name);
            else
                foreach (var msg in NameValidation.Dns1123Label(name)) yield return FieldError.Invalid($"spec.containers[{i}].name", name, msg);
            if (KubeObject.String(container, "image").Length == 0) yield return FieldError.Required($"spec.containers[{i}].image");
        }
    }

    public override IEnumerable<FieldError> ValidateUpdate(StrategyContext context, KubeObject obj, KubeObject old)
    {
        // The spec with every updatable field taken from the old pod must equal the old spec.
        if (obj["spec"]?.DeepClone() is not JsonObject comparable || old["spec"] is not JsonObject oldSpec) yield break;
        foreach (var list in new[] { "containers", "initContainers" })
        {
            if (comparable[list] is not JsonArray items || oldSpec[list] is not JsonArray oldItems || items.Count != oldItems.Count) continue;
            for (var i = 0; i < items.Count; i++)
                if (items[i] is JsonObject c && oldItems[i] is JsonObject oc)
                    c["image"] = oc["image"]?.DeepClone();
        }
        foreach (var member in new[] { "activeDeadlineSeconds", "tolerations", "terminationGracePeriodSeconds" })
        {
            comparable[member] = oldSpec[member]?.DeepClone();
            if (comparable[member] is null) comparable.Remove(member);
        }
        if (!JsonNode.DeepEquals(comparable, oldSpec))
            yield return FieldError.Forbidden("spec", "pod updates may not change fields other than " + UpdatableFields);
    }

    // kube's GetPodQOS over the pod's containers: no requests or limits at all is BestEffort; cpu and memory limits
    // on every container equal to the requests is Guaranteed; anything else is Burstable.
    private static string QosClass(JsonObject? spec)
    {
        var containers = new List<JsonObject>();
        foreach (var list in new[] { "containers", "initContainers" })
            if (spec?[list] is JsonArray items) containers.AddRange(items.OfType<JsonObject>());
        var any = false;
        var guaranteed = containers.Count > 0;
        foreach (var c in containers)
        {
            var resources = c["resources"] as JsonObject;
            var requests = resources?["requests"] as JsonObject;
            var limits = resources?["limits"] as JsonObject;
            if (requests is { Count: > 0 } || limits is { Count: > 0 }) any = true;
            foreach (var r in new[] { "cpu", "memory" })
            {
                var limit = limits?[r]?.ToJsonString();
                var request = requests?[r]?.ToJsonString() ?? limit;
                if (limit is null || request != limit) guaranteed = false;
            }
        }
        if (!any) return "BestEffort";
        return guaranteed ? "Guaranteed" : "Burstable";
    }
}
