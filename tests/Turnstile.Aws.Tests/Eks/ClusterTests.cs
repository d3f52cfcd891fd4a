using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;

namespace Turnstile.Aws.Tests.Eks;

public class ClusterTests
{
    private readonly EksFixture _f = new();

    [Fact]
    public void CreateCluster_answers_CREATING_without_endpoint_and_with_the_access_defaults()
    {
        var cluster = (JsonObject)_f.CreateCluster("myeks")["cluster"]!;
        Assert.Equal("myeks", (string?)cluster["name"]);
        Assert.Equal($"arn:aws:eks:{EksFixture.Region}:{EksFixture.Account}:cluster/myeks", (string?)cluster["arn"]);
        Assert.Equal("CREATING", (string?)cluster["status"]);
        Assert.Null(cluster["endpoint"]);
        Assert.Empty(cluster["certificateAuthority"]!.AsObject());
        Assert.Equal("1.32", (string?)cluster["version"]);
        Assert.Equal("CONFIG_MAP", (string?)cluster["accessConfig"]!["authenticationMode"]);
        Assert.True((bool)cluster["accessConfig"]!["bootstrapClusterCreatorAdminPermissions"]!);
        Assert.Equal(EksFixture.ClusterRole, (string?)cluster["roleArn"]);
        Assert.Equal(["subnet-a", "subnet-b"], EksFixture.Strings(cluster["resourcesVpcConfig"]!["subnetIds"]));
        Assert.True((bool)cluster["resourcesVpcConfig"]!["endpointPublicAccess"]!);
        Assert.Equal("2025-03-10T14:37:35.488Z", (string?)cluster["createdAt"]);
    }

    [Fact]
    public void The_cluster_is_ACTIVE_at_the_next_read_with_endpoint_CA_and_OIDC_issuer()
    {
        _f.CreateCluster("myeks");
        var cluster = _f.Describe("myeks");
        Assert.Equal("ACTIVE", (string?)cluster["status"]);
        Assert.Equal("https://127.0.0.1:6443/clusters/myeks", (string?)cluster["endpoint"]);
        Assert.Matches(new Regex($"^https://oidc\\.eks\\.{EksFixture.Region}\\.amazonaws\\.com/id/[0-9A-F]{{32}}$"), (string?)cluster["identity"]!["oidc"]!["issuer"]);
        var pem = Encoding.ASCII.GetString(Convert.FromBase64String((string)cluster["certificateAuthority"]!["data"]!));
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", pem);
        using var ca = X509Certificate2.CreateFromPem(pem);
        Assert.Equal("CN=kubernetes", ca.Subject);
        Assert.Empty(cluster["health"]!["issues"]!.AsArray());
        Assert.Equal("ipv4", (string?)cluster["kubernetesNetworkConfig"]!["ipFamily"]);
    }

    [Fact]
    public void Realistic_latency_keeps_the_cluster_CREATING_for_minutes()
    {
        var f = new EksFixture(realisticLatency: true);
        f.CreateCluster("slow");
        Assert.Equal("CREATING", (string?)f.Describe("slow")["status"]);
        f.Clock.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal("CREATING", (string?)f.Describe("slow")["status"]);
        f.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("ACTIVE", (string?)f.Describe("slow")["status"]);
    }

    [Fact]
    public void CONFIG_MAP_without_creator_bootstrap_is_refused()
    {
        var error = Assert.Throws<AwsServiceException>(() => _f.CreateCluster("c", "CONFIG_MAP", bootstrap: false));
        Assert.Equal("InvalidParameterException", error.Code);
        Assert.Equal("bootstrapClusterCreatorAdminPermissions must be true if cluster authentication mode is set to CONFIG_MAP", error.Message);
        Assert.Equal(400, error.StatusCode);
        Assert.Empty(_f.Call("ListClusters")["clusters"]!.AsArray());
    }

