using System.Globalization;
using System.Text.Json.Nodes;
using Turnstile.Kube.Storage;
using Turnstile.State;

namespace Turnstile.Kube.Registry.Strategies;

/// <summary>
/// What the scheduler and the kubelet would make of a new pod, decided when it is created: a pod without
/// spec.nodeName goes to the Ready, schedulable node whose labels match its nodeSelector, whose NoSchedule taints it
/// tolerates, and that runs the fewest pods; it is then reported Running as a kubelet reports it (containers started
/// and ready, host and pod IPs) although nothing runs. Without such a node it stays Pending with the scheduler's
/// Unschedulable condition.
/// </summary>
internal static class PodScheduler
{
    public static void Schedule(StrategyContext context, KubeObject pod)
    {
        var status = (JsonObject)pod["status"]!;
        // PodStatus's field order puts qosClass after what scheduling adds.
        var qos = status["qosClass"];
        status.Remove("qosClass");
        Schedule(context, pod, status);
        status["qosClass"] = qos;
    }

    private static void Schedule(StrategyContext context, KubeObject pod, JsonObject status)
    {
        var spec = pod["spec"] as JsonObject ?? new JsonObject();
        var now = context.Now;
        var nodes = context.View.List(StateKey.KubeResource(context.Cluster, "", "nodes")).Select(kv => KubeObject.Parse(kv.Value)).ToList();
        var requested = KubeObject.String(spec, "nodeName");
        var node = requested.Length > 0
            ? nodes.FirstOrDefault(n => n.Name == requested)
            : Choose(context, nodes, spec);
        if (node is null)
        {
            if (requested.Length > 0) return; // bound to a node that does not exist: Pending, as with no kubelet to start it
            status["conditions"] = new JsonArray(new JsonObject
            {
                ["type"] = "PodScheduled",
                ["status"] = "False",
                ["lastProbeTime"] = null,
                ["lastTransitionTime"] = now,
                ["reason"] = "Unschedulable",
                ["message"] = UnschedulableMessage(nodes, spec),
            });
            return;
        }
        spec["nodeName"] = node.Name;
        var hostIp = InternalIp(node);
        var podIp = PodIp(context, hostIp);
        status["phase"] = "Running";
        status["conditions"] = new JsonArray(
            Condition("PodReadyToStartContainers", now), Condition("Initialized", now), Condition("Ready", now),
            Condition("ContainersReady", now), Condition("PodScheduled", now));
        status["hostIP"] = hostIp;
        status["hostIPs"] = new JsonArray(new JsonObject { ["ip"] = hostIp });
        status["podIP"] = podIp;
        status["podIPs"] = new JsonArray(new JsonObject { ["ip"] = podIp });
        status["startTime"] = now;
        status["containerStatuses"] = new JsonArray((spec["containers"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(c => (JsonNode?)ContainerStatus(context, c, now)).ToArray());
    }

    private static KubeObject? Choose(StrategyContext context, List<KubeObject> nodes, JsonObject spec)
    {
        var feasible = nodes.Where(n => Fits(n, spec)).ToList();
        if (feasible.Count == 0) return null;
        var load = context.View.List(StateKey.KubeResource(context.Cluster, "", "pods"))
            .Select(kv => KubeObject.String(KubeObject.Parse(kv.Value)["spec"] as JsonObject, "nodeName"))
            .Where(n => n.Length > 0).GroupBy(n => n).ToDictionary(g => g.Key, g => g.Count());
        return feasible.OrderBy(n => load.GetValueOrDefault(n.Name)).ThenBy(n => n.Name, StringComparer.Ordinal).First();
    }

    private static bool Fits(KubeObject node, JsonObject podSpec) => Ready(node) && !Unschedulable(node) && SelectorMatches(node, podSpec) && Tolerated(node, podSpec);

    private static bool Ready(KubeObject node) =>
        (node["status"] as JsonObject)?["conditions"] is JsonArray conditions &&
        conditions.OfType<JsonObject>().Any(c => KubeObject.String(c, "type") == "Ready" && KubeObject.String(c, "status") == "True");

    private static bool Unschedulable(KubeObject node) => FieldLabels.Read(node, "spec.unschedulable") == "true";

    private static bool SelectorMatches(KubeObject node, JsonObject podSpec) =>
        KubeObject.StringMap(podSpec["nodeSelector"]).All(p => node.Labels.TryGetValue(p.Key, out var v) && v == p.Value);

    private static bool Tolerated(KubeObject node, JsonObject podSpec)
    {
        var tolerations = (podSpec["tolerations"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        foreach (var taint in ((node["spec"] as JsonObject)?["taints"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (KubeObject.String(taint, "effect") is not ("NoSchedule" or "NoExecute")) continue;
            var key = KubeObject.String(taint, "key");
            var value = KubeObject.String(taint, "value");
            var tolerated = tolerations.Any(t =>
                (KubeObject.String(t, "key").Length == 0 || KubeObject.String(t, "key") == key) &&
                (KubeObject.String(t, "operator") == "Exists" || KubeObject.String(t, "value") == value) &&
                (KubeObject.String(t, "effect").Length == 0 || KubeObject.String(t, "effect") == KubeObject.String(taint, "effect")));
            if (!tolerated) return false;
        }
        return true;
    }

    // The scheduler's FitError text for the cases modelled here.
    private static string UnschedulableMessage(List<KubeObject> nodes, JsonObject spec)
    {
        if (nodes.Count == 0) return "no nodes available to schedule pods";
        var reasons = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            var reason = !Ready(node) ? "node(s) had untolerated taint {node.kubernetes.io/not-ready: }"
                : Unschedulable(node) ? "node(s) were unschedulable"
                : !SelectorMatches(node, spec) ? "node(s) didn't match Pod's node affinity/selector"
                : "node(s) had untolerated taint(s)";
            reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
        }
        var n = nodes.Count.ToString(CultureInfo.InvariantCulture);
        return $"0/{n} nodes are available: " + string.Join(", ", reasons.Select(r => $"{r.Value} {r.Key}")) +
               $". preemption: 0/{n} nodes are available: {n} Preemption is not helpful for scheduling.";
    }

    private static string InternalIp(KubeObject node) =>
        ((node["status"] as JsonObject)?["addresses"] as JsonArray ?? []).OfType<JsonObject>()
        .Where(a => KubeObject.String(a, "type") == "InternalIP").Select(a => KubeObject.String(a, "address")).FirstOrDefault() ?? "";

    // The VPC CNI gives pods secondary addresses of the node's subnet.
    private static string PodIp(StrategyContext context, string hostIp)
    {
        var parts = hostIp.Split('.');
        var prefix = parts.Length == 4 ? $"{parts[0]}.{parts[1]}.{parts[2]}." : "10.0.0.";
        return prefix + context.Options.Random.Next(2, 255).ToString(CultureInfo.InvariantCulture);
    }

    private static JsonObject Condition(string type, string now) => new()
    {
        ["type"] = type,
        ["status"] = "True",
        ["lastProbeTime"] = null,
        ["lastTransitionTime"] = now,
    };

    private static JsonObject ContainerStatus(StrategyContext context, JsonObject container, string now)
    {
        var image = KubeObject.String(container, "image");
        Span<byte> id = stackalloc byte[32];
        context.Options.Random.NextBytes(id);
        return new JsonObject
        {
            ["name"] = KubeObject.String(container, "name"),
            ["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = now } },
            ["lastState"] = new JsonObject(),
            ["ready"] = true,
            ["restartCount"] = 0,
            ["image"] = image,
            ["imageID"] = "",
            ["containerID"] = "containerd://" + Convert.ToHexStringLower(id),
            ["started"] = true,
        };
    }
}
