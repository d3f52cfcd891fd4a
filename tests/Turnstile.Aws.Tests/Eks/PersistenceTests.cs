using Turnstile.Aws.State;

namespace Turnstile.Aws.Tests.Eks;

/// <summary>A store that counts commits and can be told to fail, to see what a call writes.</summary>
public sealed class RecordingStore : IStateStore
{
    private readonly InMemoryStateStore _inner = new();

    public List<IReadOnlyList<StateChange>> Commits { get; } = [];

    public string Description => "recording";

    public IReadOnlyList<(string Key, string Json)> Load(string collection) => _inner.Load(collection);

    public void Commit(IReadOnlyList<StateChange> changes)
    {
        Commits.Add(changes.ToArray());
        _inner.Commit(changes);
    }

    public void Dispose() => _inner.Dispose();
}

public class PersistenceTests
{
    [Fact]
    public void A_second_service_over_the_same_store_sees_the_same_state()
    {
        var f = new EksFixture();
        f.CreateCluster("myeks", "API_AND_CONFIG_MAP");
        var testuser = f.Iam.AddUser("testuser").Arn;
        f.Call("CreateAccessEntry", $$$"""{"clusterName":"myeks","principalArn":"{{{testuser}}}","kubernetesGroups":["pod-viewer"],"tags":{"a":"b"}}""");
        f.Call("AssociateAccessPolicy", $$$"""{"clusterName":"myeks","principalArn":"{{{testuser}}}","policyArn":"{{{EksFixture.ViewPolicy}}}","accessScope":{"type":"namespace","namespaces":["default"]}}""");
        f.Call("CreateNodegroup", """{"clusterName":"myeks","nodegroupName":"ng1","subnets":["a"],"nodeRole":"arn:aws:iam::111122223333:role/node"}""");
        var update = (string)f.Call("UpdateClusterConfig", """{"name":"myeks","accessConfig":{"authenticationMode":"API"}}""")["update"]!["id"]!;
        f.Clock.Advance(TimeSpan.FromSeconds(1));
        var before = (
            Cluster: f.Describe("myeks").ToJsonString(),
            Entries: f.ListEntries("myeks"),
            Entry: f.Entry("myeks", testuser).ToJsonString(),
            Policies: f.Associated("myeks", testuser).ToJsonString(),
            Nodegroup: f.Call("DescribeNodegroup", """{"clusterName":"myeks","nodegroupName":"ng1"}""").ToJsonString(),
            Update: f.Call("DescribeUpdate", $$"""{"name":"myeks","updateId":"{{update}}"}""").ToJsonString(),
            Objects: f.Eks.GetClusterObjects("myeks")!,
            Ca: f.Eks.GetCertificateAuthority().CertificatePem);

        var restarted = f.Restart();
        Assert.Equal(before.Cluster, restarted.Describe("myeks").ToJsonString());
        Assert.Equal(before.Entries, restarted.ListEntries("myeks"));
        Assert.Equal(before.Entry, restarted.Entry("myeks", testuser).ToJsonString());
        Assert.Equal(before.Policies, restarted.Associated("myeks", testuser).ToJsonString());
        Assert.Equal(before.Nodegroup, restarted.Call("DescribeNodegroup", """{"clusterName":"myeks","nodegroupName":"ng1"}""").ToJsonString());
        Assert.Equal(before.Update, restarted.Call("DescribeUpdate", $$"""{"name":"myeks","updateId":"{{update}}"}""").ToJsonString());
        var objects = restarted.Eks.GetClusterObjects("myeks")!;
        Assert.Equal(before.Objects.Nodes, objects.Nodes);
        Assert.Equal(before.Objects.AwsAuth!.Data, objects.AwsAuth!.Data);
        Assert.Equal(before.Ca, restarted.Eks.GetCertificateAuthority().CertificatePem);
        Assert.Equal(f.Eks.BuildAccessModel("myeks").AccessEntries.Select(e => e.PrincipalId), restarted.Eks.BuildAccessModel("myeks").AccessEntries.Select(e => e.PrincipalId));
    }

    [Fact]
    public void Pending_work_completes_after_a_restart()
    {
        var f = new EksFixture(realisticLatency: true);
        f.CreateCluster("slow");
        var restarted = f.Restart();
        Assert.Equal("CREATING", (string?)restarted.Describe("slow")["status"]);
        restarted.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal("ACTIVE", (string?)restarted.Describe("slow")["status"]);
    }

