using System.Text.Json.Nodes;

namespace Turnstile.Aws.Tests.Eks;

/// <summary>UpdateNodegroupConfig: scaling is an update that lands later, then the group's Node objects follow.</summary>
public class NodegroupScalingTests
{
    private readonly EksFixture _f = new(realisticLatency: true);
    private readonly string _nodeRole;

    public NodegroupScalingTests()
    {
        _nodeRole = _f.Iam.AddRole("nodes").Arn;
        _f.CreateCluster("c");
        _f.Clock.Advance(TimeSpan.FromMinutes(10));
        _f.Call("CreateNodegroup", $$$"""
            {"clusterName":"c","nodegroupName":"ng","subnets":["a"],"nodeRole":"{{{_nodeRole}}}","scalingConfig":{"minSize":1,"maxSize":5,"desiredSize":2}}
            """);
        _f.Clock.Advance(TimeSpan.FromMinutes(3));
    }

    private JsonObject Nodegroup() => (JsonObject)_f.Call("DescribeNodegroup", """{"clusterName":"c","nodegroupName":"ng"}""")["nodegroup"]!;

    private string[] NodeNames() => _f.Nodes("c").Select(n => NodeView.Of(n).Name).ToArray();

    [Fact]
    public void Scaling_up_is_an_update_in_progress_then_the_nodes_are_launched()
    {
        var before = NodeNames();
        Assert.Equal(2, before.Length);
        var update = (JsonObject)_f.Call("UpdateNodegroupConfig", """{"clusterName":"c","nodegroupName":"ng","scalingConfig":{"desiredSize":4}}""")["update"]!;
        Assert.Equal("InProgress", (string?)update["status"]);
        Assert.Equal("ConfigUpdate", (string?)update["type"]);
        Assert.Equal("""[{"type":"DesiredSize","value":"4"}]""", update["params"]!.ToJsonString());
        Assert.Equal("UPDATING", (string?)Nodegroup()["status"]);
        Assert.Equal(2, NodeNames().Length);

        var id = (string)update["id"]!;
        Assert.Equal([id], EksFixture.Strings(_f.Call("ListUpdates", """{"name":"c","nodegroupName":"ng"}""")["updateIds"]));
        Assert.Empty(_f.Call("ListUpdates", """{"name":"c"}""")["updateIds"]!.AsArray());
        Assert.Equal("ResourceNotFoundException", _f.Fails("DescribeUpdate", $$"""{"name":"c","updateId":"{{id}}"}""").Code);

        _f.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal("Successful", (string?)_f.Call("DescribeUpdate", $$"""{"name":"c","nodegroupName":"ng","updateId":"{{id}}"}""")["update"]!["status"]);
        var group = Nodegroup();
        Assert.Equal("ACTIVE", (string?)group["status"]);
        Assert.Equal(4, (int)group["scalingConfig"]!["desiredSize"]!);
        Assert.Equal(5, (int)group["scalingConfig"]!["maxSize"]!);
        var after = NodeNames();
        Assert.Equal(4, after.Length);
        Assert.Empty(before.Except(after));
        Assert.Equal(4, _f.AccessModel("c").InstanceDnsNames.Count);
    }

    [Fact]
    public void Scaling_down_removes_the_newest_nodes_and_deleting_the_group_removes_the_rest()
    {
        var first = NodeNames();
        _f.Call("UpdateNodegroupConfig", """{"clusterName":"c","nodegroupName":"ng","scalingConfig":{"desiredSize":3}}""");
        _f.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Single(NodeNames().Except(first));
        _f.Call("UpdateNodegroupConfig", """{"clusterName":"c","nodegroupName":"ng","scalingConfig":{"desiredSize":2}}""");
        _f.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(first, NodeNames());

        var update = (JsonObject)_f.Call("UpdateNodegroupConfig", """{"clusterName":"c","nodegroupName":"ng","scalingConfig":{"minSize":0,"desiredSize":0}}""")["update"]!;
        Assert.Equal("""[{"type":"MinSize","value":"0"},{"type":"DesiredSize","value":"0"}]""", update["params"]!.ToJsonString());
        _f.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Empty(NodeNames());

        _f.Call("UpdateNodegroupConfig", """{"clusterName":"c","nodegroupName":"ng","scalingConfig":{"desiredSize":1}}""");
        _f.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Single(NodeNames());
        _f.Call("DeleteNodegroup", """{"clusterName":"c","nodegroupName":"ng"}""");
        _f.Clock.Advance(TimeSpan.FromMinutes(3));
        Assert.Empty(NodeNames());
    }

    [Fact]
    public void Refused_updates_say_why()
    {
        Assert.Equal("No changes needed for the nodegroup configuration.",
            _f.Fails("UpdateNodegroupConfig", """{"clusterName":"c","nodegroupName":"ng","scalingConfig":{"desiredSize":2}}""").Message);
        Assert.Equal("Desired capacity 6 can't be greater than max size 5",
            _f.Fails("UpdateNodegroupConfig", """{"clusterName":"c","nodegroupName":"ng","scalingConfig":{"desiredSize":6}}""").Message);
        var labels = _f.Fails("UpdateNodegroupConfig", """{"clusterName":"c","nodegroupName":"ng","labels":{"addOrUpdateLabels":{"a":"b"}}}""");
        Assert.Equal(("InvalidRequestException", "Turnstile does not emulate labels updates; only scalingConfig can be updated."), (labels.Code, labels.Message));
        Assert.Equal("No node group found for name: nope.", _f.Fails("UpdateNodegroupConfig", """{"clusterName":"c","nodegroupName":"nope","scalingConfig":{"desiredSize":1}}""").Message);

        _f.Call("UpdateNodegroupConfig", """{"clusterName":"c","nodegroupName":"ng","scalingConfig":{"desiredSize":3}}""");
        var busy = _f.Fails("UpdateNodegroupConfig", """{"clusterName":"c","nodegroupName":"ng","scalingConfig":{"desiredSize":4}}""");
        Assert.Equal(("ResourceInUseException", "Nodegroup ng is in UPDATING state"), (busy.Code, busy.Message));
    }
}
