using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Turnstile.Core.Mapping;

namespace Turnstile.Aws.Tests.Eks;

public class NodegroupTests
{
    private readonly EksFixture _f = new();
    private readonly string _nodeRole;

    public NodegroupTests()
    {
        _nodeRole = _f.Iam.AddRole("eksctl-myeks-nodegroup-ng1-NodeInstanceRole-FZUyvVNlBcW7").Arn;
    }

    private JsonObject CreateNodegroup(string cluster, string name, int desired = 3, string? role = null, string extra = "") =>
        (JsonObject)_f.Call("CreateNodegroup", $$$"""
            {"clusterName":"{{{cluster}}}","nodegroupName":"{{{name}}}","subnets":["subnet-a","subnet-b"],"nodeRole":"{{{role ?? _nodeRole}}}",
             "scalingConfig":{"minSize":1,"maxSize":{{{Math.Max(desired, 1)}}},"desiredSize":{{{desired}}}}{{{extra}}}}
            """)["nodegroup"]!;

    [Fact]
    public void A_node_group_is_CREATING_then_ACTIVE_with_its_nodes()
    {
        _f.CreateCluster("myeks");
        var created = CreateNodegroup("myeks", "ng1");
        Assert.Equal("CREATING", (string?)created["status"]);
        Assert.Equal(3, (int)created["scalingConfig"]!["desiredSize"]!);
        Assert.Matches(new Regex($"^arn:aws:eks:{EksFixture.Region}:{EksFixture.Account}:nodegroup/myeks/ng1/[0-9a-f-]{{36}}$"), (string?)created["nodegroupArn"]);
        var active = _f.Call("DescribeNodegroup", """{"clusterName":"myeks","nodegroupName":"ng1"}""")["nodegroup"]!;
        Assert.Equal("ACTIVE", (string?)active["status"]);
        Assert.StartsWith("eks-ng1-", (string?)active["resources"]!["autoScalingGroups"]![0]!["name"]);
        var nodes = _f.Nodes("myeks").Select(NodeView.Of).ToArray();
        Assert.Equal(3, nodes.Length);
        Assert.Equal(3, nodes.Select(n => n.Name).Distinct().Count());
        foreach (var node in nodes)
        {
            Assert.Matches(new Regex($"^ip-10-0-[1-3]-\\d{{1,3}}\\.{EksFixture.Region}\\.compute\\.internal$"), node.Name);
            Assert.Matches(new Regex("^i-[0-9a-f]{17}$"), node.InstanceId);
            Assert.Equal("ng1", node.NodegroupName);
            Assert.Equal("t3.medium", node.InstanceType);
        }
        var model = _f.AccessModel("myeks");
        Assert.Equal(nodes.ToDictionary(n => n.InstanceId, n => n.Name), model.InstanceDnsNames);
        Assert.Equal(["ng1"], EksFixture.Strings(_f.Call("ListNodegroups", """{"clusterName":"myeks"}""")["nodegroups"]));
    }

    [Fact]
    public void In_CONFIG_MAP_mode_EKS_writes_the_node_role_into_aws_auth()
    {
        _f.CreateCluster("myeks");
        Assert.Null(_f.AwsAuth("myeks"));
        CreateNodegroup("myeks", "ng1");
        var data = AwsAuthData("myeks");
        Assert.Equal(
            $"- groups:\n  - system:bootstrappers\n  - system:nodes\n  rolearn: {_nodeRole}\n  username: system:node:{{{{EC2PrivateDNSName}}}}\n",
            data["mapRoles"]);
        var row = Assert.Single(AwsAuthConfig.Parse(data).Roles);
        Assert.Equal(_nodeRole, row.RoleArn);
        Assert.Equal(["system:bootstrappers", "system:nodes"], row.Groups);
        Assert.Equal(AuthenticationMode.ConfigMap, _f.AccessModel("myeks").Mode);
        Assert.Equal(data, _f.AccessModel("myeks").AwsAuthData);
    }

