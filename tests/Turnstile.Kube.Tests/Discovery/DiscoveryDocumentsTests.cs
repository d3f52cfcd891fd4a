using System.Text;
using System.Text.Json.Nodes;
using Turnstile.Kube.Catalog;
using Turnstile.Kube.Discovery;

namespace Turnstile.Kube.Tests.Discovery;

public class DiscoveryDocumentsTests
{
    private static readonly DiscoveryDocuments Eks = ServedApis.ForEks().Current.Discovery;

    private static string Text(DiscoveryDocument? d) => Encoding.UTF8.GetString(d!.Body);

    [Fact]
    public void Api_versions_names_the_server_address()
    {
        Assert.Equal(
            """{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":"10.0.0.1:443"}]}""" + "\n",
            Text(Eks.ApiVersions("10.0.0.1:443")));
    }

    [Fact]
    public void Group_list_starts_like_kube_apiserver_and_lists_every_named_group()
    {
        var text = Text(Eks.GroupList);
        Assert.StartsWith(
            """{"kind":"APIGroupList","apiVersion":"v1","groups":[{"name":"apiregistration.k8s.io","versions":[{"groupVersion":"apiregistration.k8s.io/v1","version":"v1"}],"preferredVersion":{"groupVersion":"apiregistration.k8s.io/v1","version":"v1"}},""",
            text);
        Assert.Contains(
            """{"name":"autoscaling","versions":[{"groupVersion":"autoscaling/v2","version":"v2"},{"groupVersion":"autoscaling/v1","version":"v1"}],"preferredVersion":{"groupVersion":"autoscaling/v2","version":"v2"}}""",
            text);
        Assert.Equal(23, JsonNode.Parse(text)!["groups"]!.AsArray().Count);
        Assert.EndsWith("]}\n", text);
    }

    [Fact]
    public void Core_resource_list_has_no_api_version_and_lists_subresources_after_their_resource()
    {
        var text = Text(Eks.ResourceList("", "v1"));
        Assert.StartsWith(
            """{"kind":"APIResourceList","groupVersion":"v1","resources":[{"name":"bindings","singularName":"binding","namespaced":true,"kind":"Binding","verbs":["create"]},{"name":"componentstatuses","singularName":"componentstatus","namespaced":false,"kind":"ComponentStatus","verbs":["get","list"],"shortNames":["cs"]},{"name":"configmaps","singularName":"configmap","namespaced":true,"kind":"ConfigMap","verbs":["create","delete","deletecollection","get","list","patch","update","watch"],"shortNames":["cm"],"storageVersionHash":"qFsyl6wFWjQ="},""",
            text);
        Assert.Contains(
            """{"name":"pods","singularName":"pod","namespaced":true,"kind":"Pod","verbs":["create","delete","deletecollection","get","list","patch","update","watch"],"shortNames":["po"],"categories":["all"],"storageVersionHash":"xPOwRZ+Yhw8="},{"name":"pods/attach","singularName":"","namespaced":true,"kind":"PodAttachOptions","verbs":["create","get"]},{"name":"pods/binding","singularName":"","namespaced":true,"kind":"Binding","verbs":["create"]},{"name":"pods/ephemeralcontainers","singularName":"","namespaced":true,"kind":"Pod","verbs":["get","patch","update"]},{"name":"pods/eviction","singularName":"","namespaced":true,"group":"policy","version":"v1","kind":"Eviction","verbs":["create"]},""",
            text);
        Assert.Contains("""{"name":"events","singularName":"event","namespaced":true,"kind":"Event","verbs":["create","delete","deletecollection","get","list","patch","update","watch"],"shortNames":["ev"],"storageVersionHash":"r2yiGXH7wu8="}""", text);
    }

