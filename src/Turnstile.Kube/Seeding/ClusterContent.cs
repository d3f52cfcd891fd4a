using System.Globalization;
using System.Text.Json.Nodes;
using Turnstile.Core.Rbac;
using Turnstile.Core.Rbac.Bootstrap;
using Turnstile.Kube.Registry.Strategies;
using Turnstile.Kube.Storage;
using Turnstile.State;

namespace Turnstile.Kube.Seeding;

/// <summary>One object of a new cluster, at its <see cref="StateKey.KubeObject"/> key, as stored JSON (no resourceVersion).</summary>
public sealed record SeededObject(string Key, byte[] Value);

/// <summary>What the content of a new cluster depends on.</summary>
/// <param name="KubernetesVersion">The cluster's minor version ("1.32").</param>
/// <param name="Region">The cluster's region (add-on images come from that region's EKS registry).</param>
public sealed record ClusterContentRequest(string Cluster, string KubernetesVersion, string Region, DateTimeOffset CreatedAt, Func<string> NewUid);

/// <summary>
/// What a new EKS cluster's API shows before anyone writes to it: the four system namespaces with their default
/// service accounts, kube-apiserver's bootstrap RBAC policy (aggregated roles filled as the aggregation controller
/// fills them), EKS's own RBAC, the <c>kubernetes</c> and <c>kube-dns</c> Services (their cluster IPs claimed), and the
/// default add-ons' objects (CoreDNS, kube-proxy, VPC CNI: service accounts, config maps, deployment, daemon sets).
/// Objects are in the canonical form the registry stores.
/// </summary>
public static class ClusterContent
{
    public const string KubernetesServiceIp = "10.100.0.1";
    public const string KubeDnsServiceIp = "10.100.0.10";
    public static readonly IReadOnlyList<string> SystemNamespaces = ["default", "kube-node-lease", "kube-public", "kube-system"];

    public static IReadOnlyList<SeededObject> Build(ClusterContentRequest request) => new Builder(request).Build();

    private sealed class Builder(ClusterContentRequest request)
    {
        private readonly List<SeededObject> _objects = [];
        private readonly string _created = request.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        public IReadOnlyList<SeededObject> Build()
        {
            foreach (var ns in SystemNamespaces) Namespace(ns);
            Rbac();
            Services();
            AddOns();
            return _objects;
        }

        private void Namespace(string name)
        {
            Add("", "namespaces", null, new JsonObject
            {
                ["kind"] = "Namespace",
                ["apiVersion"] = "v1",
                ["metadata"] = Meta(name, labels: new() { [NamespaceStrategy.NameLabel] = name }),
                ["spec"] = new JsonObject { ["finalizers"] = new JsonArray(NamespaceStrategy.KubernetesFinalizer) },
                ["status"] = new JsonObject { ["phase"] = "Active" },
            });
            ServiceAccount(name, "default");
        }

        private void Rbac()
        {
            var clusterRoles = ClusterRoleAggregation.Apply(BootstrapPolicy.ClusterRoles.Concat(EksSystemPolicy.ClusterRoles).ToList());
            foreach (var role in clusterRoles)
                Add(RbacGroup.Name, "clusterroles", null, RbacJson.ClusterRole(role, RbacMeta(role.Metadata)));
            foreach (var binding in BootstrapPolicy.ClusterRoleBindings.Concat(EksSystemPolicy.ClusterRoleBindings))
                Add(RbacGroup.Name, "clusterrolebindings", null, RbacJson.ClusterRoleBinding(binding, RbacMeta(binding.Metadata)));
            foreach (var role in BootstrapPolicy.Roles.Concat(EksSystemPolicy.Roles))
                Add(RbacGroup.Name, "roles", role.Namespace, RbacJson.Role(role, RbacMeta(role.Metadata)));
            foreach (var binding in BootstrapPolicy.RoleBindings.Concat(EksSystemPolicy.RoleBindings))
                Add(RbacGroup.Name, "rolebindings", binding.Namespace, RbacJson.RoleBinding(binding, RbacMeta(binding.Metadata)));
        }

        private void Services()
        {
            Service("default", "kubernetes", KubernetesServiceIp, new() { ["component"] = "apiserver", ["provider"] = "kubernetes" }, null,
                Port("https", 443, "TCP", 443));
            Service("kube-system", "kube-dns", KubeDnsServiceIp, new()
                {
                    ["eks.amazonaws.com/component"] = "kube-dns",
                    ["k8s-app"] = "kube-dns",
                    ["kubernetes.io/cluster-service"] = "true",
                    ["kubernetes.io/name"] = "CoreDNS",
                }, new() { ["k8s-app"] = "kube-dns" },
                Port("dns", 53, "UDP", 53), Port("dns-tcp", 53, "TCP", 53), Port("metrics", 9153, "TCP", 9153));
        }

