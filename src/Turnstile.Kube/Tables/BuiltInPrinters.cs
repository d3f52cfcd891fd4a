using System.Globalization;
using System.Text.Json.Nodes;

namespace Turnstile.Kube.Tables;

/// <summary>Cells of one object's row.</summary>
internal delegate object?[] Cells(JsonObject o, DateTimeOffset now);

/// <summary>A kind's columns, the function that fills them, and optionally the row's conditions.</summary>
internal sealed record Printer(IReadOnlyList<TableColumn> Columns, Cells Cells, Func<JsonObject, IReadOnlyList<TableRowCondition>?>? Conditions = null);

/// <summary>kube-apiserver v1.32's printers (<c>pkg/printers/internalversion/printers.go</c>), by group and resource.</summary>
internal static partial class BuiltInPrinters
{
    internal static readonly TableColumn Name = new("Name", "string", "name");
    private static readonly TableColumn Age = new("Age", "string");

    private static readonly Dictionary<(string Group, string Resource), Printer> Printers = new()
    {
        [("", "pods")] = new([Name, new("Ready", "string"), new("Status", "string"), new("Restarts", "string"), Age,
            new("IP", "string", Priority: 1), new("Node", "string", Priority: 1), new("Nominated Node", "string", Priority: 1),
            new("Readiness Gates", "string", Priority: 1)], PodCells, PodConditions),
        [("", "nodes")] = new([Name, new("Status", "string"), new("Roles", "string"), Age, new("Version", "string"),
            new("Internal-IP", "string", Priority: 1), new("External-IP", "string", Priority: 1), new("OS-Image", "string", Priority: 1),
            new("Kernel-Version", "string", Priority: 1), new("Container-Runtime", "string", Priority: 1)], NodeCells),
        [("", "namespaces")] = new([Name, new("Status", "string"), Age], (o, now) => [NameOf(o), o.Str("status.phase"), AgeOf(o, now)]),
        [("", "configmaps")] = new([Name, new("Data", "integer"), Age],
            (o, now) => [NameOf(o), (long)(o.Count("data") + o.Count("binaryData")), AgeOf(o, now)]),
        [("", "secrets")] = new([Name, new("Type", "string"), new("Data", "integer"), Age],
            (o, now) => [NameOf(o), o.Str("type"), (long)o.Count("data"), AgeOf(o, now)]),
        [("", "serviceaccounts")] = new([Name, new("Secrets", "integer"), Age],
            (o, now) => [NameOf(o), (long)o.Count("secrets"), AgeOf(o, now)]),
        [("", "services")] = new([Name, new("Type", "string"), new("Cluster-IP", "string"), new("External-IP", "string"),
            new("Port(s)", "string"), Age, new("Selector", "string", Priority: 1)], ServiceCells),
        [("", "events")] = new([new("Last Seen", "string"), new("Type", "string"), new("Reason", "string"), new("Object", "string"),
            new("Subobject", "string", Priority: 1), new("Source", "string", Priority: 1), new("Message", "string"),
            new("First Seen", "string", Priority: 1), new("Count", "string", Priority: 1), new("Name", "string", Priority: 1)], EventCells),
        [("apps", "deployments")] = new([Name, new("Ready", "string"), new("Up-to-date", "integer"), new("Available", "integer"), Age,
            new("Containers", "string", Priority: 1), new("Images", "string", Priority: 1), new("Selector", "string", Priority: 1)], DeploymentCells),
        [("apps", "replicasets")] = new([Name, new("Desired", "integer"), new("Current", "integer"), new("Ready", "integer"), Age,
            new("Containers", "string", Priority: 1), new("Images", "string", Priority: 1), new("Selector", "string", Priority: 1)],
            (o, now) => [NameOf(o), o.Int("spec.replicas"), o.Int("status.replicas"), o.Int("status.readyReplicas"), AgeOf(o, now),
                .. Containers(o), o.At("spec.selector").SelectorString()]),
        [("apps", "statefulsets")] = new([Name, new("Ready", "string"), Age, new("Containers", "string", Priority: 1), new("Images", "string", Priority: 1)],
            (o, now) => [NameOf(o), $"{o.Int("status.readyReplicas")}/{o.Int("spec.replicas")}", AgeOf(o, now), .. Containers(o)]),
        [("apps", "daemonsets")] = new([Name, new("Desired", "integer"), new("Current", "integer"), new("Ready", "integer"),
            new("Up-to-date", "integer"), new("Available", "integer"), new("Node Selector", "string"), Age,
            new("Containers", "string", Priority: 1), new("Images", "string", Priority: 1), new("Selector", "string", Priority: 1)],
            (o, now) => [NameOf(o), o.Int("status.desiredNumberScheduled"), o.Int("status.currentNumberScheduled"), o.Int("status.numberReady"),
                o.Int("status.updatedNumberScheduled"), o.Int("status.numberAvailable"), o.At("spec.template.spec.nodeSelector").MapSelector(),
                AgeOf(o, now), .. Containers(o), o.At("spec.selector").SelectorString()]),
        [("", "replicationcontrollers")] = new([Name, new("Desired", "integer"), new("Current", "integer"), new("Ready", "integer"), Age,
            new("Containers", "string", Priority: 1), new("Images", "string", Priority: 1), new("Selector", "string", Priority: 1)],
            (o, now) => [NameOf(o), o.Int("spec.replicas"), o.Int("status.replicas"), o.Int("status.readyReplicas"), AgeOf(o, now),
                .. Containers(o), o.At("spec.selector").MapSelector()]),
        [("", "podtemplates")] = new([Name, new("Containers", "string"), new("Images", "string"), new("Pod Labels", "string")],
            (o, _) => [NameOf(o), .. Containers(o), o.At("template.metadata.labels").MapSelector()]),
        [("", "endpoints")] = new([Name, new("Endpoints", "string"), Age], (o, now) => [NameOf(o), FormatEndpoints(o), AgeOf(o, now)]),
        [("", "persistentvolumes")] = new([Name, new("Capacity", "string"), new("Access Modes", "string"), new("Reclaim Policy", "string"),
            new("Status", "string"), new("Claim", "string"), new("StorageClass", "string"), new("VolumeAttributesClass", "string"),
            new("Reason", "string"), Age, new("VolumeMode", "string", Priority: 1)],
            (o, now) => [NameOf(o), o.Str("spec.capacity.storage"), AccessModes(o.Strings("spec.accessModes")), o.Str("spec.persistentVolumeReclaimPolicy"),
                o.At("metadata.deletionTimestamp") is JsonValue ? "Terminating" : o.Str("status.phase"), o.At("spec.claimRef") is JsonObject ? $"{o.Str("spec.claimRef.namespace")}/{o.Str("spec.claimRef.name")}" : "",
                StorageClassOf(o), o.Str("spec.volumeAttributesClassName").NullIfEmpty() ?? "<unset>", o.Str("status.reason"), AgeOf(o, now),
                o.Str("spec.volumeMode").NullIfEmpty() ?? "<unset>"]),
        [("", "persistentvolumeclaims")] = new([Name, new("Status", "string"), new("Volume", "string"), new("Capacity", "string"),
            new("Access Modes", "string"), new("StorageClass", "string"), new("VolumeAttributesClass", "string"), Age,
            new("VolumeMode", "string", Priority: 1)], PersistentVolumeClaimCells),
        [("", "resourcequotas")] = new([Name, Age, new("Request", "string"), new("Limit", "string")], ResourceQuotaCells),
        [("", "componentstatuses")] = new([Name, new("Status", "string"), new("Message", "string"), new("Error", "string")], ComponentStatusCells),
        [("apps", "controllerrevisions")] = new([Name, new("Controller", "string"), new("Revision", "integer"), Age],
            (o, now) => [NameOf(o), ControllerOf(o), o.Int("revision"), AgeOf(o, now)]),
        [("batch", "jobs")] = new([Name, new("Status", "string"), new("Completions", "string"), new("Duration", "string"), Age,
            new("Containers", "string", Priority: 1), new("Images", "string", Priority: 1), new("Selector", "string", Priority: 1)], JobCells),
        [("batch", "cronjobs")] = new([Name, new("Schedule", "string"), new("Timezone", "string"), new("Suspend", "boolean"), new("Active", "integer"),
            new("Last Schedule", "string"), Age, new("Containers", "string", Priority: 1), new("Images", "string", Priority: 1),
            new("Selector", "string", Priority: 1)],
            (o, now) =>
            {
                var containers = o.Objects("spec.jobTemplate.spec.template.spec.containers").ToList();
                return [NameOf(o), o.Str("spec.schedule"), o.Str("spec.timeZone").OrNone(),
                    o.At("spec.suspend") is JsonValue ? (o.Bool("spec.suspend") ? "True" : "False") : "<unset>",
                    (long)o.Count("status.active"),
                    o.Str("status.lastScheduleTime") is { Length: > 0 } last ? HumanDuration.Since(last, now) : "<none>", AgeOf(o, now),
                    string.Join(",", containers.Select(c => c.Str("name"))), string.Join(",", containers.Select(c => c.Str("image"))),
                    o.At("spec.jobTemplate.spec.selector").LabelSelector()];
            }),
        [("autoscaling", "horizontalpodautoscalers")] = new([Name, new("Reference", "string"), new("Targets", "string"), new("MinPods", "string"),
            new("MaxPods", "string"), new("Replicas", "string"), Age],
            (o, now) => [NameOf(o), $"{o.Str("spec.scaleTargetRef.kind")}/{o.Str("spec.scaleTargetRef.name")}", HpaTargets(o),
                o.At("spec.minReplicas") is JsonValue ? o.Int("spec.minReplicas").ToString(CultureInfo.InvariantCulture) : "<unset>",
                o.Int("spec.maxReplicas"), o.Int("status.currentReplicas"), AgeOf(o, now)]),
        [("policy", "poddisruptionbudgets")] = new([Name, new("Min Available", "string"), new("Max Unavailable", "string"),
            new("Allowed Disruptions", "integer"), Age],
            (o, now) => [NameOf(o), IntOrStringOrNa(o.At("spec.minAvailable")), IntOrStringOrNa(o.At("spec.maxUnavailable")),
                o.Int("status.disruptionsAllowed"), AgeOf(o, now)]),
        [("networking.k8s.io", "ingresses")] = new([Name, new("Class", "string"), new("Hosts", "string"), new("Address", "string"),
            new("Ports", "string"), Age], IngressCells),
        [("networking.k8s.io", "ingressclasses")] = new([Name, new("Controller", "string"), new("Parameters", "string"), Age],
            (o, now) => [NameOf(o), o.Str("spec.controller"), IngressClassParameters(o), AgeOf(o, now)]),
        [("networking.k8s.io", "networkpolicies")] = new([Name, new("Pod-Selector", "string"), Age],
            (o, now) => [NameOf(o), o.At("spec.podSelector").LabelSelector(), AgeOf(o, now)]),
        [("discovery.k8s.io", "endpointslices")] = new([Name, new("AddressType", "string"), new("Ports", "string"), new("Endpoints", "string"), Age],
            EndpointSliceCells),
        [("storage.k8s.io", "storageclasses")] = new([Name, new("Provisioner", "string"), new("ReclaimPolicy", "string"),
            new("VolumeBindingMode", "string"), new("AllowVolumeExpansion", "string"), Age],
            (o, now) => [IsDefaultClass(o) ? NameOf(o) + " (default)" : NameOf(o), o.Str("provisioner"),
                o.Str("reclaimPolicy").NullIfEmpty() ?? "Delete", o.Str("volumeBindingMode").NullIfEmpty() ?? "Immediate",
                o.Bool("allowVolumeExpansion"), AgeOf(o, now)]),
        [("storage.k8s.io", "volumeattributesclasses")] = new([Name, new("DriverName", "string"), Age],
            (o, now) => [NameOf(o), o.Str("driverName"), AgeOf(o, now)]),
        [("storage.k8s.io", "csinodes")] = new([Name, new("Drivers", "integer"), Age],
            (o, now) => [NameOf(o), (long)o.Count("spec.drivers"), AgeOf(o, now)]),
        [("storage.k8s.io", "csidrivers")] = new([Name, new("AttachRequired", "boolean"), new("PodInfoOnMount", "boolean"),
            new("StorageCapacity", "boolean"), new("TokenRequests", "string"), new("RequiresRepublish", "boolean"), new("Modes", "string"), Age],
            (o, now) => [NameOf(o), o.At("spec.attachRequired") is JsonValue ? o.Bool("spec.attachRequired") : true, o.Bool("spec.podInfoOnMount"),
                o.Bool("spec.storageCapacity"), string.Join(",", o.Objects("spec.tokenRequests").Select(t => t.Str("audience"))).OrUnset(),
                o.Bool("spec.requiresRepublish"), string.Join(",", o.Strings("spec.volumeLifecycleModes")).OrNone(), AgeOf(o, now)]),
        [("storage.k8s.io", "csistoragecapacities")] = new([Name, new("StorageClassName", "string"), new("Capacity", "string")],
            (o, _) => [NameOf(o), o.Str("storageClassName"), o.At("capacity") is JsonValue c ? c.ToString() : "<unset>"]),
        [("storage.k8s.io", "volumeattachments")] = new([Name, new("Attacher", "string"), new("PV", "string"), new("Node", "string"),
            new("Attached", "boolean"), Age],
            (o, now) => [NameOf(o), o.Str("spec.attacher"), o.Str("spec.source.persistentVolumeName"), o.Str("spec.nodeName"),
                o.Bool("status.attached"), AgeOf(o, now)]),
        [("scheduling.k8s.io", "priorityclasses")] = new([Name, new("Value", "integer"), new("Global-Default", "boolean"), Age,
            new("PreemptionPolicy", "string")],
            (o, now) => [NameOf(o), o.Int("value"), o.Bool("globalDefault"), AgeOf(o, now), o.Str("preemptionPolicy").NullIfEmpty() ?? "PreemptLowerPriority"]),
        [("node.k8s.io", "runtimeclasses")] = new([Name, new("Handler", "string"), Age],
            (o, now) => [NameOf(o), o.Str("handler"), AgeOf(o, now)]),
        [("coordination.k8s.io", "leases")] = new([Name, new("Holder", "string"), Age],
            (o, now) => [NameOf(o), o.Str("spec.holderIdentity"), AgeOf(o, now)]),
        [("certificates.k8s.io", "certificatesigningrequests")] = new([Name, Age, new("SignerName", "string"), new("Requestor", "string"),
            new("RequestedDuration", "string"), new("Condition", "string")],
            (o, now) => [NameOf(o), AgeOf(o, now), o.Str("spec.signerName"), o.Str("spec.username"),
                o.At("spec.expirationSeconds") is JsonValue ? HumanDuration.Format(TimeSpan.FromSeconds(o.Int("spec.expirationSeconds"))) : "<none>",
                CsrCondition(o)]),
        [("admissionregistration.k8s.io", "mutatingwebhookconfigurations")] = new([Name, new("Webhooks", "integer"), Age],
            (o, now) => [NameOf(o), (long)o.Count("webhooks"), AgeOf(o, now)]),
        [("admissionregistration.k8s.io", "validatingwebhookconfigurations")] = new([Name, new("Webhooks", "integer"), Age],
            (o, now) => [NameOf(o), (long)o.Count("webhooks"), AgeOf(o, now)]),
        [("admissionregistration.k8s.io", "validatingadmissionpolicies")] = new([Name, new("Validations", "integer"), new("ParamKind", "string"), Age],
            (o, now) => [NameOf(o), (long)o.Count("spec.validations"),
                o.At("spec.paramKind") is JsonObject ? $"{o.Str("spec.paramKind.apiVersion")}/{o.Str("spec.paramKind.kind")}" : "<unset>", AgeOf(o, now)]),
        [("admissionregistration.k8s.io", "validatingadmissionpolicybindings")] = new([Name, new("PolicyName", "string"), new("ParamRef", "string"), Age],
            (o, now) => [NameOf(o), o.Str("spec.policyName"), ParamRef(o), AgeOf(o, now)]),
        [("flowcontrol.apiserver.k8s.io", "flowschemas")] = new([Name, new("PriorityLevel", "string"), new("MatchingPrecedence", "string"),
            new("DistinguisherMethod", "string"), Age, new("MissingPL", "string")],
            (o, now) => [NameOf(o), o.Str("spec.priorityLevelConfiguration.name"), o.Int("spec.matchingPrecedence"),
                o.Str("spec.distinguisherMethod.type").OrNone(), AgeOf(o, now), FlowSchemaMissingPriorityLevel(o)]),
        [("flowcontrol.apiserver.k8s.io", "prioritylevelconfigurations")] = new([Name, new("Type", "string"), new("NominalConcurrencyShares", "string"),
            new("Queues", "string"), new("HandSize", "string"), new("QueueLengthLimit", "string"), Age], PriorityLevelCells),
        [("apiregistration.k8s.io", "apiservices")] = new([Name, new("Service", "string"), new("Available", "string"), Age], ApiServiceCells),
        [("rbac.authorization.k8s.io", "rolebindings")] = BindingPrinter(),
        [("rbac.authorization.k8s.io", "clusterrolebindings")] = BindingPrinter(),
    };

