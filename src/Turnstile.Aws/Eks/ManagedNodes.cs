using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Turnstile.State;

namespace Turnstile.Aws.Eks;

/// <summary>
/// The worker nodes of managed node groups as EKS clusters show them: Node objects named after the instance's private
/// DNS name, with the labels, addresses, conditions, capacity and node info a kubelet on an EKS AMI reports.
/// </summary>
internal static class ManagedNodes
{
    /// <summary>vCPUs, memory (GiB) and EKS's max pods (the ENI formula) of common instance types; others get t3.medium's.</summary>
    private static readonly Dictionary<string, (int Cpus, int MemoryGib, int Pods)> Shapes = new(StringComparer.Ordinal)
    {
        ["t3.small"] = (2, 2, 11), ["t3.medium"] = (2, 4, 17), ["t3.large"] = (2, 8, 35), ["t3.xlarge"] = (4, 16, 58), ["t3.2xlarge"] = (8, 32, 58),
        ["t4g.medium"] = (2, 4, 17), ["t4g.large"] = (2, 8, 35), ["m5.large"] = (2, 8, 29), ["m5.xlarge"] = (4, 16, 58), ["m5.2xlarge"] = (8, 32, 58),
        ["m6i.large"] = (2, 8, 29), ["m6g.large"] = (2, 8, 29), ["m7i.large"] = (2, 8, 29), ["c5.large"] = (2, 4, 29), ["c5.xlarge"] = (4, 8, 58),
        ["r5.large"] = (2, 16, 29),
    };

    public static string KubeletVersion(string version) => $"v{version}.5-eks-5d632ec";