        private void AddOns()
        {
            foreach (var sa in new[] { "aws-node", "coredns", "kube-proxy", "eks-vpc-resource-controller" }) ServiceAccount("kube-system", sa);
            ConfigMap("kube-system", "coredns", new() { ["eks.amazonaws.com/component"] = "coredns", ["k8s-app"] = "kube-dns" }, new()
            {
                ["Corefile"] = ".:53 {\n    errors\n    health {\n        lameduck 5s\n      }\n    ready\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n      pods insecure\n      fallthrough in-addr.arpa ip6.arpa\n    }\n    prometheus :9153\n    forward . /etc/resolv.conf\n    cache 30\n    loop\n    reload\n    loadbalance\n}\n",
            });
            ConfigMap("kube-system", "kube-proxy", new() { ["eks.amazonaws.com/component"] = "kube-proxy", ["k8s-app"] = "kube-proxy" }, new()
            {
                ["kubeconfig"] = "kind: Config\napiVersion: v1\nclusters:\n- cluster:\n    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n    server: https://kubernetes.default.svc\n  name: default\ncontexts:\n- context:\n    cluster: default\n    namespace: default\n    user: default\n  name: default\ncurrent-context: default\nusers:\n- name: default\n  user:\n    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n",
            });
            ConfigMap("kube-system", "amazon-vpc-cni", new() { ["app.kubernetes.io/instance"] = "aws-vpc-cni", ["app.kubernetes.io/name"] = "aws-node" }, new()
            {
                ["enable-network-policy-controller"] = "false",
                ["enable-windows-ipam"] = "false",
                ["enable-windows-prefix-delegation"] = "false",
                ["warm-prefix-target"] = "0",
                ["warm-ip-target"] = "1",
            });
            var version = request.KubernetesVersion;
            Workload("apps", "deployments", "Deployment", "coredns", new() { ["eks.amazonaws.com/component"] = "coredns", ["k8s-app"] = "kube-dns", ["kubernetes.io/name"] = "CoreDNS" },
                new() { ["eks.amazonaws.com/component"] = "coredns", ["k8s-app"] = "kube-dns" }, "coredns", Image("eks/coredns", CoreDnsVersion(version)), replicas: 2);
            Workload("apps", "daemonsets", "DaemonSet", "kube-proxy", new() { ["eks.amazonaws.com/component"] = "kube-proxy", ["k8s-app"] = "kube-proxy" },
                new() { ["k8s-app"] = "kube-proxy" }, "kube-proxy", Image("eks/kube-proxy", $"v{version}.0-minimal-eksbuild.3"), replicas: null);
            Workload("apps", "daemonsets", "DaemonSet", "aws-node", new() { ["app.kubernetes.io/instance"] = "aws-vpc-cni", ["app.kubernetes.io/name"] = "aws-node", ["k8s-app"] = "aws-node" },
                new() { ["k8s-app"] = "aws-node" }, "aws-node", Image("amazon-k8s-cni", "v1.19.2-eksbuild.1"), replicas: null);
        }

        private static string CoreDnsVersion(string version) => version switch
        {
            "1.29" => "v1.11.1-eksbuild.4",
            "1.30" or "1.31" or "1.32" => "v1.11.3-eksbuild.1",
            _ => "v1.11.4-eksbuild.2",
        };

        // EKS's add-on images come from the regional ECR registry of account 602401143452.
        private string Image(string repository, string tag) => $"602401143452.dkr.ecr.{request.Region}.amazonaws.com/{repository}:{tag}";

        private void ServiceAccount(string ns, string name) =>
            Add("", "serviceaccounts", ns, new JsonObject { ["kind"] = "ServiceAccount", ["apiVersion"] = "v1", ["metadata"] = Meta(name, ns) });

        private void ConfigMap(string ns, string name, Dictionary<string, string> labels, Dictionary<string, string> data)
        {
            var dataNode = new JsonObject();
            foreach (var (k, v) in data.OrderBy(p => p.Key, StringComparer.Ordinal)) dataNode[k] = v;
            Add("", "configmaps", ns, new JsonObject { ["kind"] = "ConfigMap", ["apiVersion"] = "v1", ["metadata"] = Meta(name, ns, labels), ["data"] = dataNode });
        }

