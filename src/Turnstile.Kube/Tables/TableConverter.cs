using System.Globalization;
using System.Text.Json.Nodes;
using Turnstile.Kube.Catalog;

namespace Turnstile.Kube.Tables;

/// <summary>
/// Server-side printing (<c>Accept: application/json;as=Table;v=v1;g=meta.k8s.io</c>): the columns and cells
/// kube-apiserver v1.32's printers give (<c>pkg/printers/internalversion/printers.go</c>) for the kinds with a printer
/// here, a CRD's <c>additionalPrinterColumns</c> (by JSONPath), and the default <c>Name</c> / <c>Created At</c> table for
/// every other kind. The server always fills the wide (priority 1) cells; kubectl shows them with <c>-o wide</c>.
/// </summary>
public sealed class TableConverter(ApiSnapshot snapshot)
{
    private delegate object?[] Cells(JsonObject o, DateTimeOffset now);

    private sealed record Printer(IReadOnlyList<TableColumn> Columns, Cells Cells);

    private static readonly TableColumn Name = new("Name", "string", "name");
    private static readonly TableColumn Age = new("Age", "string");

    private static readonly Dictionary<(string Group, string Resource), Printer> Printers = new()
    {
        [("", "pods")] = new([Name, new("Ready", "string"), new("Status", "string"), new("Restarts", "string"), Age,
            new("IP", "string", Priority: 1), new("Node", "string", Priority: 1), new("Nominated Node", "string", Priority: 1),
            new("Readiness Gates", "string", Priority: 1)], PodCells),
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
        [("apps", "deployments")] = new([Name, new("Ready", "string"), new("Up-to-date", "string"), new("Available", "string"), Age,
            new("Containers", "string", Priority: 1), new("Images", "string", Priority: 1), new("Selector", "string", Priority: 1)], DeploymentCells),
        [("apps", "replicasets")] = new([Name, new("Desired", "integer"), new("Current", "integer"), new("Ready", "integer"), Age,
            new("Containers", "string", Priority: 1), new("Images", "string", Priority: 1), new("Selector", "string", Priority: 1)],
            (o, now) => [NameOf(o), o.Int("spec.replicas"), o.Int("status.replicas"), o.Int("status.readyReplicas"), AgeOf(o, now),
                .. Containers(o), o.At("spec.selector").LabelSelector()]),
        [("apps", "statefulsets")] = new([Name, new("Ready", "string"), Age, new("Containers", "string", Priority: 1), new("Images", "string", Priority: 1)],
            (o, now) => [NameOf(o), $"{o.Int("status.readyReplicas")}/{o.Int("spec.replicas")}", AgeOf(o, now), .. Containers(o)]),
        [("apps", "daemonsets")] = new([Name, new("Desired", "integer"), new("Current", "integer"), new("Ready", "integer"),
            new("Up-to-date", "integer"), new("Available", "integer"), new("Node Selector", "string"), Age,
            new("Containers", "string", Priority: 1), new("Images", "string", Priority: 1), new("Selector", "string", Priority: 1)],
            (o, now) => [NameOf(o), o.Int("status.desiredNumberScheduled"), o.Int("status.currentNumberScheduled"), o.Int("status.numberReady"),
                o.Int("status.updatedNumberScheduled"), o.Int("status.numberAvailable"), o.At("spec.template.spec.nodeSelector").MapSelector(),
                AgeOf(o, now), .. Containers(o), o.At("spec.selector").LabelSelector()]),
        [("rbac.authorization.k8s.io", "rolebindings")] = BindingPrinter(),
        [("rbac.authorization.k8s.io", "clusterrolebindings")] = BindingPrinter(),
    };

    private static readonly Printer Default = new(
        [Name, new("Created At", "date")],
        (o, _) => [NameOf(o), CreatedAt(o)]);

    /// <summary>The columns a resource's table has.</summary>
    public IReadOnlyList<TableColumn> ColumnsFor(string group, string resource, string version = "") => PrinterFor(group, resource, version).Columns;

    /// <summary>The rows of a list (or of one object), each with its cells and source object.</summary>
    public IReadOnlyList<TableRow> Rows(string group, string resource, IEnumerable<JsonObject> objects, DateTimeOffset now, string version = "")
    {
        var printer = PrinterFor(group, resource, version);
        return objects.Select(o => new TableRow(printer.Cells(o, now), o)).ToList();
    }

