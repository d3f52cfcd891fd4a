using System.Text.Json.Nodes;
using Turnstile.Core.Kube;
using Turnstile.Kube.Registry;
using Turnstile.Kube.Storage;

namespace Turnstile.Kube.Handlers;

/// <summary>
/// pods/log, pods/exec, pods/attach and pods/portforward: kube-apiserver checks the pod, its node and the container
/// as it does before connecting to the kubelet, then answers as it does when the kubelet cannot be reached (a 500
/// Status whose message is the failed connection), saying that this emulated cluster runs no containers.
/// </summary>
internal static class PodConnection
{
    public static readonly IReadOnlySet<string> Subresources = new HashSet<string>(StringComparer.Ordinal) { "log", "exec", "attach", "portforward" };

    private const int KubeletPort = 10250;

    public static bool AllowsVerb(string subresource, string verb) => subresource == "log" ? verb == "get" : verb is "get" or "create";

    /// <exception cref="KubeApiException">The Status to answer.</exception>
    public static async Task<KubeStatus> ConnectAsync(KubeRegistry registry, RegistryRequest scope, GoUrlQuery query, CancellationToken cancellationToken)
    {
        var pod = (await registry.GetAsync(scope with { Subresource = "" }, "", cancellationToken).ConfigureAwait(false)).ToObject();
        var spec = pod["spec"] as JsonObject;
        var containers = (spec?["containers"] as JsonArray ?? []).OfType<JsonObject>().Select(c => KubeObject.String(c, "name")).ToList();
        var container = query.First("container") ?? "";
        if (scope.Subresource != "portforward")
        {
            if (container.Length == 0)
            {
                if (containers.Count != 1)
                    throw KubeApiException.BadRequest($"a container name must be specified for pod {pod.Name}, choose one of: [{string.Join(" ", containers)}]");
                container = containers[0];
            }
            else if (!containers.Contains(container))
            {
                throw KubeApiException.BadRequest($"container {container} is not valid for pod {pod.Name}");
            }
        }
        var node = KubeObject.String(spec, "nodeName");
        if (node.Length == 0) throw KubeApiException.BadRequest($"pod {pod.Name} does not have a host assigned");
        var hostIp = KubeObject.String(pod["status"] as JsonObject, "hostIP");
        var host = (hostIp.Length > 0 ? hostIp : node) + ":" + KubeletPort;
        var path = scope.Subresource switch
        {
            "log" => $"containerLogs/{pod.Namespace}/{pod.Name}/{container}",
            "portforward" => $"portForward/{pod.Namespace}/{pod.Name}",
            var sub => $"{sub}/{pod.Namespace}/{pod.Name}/{container}",
        };
        var method = scope.Subresource == "log" ? "Get" : "Post";
        return new KubeStatus(500, "",
            $"{method} \"https://{host}/{path}\": dial tcp {host}: connect: connection refused (this Turnstile cluster runs no containers: there is no kubelet on node {node})",
            null);
    }
}
