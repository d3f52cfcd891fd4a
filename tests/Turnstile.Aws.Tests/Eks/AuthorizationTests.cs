namespace Turnstile.Aws.Tests.Eks;

public class AuthorizationTests
{
    private readonly EksFixture _f = new();
    private const string ClusterArn = $"arn:aws:eks:{EksFixture.Region}:{EksFixture.Account}:cluster/myeks";

    public AuthorizationTests()
    {
        _f.CreateCluster("myeks", "API");
        _f.Call("TagResource", $$$"""{"resourceArn":"{{{ClusterArn}}}","tags":{"team":"platform"}}""");
    }

    [Theory]
    [InlineData("ListClusters", "{}")]
    [InlineData("ListAccessPolicies", "{}")]
    [InlineData("CreateCluster", """{"name":"x"}""")]
    public void Account_wide_actions_name_no_resource(string operation, string input)
    {
        var request = _f.Authorize(operation, input)!;
        Assert.Equal("eks:" + operation, request.Action);
        Assert.Equal("*", request.Resource);
    }

    [Theory]
    [InlineData("DescribeCluster", """{"name":"myeks"}""")]
    [InlineData("DeleteCluster", """{"name":"myeks"}""")]
    [InlineData("UpdateClusterConfig", """{"name":"myeks"}""")]
    [InlineData("ListUpdates", """{"name":"myeks"}""")]
    [InlineData("DescribeUpdate", """{"name":"myeks","updateId":"u"}""")]
    [InlineData("ListAccessEntries", """{"clusterName":"myeks"}""")]
    [InlineData("CreateAccessEntry", """{"clusterName":"myeks","principalArn":"arn:aws:iam::111122223333:user/x"}""")]
    [InlineData("ListNodegroups", """{"clusterName":"myeks"}""")]
    [InlineData("CreateNodegroup", """{"clusterName":"myeks","nodegroupName":"n"}""")]
    public void Cluster_actions_name_the_cluster(string operation, string input)
    {
        var request = _f.Authorize(operation, input)!;
        Assert.Equal("eks:" + operation, request.Action);
        Assert.Equal(ClusterArn, request.Resource);
        Assert.Equal(["platform"], request.ContextKeys!["aws:ResourceTag/team"]);
    }

    [Fact]
    public void CreateCluster_carries_its_access_config_as_condition_keys()
    {
        var keys = _f.Authorize("CreateCluster", """{"name":"x","accessConfig":{"authenticationMode":"API","bootstrapClusterCreatorAdminPermissions":false},"tags":{"env":"dev"}}""")!.ContextKeys!;
        Assert.Equal(["API"], keys["eks:authenticationMode"]);
        Assert.Equal(["false"], keys["eks:bootstrapClusterCreatorAdminPermissions"]);
        Assert.Equal(["1.32"], keys["eks:kubernetesVersion"]);
        Assert.Equal(["dev"], keys["aws:RequestTag/env"]);
        Assert.Equal(["env"], keys["aws:TagKeys"]);
        Assert.Equal(["CONFIG_MAP"], _f.Authorize("CreateCluster", """{"name":"x"}""")!.ContextKeys!["eks:authenticationMode"]);
    }

    [Fact]
    public void CreateAccessEntry_carries_the_entry_it_would_make()
    {
        var keys = _f.Authorize("CreateAccessEntry", """{"clusterName":"myeks","principalArn":"arn:aws:iam::111122223333:role/n","type":"EC2_LINUX","kubernetesGroups":["a","b"],"username":"u:x"}""")!.ContextKeys!;
        Assert.Equal(["arn:aws:iam::111122223333:role/n"], keys["eks:principalArn"]);
        Assert.Equal(["EC2_LINUX"], keys["eks:accessEntryType"]);
        Assert.Equal(["a", "b"], keys["eks:kubernetesGroups"]);
        Assert.Equal(["u:x"], keys["eks:username"]);
    }