    /// <summary>The whole Table response body.</summary>
    /// <param name="version">The requested version; it picks a CRD version's printer columns (default: the storage version's).</param>
    public byte[] ToTable(string group, string resource, IEnumerable<JsonObject> objects, IncludeObject include, DateTimeOffset now,
        string resourceVersion = "", string continueToken = "", string version = "") =>
        TableWriter.Write(ColumnsFor(group, resource, version), Rows(group, resource, objects, now, version), include, resourceVersion, continueToken);

    private Printer PrinterFor(string group, string resource, string version)
    {
        if (snapshot.FindCustomResource(group, resource) is { } crd)
            return CustomPrinter(crd.Versions.FirstOrDefault(v => v.Name == version) ?? crd.StorageVersion);
        return Printers.GetValueOrDefault((group, resource)) ?? Default;
    }

    // apiextensions' table convertor: Name, then the version's columns (Age when it declares none).
    private static Printer CustomPrinter(CrdVersion version)
    {
        var columns = CustomResourceDefinition.ColumnsOrDefault(version);
        var definitions = new List<TableColumn> { Name };
        definitions.AddRange(columns.Select(c => new TableColumn(c.Name, c.Type, c.Format, c.Description, c.Priority)));
        return new Printer(definitions, (o, now) =>
        {
            var cells = new List<object?> { NameOf(o) };
            foreach (var c in columns)
            {
                var value = SimpleJsonPath.Find(o, c.JsonPath);
                cells.Add(value is null ? null : c.Type switch
                {
                    "date" when value is JsonValue v && v.TryGetValue<string>(out var ts) => HumanDuration.Since(ts, now),
                    "integer" when value is JsonValue v && v.TryGetValue<long>(out var l) => l,
                    "number" when value is JsonValue v && v.TryGetValue<double>(out var d) => d,
                    "boolean" when value is JsonValue v && v.TryGetValue<bool>(out var b) => b,
                    "string" when value is JsonValue v && v.TryGetValue<string>(out var s) => s,
                    _ => value is JsonValue scalar ? scalar.ToJsonString().Trim('"') : value.ToJsonString(),
                });
            }
            return cells.ToArray();
        });
    }

    private static string NameOf(JsonObject o) => o.Str("metadata.name");

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
        AgeOf(o, now), .. Containers(o), o.At("spec.selector").LabelSelector(),
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
        var clusterIp = o.Str("spec.clusterIP").OrNone();
        var external = type switch
        {
            "ExternalName" => o.Str("spec.externalName"),
            "LoadBalancer" => LoadBalancerAddresses(o) is { Length: > 0 } lb ? lb : "<pending>",
            _ => string.Join(",", o.Strings("spec.externalIPs")).OrNone(),
        };
        var ports = o.Objects("spec.ports").Select(p =>
        {
            var port = $"{p.Int("port")}";
            if (p.Int("nodePort") > 0) port += $":{p.Int("nodePort")}";
            return port + "/" + (p.Str("protocol").NullIfEmpty() ?? "TCP");
        }).ToList();
        return [NameOf(o), type, clusterIp, external, ports.Count == 0 ? "<none>" : string.Join(",", ports), AgeOf(o, now), o.At("spec.selector").MapSelector()];
    }

    private static string LoadBalancerAddresses(JsonObject o) =>
        string.Join(",", o.Objects("status.loadBalancer.ingress").Select(i => i.Str("ip").NullIfEmpty() ?? i.Str("hostname")).Where(s => s.Length > 0));

    private static object?[] EventCells(JsonObject o, DateTimeOffset now)
    {
        var first = o.Str("firstTimestamp").NullIfEmpty() ?? o.Str("eventTime").NullIfEmpty() ?? o.Str("metadata.creationTimestamp");
        var last = o.Str("lastTimestamp").NullIfEmpty() ?? o.Str("series.lastObservedTime").NullIfEmpty() ?? first;
        var count = o.At("series") is JsonObject ? o.Int("series.count") : o.Int("count");
        var source = o.Str("source.component");
        if (o.Str("source.host") is { Length: > 0 } host) source += ", " + host;
        return
        [
            HumanDuration.Since(last, now), o.Str("type"), o.Str("reason"),
            $"{o.Str("involvedObject.kind").ToLowerInvariant()}/{o.Str("involvedObject.name")}", o.Str("involvedObject.fieldPath"),
            source.Length == 0 ? o.Str("reportingComponent") : source, o.Str("message").Trim(), HumanDuration.Since(first, now),
            count.ToString(CultureInfo.InvariantCulture), NameOf(o),
        ];
    }

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
}

internal static class StringExtensions
{
    public static string? NullIfEmpty(this string s) => s.Length == 0 ? null : s;

    public static string OrUnknown(this string s) => s.Length == 0 ? "<unknown>" : s;
}
