using System.Text.Json.Nodes;
using Turnstile.Core.Kube;
using Turnstile.Kube.Catalog;
using CustomResourceDefinition = Turnstile.Kube.Catalog.CustomResourceDefinition;

namespace Turnstile.Kube.Tests.Catalog;

public class ServedApisTests
{
    [Fact]
    public void A_new_cluster_serves_the_eks_catalogue()
    {
        var apis = ServedApis.ForEks();
        Assert.Equal(ApiResourceCatalog.Eks.Groups.Select(g => g.Name), apis.Current.Catalog.Groups.Select(g => g.Name));
        Assert.Empty(apis.Current.CustomResources);
    }

    [Fact]
    public void Adding_a_crd_serves_its_versions_in_kube_version_order_before_metrics()
    {
        var apis = ServedApis.ForEks();
        var snapshot = apis.AddOrReplace(TestCrds.Widget());
        var group = snapshot.Catalog.FindGroup("example.com")!;
        Assert.Equal(["v1", "v1beta1"], group.Versions.Select(v => v.Version));
        Assert.Equal(
            ["crd.k8s.amazonaws.com", "example.com", "networking.k8s.aws", "vpcresources.k8s.aws", "metrics.k8s.io"],
            snapshot.Catalog.Groups.SkipWhile(g => g.Name != "crd.k8s.amazonaws.com").Select(g => g.Name));
        var widgets = snapshot.Catalog.Find("example.com", "v1", "widgets")!;
        Assert.Equal(("widget", true, "Widget", ApiSource.CustomResource), (widgets.SingularName, widgets.Namespaced, widgets.Kind, widgets.Source));
        Assert.Equal(["wd"], widgets.ShortNames);
        Assert.Equal(["all"], widgets.Categories);
        Assert.Equal(["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"], widgets.Verbs);
        Assert.Equal(["status", "scale"], widgets.Subresources.Select(s => s.Name));
        Assert.Equal(("Scale", "autoscaling", "v1"), (widgets.Subresources[1].Kind, widgets.Subresources[1].Group, widgets.Subresources[1].Version));
        // both versions report the storage version's hash
        Assert.Equal(ApiResource.StorageVersionHashOf("example.com", "v1", "Widget"), snapshot.Catalog.Find("example.com", "v1beta1", "widgets")!.StorageVersionHash);
        Assert.Empty(snapshot.Catalog.Find("example.com", "v1beta1", "widgets")!.Subresources);
        // the resolver used by can-i sees it too
        Assert.True(new ResourceResolver(snapshot.Catalog).ResolveForCanI("wd").Resolved);
    }

    [Fact]
    public void Removing_a_crd_stops_serving_it_and_unserved_versions_are_not_listed()
    {
        var apis = ServedApis.ForEks();
        var crd = TestCrds.WidgetObject();
        crd["spec"]!["versions"]![0]!["served"] = false;
        apis.AddOrReplace(CustomResourceDefinition.FromObject(crd));
        Assert.Equal(["v1"], apis.Current.Catalog.FindGroup("example.com")!.Versions.Select(v => v.Version));
        var before = apis.Current;
        apis.Remove("widgets.example.com");
        Assert.Null(apis.Current.Catalog.FindGroup("example.com"));
        Assert.NotNull(before.Catalog.FindGroup("example.com")); // snapshots are immutable
        Assert.Same(apis.Current, apis.Remove("widgets.example.com"));
    }

    [Fact]
    public void A_crd_for_an_eks_addon_resource_takes_over_its_entry()
    {
        var apis = ServedApis.ForEks();
        var crd = JsonNode.Parse("""
            {"metadata":{"name":"eniconfigs.crd.k8s.amazonaws.com"},"spec":{"group":"crd.k8s.amazonaws.com","scope":"Cluster",
             "names":{"plural":"eniconfigs","singular":"eniconfig","kind":"ENIConfig","listKind":"ENIConfigList"},
             "versions":[{"name":"v1alpha1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object",
               "properties":{"spec":{"type":"object","properties":{"subnet":{"type":"string"},"securityGroups":{"type":"array","items":{"type":"string"}}}}}}}}]}}
            """)!.AsObject();
        var snapshot = apis.AddOrReplace(CustomResourceDefinition.FromObject(crd));
        var resources = snapshot.Catalog.FindGroup("crd.k8s.amazonaws.com")!.Versions.SelectMany(v => v.Resources).ToList();
        var eni = Assert.Single(resources);
        Assert.Equal(ApiSource.EksCustomResource, eni.Source);
        Assert.NotNull(snapshot.Schemas.ForKind(new("crd.k8s.amazonaws.com", "v1alpha1", "ENIConfig"))!.Resolved["properties"]!["spec"]!["properties"]!["subnet"]);
        Assert.Equal(ApiResourceCatalog.Eks.PreferredResources().Count, snapshot.Catalog.PreferredResources().Count);
    }

    [Fact]
    public void Crds_cannot_take_built_in_groups_or_another_crds_resource()
    {
        var apis = ServedApis.ForEks();
        var crd = TestCrds.WidgetObject();
        crd["spec"]!["group"] = "apps";
        Assert.Throws<ArgumentException>(() => apis.AddOrReplace(CustomResourceDefinition.FromObject(crd)));
        apis.AddOrReplace(TestCrds.Widget());
        var other = TestCrds.WidgetObject();
        other["metadata"]!["name"] = "other.example.com";
        Assert.Throws<ArgumentException>(() => apis.AddOrReplace(CustomResourceDefinition.FromObject(other)));
    }

    [Theory]
    [InlineData("""{"spec":{}}""", "metadata: Required value")]
    [InlineData("""{"metadata":{"name":"a.b"},"spec":{"group":"b","scope":"Global","names":{"plural":"a","kind":"A"},"versions":[]}}""", "spec.scope: unsupported value \"Global\"")]
    [InlineData("""{"metadata":{"name":"a.b"},"spec":{"group":"b","scope":"Cluster","names":{"plural":"a","kind":"A"},"versions":[{"name":"v1","served":true}]}}""", "spec.versions: must have exactly one version marked as storage version")]
    public void Malformed_crds_are_format_errors(string json, string message)
    {
        var e = Assert.Throws<FormatException>(() => CustomResourceDefinition.FromObject(JsonNode.Parse(json)!.AsObject()));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Crd_defaults_singular_list_kind_and_age_column()
    {
        var crd = CustomResourceDefinition.FromObject(JsonNode.Parse("""
            {"metadata":{"name":"gadgets.example.com"},"spec":{"group":"example.com","scope":"Cluster","names":{"plural":"gadgets","kind":"Gadget"},
             "versions":[{"name":"v1","served":true,"storage":true}]}}
            """)!.AsObject());
        Assert.Equal(("gadget", "GadgetList"), (crd.Names.Singular, crd.Names.ListKind));
        var column = Assert.Single(CustomResourceDefinition.ColumnsOrDefault(crd.Versions[0]));
        Assert.Equal(("Age", "date", ".metadata.creationTimestamp"), (column.Name, column.Type, column.JsonPath));
    }

    [Theory]
    [InlineData("v1,v10,v11beta2,v10beta3,v3beta1,v12alpha1,v11alpha2,foo1,foo10,v2", "v10,v2,v1,v11beta2,v10beta3,v3beta1,v12alpha1,v11alpha2,foo1,foo10")]
    public void Versions_sort_by_kube_priority(string input, string expected)
    {
        Assert.Equal(expected.Split(','), input.Split(',').OrderBy(v => v, KubeVersionComparer.Instance));
    }
}
