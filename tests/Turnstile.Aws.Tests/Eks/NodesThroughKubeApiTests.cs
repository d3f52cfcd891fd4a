using System.Text;
using System.Text.Json.Nodes;
using Turnstile.Core.Kube;
using Turnstile.Kube.Catalog;
using Turnstile.Kube.Handlers;
using Turnstile.Kube.Registry;
using Turnstile.Kube.Storage;
using Turnstile.Kube.Tables;

namespace Turnstile.Aws.Tests.Eks;

/// <summary>The Node objects EKS writes for managed node groups, read through the Kubernetes API as kubectl reads them.</summary>
public class NodesThroughKubeApiTests
{
    private readonly EksFixture _f = new(realisticLatency: true);
    private readonly KubeApiHandlers _kube;

    public NodesThroughKubeApiTests()
    {
        _kube = new KubeApiHandlers(new KubeRegistry(new KubeStorage(_f.Cache, _f.Clock), new RegistryOptions { Time = _f.Clock }));
        var nodeRole = _f.Iam.AddRole("nodes").Arn;
        _f.CreateCluster("c");
        _f.Clock.Advance(TimeSpan.FromMinutes(10));
        _f.Call("CreateNodegroup", $$$"""
            {"clusterName":"c","nodegroupName":"general","subnets":["a"],"nodeRole":"{{{nodeRole}}}","instanceTypes":["m5.large"],"scalingConfig":{"minSize":1,"maxSize":5,"desiredSize":3}}
            """);
        Settle(TimeSpan.FromMinutes(3));
    }

    // EKS completes its asynchronous work (launching or removing nodes) when a call comes after it is due.
    private void Settle(TimeSpan after)
    {
        _f.Clock.Advance(after);
        _f.Call("ListNodegroups", """{"clusterName":"c"}""");
    }

    private async Task<KubeResponse> SendAsync(string verb, string resource, string ns = "", string name = "", string body = "", string? accept = null) =>
        await _kube.HandleAsync(new KubeRequest
        {
            Cluster = "c",
            Verb = verb,
            Resource = ApiResourceCatalog.Eks.FindPreferred("", resource)!,
            Namespace = ns,
            Name = name,
            Accept = accept,
            Body = body.Length == 0 ? null : new MemoryStream(Encoding.UTF8.GetBytes(body)),
        });

    private async Task<JsonArray> NodesAsync()
    {
        var response = await SendAsync("list", "nodes");
        Assert.Equal(200, response.StatusCode);
        return JsonNode.Parse(response.Body)!["items"]!.AsArray();
    }

    [Fact]
    public async Task Managed_nodes_read_as_ready_eks_nodes_named_and_labelled_as_eks_names_them()
    {
        var nodes = await NodesAsync();
        Assert.Equal(3, nodes.Count);
        foreach (var node in nodes.Select(n => n!.AsObject()))
        {
            var name = node["metadata"]!["name"]!.GetValue<string>();
            Assert.Matches($@"^ip-10-0-\d+-\d+\.{EksFixture.Region}\.compute\.internal$", name);
            Assert.Equal(["metadata", "spec", "status"], node.Select(p => p.Key).ToArray());
            Assert.NotEmpty(node["metadata"]!["resourceVersion"]!.GetValue<string>());
            var labels = node["metadata"]!["labels"]!;
            Assert.Equal("general", labels["eks.amazonaws.com/nodegroup"]!.GetValue<string>());
            Assert.Equal("m5.large", labels["node.kubernetes.io/instance-type"]!.GetValue<string>());
            Assert.StartsWith(EksFixture.Region, labels["topology.kubernetes.io/zone"]!.GetValue<string>());
            Assert.Equal(name, labels["kubernetes.io/hostname"]!.GetValue<string>());
            var ready = node["status"]!["conditions"]!.AsArray().Single(c => c!["type"]!.GetValue<string>() == "Ready")!;
            Assert.Equal("True", ready["status"]!.GetValue<string>());
        }

        var one = await SendAsync("get", "nodes", name: nodes[0]!["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal(["kind", "apiVersion", "metadata", "spec", "status"], JsonNode.Parse(one.Body)!.AsObject().Select(p => p.Key).ToArray());

        // kubectl get nodes: the columns of a 1.32 server's table for these objects.
        var rows = new TableConverter(ServedApis.ForEks().Current).Rows("", "nodes", nodes.Select(n => n!.AsObject()).ToList(), _f.Clock.GetUtcNow());
        Assert.All(rows, row => Assert.Equal(("Ready", "<none>"), ((string?)row.Cells[1], (string?)row.Cells[2])));
        Assert.All(rows, row => Assert.StartsWith("v1.32.", (string?)row.Cells[4]));
    }

    [Fact]
    public async Task Pods_land_on_the_group_s_nodes_and_scaling_or_deleting_the_group_shows_in_the_node_list()
    {
        var names = (await NodesAsync()).Select(n => n!["metadata"]!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(201, (await SendAsync("create", "namespaces", body: """{"metadata":{"name":"default"}}""")).StatusCode);
        var pod = JsonNode.Parse((await SendAsync("create", "pods", "default", body: """{"metadata":{"name":"web"},"spec":{"containers":[{"name":"web","image":"nginx"}]}}""")).Body)!;
        Assert.Contains(pod["spec"]!["nodeName"]!.GetValue<string>(), names);
        Assert.Equal("Running", pod["status"]!["phase"]!.GetValue<string>());

        _f.Call("UpdateNodegroupConfig", """{"clusterName":"c","nodegroupName":"general","scalingConfig":{"desiredSize":2}}""");
        Settle(TimeSpan.FromMinutes(2));
        Assert.Equal(2, (await NodesAsync()).Count);
        _f.Call("DeleteNodegroup", """{"clusterName":"c","nodegroupName":"general"}""");
        Settle(TimeSpan.FromMinutes(3));
        Assert.Empty(await NodesAsync());
    }
}
