using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Turnstile.Aws.Eks;
using Turnstile.State;

namespace Turnstile.Aws.Tests.Eks;

/// <summary>A store that records every commit that wrote something, to see what a call writes.</summary>
public sealed class RecordingStore : IStore
{
    private readonly InMemoryStore _inner = new();

    public List<TxnRequest> Commits { get; } = [];

    public string Description => "recording";

    public ValueTask<long> GetRevisionAsync(CancellationToken cancellationToken = default) => _inner.GetRevisionAsync(cancellationToken);

    public ValueTask<KeyValue?> GetAsync(string key, CancellationToken cancellationToken = default) => _inner.GetAsync(key, cancellationToken);

    public ValueTask<ListResult> ListAsync(ListRequest request, CancellationToken cancellationToken = default) => _inner.ListAsync(request, cancellationToken);

    public async ValueTask<TxnResult> TxnAsync(TxnRequest request, CancellationToken cancellationToken = default)
    {
        var before = await _inner.GetRevisionAsync(cancellationToken);
        var result = await _inner.TxnAsync(request, cancellationToken);
        if (result.Succeeded && result.Revision > before) lock (Commits) Commits.Add(request);
        return result;
    }

    public IAsyncEnumerable<WatchBatch> WatchAsync(string prefix, long afterRevision, CancellationToken cancellationToken = default) =>
        _inner.WatchAsync(prefix, afterRevision, cancellationToken);

    public ValueTask CompactAsync(long revision, CancellationToken cancellationToken = default) => _inner.CompactAsync(revision, cancellationToken);

    public ValueTask ResetAsync(CancellationToken cancellationToken = default) => _inner.ResetAsync(cancellationToken);

    public ValueTask DisposeAsync() => _inner.DisposeAsync();
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
            AwsAuth: f.AwsAuth("myeks")!.ToJsonString(),
            Nodes: f.Nodes("myeks").Select(n => n.ToJsonString()).ToArray(),
            Ca: f.Eks.GetCertificateAuthorityAsync().GetAwaiter().GetResult().CertificatePem);

        var restarted = f.Restart();
        Assert.Equal(before.Cluster, restarted.Describe("myeks").ToJsonString());
        Assert.Equal(before.Entries, restarted.ListEntries("myeks"));
        Assert.Equal(before.Entry, restarted.Entry("myeks", testuser).ToJsonString());
        Assert.Equal(before.Policies, restarted.Associated("myeks", testuser).ToJsonString());
        Assert.Equal(before.Nodegroup, restarted.Call("DescribeNodegroup", """{"clusterName":"myeks","nodegroupName":"ng1"}""").ToJsonString());
        Assert.Equal(before.Update, restarted.Call("DescribeUpdate", $$"""{"name":"myeks","updateId":"{{update}}"}""").ToJsonString());
        Assert.Equal(before.Nodes, restarted.Nodes("myeks").Select(n => n.ToJsonString()).ToArray());
        Assert.Equal(before.AwsAuth, restarted.AwsAuth("myeks")!.ToJsonString());
        Assert.Equal(before.Ca, restarted.Eks.GetCertificateAuthorityAsync().GetAwaiter().GetResult().CertificatePem);
        Assert.Equal(f.AccessModel("myeks").AccessEntries.Select(e => e.PrincipalId), restarted.AccessModel("myeks").AccessEntries.Select(e => e.PrincipalId));
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
        // The cluster, its place in the due queue, the CA, the creator's entry (with its principal-id index key) and the
        // service-linked role's entry (unknown to this IAM, so unindexed), together.
        var commit = Assert.Single(store.Commits);
        Assert.Equal(
            [
                "/aws/eks/access-entries/myeks/arn:aws:iam::111122223333:role%2Faws-service-role%2Feks.amazonaws.com%2FAWSServiceRoleForAmazonEKS",
                "/aws/eks/access-entries/myeks/arn:aws:iam::111122223333:user%2Fadmin",
                "/aws/eks/access-entry-principals/myeks/" + f.Admin.UserId,
                "/aws/eks/ca",
                "/aws/eks/clusters/myeks",
                EksKeys.Due(Turnstile.Aws.Eks.EksNames.Millis(f.Clock.Now - TimeSpan.FromSeconds(1)), "cluster", "myeks", "myeks"),
            ],
            commit.Operations.Cast<Put>().Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.All(commit.Operations.Cast<Put>(), p => Assert.Contains(commit.Compares, c => c is KeyAbsent absent && absent.Key == p.Key));
    }
}

public class ClusterKubeStateTests
{
    private sealed class RecordingSeeder : IClusterSeeder
    {
        public List<ClusterSeed> Seeded { get; } = [];

        public void Seed(ClusterSeed cluster, OptimisticTransaction tx)
        {
            Seeded.Add(cluster);
            tx.Create(StateKey.KubeObject(cluster.Name, "", "namespaces", null, "default"),
                new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = "default" } });
        }
    }

    [Fact]
    public void The_seeder_writes_in_the_CreateCluster_commit_and_DeleteCluster_removes_the_whole_cluster_prefix()
    {
        var store = new RecordingStore();
        var seeder = new RecordingSeeder();
        var f = new EksFixture(store: store);
        var eks = new EksService(f.State, f.Iam, seeder: seeder);
        var context = f.Context();
        var create = eks.Operations["CreateCluster"];
        f.Cache.RunOperationAsync(eks, create, context.Now, tx => create.Handle(EksFixture.Parse(
            """{"name":"c","roleArn":"arn:aws:iam::111122223333:role/r","resourcesVpcConfig":{"subnetIds":["a","b"]}}"""), context, tx)).GetAwaiter().GetResult();
        var seeded = Assert.Single(seeder.Seeded);
        Assert.Equal(("c", "1.32", EksFixture.AdminArn), (seeded.Name, seeded.KubernetesVersion, seeded.CreatorArn));
        Assert.Contains(Assert.Single(store.Commits).Operations, o => o is Put { Key: "/kube/c/core/namespaces/default" });

        f.Clock.Advance(TimeSpan.FromSeconds(1));
        f.Call("CreateNodegroup", """{"clusterName":"c","nodegroupName":"ng","subnets":["a"],"nodeRole":"arn:aws:iam::111122223333:role/n"}""");
        Assert.Equal(2, f.Nodes("c").Length);
        Assert.NotNull(f.AwsAuth("c"));
        f.Call("DeleteNodegroup", """{"clusterName":"c","nodegroupName":"ng"}""");
        f.Call("DeleteCluster", """{"name":"c"}""");
        store.Commits.Clear();
        Assert.Null(f.Eks.FindCluster(f.View(), "c"));

        var removal = Assert.Single(store.Commits);
        Assert.Contains(removal.Operations, o => o is DeletePrefix { Prefix: "/kube/c/" });
        Assert.Contains(removal.Operations, o => o is Delete { Key: "/aws/eks/clusters/c" });
        Assert.Empty(f.View().List("/kube/c/"));
        Assert.Empty(f.View().List("/aws/eks/").Where(kv => kv.Key.Contains("/c/", StringComparison.Ordinal) || kv.Key.EndsWith("/c", StringComparison.Ordinal)));
        Assert.Null(f.Eks.BuildAccessModel(f.View(), "c"));
        Assert.Equal("https://127.0.0.1:6443/clusters/x", f.Eks.Endpoint("x"));
    }
}