    private static readonly Printer Default = new(
        [Name, new("Created At", "date")],
        (o, _) => [NameOf(o), CreatedAt(o)]);


    /// <summary>The printer of a built-in resource; the default Name / Created At table for kinds without one.</summary>
    public static Printer For(string group, string resource) => Printers.GetValueOrDefault((group, resource)) ?? Default;

    internal static string NameOf(JsonObject o) => o.Str("metadata.name");

    private static string AgeOf(JsonObject o, DateTimeOffset now) => HumanDuration.Since(o.Str("metadata.creationTimestamp").NullIfEmpty(), now);

    private static string CreatedAt(JsonObject o) =>
        DateTimeOffset.TryParse(o.Str("metadata.creationTimestamp"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : "0001-01-01T00:00:00Z";

    private static object?[] Containers(JsonObject o)
    {
        var containers = o.Objects("spec.template.spec.containers").ToList();
        return [string.Join(",", containers.Select(c => c.Str("name"))), string.Join(",", containers.Select(c => c.Str("image")))];
    }

    private static object?[] DeploymentCells(JsonObject o, DateTimeOffset now) =>
    [
        NameOf(o), $"{o.Int("status.readyReplicas")}/{o.Int("spec.replicas")}", o.Int("status.updatedReplicas"), o.Int("status.availableReplicas"),
        AgeOf(o, now), .. Containers(o), o.At("spec.selector").SelectorString(),
    ];

    private static Printer BindingPrinter() => new(
        [Name, new("Role", "string"), Age, new("Users", "string", Priority: 1), new("Groups", "string", Priority: 1), new("ServiceAccounts", "string", Priority: 1)],
        (o, now) =>
        {
            var subjects = o.Objects("subjects").ToList();
            string Join(string kind) => string.Join(", ", subjects.Where(s => s.Str("kind") == kind)
                .Select(s => kind == "ServiceAccount" ? $"{s.Str("namespace")}/{s.Str("name")}" : s.Str("name")));
            return [NameOf(o), $"{o.Str("roleRef.kind")}/{o.Str("roleRef.name")}", AgeOf(o, now), Join("User"), Join("Group"), Join("ServiceAccount")];
        });

    private static object?[] NodeCells(JsonObject o, DateTimeOffset now)
    {
        var conditions = o.Objects("status.conditions").ToList();
        var ready = conditions.FirstOrDefault(c => c.Str("type") == "Ready");
        var status = new List<string> { ready is null ? "Unknown" : ready.Str("status") == "True" ? "Ready" : "NotReady" };
        if (o.Bool("spec.unschedulable")) status.Add("SchedulingDisabled");
        var roles = new SortedSet<string>(StringComparer.Ordinal);
        if (o.At("metadata.labels") is JsonObject labels)
            foreach (var (key, value) in labels)
            {
                if (key.StartsWith("node-role.kubernetes.io/", StringComparison.Ordinal) && key.Length > "node-role.kubernetes.io/".Length)
                    roles.Add(key["node-role.kubernetes.io/".Length..]);
                else if (key == "kubernetes.io/role" && (string?)value is { Length: > 0 } role)
                    roles.Add(role);
            }
        string Address(string type) => o.Objects("status.addresses").FirstOrDefault(a => a.Str("type") == type)?.Str("address").OrNone() ?? "<none>";
        return
        [
            NameOf(o), string.Join(",", status), roles.Count == 0 ? "<none>" : string.Join(",", roles), AgeOf(o, now), o.Str("status.nodeInfo.kubeletVersion"),
            Address("InternalIP"), Address("ExternalIP"), o.Str("status.nodeInfo.osImage").OrUnknown(), o.Str("status.nodeInfo.kernelVersion").OrUnknown(),
            o.Str("status.nodeInfo.containerRuntimeVersion").OrUnknown(),
        ];
    }

    private static object?[] ServiceCells(JsonObject o, DateTimeOffset now)
    {
        var type = o.Str("spec.type");
        var clusterIp = o.Strings("spec.clusterIPs").FirstOrDefault() ?? "<none>";
        var externalIps = o.Strings("spec.externalIPs").ToList();
        var external = type switch
        {
            "ClusterIP" or "NodePort" => externalIps.Count > 0 ? string.Join(",", externalIps) : "<none>",
            "ExternalName" => o.Str("spec.externalName"),
            "LoadBalancer" => LoadBalancerAddresses(o) is var lb && externalIps.Count > 0
                ? string.Join(",", (lb.Length > 0 ? lb.Split(',') : []).Concat(externalIps))
                : lb.Length > 0 ? lb : "<pending>",
            _ => "<unknown>",
        };
        var ports = o.Objects("spec.ports").Select(p =>
        {
            var protocol = p.Str("protocol");
            return p.Int("nodePort") > 0 ? $"{p.Int("port")}:{p.Int("nodePort")}/{protocol}" : $"{p.Int("port")}/{protocol}";
        }).ToList();
        return [NameOf(o), type, clusterIp, external, ports.Count == 0 ? "<none>" : string.Join(",", ports), AgeOf(o, now), o.At("spec.selector").MapSelector()];
    }

    // The distinct IPs (else hostnames) of a load balancer status, sorted.
    private static string LoadBalancerAddresses(JsonObject o) =>
        string.Join(",", o.Objects("status.loadBalancer.ingress").Select(i => i.Str("ip").NullIfEmpty() ?? i.Str("hostname"))
            .Where(s => s.Length > 0).Distinct().Order(StringComparer.Ordinal));

    // The server prints events with the wide options: all ten cells, Count as an integer.
    private static object?[] EventCells(JsonObject o, DateTimeOffset now)
    {
        var first = o.Str("firstTimestamp").NullIfEmpty() is { } f ? HumanDuration.Since(f, now) : HumanDuration.Since(o.Str("eventTime").NullIfEmpty(), now);
        var last = o.Str("lastTimestamp").NullIfEmpty() is { } l ? HumanDuration.Since(l, now) : first;
        var count = o.Int("count");
        if (o.At("series") is JsonObject)
        {
            last = HumanDuration.Since(o.Str("series.lastObservedTime").NullIfEmpty(), now);
            count = o.Int("series.count");
        }
        else if (count == 0)
        {
            count = 1; // singleton events of the new API carry no count
        }
        var kind = o.Str("involvedObject.kind").ToLowerInvariant();
        var target = o.Str("involvedObject.name") is { Length: > 0 } name ? $"{kind}/{name}" : kind;
        var component = o.Str("source.component").NullIfEmpty() ?? o.Str("reportingComponent");
        var instance = o.Str("source.host").NullIfEmpty() ?? o.Str("reportingInstance");
        return
        [
            last, o.Str("type"), o.Str("reason"), target, o.Str("involvedObject.fieldPath"),
            instance.Length == 0 ? component : component + ", " + instance, o.Str("message").Trim(), first, count, NameOf(o),
        ];
    }

    // Finished pods are marked Completed, which kubectl uses to tell them apart.
    private static IReadOnlyList<TableRowCondition>? PodConditions(JsonObject o) => o.Str("status.phase") switch
    {
        "Succeeded" => [new("Completed", "True", "Succeeded", "The pod has completed successfully.")],
        "Failed" => [new("Completed", "True", "Failed", "The pod failed.")],
        _ => null,
    };

    private static object?[] PodCells(JsonObject o, DateTimeOffset now)
    {
        var phase = o.Str("status.phase");
        var reason = o.Str("status.reason").NullIfEmpty() ?? phase;
        if (o.Objects("status.conditions").Any(c => c.Str("type") == "PodScheduled" && c.Str("reason") == "SchedulingGated")) reason = "SchedulingGated";
        var total = o.Objects("spec.containers").Count();
        var initTotal = o.Objects("spec.initContainers").Count();
        long restarts = 0;
        var ready = 0;
        DateTimeOffset? lastRestart = null;
        var initializing = false;
        var index = 0;
        foreach (var c in o.Objects("status.initContainerStatuses"))
        {
            restarts += c.Int("restartCount");
            var terminated = c.At("state.terminated");
            var waitingReason = c.Str("state.waiting.reason");
            if (terminated is JsonObject && c.Int("state.terminated.exitCode") == 0) { index++; continue; }
            if (terminated is JsonObject)
                reason = c.Str("state.terminated.reason") is { Length: > 0 } r ? "Init:" + r
                    : c.Int("state.terminated.signal") != 0 ? $"Init:Signal:{c.Int("state.terminated.signal")}" : $"Init:ExitCode:{c.Int("state.terminated.exitCode")}";
            else if (waitingReason.Length > 0 && waitingReason != "PodInitializing") reason = "Init:" + waitingReason;
            else reason = $"Init:{index}/{initTotal}";
            initializing = true;
            break;
        }
        var initialized = o.Objects("status.conditions").Any(c => c.Str("type") == "Initialized" && c.Str("status") == "True");
        if (!initializing || initialized)
        {
            restarts = 0;
            var hasRunning = false;
            foreach (var c in o.Objects("status.containerStatuses").Reverse())
            {
                restarts += c.Int("restartCount");
                if (DateTimeOffset.TryParse(c.Str("lastState.terminated.finishedAt"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var finished)
                    && (lastRestart is null || finished > lastRestart)) lastRestart = finished;
                if (c.Str("state.waiting.reason") is { Length: > 0 } w) reason = w;
                else if (c.Str("state.terminated.reason") is { Length: > 0 } t) reason = t;
                else if (c.At("state.terminated") is JsonObject)
                    reason = c.Int("state.terminated.signal") != 0 ? $"Signal:{c.Int("state.terminated.signal")}" : $"ExitCode:{c.Int("state.terminated.exitCode")}";
                else if (c.Bool("ready") && c.At("state.running") is JsonObject)
                {
                    hasRunning = true;
                    ready++;
                }
            }
            if (reason == "Completed" && hasRunning)
                reason = o.Objects("status.conditions").Any(c => c.Str("type") == "Ready" && c.Str("status") == "True") ? "Running" : "NotReady";
        }
        var deleting = o.At("metadata.deletionTimestamp") is JsonValue;
        if (deleting && o.Str("status.reason") == "NodeLost") reason = "Unknown";
        else if (deleting && phase is not ("Succeeded" or "Failed")) reason = "Terminating";
        var restartText = restarts != 0 && lastRestart is { } lr ? $"{restarts} ({HumanDuration.Format(now - lr)} ago)" : restarts.ToString(CultureInfo.InvariantCulture);
        var gates = o.Objects("spec.readinessGates").Select(g => g.Str("conditionType")).ToList();
        var gatesText = gates.Count == 0 ? "<none>"
            : $"{gates.Count(g => o.Objects("status.conditions").Any(c => c.Str("type") == g && c.Str("status") == "True"))}/{gates.Count}";
        var ip = o.Objects("status.podIPs").FirstOrDefault()?.Str("ip") ?? "";
        return
        [
            NameOf(o), $"{ready}/{total}", reason, restartText, AgeOf(o, now),
            ip.OrNone(), o.Str("spec.nodeName").OrNone(), o.Str("status.nominatedNodeName").OrNone(), gatesText,
        ];
    }

    private static string FormatEndpoints(JsonObject o)
    {
        var subsets = o.Objects("subsets").ToList();
        if (subsets.Count == 0) return "<none>";
        const int max = 3;
        var list = new List<string>();
        var count = 0;
        var more = false;
        foreach (var ss in subsets)
        {
            var addresses = ss.Objects("addresses").Select(a => a.Str("ip")).ToList();
            var ports = ss.Objects("ports").ToList();
            foreach (var port in ports.Count == 0 ? [null] : ports.Cast<JsonObject?>())
            {
                count += addresses.Count;
                foreach (var ip in addresses)
                {
                    if (list.Count == max)
                    {
                        more = true;
                        break;
                    }
                    list.Add(port is null ? ip : JoinHostPort(ip, port.Int("port")));
                }
            }
        }
        var text = string.Join(",", list);
        return more ? $"{text} + {count - max} more..." : text;
    }

    private static string JoinHostPort(string host, long port) => host.Contains(':') ? $"[{host}]:{port}" : $"{host}:{port}";

    // RWO, ROX, RWX, RWOP in this order, each once.
    private static string AccessModes(IEnumerable<string> modes)
    {
        var set = modes.ToHashSet(StringComparer.Ordinal);
        var names = new List<string>();
        foreach (var (mode, shortName) in new[] { ("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"), ("ReadWriteOncePod", "RWOP") })
            if (set.Contains(mode)) names.Add(shortName);
        return string.Join(",", names);
    }

    // The beta annotation wins over spec.storageClassName, as the storage helpers read it.
    private static string StorageClassOf(JsonObject o) =>
        o.At("metadata.annotations") is JsonObject a && a["volume.beta.kubernetes.io/storage-class"] is JsonValue v ? v.ToString() : o.Str("spec.storageClassName");

    private static object?[] PersistentVolumeClaimCells(JsonObject o, DateTimeOffset now)
    {
        var bound = o.Str("spec.volumeName").Length > 0;
        return
        [
            NameOf(o), o.At("metadata.deletionTimestamp") is JsonValue ? "Terminating" : o.Str("status.phase"), o.Str("spec.volumeName"),
            bound ? o.Str("status.capacity.storage") : "", bound ? AccessModes(o.Strings("status.accessModes")) : "", StorageClassOf(o),
            o.Str("spec.volumeAttributesClassName").NullIfEmpty() ?? "<unset>", AgeOf(o, now), o.Str("spec.volumeMode").NullIfEmpty() ?? "<unset>",
        ];
    }

    private static object?[] ResourceQuotaCells(JsonObject o, DateTimeOffset now)
    {
        var requests = new List<string>();
        var limits = new List<string>();
        if (o.At("status.hard") is JsonObject hard)
            foreach (var (resource, value) in hard.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                var used = o.At("status.used") is JsonObject u && u[resource] is JsonValue uv ? uv.ToString() : "0";
                var text = $"{resource}: {used}/{value}";
                (resource.StartsWith("limits.", StringComparison.Ordinal) ? limits : requests).Add(text);
            }
        return [NameOf(o), AgeOf(o, now), string.Join(", ", requests), string.Join(", ", limits)];
    }

    private static object?[] ComponentStatusCells(JsonObject o, DateTimeOffset now)
    {
        var healthy = o.Objects("conditions").FirstOrDefault(c => c.Str("type") == "Healthy");
        var status = healthy is null ? "Unknown" : healthy.Str("status") == "True" ? "Healthy" : "Unhealthy";
        return [NameOf(o), status, healthy?.Str("message") ?? "", healthy?.Str("error") ?? ""];
    }

    // kind.group/name of the controlling owner, lower-cased kind.
    private static string ControllerOf(JsonObject o)
    {
        var owner = o.Objects("metadata.ownerReferences").FirstOrDefault(r => r.Bool("controller"));
        if (owner is null) return "<none>";
        var apiVersion = owner.Str("apiVersion");
        var group = apiVersion.Contains('/') ? apiVersion[..apiVersion.IndexOf('/')] : "";
        var kind = group.Length == 0 ? owner.Str("kind") : owner.Str("kind") + "." + group;
        return kind.ToLowerInvariant() + "/" + owner.Str("name");
    }

    private static object?[] JobCells(JsonObject o, DateTimeOffset now)
    {
        bool Has(string type) => o.Objects("status.conditions").Any(c => c.Str("type") == type && c.Str("status") == "True");
        var status = Has("Complete") ? "Complete"
            : Has("Failed") ? "Failed"
            : o.At("metadata.deletionTimestamp") is JsonValue ? "Terminating"
            : Has("Suspended") ? "Suspended"
            : Has("FailureTarget") ? "FailureTarget"
            : Has("SuccessCriteriaMet") ? "SuccessCriteriaMet"
            : "Running";
        var succeeded = o.Int("status.succeeded");
        var completions = o.At("spec.completions") is JsonValue ? $"{succeeded}/{o.Int("spec.completions")}"
            : o.At("spec.parallelism") is JsonValue && o.Int("spec.parallelism") > 1 ? $"{succeeded}/1 of {o.Int("spec.parallelism")}"
            : $"{succeeded}/1";
        var duration = "";
        if (Parse(o.Str("status.startTime")) is { } start)
            duration = HumanDuration.Format((Parse(o.Str("status.completionTime")) ?? now) - start);
        return [NameOf(o), status, completions, duration, AgeOf(o, now), .. Containers(o), o.At("spec.selector").LabelSelector()];
    }

    // Resource and container-resource metrics as "cpu: 40%/80%"; other metric types as current/target.
    private static string HpaTargets(JsonObject o)
    {
        var specs = o.Objects("spec.metrics").ToList();
        if (specs.Count == 0) return "<none>";
        var statuses = o.Objects("status.currentMetrics").ToList();
        const int max = 2;
        var list = new List<string>();
        for (var i = 0; i < specs.Count && list.Count < max; i++)
        {
            var spec = specs[i];
            var status = i < statuses.Count ? statuses[i] : null;
            var field = spec.Str("type") switch
            {
                "Resource" => "resource",
                "ContainerResource" => "containerResource",
                "Pods" => "pods",
                "Object" => "object",
                "External" => "external",
                _ => "",
            };
            var target = spec.At(field + ".target");
            var current = status?.At(field + ".current");
            string text;
            if (target.Str("averageValue") is { Length: > 0 } averageValue)
                text = $"{current.Str("averageValue").NullIfEmpty() ?? "<unknown>"}/{averageValue}";
            else if (target.Str("value") is { Length: > 0 } value)
                text = $"{current.Str("value").NullIfEmpty() ?? "<unknown>"}/{value}";
            else
            {
                var currentPct = current.At("averageUtilization") is JsonValue ? $"{current.Int("averageUtilization")}%" : "<unknown>";
                var targetPct = target.At("averageUtilization") is JsonValue ? $"{target.Int("averageUtilization")}%" : "<auto>";
                text = $"{currentPct}/{targetPct}";
            }
            if (field is "resource" or "containerResource") text = $"{spec.Str(field + ".name")}: {text}";
            list.Add(text);
        }
        var joined = string.Join(", ", list);
        return specs.Count > max ? $"{joined} + {specs.Count - max} more..." : joined;
    }

    private static string IntOrStringOrNa(JsonNode? value) => value is JsonValue v ? v.ToString() : "N/A";

    private static object?[] IngressCells(JsonObject o, DateTimeOffset now)
    {
        var rules = o.Objects("spec.rules").ToList();
        const int max = 3;
        var hosts = rules.Take(max).Select(r => r.Str("host")).Where(h => h.Length > 0).ToList();
        var hostText = hosts.Count == 0 ? "*" : string.Join(",", hosts) + (rules.Count > max ? $" + {rules.Count - max} more..." : "");
        return
        [
            NameOf(o), o.Str("spec.ingressClassName").OrNone(), hostText, LoadBalancerAddresses(o),
            o.Count("spec.tls") > 0 ? "80, 443" : "80", AgeOf(o, now),
        ];
    }

    private static string IngressClassParameters(JsonObject o)
    {
        if (o.At("spec.parameters") is not JsonObject p) return "<none>";
        var kind = p.Str("kind");
        if (p["apiGroup"] is JsonValue) kind += "." + p.Str("apiGroup");
        return kind + "/" + p.Str("name");
    }

    private static object?[] EndpointSliceCells(JsonObject o, DateTimeOffset now)
    {
        var ports = o.Objects("ports").Select(p => p.At("port") is JsonValue ? p.Int("port").ToString(CultureInfo.InvariantCulture) : p.Str("name").NullIfEmpty() ?? "*").ToList();
        var addresses = o.Objects("endpoints").SelectMany(e => e.Strings("addresses")).ToList();
        return [NameOf(o), o.Str("addressType"), ListWithMore(ports), ListWithMore(addresses), AgeOf(o, now)];
    }

    private static string ListWithMore(IReadOnlyList<string> items)
    {
        const int max = 3;
        var text = string.Join(",", items.Take(max));
        if (items.Count > max) return $"{text} + {items.Count - max} more...";
        return text.Length == 0 ? "<unset>" : text;
    }

    private static bool IsDefaultClass(JsonObject o) =>
        o.At("metadata.annotations") is JsonObject a
        && ((string?)a["storageclass.kubernetes.io/is-default-class"] == "true" || (string?)a["storageclass.beta.kubernetes.io/is-default-class"] == "true");

    private static string CsrCondition(JsonObject o)
    {
        var types = o.Objects("status.conditions").Select(c => c.Str("type")).ToHashSet(StringComparer.Ordinal);
        var status = types.Contains("Denied") ? "Denied" : types.Contains("Approved") ? "Approved" : "Pending";
        if (types.Contains("Failed")) status += ",Failed";
        if (o.Str("status.certificate").Length > 0) status += ",Issued";
        return status;
    }

    private static string ParamRef(JsonObject o)
    {
        if (o.At("spec.paramRef") is not JsonObject p) return "<unset>";
        if (p.Str("name") is { Length: > 0 } name) return p.Str("namespace") is { Length: > 0 } ns ? ns + "/" + name : name;
        return p.At("selector").SelectorString();
    }

    private static string FlowSchemaMissingPriorityLevel(JsonObject o) =>
        o.Objects("status.conditions").FirstOrDefault(c => c.Str("type") == "Dangling")?.Str("status") ?? "?";

    private static object?[] PriorityLevelCells(JsonObject o, DateTimeOffset now)
    {
        object? shares = "", queues = "", handSize = "", queueLengthLimit = "";
        if (o.At("spec.limited") is JsonObject limited)
        {
            shares = limited.Int("nominalConcurrencyShares");
            if (limited.At("limitResponse.queuing") is JsonObject q)
            {
                queues = q.Int("queues");
                handSize = q.Int("handSize");
                queueLengthLimit = q.Int("queueLengthLimit");
            }
        }
        return [NameOf(o), o.Str("spec.type"), shares, queues, handSize, queueLengthLimit, AgeOf(o, now)];
    }

    private static object?[] ApiServiceCells(JsonObject o, DateTimeOffset now)
    {
        var service = o.At("spec.service") is JsonObject s ? $"{s.Str("namespace")}/{s.Str("name")}" : "Local";
        var available = o.Objects("status.conditions").FirstOrDefault(c => c.Str("type") == "Available");
        var status = available is null ? "Unknown"
            : available.Str("status") == "True" ? "True"
            : available.Str("reason") is { Length: > 0 } reason ? $"{available.Str("status")} ({reason})" : available.Str("status");
        return [NameOf(o), service, status, AgeOf(o, now)];
    }

    private static DateTimeOffset? Parse(string timestamp) =>
        DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
}
