using Turnstile.Core.Kube;
using Turnstile.Core.Rbac;
using Turnstile.Core.Snapshots;

namespace Turnstile.Core.Tests.Kube;

public class ClusterDiscoveryTests
{
    private const string WidgetCrd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.example.com
        spec:
          group: example.com
          names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wg], categories: [all]}
          scope: Namespaced
          versions:
          - name: v1beta1
            served: true
            storage: false
          - name: v1
            served: true
            storage: true
            subresources: {status: {}, scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas}}
          - name: v1alpha1
            served: false
            storage: false
        """;

    // kubectl v1.32 `api-resources -o wide`: tab-aligned, empty cells leave gaps, verbs comma-joined.
    private const string WideTable = """
        NAME          SHORTNAMES   APIVERSION             NAMESPACED   KIND         VERBS                                                        CATEGORIES
        configmaps    cm           v1                     true         ConfigMap    create,delete,deletecollection,get,list,patch,update,watch   
        pods          po           v1                     true         Pod          create,delete,deletecollection,get,list,patch,update,watch   all
        deployments   deploy       apps/v1                true         Deployment   create,delete,deletecollection,get,list,patch,update,watch   all
        nodes         no           v1                     false        Node         create,delete,deletecollection,get,list,patch,update,watch   
        widgets       wg           example.com/v1         true         Widget       delete,deletecollection,get,list,patch,create,update,watch   all
        gizmos                     things.example.org/v2  false        Gizmo        get,list                                                     

        """;

    [Fact]
    public void A_crd_is_decoded_with_served_versions_and_subresources()
    {
        var crd = KubeObjectDecoder.DecodeSingle<CustomResourceDefinition>(WidgetCrd);
        Assert.Equal(("example.com", "widgets", "widget", "Widget", true), (crd.Group, crd.Names.Plural, crd.Names.Singular, crd.Names.Kind, crd.Namespaced));
        Assert.Equal(["v1beta1", "v1", "v1alpha1"], crd.Versions.Select(v => v.Name));
        Assert.Equal([true, true, false], crd.Versions.Select(v => v.Served));
        Assert.True(crd.Versions[1].Scale && crd.Versions[1].Status && !crd.Versions[0].Status);
    }

    [Fact]
    public void A_crd_with_a_bad_scope_is_an_error_naming_the_field()
    {
        var e = Assert.Throws<KubeDecodeException>(() => KubeObjectDecoder.DecodeDocuments(WidgetCrd.Replace("scope: Namespaced", "scope: Global")));
        Assert.Contains("spec.scope", e.Message);
        Assert.Contains("Unsupported value: \"Global\"", e.Message);
    }

    [Fact]
    public void Crd_resources_resolve_as_kubectl_resolves_them()
    {
        var crd = KubeObjectDecoder.DecodeSingle<CustomResourceDefinition>(WidgetCrd);
        var resolver = new ResourceResolver(ClusterDiscovery.Build(ApiResourceCatalog.Eks, [crd], null));
        foreach (var arg in new[] { "widgets", "widget", "wg", "Widget", "widgets.example.com", "widgets.example", "widget.v1beta1.example.com" })
        {
            var resolution = resolver.ResolveForCanI(arg);
            Assert.True(resolution.Resolved, arg);
            Assert.Equal(("example.com", "widgets"), (resolution.Resource.Group, resolution.Resource.Resource));
        }
        // The preferred version is the most stable served one; v1alpha1 is not served.
        Assert.Equal("v1", resolver.ResourceFor(new GroupVersionResource("", "", "widgets"))!.Value.Version);
        Assert.False(resolver.ResolveForCanI("widgets.v1alpha1.example.com").Resolved && resolver.ResolveForCanI("widgets.v1alpha1.example.com").Resource.Version == "v1alpha1");
        // Without the CRD, kubectl falls back to the argument as typed.
        Assert.False(new ResourceResolver(ApiResourceCatalog.Eks).ResolveForCanI("widgets.example.com").Resolved);
    }

    [Fact]
    public void Crd_groups_sort_among_custom_groups_before_the_metrics_api()
    {
        var crd = KubeObjectDecoder.DecodeSingle<CustomResourceDefinition>(WidgetCrd);
        var names = ClusterDiscovery.Build(ApiResourceCatalog.Eks, [crd], null).Groups.Select(g => g.Name).ToList();
        Assert.True(names.IndexOf("crd.k8s.amazonaws.com") < names.IndexOf("example.com") && names.IndexOf("example.com") < names.IndexOf("networking.k8s.aws"));
        Assert.True(names.IndexOf("flowcontrol.apiserver.k8s.io") < names.IndexOf("crd.k8s.amazonaws.com"));
        Assert.Equal("metrics.k8s.io", names[^1]);
        Assert.Equal("", names[0]);
    }

    [Fact]
    public void The_wide_table_is_read_by_column_positions()
    {
        var table = ApiResourcesTable.Parse(WideTable);
        Assert.True(table.HasVerbs);
        Assert.Empty(table.Problems);
        var gizmos = table.Resources.Single(r => r.Name == "gizmos");
        Assert.Equal(("things.example.org", "v2", false, "Gizmo"), (gizmos.Group, gizmos.Version, gizmos.Namespaced, gizmos.Kind));
        Assert.Empty(gizmos.ShortNames);
        Assert.Equal(["get", "list"], gizmos.Verbs);
        Assert.Equal(["all"], table.Resources.Single(r => r.Name == "pods").Categories);
    }

    [Fact]
    public void The_table_is_what_the_cluster_serves()
    {
        var catalog = ClusterDiscovery.Build(ApiResourceCatalog.Eks, [], ApiResourcesTable.Parse(WideTable));
        var resolver = new ResourceResolver(catalog);
        Assert.True(resolver.ResolveForCanI("gizmos.things.example.org").Resolved);
        Assert.True(resolver.ResolveForCanI("wg").Resolved);
        // Not in the table: this cluster does not serve it, whatever the built-in catalogue says.
        Assert.False(resolver.ResolveForCanI("cronjobs").Resolved);
        // Subresources and singular names come from what is known about built-in resources.
        var pods = catalog.FindPreferred("", "pods")!;
        Assert.Equal("pod", pods.SingularName);
        Assert.Contains(pods.Subresources, s => s.Name == "log");
        Assert.Equal("", catalog.Groups[0].Name);
    }

    [Fact]
    public void The_narrow_table_takes_verbs_from_the_built_in_catalogue()
    {
        var narrow = "NAME   SHORTNAMES   APIVERSION   NAMESPACED   KIND\nnodes   no   v1   false   Node\nfoos      v1   true   Foo\n";
        var table = ApiResourcesTable.Parse(narrow.Replace("nodes   no   v1   false   Node", "nodes  no           v1           false        Node")
            .Replace("foos      v1   true   Foo", "foos                v1           true         Foo"));
        Assert.False(table.HasVerbs);
        var catalog = ClusterDiscovery.Build(ApiResourceCatalog.Eks, [], table);
        Assert.Contains("watch", catalog.FindPreferred("", "nodes")!.Verbs);
        Assert.Equal(8, catalog.FindPreferred("", "foos")!.Verbs.Count);
    }

    [Fact]
    public void Kubectl_discovery_errors_and_garbage_lines_are_reported()
    {
        var table = ApiResourcesTable.Parse(WideTable + "error: unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: the server is currently unable to handle the request\nnot a row\n");
        Assert.Equal(2, table.Problems.Count);
        Assert.Contains("kubectl reported: error: unable to retrieve", table.Problems[0]);
    }

    [Fact]
    public void Kube_version_order_puts_stable_versions_first()
    {
        string[] versions = ["v1alpha1", "foo", "v2beta1", "v1", "v1beta2", "v2", "v1beta1", "bar"];
        Assert.Equal(["v2", "v1", "v2beta1", "v1beta2", "v1beta1", "v1alpha1", "bar", "foo"], versions.Order(KubeVersionOrder.Instance));
    }

    [Fact]
    public void A_snapshot_reads_crds_and_the_api_resources_table()
    {
        var snapshot = SnapshotReader.Read([new SnapshotFile("crd.yaml", WidgetCrd), new SnapshotFile("api-resources.txt", WideTable)]);
        Assert.False(snapshot.HasErrors);
        Assert.Contains(snapshot.Messages, m => m.File == "api-resources.txt" && m.Text.Contains("6 resources in 4 API groups"));
        Assert.Contains(snapshot.Messages, m => m.File == "crd.yaml" && m.Text == "read 1 CustomResourceDefinition");
        var widgets = snapshot.Model.ApiResources.FindPreferred("example.com", "widgets")!;
        Assert.Contains(widgets.Subresources, s => s.Name == "scale");

        var twice = SnapshotReader.Read([new SnapshotFile("a.txt", WideTable), new SnapshotFile("b.txt", WideTable)]);
        Assert.Contains(twice.Messages, m => m.File == "b.txt" && m.Level == SnapshotMessageLevel.Error && m.Text.Contains("the first is a.txt"));
    }
}
