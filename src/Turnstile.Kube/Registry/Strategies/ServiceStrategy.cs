using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Turnstile.Core.Kube;
using Turnstile.Kube.Storage;
using Turnstile.State;

namespace Turnstile.Kube.Registry.Strategies;

/// <summary>
/// Services: DNS-1035 names, kube's spec defaults, cluster IPs allocated from the cluster's service CIDR and node
/// ports from 30000-32767, both claimed under allocation keys written in the same transaction as the service (so two
/// services never get one address, across replicas too) and released when it is deleted.
/// </summary>
public sealed class ServiceStrategy : KindStrategy
{
    public const int NodePortMin = 30000;
    public const int NodePortMax = 32767;
    private static readonly string[] Types = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];

    public override NameRule NameRule => NameRules.Dns1035Label;

    public override bool ReturnDeletedObject => true;

    public override FieldLabels FieldLabels(RegistryResource resource) =>
        Registry.FieldLabels.Custom(true, ["metadata.name", "metadata.namespace"], new Dictionary<string, string>
        {
            ["spec.clusterIP"] = "spec.clusterIP",
            ["spec.type"] = "spec.type",
        });

    public override void PrepareForCreate(StrategyContext context, KubeObject obj) =>
        obj["status"] = new JsonObject { ["loadBalancer"] = new JsonObject() };

    /// <summary>kube's SetDefaults_Service, applied to every write as its decoder does.</summary>
    public override void Normalize(KubeObject obj)
    {
        if (obj["spec"] is not JsonObject spec) obj["spec"] = spec = new JsonObject();
        var type = Default(spec, "type", "ClusterIP");
        if (spec["ports"] is JsonArray ports)
            foreach (var port in ports.OfType<JsonObject>())
            {
                Default(port, "protocol", "TCP");
                if (port["targetPort"] is null && port["port"] is { } p) port["targetPort"] = p.DeepClone();
            }
        if (type == "ExternalName") return;
        Default(spec, "sessionAffinity", "None");
        if (type is "NodePort" or "LoadBalancer") Default(spec, "externalTrafficPolicy", "Cluster");
        if (type == "LoadBalancer" && spec["allocateLoadBalancerNodePorts"] is null) spec["allocateLoadBalancerNodePorts"] = true;
        Default(spec, "internalTrafficPolicy", "Cluster");
    }

    public override IEnumerable<FieldError> Allocate(StrategyContext context, KubeObject obj)
    {
        var spec = (JsonObject)obj["spec"]!;
        var type = KubeObject.String(spec, "type");
        if (type == "ExternalName" || !Types.Contains(type)) return [];
        var errors = new List<FieldError>();
        var requested = KubeObject.String(spec, "clusterIP");
        if (requested.Length == 0 && KubeObject.StringList(spec["clusterIPs"]) is { Count: > 0 } ips) requested = ips[0];
        if (requested != "None")
        {
            var range = ServiceCidr.Parse(context.Options.ServiceCidr);
            if (requested.Length == 0)
            {
                var ip = range.AllocateFree(context.Options.Random, candidate => context.View.Get(ClusterIpKey(context.Cluster, candidate)) is null);
                if (ip is null) errors.Add(FieldError.InternalError("spec.clusterIPs", "failed to allocate a serviceIP: range is full"));
                else Claim(context, ClusterIpKey(context.Cluster, ip), spec, ip);
            }
            else if (IPAddress.TryParse(requested, out var address))
            {
                var failure = !range.Contains(address)
                    ? $"the provided IP ({requested}) is not in the valid range. The range of valid IPs is {context.Options.ServiceCidr}"
                    : context.View.Get(ClusterIpKey(context.Cluster, requested)) is not null ? "provided IP is already allocated" : null;
                if (failure is not null)
                    errors.Add(FieldError.Invalid("spec.clusterIPs", new[] { requested }, $"failed to allocate IP {requested}: {failure}"));
                else Claim(context, ClusterIpKey(context.Cluster, requested), spec, requested);
            }
        }
        else
        {
            spec["clusterIP"] = "None";
            spec["clusterIPs"] = new JsonArray("None");
        }
        spec["ipFamilies"] ??= new JsonArray("IPv4");
        spec["ipFamilyPolicy"] ??= "SingleStack";
        if (type is "NodePort" or "LoadBalancer" && spec["ports"] is JsonArray ports) AllocateNodePorts(context, ports, errors);
        return errors;
    }

    private static void AllocateNodePorts(StrategyContext context, JsonArray ports, List<FieldError> errors)
    {
        for (var i = 0; i < ports.Count; i++)
        {
            if (ports[i] is not JsonObject port) continue;
            var requested = KubeObject.Int(port, "nodePort") ?? 0;
            if (requested == 0)
            {
                var start = context.Options.Random.Next(NodePortMin, NodePortMax + 1);
                for (var n = 0; n <= NodePortMax - NodePortMin; n++)
                {
                    var candidate = NodePortMin + (start - NodePortMin + n) % (NodePortMax - NodePortMin + 1);
                    var key = PortKey(context.Cluster, candidate);
                    if (context.View.Get(key) is not null || context.Compares.Any(c => c.Key == key)) continue;
                    ClaimKey(context, key);
                    port["nodePort"] = candidate;
                    break;
                }
                continue;
            }
            var field = $"spec.ports[{i}].nodePort";
            if (requested is < NodePortMin or > NodePortMax)
                errors.Add(FieldError.Invalid(field, requested, $"provided port is not in the valid range. The range of valid ports is {NodePortMin}-{NodePortMax}"));
            else if (context.View.Get(PortKey(context.Cluster, requested)) is not null)
                errors.Add(FieldError.Invalid(field, requested, "provided port is already allocated"));
            else ClaimKey(context, PortKey(context.Cluster, requested));
        }
    }

    public override void PrepareForUpdate(StrategyContext context, KubeObject obj, KubeObject old)
    {
        Copy(old, obj, "status");
        // Allocated values a client leaves out are kept (kube's patchAllocatedValues).
        if (obj["spec"] is JsonObject spec && old["spec"] is JsonObject oldSpec)
        {
            foreach (var member in new[] { "clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy" })
                if (spec[member] is null && oldSpec[member] is { } value) spec[member] = value.DeepClone();
            if (spec["ports"] is JsonArray ports && oldSpec["ports"] is JsonArray oldPorts)
                foreach (var port in ports.OfType<JsonObject>())
                {
                    if (port["nodePort"] is not null) continue;
                    var match = oldPorts.OfType<JsonObject>().FirstOrDefault(o => JsonNode.DeepEquals(o["port"], port["port"]) && JsonNode.DeepEquals(o["protocol"], port["protocol"]));
                    if (match?["nodePort"] is { } np) port["nodePort"] = np.DeepClone();
                }
        }
    }

    public override IEnumerable<FieldError> Validate(StrategyContext context, KubeObject obj)
    {
        var spec = obj["spec"] as JsonObject ?? new JsonObject();
        var type = KubeObject.String(spec, "type");
        if (!Types.Contains(type)) yield return FieldError.NotSupported("spec.type", type, Types);
        if (type == "ExternalName" && KubeObject.String(spec, "externalName").Length == 0) yield return FieldError.Required("spec.externalName");
        var headless = KubeObject.String(spec, "clusterIP") == "None";
        if (spec["ports"] is not JsonArray { Count: > 0 } ports)
        {
            if (!headless && type != "ExternalName") yield return FieldError.Required("spec.ports");
            yield break;
        }
        for (var i = 0; i < ports.Count; i++)
        {
            var port = ports[i] as JsonObject;
            var number = KubeObject.Int(port, "port") ?? 0;
            if (number is < 1 or > 65535) yield return FieldError.Invalid($"spec.ports[{i}].port", number, "must be between 1 and 65535, inclusive");
        }
        foreach (var (ip, i) in KubeObject.StringList(spec["clusterIPs"]).Select((ip, i) => (ip, i)))
            if (ip != "None" && !IPAddress.TryParse(ip, out _))
                yield return FieldError.Invalid($"spec.clusterIPs[{i}]", ip, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
    }

    public override IEnumerable<FieldError> ValidateUpdate(StrategyContext context, KubeObject obj, KubeObject old)
    {
        var ips = KubeObject.StringList((obj["spec"] as JsonObject)?["clusterIPs"]);
        var oldIps = KubeObject.StringList((old["spec"] as JsonObject)?["clusterIPs"]);
        for (var i = 0; i < oldIps.Count; i++)
            if (i >= ips.Count || ips[i] != oldIps[i])
                yield return FieldError.Invalid($"spec.clusterIPs[{i}]", i < ips.Count ? ips[i] : "", "may not change once set");
        foreach (var error in Validate(context, obj)) yield return error;
    }

    public override void OnDelete(StrategyContext context, KubeObject obj)
    {
        var spec = obj["spec"] as JsonObject;
        foreach (var ip in KubeObject.StringList(spec?["clusterIPs"]))
            if (ip != "None") context.Operations.Add(new Delete(ClusterIpKey(context.Cluster, ip)));
        if (spec?["ports"] is JsonArray ports)
            foreach (var port in ports.OfType<JsonObject>())
                if (KubeObject.Int(port, "nodePort") is { } np and > 0) context.Operations.Add(new Delete(PortKey(context.Cluster, np)));
    }

    private static void Claim(StrategyContext context, string key, JsonObject spec, string ip)
    {
        ClaimKey(context, key);
        spec["clusterIP"] = ip;
        spec["clusterIPs"] = new JsonArray(ip);
    }

    private static void ClaimKey(StrategyContext context, string key)
    {
        context.Compares.Add(new KeyAbsent(key));
        context.Operations.Add(new Put(key, "{}"u8.ToArray()));
    }

    /// <summary>The allocation key that claims a cluster IP of one cluster (written with the service that holds it).</summary>
    public static string ClusterIpKey(string cluster, string ip) => StateKey.Join("kube", cluster, "_allocations", "clusterips", ip);

    private static string PortKey(string cluster, long port) =>
        StateKey.Join("kube", cluster, "_allocations", "nodeports", port.ToString(CultureInfo.InvariantCulture));

    private static string Default(JsonObject obj, string member, string value)
    {
        if (obj[member] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Length > 0) return v.GetValue<string>();
        obj[member] = value;
        return value;
    }
}