    [Fact]
    public void Refused_calls_write_nothing()
    {
        var store = new RecordingStore();
        var f = new EksFixture(store: store);
        f.CreateCluster("myeks", "API_AND_CONFIG_MAP");
        f.CreateCluster("legacy");
        f.Call("CreateNodegroup", """{"clusterName":"myeks","nodegroupName":"ng1","subnets":["a"],"nodeRole":"arn:aws:iam::111122223333:role/node"}""");
        var testuser = f.Iam.AddUser("testuser").Arn;
        f.Call("CreateAccessEntry", $$"""{"clusterName":"myeks","principalArn":"{{testuser}}"}""");
        f.Describe("myeks"); // let everything pending complete
        var commits = store.Commits.Count;

        f.Fails("CreateAccessEntry", $$$"""{"clusterName":"myeks","principalArn":"{{{f.Iam.AddUser("u2").Arn}}}","kubernetesGroups":["ok","system:masters"],"tags":{"a":"b"}}""");
        f.Fails("CreateAccessEntry", $$"""{"clusterName":"legacy","principalArn":"{{testuser}}"}""");
        f.Fails("CreateAccessEntry", $$"""{"clusterName":"myeks","principalArn":"{{testuser}}"}""");
        f.Fails("UpdateAccessEntry", $$"""{"clusterName":"myeks","principalArn":"{{testuser}}","kubernetesGroups":["a"],"username":"system:x"}""");
        f.Fails("AssociateAccessPolicy", $$$"""{"clusterName":"myeks","principalArn":"{{{testuser}}}","policyArn":"{{{EksFixture.ViewPolicy}}}","accessScope":{"type":"namespace"}}""");
        f.Fails("CreateCluster", """{"name":"myeks","roleArn":"arn:aws:iam::111122223333:role/r","resourcesVpcConfig":{"subnetIds":["a","b"]}}""");
        f.Fails("CreateCluster", """{"name":"new","roleArn":"arn:aws:iam::111122223333:role/r","resourcesVpcConfig":{"subnetIds":["a","b"]},"accessConfig":{"authenticationMode":"CONFIG_MAP","bootstrapClusterCreatorAdminPermissions":false}}""");
        f.Fails("CreateNodegroup", """{"clusterName":"myeks","nodegroupName":"ng1","subnets":["a"],"nodeRole":"arn:aws:iam::111122223333:role/other"}""");
        f.Fails("UpdateClusterConfig", """{"name":"myeks","accessConfig":{"authenticationMode":"CONFIG_MAP"}}""");
        f.Fails("DeleteCluster", """{"name":"myeks"}""");
        f.Fails("TagResource", """{"resourceArn":"arn:aws:eks:ap-northeast-2:111122223333:cluster/myeks","tags":{"ok":"1","aws:no":"2"}}""");

        Assert.Equal(commits, store.Commits.Count);
        Assert.DoesNotContain("arn:aws:iam::111122223333:role/other", f.ListEntries("myeks"));
        Assert.Null(f.Describe("myeks")["tags"]!["ok"]);
    }

    [Fact]
    public void A_call_writes_one_transaction()
    {
        var store = new RecordingStore();
        var f = new EksFixture(store: store);
        f.CreateCluster("myeks", "API");
        Assert.Single(store.Commits); // cluster, CA, creator entry and service-linked role entry together
        Assert.Equal(4, store.Commits[0].Count);
    }
}

public class ClusterObjectsTests
{
    [Fact]
    public void Extensions_persist_with_the_cluster_and_go_with_it()
    {
        var f = new EksFixture();
        f.CreateCluster("c");
        var rbac = System.Text.Json.JsonSerializer.SerializeToElement(new { clusterRoleBindings = new[] { "viewer-role-binding" } });
        f.Eks.UpdateClusterObjects("c", o => o with { Extensions = new Dictionary<string, System.Text.Json.JsonElement> { ["kube"] = rbac } });
        var restarted = f.Restart();
        Assert.Equal(rbac.GetRawText(), restarted.Eks.GetClusterObjects("c")!.Extensions["kube"].GetRawText());
        restarted.Call("DeleteCluster", """{"name":"c"}""");
        Assert.Null(restarted.Eks.GetClusterObjects("c"));
        restarted.CreateCluster("c");
        Assert.Empty(restarted.Eks.GetClusterObjects("c")!.Extensions);
        Assert.Throws<AwsServiceException>(() => restarted.Eks.UpdateClusterObjects("missing", o => o));
        Assert.Null(restarted.Eks.FindCluster("missing"));
        Assert.Equal("https://127.0.0.1:6443/clusters/c", restarted.Eks.FindCluster("c")!.Endpoint);
    }
}