        private void Service(string ns, string name, string ip, Dictionary<string, string> labels, Dictionary<string, string>? selector, params JsonObject[] ports)
        {
            var spec = new JsonObject { ["ports"] = new JsonArray(ports.Cast<JsonNode?>().ToArray()) };
            if (selector is not null) spec["selector"] = Map(selector);
            spec["clusterIP"] = ip;
            spec["clusterIPs"] = new JsonArray(ip);
            spec["type"] = "ClusterIP";
            spec["sessionAffinity"] = "None";
            spec["ipFamilies"] = new JsonArray("IPv4");
            spec["ipFamilyPolicy"] = "SingleStack";
            spec["internalTrafficPolicy"] = "Cluster";
            Add("", "services", ns, new JsonObject
            {
                ["kind"] = "Service",
                ["apiVersion"] = "v1",
                ["metadata"] = Meta(name, ns, labels),
                ["spec"] = spec,
                ["status"] = new JsonObject { ["loadBalancer"] = new JsonObject() },
            });
            _objects.Add(new SeededObject(ServiceStrategy.ClusterIpKey(request.Cluster, ip), "{}"u8.ToArray()));
        }

        private static JsonObject Port(string name, int port, string protocol, int targetPort) => new()
        {
            ["name"] = name,
            ["protocol"] = protocol,
            ["port"] = port,
            ["targetPort"] = targetPort,
        };

        private void Workload(string group, string resource, string kind, string name, Dictionary<string, string> labels, Dictionary<string, string> selector,
            string serviceAccount, string image, int? replicas)
        {
            var spec = new JsonObject();
            if (replicas is { } r) spec["replicas"] = r;
            spec["selector"] = new JsonObject { ["matchLabels"] = Map(selector) };
            spec["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["labels"] = Map(selector) },
                ["spec"] = new JsonObject
                {
                    ["containers"] = new JsonArray(new JsonObject
                    {
                        ["name"] = name,
                        ["image"] = image,
                        ["resources"] = new JsonObject(),
                        ["terminationMessagePath"] = "/dev/termination-log",
                        ["terminationMessagePolicy"] = "File",
                        ["imagePullPolicy"] = "IfNotPresent",
                    }),
                    ["restartPolicy"] = "Always",
                    ["terminationGracePeriodSeconds"] = 30,
                    ["dnsPolicy"] = resource == "daemonsets" ? "ClusterFirst" : "Default",
                    ["serviceAccountName"] = serviceAccount,
                    ["serviceAccount"] = serviceAccount,
                    ["priorityClassName"] = resource == "daemonsets" ? "system-node-critical" : "system-cluster-critical",
                    ["schedulerName"] = "default-scheduler",
                    ["tolerations"] = new JsonArray(new JsonObject { ["operator"] = "Exists" }),
                },
            };
            var metadata = Meta(name, "kube-system", labels);
            metadata["generation"] = 1;
            metadata["annotations"] = resource == "deployments" ? Map(new() { ["deployment.kubernetes.io/revision"] = "1" }) : Map(new() { ["deprecated.daemonset.template.generation"] = "1" });
            var status = resource == "deployments"
                ? new JsonObject { ["observedGeneration"] = 1, ["replicas"] = replicas, ["updatedReplicas"] = replicas, ["unavailableReplicas"] = replicas }
                : new JsonObject { ["currentNumberScheduled"] = 0, ["numberMisscheduled"] = 0, ["desiredNumberScheduled"] = 0, ["numberReady"] = 0, ["observedGeneration"] = 1 };
            Add(group, resource, "kube-system", new JsonObject
            {
                ["kind"] = kind,
                ["apiVersion"] = group + "/v1",
                ["metadata"] = metadata,
                ["spec"] = spec,
                ["status"] = status,
            });
        }

        private JsonObject RbacMeta(ObjectMeta meta) =>
            Meta(meta.Name, meta.Namespace, meta.Labels.Count > 0 ? new Dictionary<string, string>(meta.Labels) : null,
                meta.Annotations.Count > 0 ? new Dictionary<string, string>(meta.Annotations) : null);

        private JsonObject Meta(string name, string ns = "", Dictionary<string, string>? labels = null, Dictionary<string, string>? annotations = null)
        {
            var meta = new JsonObject { ["name"] = name };
            if (ns.Length > 0) meta["namespace"] = ns;
            meta["uid"] = request.NewUid();
            meta["creationTimestamp"] = _created;
            if (labels is { Count: > 0 }) meta["labels"] = Map(labels);
            if (annotations is { Count: > 0 }) meta["annotations"] = Map(annotations);
            return meta;
        }

        private static JsonObject Map(Dictionary<string, string> values)
        {
            var map = new JsonObject();
            foreach (var (k, v) in values.OrderBy(p => p.Key, StringComparer.Ordinal)) map[k] = v;
            return map;
        }

        private void Add(string group, string resource, string? ns, JsonObject root)
        {
            var obj = new KubeObject(root);
            obj.Canonicalize();
            var name = obj.Name;
            _objects.Add(new SeededObject(StateKey.KubeObject(request.Cluster, group, resource, ns, name), obj.ToJsonBytes()));
        }
    }
}