/// <summary>An IPv4 service CIDR and kube's allocation order (the upper band first, leaving the lower one for static addresses).</summary>
internal readonly record struct ServiceCidr(uint Base, int PrefixLength)
{
    public static ServiceCidr Parse(string cidr)
    {
        var slash = cidr.IndexOf('/');
        var bytes = IPAddress.Parse(cidr[..slash]).GetAddressBytes();
        var prefix = int.Parse(cidr[(slash + 1)..], CultureInfo.InvariantCulture);
        var value = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
        var mask = prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);
        return new ServiceCidr(value & mask, prefix);
    }

    private long Size => 1L << (32 - PrefixLength);

    public bool Contains(IPAddress address)
    {
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork) return false;
        var b = address.GetAddressBytes();
        var value = (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
        var offset = (long)value - Base;
        return offset > 0 && offset < Size - 1;
    }

    public string? AllocateFree(Random random, Func<string, bool> isFree)
    {
        var hosts = Size - 2;
        if (hosts <= 0) return null;
        var staticBand = Math.Min(Math.Max(16, Size / 16), 256);
        foreach (var (from, count) in new[] { (staticBand, hosts - staticBand + 1), (1L, Math.Min(staticBand - 1, hosts)) })
        {
            if (count <= 0) continue;
            var start = random.NextInt64(count);
            for (long n = 0; n < count; n++)
            {
                var ip = Format(Base + (uint)(from + (start + n) % count));
                if (isFree(ip)) return ip;
            }
        }
        return null;
    }

    private static string Format(uint value) => $"{value >> 24}.{(value >> 16) & 255}.{(value >> 8) & 255}.{value & 255}";
}