    [Fact]
    public void An_existing_aws_auth_keeps_its_rows_and_text()
    {
        _f.CreateCluster("myeks");
        const string existing = "- rolearn: arn:aws:iam::111122223333:role/bastion\n  username: bastion\n  groups: [system:masters]\n";
        _f.EditAwsAuth("myeks", new Dictionary<string, string> { ["mapRoles"] = existing, ["mapUsers"] = "[]\n" });
        var uid = (string?)_f.AwsAuth("myeks")!["metadata"]!["uid"];
        CreateNodegroup("myeks", "ng1");
        CreateNodegroup("myeks", "ng2");
        var data = AwsAuthData("myeks");
        Assert.Equal(uid, (string?)_f.AwsAuth("myeks")!["metadata"]!["uid"]);
        Assert.StartsWith(existing, data["mapRoles"]);
        Assert.Equal("[]\n", data["mapUsers"]);
        Assert.Equal(2, AwsAuthConfig.Parse(data).Roles.Count); // one row per role, not per node group
    }

    [Fact]
    public void In_API_AND_CONFIG_MAP_mode_EKS_adds_both_the_entry_and_the_row()
    {
        _f.CreateCluster("myeks", "API_AND_CONFIG_MAP");
        CreateNodegroup("myeks", "ng1");
        var entry = _f.Entry("myeks", _nodeRole);
        Assert.Equal("EC2_LINUX", (string?)entry["type"]);
        Assert.Equal(["system:nodes"], EksFixture.Strings(entry["kubernetesGroups"]));
        Assert.Equal("system:node:{{EC2PrivateDNSName}}", (string?)entry["username"]);
        Assert.Single(AwsAuthConfig.Parse(AwsAuthData("myeks")).Roles);
    }

    [Fact]
    public void In_API_mode_only_the_entry_is_added_and_an_existing_one_is_kept()
    {
        _f.CreateCluster("myeks", "API");
        _f.Call("CreateAccessEntry", $$"""{"clusterName":"myeks","principalArn":"{{_nodeRole}}","type":"EC2_LINUX"}""");
        var before = _f.Entry("myeks", _nodeRole);
        CreateNodegroup("myeks", "ng1");
        Assert.Equal(before.ToJsonString(), _f.Entry("myeks", _nodeRole).ToJsonString());
        Assert.Null(_f.AwsAuth("myeks"));
    }

    [Fact]
    public void Windows_node_groups_get_windows_entries_and_rows()
    {
        _f.CreateCluster("myeks", "API_AND_CONFIG_MAP");
        CreateNodegroup("myeks", "win", extra: ""","amiType":"WINDOWS_CORE_2022_x86_64" """);
        Assert.Equal("EC2_WINDOWS", (string?)_f.Entry("myeks", _nodeRole)["type"]);
        Assert.Contains("eks:kube-proxy-windows", AwsAuthConfig.Parse(AwsAuthData("myeks")).Roles[0].Groups);
    }

    [Fact]
    public void Deleting_the_last_node_group_of_a_role_removes_its_nodes_entry_and_row()
    {
        _f.CreateCluster("myeks", "API_AND_CONFIG_MAP");
        CreateNodegroup("myeks", "ng1", 2);
        CreateNodegroup("myeks", "ng2", 1);
        Assert.Equal(3, _f.Nodes("myeks").Length);

        Assert.Equal("DELETING", (string?)_f.Call("DeleteNodegroup", """{"clusterName":"myeks","nodegroupName":"ng1"}""")["nodegroup"]!["status"]);
        Assert.Equal(["ng2"], _f.Nodes("myeks").Select(n => NodeView.Of(n).NodegroupName).Distinct());
        Assert.Contains(_nodeRole, _f.ListEntries("myeks"));

        _f.Call("DeleteNodegroup", """{"clusterName":"myeks","nodegroupName":"ng2"}""");
        Assert.Empty(_f.Nodes("myeks"));
        Assert.DoesNotContain(_nodeRole, _f.ListEntries("myeks"));
        Assert.Empty(AwsAuthConfig.Parse(AwsAuthData("myeks")).Roles);
        Assert.Equal("No node group found for name: ng2.", _f.Fails("DescribeNodegroup", """{"clusterName":"myeks","nodegroupName":"ng2"}""").Message);
    }