    [Fact]
    public void A_second_cluster_with_the_same_name_is_in_use()
    {
        _f.CreateCluster("dup");
        var error = Assert.Throws<AwsServiceException>(() => _f.CreateCluster("dup"));
        Assert.Equal("ResourceInUseException", error.Code);
        Assert.Equal("Cluster already exists with name: dup", error.Message);
        Assert.Equal(409, error.StatusCode);
        Assert.Equal("dup", error.Fields["clusterName"]);
    }

    [Fact]
    public void A_retry_with_the_same_client_request_token_returns_the_cluster()
    {
        const string input = """{"name":"idem","roleArn":"arn:aws:iam::111122223333:role/r","resourcesVpcConfig":{"subnetIds":["s1","s2"]},"clientRequestToken":"tok-1"}""";
        var first = _f.Call("CreateCluster", input)["cluster"]!;
        var second = _f.Call("CreateCluster", input)["cluster"]!;
        Assert.Equal((string?)first["arn"], (string?)second["arn"]);
    }

    [Theory]
    [InlineData("""{"roleArn":"arn:aws:iam::111122223333:role/r","resourcesVpcConfig":{"subnetIds":["a","b"]}}""", "Value null at 'name'")]
    [InlineData("""{"name":"-bad","roleArn":"arn:aws:iam::111122223333:role/r","resourcesVpcConfig":{"subnetIds":["a","b"]}}""", "regular expression pattern")]
    [InlineData("""{"name":"has.dot","roleArn":"arn:aws:iam::111122223333:role/r","resourcesVpcConfig":{"subnetIds":["a","b"]}}""", "regular expression pattern")]
    [InlineData("""{"name":"c","resourcesVpcConfig":{"subnetIds":["a","b"]}}""", "Value null at 'roleArn'")]
    [InlineData("""{"name":"c","roleArn":"arn:aws:iam::111122223333:user/u","resourcesVpcConfig":{"subnetIds":["a","b"]}}""", "not a valid IAM role ARN")]
    [InlineData("""{"name":"c","roleArn":"arn:aws:iam::111122223333:role/r"}""", "Value null at 'resourcesVpcConfig'")]
    [InlineData("""{"name":"c","roleArn":"arn:aws:iam::111122223333:role/r","resourcesVpcConfig":{"subnetIds":["a"]}}""", "Subnets specified must be in at least two different AZs")]
    [InlineData("""{"name":"c","roleArn":"arn:aws:iam::111122223333:role/r","resourcesVpcConfig":{"subnetIds":["a","b"]},"version":"1.10"}""", "unsupported Kubernetes version 1.10")]
    [InlineData("""{"name":"c","roleArn":"arn:aws:iam::111122223333:role/r","resourcesVpcConfig":{"subnetIds":["a","b"]},"accessConfig":{"authenticationMode":"IAM"}}""", "Member must satisfy enum value set")]
    [InlineData("""{"name":"c","roleArn":"arn:aws:iam::111122223333:role/r","resourcesVpcConfig":{"subnetIds":["a","b"]},"tags":{"aws:x":"y"}}""", "reserved")]
    public void CreateCluster_validates_its_input(string input, string message)
    {
        var error = _f.Fails("CreateCluster", input);
        Assert.Equal("InvalidParameterException", error.Code);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void A_name_of_101_characters_is_too_long()
    {
        var error = _f.Fails("CreateCluster", $$$"""{"name":"{{{new string('a', 101)}}}","roleArn":"arn:aws:iam::111122223333:role/r","resourcesVpcConfig":{"subnetIds":["a","b"]}}""");
        Assert.Contains("length less than or equal to 100", error.Message);
        _f.CreateCluster(new string('a', 100));
    }

    [Fact]
    public void An_unknown_cluster_is_not_found_with_EKS_wording()
    {
        var error = _f.Fails("DescribeCluster", """{"name":"nope"}""");
        Assert.Equal("ResourceNotFoundException", error.Code);
        Assert.Equal("No cluster found for name: nope.", error.Message);
        Assert.Equal(404, error.StatusCode);
        Assert.Equal("nope", error.Fields["clusterName"]);
    }

    [Fact]
    public void ListClusters_pages_in_name_order()
    {
        foreach (var name in new[] { "e", "b", "d", "a", "c" }) _f.CreateCluster(name);
        var first = _f.Call("ListClusters", """{"maxResults":2}""");
        Assert.Equal(["a", "b"], EksFixture.Strings(first["clusters"]));
        var token = (string)first["nextToken"]!;
        var second = _f.Call("ListClusters", $$"""{"maxResults":2,"nextToken":"{{token}}"}""");
        Assert.Equal(["c", "d"], EksFixture.Strings(second["clusters"]));
        var third = _f.Call("ListClusters", $$"""{"maxResults":"2","nextToken":"{{(string)second["nextToken"]!}}"}""");
        Assert.Equal(["e"], EksFixture.Strings(third["clusters"]));
        Assert.Null(third["nextToken"]);
        Assert.Equal(5, _f.Call("ListClusters")["clusters"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("""{"maxResults":0}""", "greater than or equal to 1")]
    [InlineData("""{"maxResults":101}""", "less than or equal to 100")]
    [InlineData("""{"nextToken":"garbage"}""", "nextToken")]
    public void ListClusters_refuses_bad_paging(string input, string message)
    {
        var error = _f.Fails("ListClusters", input);
        Assert.Equal("InvalidParameterException", error.Code);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void DeleteCluster_answers_DELETING_and_the_cluster_is_gone_at_the_next_read()
    {
        _f.CreateCluster("gone", "API");
        var deleting = _f.Call("DeleteCluster", """{"name":"gone"}""")["cluster"]!;
        Assert.Equal("DELETING", (string?)deleting["status"]);
        Assert.Equal("No cluster found for name: gone.", _f.Fails("DescribeCluster", """{"name":"gone"}""").Message);
        _f.CreateCluster("gone", "API");
        Assert.Equal(2, _f.ListEntries("gone").Length); // creator and service-linked role, nothing left over
    }

    [Fact]
    public void A_cluster_with_node_groups_cannot_be_deleted()
    {
        _f.CreateCluster("busy");
        _f.Call("CreateNodegroup", """{"clusterName":"busy","nodegroupName":"ng1","subnets":["a"],"nodeRole":"arn:aws:iam::111122223333:role/node"}""");
        var error = _f.Fails("DeleteCluster", """{"name":"busy"}""");
        Assert.Equal("ResourceInUseException", error.Code);
        Assert.Equal("Cluster has nodegroups attached", error.Message);
        Assert.Equal("ng1", error.Fields["nodegroupName"]);
        Assert.Equal("busy", error.Fields["clusterName"]);
    }

    [Fact]
    public void Every_cluster_shares_the_store_CA_which_can_issue_the_serving_certificate()
    {
        _f.CreateCluster("one");
        _f.CreateCluster("two");
        Assert.Equal((string?)_f.Describe("one")["certificateAuthority"]!["data"], (string?)_f.Describe("two")["certificateAuthority"]!["data"]);

        var ca = _f.Eks.GetCertificateAuthorityAsync().GetAwaiter().GetResult();
        using var caCert = ca.LoadCertificate();
        Assert.True(caCert.HasPrivateKey);
        using var serving = ca.IssueServingCertificate(["localhost"], [IPAddress.Loopback], _f.Clock.Now);
        Assert.True(serving.HasPrivateKey);
        var san = serving.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Contains("localhost", san.EnumerateDnsNames());
        Assert.Contains(IPAddress.Loopback, san.EnumerateIPAddresses());

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(caCert);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = _f.Clock.Now.UtcDateTime;
        Assert.True(chain.Build(serving));
    }

    [Fact]
    public void The_endpoint_brackets_an_IPv6_kube_host()
    {
        var f = new EksFixture(options: new EmulatorOptions { KubeHost = "::1", KubePort = 8443 });
        Assert.Equal("https://[::1]:8443/clusters/x", f.Eks.Endpoint("x"));
    }
}
