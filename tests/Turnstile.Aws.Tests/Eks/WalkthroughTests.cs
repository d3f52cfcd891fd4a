using Turnstile.Core.Authn;
using Turnstile.Core.Authz;
using Turnstile.Core.Clusters;
using Turnstile.Core.Mapping;

namespace Turnstile.Aws.Tests.Eks;

/// <summary>The EKS side of walkthroughs W3 (aws-auth to access entries) and W5 step 7, decided by the core engine on the built model.</summary>
public class WalkthroughTests
{
    private readonly EksFixture _f = new();

    private static readonly RequestAttributes ListNodes = RequestAttributes.ForResource("list", "", "nodes");

    private AccessEvaluation Evaluate(string cluster, string arn, string userId, RequestAttributes request) =>
        new AccessEngine(_f.AccessModel(cluster)).Evaluate(AwsIdentity.FromCallerIdentity(arn, EksFixture.Account, userId), request);

    [Fact]
    public void W3_migrates_aws_auth_rows_to_access_entries()
    {
        var bastion = _f.Iam.AddRole("bastion");
        var ops = _f.Iam.AddUser("ops-user");
        var bastionSession = $"arn:aws:sts::{EksFixture.Account}:assumed-role/bastion/i-0abc";
        _f.CreateCluster("myeks");
        _f.EditAwsAuth("myeks", new Dictionary<string, string>
        {
            ["mapRoles"] = $"- rolearn: {bastion.Arn}\n  username: bastion\n  groups:\n  - system:masters\n",
            ["mapUsers"] = $"- userarn: {ops.Arn}\n  username: ops-user\n",
        });
        Assert.Equal(200, Evaluate("myeks", bastionSession, bastion.UniqueId + ":i-0abc", ListNodes).StatusCode);

        // 1. Access entries are not enabled yet.
        var refused = _f.Fails("CreateAccessEntry", $$"""{"clusterName":"myeks","principalArn":"{{bastion.Arn}}"}""");
        Assert.Equal("InvalidRequestException", refused.Code);

        // 2. Enable them: InProgress, then Successful, and the cluster shows the mode.
        var update = _f.Call("UpdateClusterConfig", """{"name":"myeks","accessConfig":{"authenticationMode":"API_AND_CONFIG_MAP"}}""")["update"]!;
        Assert.Equal("InProgress", (string?)update["status"]);
        _f.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal("Successful", (string?)_f.Call("DescribeUpdate", $$"""{"name":"myeks","updateId":"{{(string)update["id"]!}}"}""")["update"]!["status"]);
        Assert.Equal("API_AND_CONFIG_MAP", (string?)_f.Describe("myeks")["accessConfig"]!["authenticationMode"]);

        // 3. Entries equivalent to the rows; system:masters is not a group entries may use, so the admin policy stands in.
        Assert.Contains("cannot start with system:", _f.Fails("CreateAccessEntry", $$"""{"clusterName":"myeks","principalArn":"{{bastion.Arn}}","kubernetesGroups":["system:masters"]}""").Message);
        _f.Call("CreateAccessEntry", $$"""{"clusterName":"myeks","principalArn":"{{bastion.Arn}}","username":"bastion"}""");
        _f.Call("AssociateAccessPolicy", $$$"""{"clusterName":"myeks","principalArn":"{{{bastion.Arn}}}","policyArn":"{{{EksFixture.ClusterAdminPolicy}}}","accessScope":{"type":"cluster"}}""");
        _f.Call("CreateAccessEntry", $$"""{"clusterName":"myeks","principalArn":"{{ops.Arn}}","username":"ops-user"}""");
        var policies = _f.Call("ListAccessPolicies")["accessPolicies"]!.AsArray();
        Assert.Contains("AmazonEKSClusterAdminPolicy", policies.Select(p => (string)p!["name"]!));

        var viaEntry = Evaluate("myeks", bastionSession, bastion.UniqueId + ":i-0abc", ListNodes);
        Assert.Equal(200, viaEntry.StatusCode);
        Assert.Equal(MappingSource.AccessEntry, viaEntry.Mapping.Source);
        Assert.Equal("bastion", viaEntry.User!.Username);

        // 4. Without aws-auth, access still works through the entries.
        _f.EditAwsAuth("myeks", null);
        Assert.Null(_f.AccessModel("myeks").AwsAuthData);
        Assert.Equal(200, Evaluate("myeks", bastionSession, bastion.UniqueId + ":i-0abc", ListNodes).StatusCode);
        Assert.Equal(MappingSource.AccessEntry, Evaluate("myeks", ops.Arn, ops.UniqueId, ListNodes).Mapping.Source);

        // 5. Switch to API; every way back or sideways is refused.
        _f.SwitchMode("myeks", "API");
        Assert.Equal(AuthenticationMode.Api, _f.AccessModel("myeks").Mode);
        foreach (var mode in new[] { "API_AND_CONFIG_MAP", "CONFIG_MAP", "API" })
            Assert.Equal("InvalidParameterException", _f.Fails("UpdateClusterConfig", $$$"""{"name":"myeks","accessConfig":{"authenticationMode":"{{{mode}}}"}}""").Code);
        _f.CreateCluster("other");
        Assert.Equal("Unsupported authentication mode update from CONFIG_MAP to API",
            _f.Fails("UpdateClusterConfig", """{"name":"other","accessConfig":{"authenticationMode":"API"}}""").Message);
        Assert.Equal(2, _f.Call("ListUpdates", """{"name":"myeks"}""")["updateIds"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("API_AND_CONFIG_MAP")]
    [InlineData(null)]
    public void W5_step_7_lists_the_service_linked_role_the_node_role_and_the_admin(string? createdMode)
    {
        var nodeRole = _f.Iam.AddRole("eksctl-myeks-nodegroup-ng1-NodeInstanceRole-FZUyvVNlBcW7");
        _f.CreateCluster("myeks", createdMode);
        _f.Call("CreateNodegroup", $$$"""{"clusterName":"myeks","nodegroupName":"ng1","subnets":["a","b","c"],"nodeRole":"{{{nodeRole.Arn}}}","scalingConfig":{"minSize":3,"maxSize":3,"desiredSize":3}}""");
        _f.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(3, _f.Nodes("myeks").Length);
        Assert.Equal(200, Evaluate("myeks", EksFixture.AdminArn, _f.Admin.UserId, ListNodes).StatusCode);

        if (createdMode is null) _f.SwitchMode("myeks", "API_AND_CONFIG_MAP");
        _f.SwitchMode("myeks", "API");

        Assert.Equal([EksFixture.SlrArn, nodeRole.Arn, EksFixture.AdminArn], _f.ListEntries("myeks"));
        var node = _f.Entry("myeks", nodeRole.Arn);
        Assert.Equal("EC2_LINUX", (string?)node["type"]);
        Assert.Equal(["system:nodes"], EksFixture.Strings(node["kubernetesGroups"]));
        Assert.Equal("system:node:{{EC2PrivateDNSName}}", (string?)node["username"]);
        Assert.Empty(_f.Associated("myeks", nodeRole.Arn));
        var admin = Assert.Single(_f.Associated("myeks", EksFixture.AdminArn))!;
        Assert.Equal(EksFixture.ClusterAdminPolicy, (string?)admin["policyArn"]);
        Assert.Equal("cluster", (string?)admin["accessScope"]!["type"]);
        Assert.Empty(admin["accessScope"]!["namespaces"]!.AsArray());

        // Step 8: testuser with the admin policy is allowed, mapped to its ARN.
        var testuser = _f.Iam.AddUser("testuser");
        Assert.Equal(401, Evaluate("myeks", testuser.Arn, testuser.UniqueId, ListNodes).StatusCode);
        _f.Call("CreateAccessEntry", $$"""{"clusterName":"myeks","principalArn":"{{testuser.Arn}}"}""");
        Assert.Equal(403, Evaluate("myeks", testuser.Arn, testuser.UniqueId, ListNodes).StatusCode);
        _f.Call("AssociateAccessPolicy", $$$"""{"clusterName":"myeks","principalArn":"{{{testuser.Arn}}}","policyArn":"{{{EksFixture.ClusterAdminPolicy}}}","accessScope":{"type":"cluster"}}""");
        var allowed = Evaluate("myeks", testuser.Arn, testuser.UniqueId, ListNodes);
        Assert.Equal(200, allowed.StatusCode);
        Assert.Equal(testuser.Arn, allowed.User!.Username);

        // A node authenticates through its entry, its instance resolved to the node name.
        var instance = NodeView.Of(_f.Nodes("myeks")[0]);
        var nodeSession = $"arn:aws:sts::{EksFixture.Account}:assumed-role/{nodeRole.Name}/{instance.InstanceId}";
        var nodeUser = Evaluate("myeks", nodeSession, nodeRole.UniqueId + ":" + instance.InstanceId, ListNodes).User!;
        Assert.Equal("system:node:" + instance.Name, nodeUser.Username);
    }
}