    [Fact]
    public void Node_group_errors_use_EKS_wording()
    {
        _f.CreateCluster("myeks");
        CreateNodegroup("myeks", "ng1");
        var duplicate = Assert.Throws<AwsServiceException>(() => CreateNodegroup("myeks", "ng1"));
        Assert.Equal("ResourceInUseException", duplicate.Code);
        Assert.Equal("NodeGroup already exists with name ng1 and cluster name myeks", duplicate.Message);
        Assert.Equal("ng1", duplicate.Fields["nodegroupName"]);

        var missing = _f.Fails("DescribeNodegroup", """{"clusterName":"myeks","nodegroupName":"nope"}""");
        Assert.Equal("ResourceNotFoundException", missing.Code);
        Assert.Equal("No node group found for name: nope.", missing.Message);
        Assert.Equal("myeks", missing.Fields["clusterName"]);
        Assert.Equal("nope", missing.Fields["nodegroupName"]);

        Assert.Equal("No cluster found for name: other.", _f.Fails("ListNodegroups", """{"clusterName":"other"}""").Message);
        Assert.Contains("Value null at 'nodeRole'", _f.Fails("CreateNodegroup", """{"clusterName":"myeks","nodegroupName":"x","subnets":["a"]}""").Message);
        Assert.Contains("Value null at 'subnets'", _f.Fails("CreateNodegroup", """{"clusterName":"myeks","nodegroupName":"x","nodeRole":"arn:aws:iam::111122223333:role/n"}""").Message);
        Assert.Equal("Desired capacity 5 can't be greater than max size 3", _f.Fails("CreateNodegroup",
            """{"clusterName":"myeks","nodegroupName":"x","subnets":["a"],"nodeRole":"arn:aws:iam::111122223333:role/n","scalingConfig":{"minSize":1,"maxSize":3,"desiredSize":5}}""").Message);
        Assert.Equal("Minimum capacity 2 can't be greater than desired size 1", _f.Fails("CreateNodegroup",
            """{"clusterName":"myeks","nodegroupName":"x","subnets":["a"],"nodeRole":"arn:aws:iam::111122223333:role/n","scalingConfig":{"minSize":2,"maxSize":3,"desiredSize":1}}""").Message);
    }

    [Fact]
    public void Defaults_are_two_nodes_of_t3_medium()
    {
        _f.CreateCluster("myeks");
        var created = (JsonObject)_f.Call("CreateNodegroup", $$"""{"clusterName":"myeks","nodegroupName":"ng","subnets":["a"],"nodeRole":"{{_nodeRole}}"}""")["nodegroup"]!;
        Assert.Equal(2, (int)created["scalingConfig"]!["desiredSize"]!);
        Assert.Equal(["t3.medium"], EksFixture.Strings(created["instanceTypes"]));
        Assert.Equal("AL2023_x86_64_STANDARD", (string?)created["amiType"]);
        Assert.Equal("1.32", (string?)created["version"]);
        Assert.Equal(2, _f.Nodes("myeks").Length);
    }

    [Fact]
    public void A_cluster_still_being_created_takes_no_node_groups()
    {
        var f = new EksFixture(realisticLatency: true);
        f.CreateCluster("slow");
        var error = f.Fails("CreateNodegroup", $$"""{"clusterName":"slow","nodegroupName":"ng","subnets":["a"],"nodeRole":"{{EksFixture.ClusterRole}}"}""");
        Assert.Equal("InvalidRequestException", error.Code);
    }

    [Fact]
    public void Nodes_in_us_east_1_use_ec2_internal_names()
    {
        var f = new EksFixture(options: new EmulatorOptions { Region = "us-east-1" });
        f.CreateCluster("c");
        f.Call("CreateNodegroup", """{"clusterName":"c","nodegroupName":"n","subnets":["a"],"nodeRole":"arn:aws:iam::111122223333:role/n"}""");
        var nodes = f.Nodes("c");
        Assert.NotEmpty(nodes);
        Assert.All(nodes, n => Assert.EndsWith(".ec2.internal", NodeView.Of(n).Name));
    }

    private Dictionary<string, string> AwsAuthData(string cluster) =>
        _f.AwsAuth(cluster)!["data"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
}

/// <summary>What the tests check of a stored Node object.</summary>
internal sealed record NodeView(string Name, string InstanceId, string NodegroupName, string InstanceType)
{
    public static NodeView Of(JsonObject node)
    {
        var labels = node["metadata"]!["labels"]!;
        var provider = (string)node["spec"]!["providerID"]!;
        return new NodeView((string)node["metadata"]!["name"]!, provider[(provider.LastIndexOf('/') + 1)..],
            (string)labels["eks.amazonaws.com/nodegroup"]!, (string)labels["node.kubernetes.io/instance-type"]!);
    }
}