    /// <summary>
    /// Launches <paramref name="count"/> nodes for the group: stores each Node (its key must be free) and returns their
    /// names. Private IPs are drawn from the group's zones, avoiding those of the cluster's current nodes.
    /// </summary>
    public static IReadOnlyList<string> Launch(OptimisticTransaction tx, EmulatorOptions options, NodegroupRecord nodegroup, int count, DateTimeOffset at)
    {
        var used = tx.List(ClusterKubeObjects.Nodes(nodegroup.ClusterName)).Select(n => n.Key).ToHashSet(StringComparer.Ordinal);
        var domain = EksNames.PrivateDnsDomain(options.Region);
        var names = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var zone = (nodegroup.NodeNames.Count + i) % 3;
            string ip, name, key;
            do
            {
                ip = $"10.0.{zone + 1}.{Random.Shared.Next(2, 255)}";
                name = $"ip-{ip.Replace('.', '-')}.{domain}";
                key = ClusterKubeObjects.NodeKey(nodegroup.ClusterName, name);
            }
            while (!used.Add(key));
            tx.Create(key, Node(options, nodegroup, name, ip, options.Region + (char)('a' + zone), at));
            names.Add(name);
        }
        return names;
    }

    private static JsonObject Node(EmulatorOptions options, NodegroupRecord group, string name, string ip, string zone, DateTimeOffset at)
    {
        var instanceType = group.InstanceTypes.FirstOrDefault() ?? "t3.medium";
        var (cpus, memoryGib, pods) = Shapes.GetValueOrDefault(instanceType, Shapes["t3.medium"]);
        var arch = group.AmiType.Contains("ARM_64", StringComparison.Ordinal) ? "arm64" : "amd64";
        var os = group.AmiType.StartsWith("WINDOWS_", StringComparison.Ordinal) ? "windows" : "linux";
        var instanceId = EksNames.InstanceId();
        // Capacity as the kubelet reports it (a little below the nominal size); allocatable after EKS AMI reservations:
        // CPU 6% of the first core, 1% of the second, 0.5% of cores 3-4, 0.25% beyond; memory 255 MiB + 11 MiB per pod
        // plus the 100 MiB eviction threshold.
        var memoryKi = memoryGib * 1024L * 1024 * 94 / 100;
        var reservedCpuMilli = 60 + (cpus > 1 ? 10 : 0) + Math.Min(Math.Max(cpus - 2, 0), 2) * 5 + Math.Max(cpus - 4, 0) * 5 / 2;
        var allocatableMemoryKi = memoryKi - (255 + 11L * pods + 100) * 1024;
        var labels = new JsonObject
        {
            ["beta.kubernetes.io/arch"] = arch,
            ["beta.kubernetes.io/instance-type"] = instanceType,
            ["beta.kubernetes.io/os"] = os,
            ["eks.amazonaws.com/capacityType"] = group.CapacityType,
            ["eks.amazonaws.com/nodegroup"] = group.Name,
            ["eks.amazonaws.com/nodegroup-image"] = group.ImageId,
            ["failure-domain.beta.kubernetes.io/region"] = options.Region,
            ["failure-domain.beta.kubernetes.io/zone"] = zone,
            ["kubernetes.io/arch"] = arch,
            ["kubernetes.io/hostname"] = name,
            ["kubernetes.io/os"] = os,
            ["node.kubernetes.io/instance-type"] = instanceType,
            ["topology.kubernetes.io/region"] = options.Region,
            ["topology.kubernetes.io/zone"] = zone,
        };
        foreach (var (key, value) in group.Labels) labels[key] = value;
        var timestamp = ClusterKubeObjects.Timestamp(at);
        JsonObject Condition(string type, string status, string reason, string message) => new()
        {
            ["type"] = type,
            ["status"] = status,
            ["lastHeartbeatTime"] = timestamp,
            ["lastTransitionTime"] = timestamp,
            ["reason"] = reason,
            ["message"] = message,
        };
        JsonObject Resources(string cpu, long memory) => new()
        {
            ["cpu"] = cpu,
            ["ephemeral-storage"] = (group.DiskSize * 1024L * 1024 * 1024 / 1024 - 1024 * 1024).ToString(CultureInfo.InvariantCulture) + "Ki",
            ["hugepages-1Gi"] = "0",
            ["hugepages-2Mi"] = "0",
            ["memory"] = memory.ToString(CultureInfo.InvariantCulture) + "Ki",
            ["pods"] = pods.ToString(CultureInfo.InvariantCulture),
        };
        var kubelet = KubeletVersion(group.Version);
        return new JsonObject
        {
            ["kind"] = "Node",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["uid"] = Guid.NewGuid().ToString(),
                ["creationTimestamp"] = timestamp,
                ["labels"] = labels,
                ["annotations"] = new JsonObject
                {
                    ["alpha.kubernetes.io/provided-node-ip"] = ip,
                    ["node.alpha.kubernetes.io/ttl"] = "0",
                    ["volumes.kubernetes.io/controller-managed-attach-detach"] = "true",
                },
            },
            ["spec"] = new JsonObject { ["providerID"] = $"aws:///{zone}/{instanceId}" },
            ["status"] = new JsonObject
            {
                ["addresses"] = new JsonArray(
                    new JsonObject { ["type"] = "InternalIP", ["address"] = ip },
                    new JsonObject { ["type"] = "InternalDNS", ["address"] = name },
                    new JsonObject { ["type"] = "Hostname", ["address"] = name }),
                ["allocatable"] = Resources($"{cpus * 1000 - reservedCpuMilli}m", allocatableMemoryKi),
                ["capacity"] = Resources(cpus.ToString(CultureInfo.InvariantCulture), memoryKi),
                ["conditions"] = new JsonArray(
                    Condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                    Condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                    Condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                    Condition("Ready", "True", "KubeletReady", "kubelet is posting ready status")),
                ["daemonEndpoints"] = new JsonObject { ["kubeletEndpoint"] = new JsonObject { ["Port"] = 10250 } },
                ["nodeInfo"] = new JsonObject
                {
                    ["architecture"] = arch,
                    ["bootID"] = Guid.NewGuid().ToString(),
                    ["containerRuntimeVersion"] = "containerd://1.7.27",
                    ["kernelVersion"] = arch == "arm64" ? "6.1.134-152.225.amzn2023.aarch64" : "6.1.134-152.225.amzn2023.x86_64",
                    ["kubeProxyVersion"] = kubelet,
                    ["kubeletVersion"] = kubelet,
                    ["machineID"] = EksNames.Hex(16).ToLowerInvariant(),
                    ["operatingSystem"] = os,
                    ["osImage"] = os == "windows" ? "Windows Server 2022 Datacenter" : "Amazon Linux 2023.7.20250512",
                    ["systemUUID"] = "ec2" + Guid.NewGuid().ToString()[3..],
                },
            },
        };
    }
}