    [Fact]
    public void Group_resource_lists_carry_api_version_and_storage_hashes_of_the_storage_version()
    {
        Assert.StartsWith("""{"kind":"APIResourceList","apiVersion":"v1","groupVersion":"apps/v1","resources":[{"name":"controllerrevisions",""", Text(Eks.ResourceList("apps", "v1")));
        Assert.Contains("""{"name":"deployments","singularName":"deployment","namespaced":true,"kind":"Deployment","verbs":["create","delete","deletecollection","get","list","patch","update","watch"],"shortNames":["deploy"],"categories":["all"],"storageVersionHash":"8aSe+NMegvE="}""", Text(Eks.ResourceList("apps", "v1")));
        // events.k8s.io events are stored as core v1 Events; both HPA versions as autoscaling/v2
        Assert.Contains("\"storageVersionHash\":\"r2yiGXH7wu8=\"", Text(Eks.ResourceList("events.k8s.io", "v1")));
        var hpaV1 = JsonNode.Parse(Text(Eks.ResourceList("autoscaling", "v1")))!["resources"]![0]!;
        var hpaV2 = JsonNode.Parse(Text(Eks.ResourceList("autoscaling", "v2")))!["resources"]![0]!;
        Assert.Equal((string?)hpaV2["storageVersionHash"], (string?)hpaV1["storageVersionHash"]);
        // reviews have no storage
        Assert.DoesNotContain("storageVersionHash", Text(Eks.ResourceList("authorization.k8s.io", "v1")));
        Assert.Null(Eks.ResourceList("apps", "v1beta1"));
        Assert.Null(Eks.Group("nope"));
        Assert.StartsWith("""{"kind":"APIGroup","apiVersion":"v1","name":"apps","versions":[""", Text(Eks.Group("apps")));
    }

    [Fact]
    public void Aggregated_core_discovery_has_the_v2_shape()
    {
        var doc = Eks.Aggregated(core: true, DiscoveryFormat.AggregatedV2);
        Assert.Equal("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList", doc.ContentType);
        var text = Text(doc);
        Assert.StartsWith(
            """{"kind":"APIGroupDiscoveryList","apiVersion":"apidiscovery.k8s.io/v2","metadata":{},"items":[{"metadata":{"creationTimestamp":null},"versions":[{"version":"v1","resources":[{"resource":"bindings","responseKind":{"group":"","version":"","kind":"Binding"},"scope":"Namespaced","singularResource":"binding","verbs":["create"]},""",
            text);
        Assert.Contains(
            """{"subresource":"eviction","responseKind":{"group":"policy","version":"v1","kind":"Eviction"},"verbs":["create"]}""", text);
        Assert.EndsWith("""],"freshness":"Current"}]}]}""" + "\n", text);
    }

    [Fact]
    public void Aggregated_group_discovery_gives_crds_full_kinds_and_changes_etag_with_the_set()
    {
        var apis = ServedApis.ForEks();
        var before = apis.Current.Discovery.Aggregated(core: false, DiscoveryFormat.AggregatedV2);
        var after = apis.AddOrReplace(TestCrds.Widget()).Discovery.Aggregated(core: false, DiscoveryFormat.AggregatedV2);
        Assert.NotEqual(before.ETag, after.ETag);
        Assert.Matches("^\"[0-9A-F]{128}\"$", after.ETag);
        Assert.True(after.MatchesIfNoneMatch(after.ETag));
        Assert.False(after.MatchesIfNoneMatch(before.ETag));
        var text = Text(after);
        Assert.Contains(
            """{"metadata":{"name":"example.com","creationTimestamp":null},"versions":[{"version":"v1","resources":[{"resource":"widgets","responseKind":{"group":"example.com","version":"v1","kind":"Widget"},"scope":"Namespaced","singularResource":"widget","verbs":["delete","deletecollection","get","list","patch","create","update","watch"],"shortNames":["wd"],"categories":["all"],"subresources":[{"subresource":"status","responseKind":{"group":"example.com","version":"v1","kind":"Widget"},"verbs":["get","patch","update"]},{"subresource":"scale","responseKind":{"group":"autoscaling","version":"v1","kind":"Scale"},"verbs":["get","patch","update"]}]}],"freshness":"Current"},{"version":"v1beta1",""",
            text);
        var v2beta1 = Text(apis.Current.Discovery.Aggregated(core: false, DiscoveryFormat.AggregatedV2Beta1));
        Assert.StartsWith("""{"kind":"APIGroupDiscoveryList","apiVersion":"apidiscovery.k8s.io/v2beta1",""", v2beta1);
        Assert.Equal(text[text.IndexOf("\"metadata\":{}", StringComparison.Ordinal)..], v2beta1[v2beta1.IndexOf("\"metadata\":{}", StringComparison.Ordinal)..]);
    }

    [Theory]
    [InlineData("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json", DiscoveryFormat.AggregatedV2)]
    [InlineData("application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json", DiscoveryFormat.AggregatedV2Beta1)]
    [InlineData("application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json", DiscoveryFormat.Legacy)]
    [InlineData("application/json, */*", DiscoveryFormat.Legacy)]
    [InlineData("", DiscoveryFormat.Legacy)]
    [InlineData("application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList", null)]
    [InlineData("text/html", null)]
    public void Accept_negotiation(string accept, DiscoveryFormat? expected)
    {
        Assert.Equal(expected, DiscoveryDocuments.Negotiate(accept));
    }
}