    [Fact]
    public void Entry_actions_name_the_access_entry()
    {
        var entryArn = (string)_f.Entry("myeks", EksFixture.AdminArn)["accessEntryArn"]!;
        foreach (var operation in new[] { "DescribeAccessEntry", "UpdateAccessEntry", "DeleteAccessEntry", "ListAssociatedAccessPolicies" })
        {
            var request = _f.Authorize(operation, $$"""{"clusterName":"myeks","principalArn":"{{EksFixture.AdminArn}}"}""")!;
            Assert.Equal(entryArn, request.Resource);
            Assert.Equal(["myeks"], request.ContextKeys!["eks:clusterName"]);
            Assert.Equal([EksFixture.AdminArn], request.ContextKeys!["eks:principalArn"]);
            Assert.Equal(["STANDARD"], request.ContextKeys!["eks:accessEntryType"]);
            Assert.Equal([EksFixture.AdminArn], request.ContextKeys!["eks:username"]);
        }
        var associate = _f.Authorize("AssociateAccessPolicy", $$$"""{"clusterName":"myeks","principalArn":"{{{EksFixture.AdminArn}}}","policyArn":"{{{EksFixture.ViewPolicy}}}","accessScope":{"type":"namespace","namespaces":["a","b"]}}""")!;
        Assert.Equal(entryArn, associate.Resource);
        Assert.Equal([EksFixture.ViewPolicy], associate.ContextKeys!["eks:policyArn"]);
        Assert.Equal(["namespace"], associate.ContextKeys!["eks:accessScope"]);
        Assert.Equal(["a", "b"], associate.ContextKeys!["eks:namespaces"]);
    }

    [Fact]
    public void A_missing_entry_is_named_by_a_pattern_over_its_uuid()
    {
        var request = _f.Authorize("DescribeAccessEntry", """{"clusterName":"myeks","principalArn":"arn:aws:iam::111122223333:role/teams/dev"}""")!;
        Assert.Equal($"arn:aws:eks:{EksFixture.Region}:{EksFixture.Account}:access-entry/myeks/role/{EksFixture.Account}/dev/*", request.Resource);
    }

    [Fact]
    public void Node_group_actions_name_the_node_group()
    {
        var arn = (string)_f.Call("CreateNodegroup", """{"clusterName":"myeks","nodegroupName":"ng","subnets":["a"],"nodeRole":"arn:aws:iam::111122223333:role/n"}""")["nodegroup"]!["nodegroupArn"]!;
        Assert.Equal(arn, _f.Authorize("DescribeNodegroup", """{"clusterName":"myeks","nodegroupName":"ng"}""")!.Resource);
        Assert.Equal(arn, _f.Authorize("DeleteNodegroup", """{"clusterName":"myeks","nodegroupName":"ng"}""")!.Resource);
        Assert.EndsWith(":nodegroup/myeks/none/*", _f.Authorize("DescribeNodegroup", """{"clusterName":"myeks","nodegroupName":"none"}""")!.Resource);
    }

    [Fact]
    public void Tag_actions_name_the_tagged_resource()
    {
        var entryArn = (string)_f.Entry("myeks", EksFixture.AdminArn)["accessEntryArn"]!;
        var tag = _f.Authorize("TagResource", $$$"""{"resourceArn":"{{{entryArn}}}","tags":{"k":"v"}}""")!;
        Assert.Equal(entryArn, tag.Resource);
        Assert.Equal(["v"], tag.ContextKeys!["aws:RequestTag/k"]);
        Assert.Equal([EksFixture.AdminArn], tag.ContextKeys!["eks:principalArn"]);
        var untag = _f.Authorize("UntagResource", $$"""{"resourceArn":"{{ClusterArn}}","tagKeys":["team"]}""")!;
        Assert.Equal(["team"], untag.ContextKeys!["aws:TagKeys"]);
        Assert.Equal(["platform"], untag.ContextKeys!["aws:ResourceTag/team"]);
    }

    [Fact]
    public void Every_operation_has_an_authorization_target()
    {
        Assert.Equal(24, _f.Eks.Operations.Count);
        foreach (var (name, operation) in _f.Eks.Operations)
        {
            var request = _f.Authorize(name, """{"name":"myeks","clusterName":"myeks"}""");
            Assert.Equal("eks:" + name, request!.Action);
        }
    }
}
