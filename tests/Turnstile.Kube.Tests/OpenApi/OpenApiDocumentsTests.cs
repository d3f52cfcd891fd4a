using System.Text;
using System.Text.Json.Nodes;
using Turnstile.Kube.Catalog;
using Turnstile.Kube.OpenApi;

namespace Turnstile.Kube.Tests.OpenApi;

public class OpenApiDocumentsTests
{
    private static readonly ApiSnapshot Snapshot = ServedApis.ForEks().AddOrReplace(TestCrds.Widget());

    private static JsonObject Parse(OpenApiDocument d) => JsonNode.Parse(Encoding.UTF8.GetString(d.Body))!.AsObject();

    [Fact]
    public void Every_writable_kind_advertises_field_validation_on_its_patch_operation()
    {
        // kubectl's QueryParamVerifierV3: a PATCH with the GVK extension and a fieldValidation query parameter
        var root = Parse(Snapshot.OpenApi.V3Root);
        foreach (var r in Snapshot.Catalog.AllResources.Where(r => r.HasVerb("patch")))
        {
            var path = OpenApiDocuments.V3PathOf(r.Group, r.Version);
            var url = (string)root["paths"]![path]!["serverRelativeURL"]!;
            Assert.StartsWith($"/openapi/v3/{path}?hash=", url);
            var doc = Parse(Snapshot.OpenApi.V3(path)!);
            Assert.Equal(url[(url.IndexOf("hash=", StringComparison.Ordinal) + 5)..], Snapshot.OpenApi.V3(path)!.Hash);
            var patches = doc["paths"]!.AsObject().Select(p => p.Value!["patch"]).OfType<JsonObject>()
                .Where(op => (string?)op["x-kubernetes-group-version-kind"]!["kind"] == r.Kind && (string?)op["x-kubernetes-group-version-kind"]!["group"] == r.Group)
                .ToList();
            Assert.NotEmpty(patches);
            Assert.All(patches, patch => Assert.Contains(patch["parameters"]!.AsArray(), p => (string?)p!["name"] == "fieldValidation" && (string?)p["in"] == "query"));
        }
    }

    [Fact]
    public void Group_version_documents_hold_the_schema_closure_with_patch_metadata()
    {
        var core = Parse(Snapshot.OpenApi.V3("api/v1")!);
        Assert.Equal("3.0.0", (string?)core["openapi"]);
        var schemas = core["components"]!["schemas"]!.AsObject();
        var containers = schemas["io.k8s.api.core.v1.PodSpec"]!["properties"]!["containers"]!;
        Assert.Equal("merge", (string?)containers["x-kubernetes-patch-strategy"]);
        Assert.Equal("name", (string?)containers["x-kubernetes-patch-merge-key"]);
        Assert.Equal("map", (string?)containers["x-kubernetes-list-type"]);
        Assert.NotNull(schemas["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]);
        Assert.Null(schemas["io.k8s.api.apps.v1.Deployment"]);
        Assert.DoesNotContain("\"description\"", Parse(Snapshot.OpenApi.V3("apis/apps/v1")!)["components"]!.ToJsonString());
        Assert.Null(Snapshot.OpenApi.V3("apis/metrics.k8s.io/v1beta1"));
        Assert.Null(Snapshot.OpenApi.V3("apis/nope/v1"));
    }

    [Fact]
    public void Crd_versions_publish_their_schema_with_gvk_and_no_strategic_merge_patch()
    {
        var doc = Parse(Snapshot.OpenApi.V3("apis/example.com/v1")!);
        var widget = doc["components"]!["schemas"]!["com.example.v1.Widget"]!;
        Assert.Equal("Widget", (string?)widget["x-kubernetes-group-version-kind"]![0]!["kind"]);
        Assert.Equal("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", (string?)widget["properties"]!["metadata"]!["allOf"]![0]!["$ref"]);
        var patch = doc["paths"]!["/apis/example.com/v1/namespaces/{namespace}/widgets/{name}"]!["patch"]!;
        Assert.Null(patch["requestBody"]!["content"]!["application/strategic-merge-patch+json"]);
        Assert.NotNull(doc["paths"]!["/apis/example.com/v1/namespaces/{namespace}/widgets/{name}/scale"]!["patch"]);
        Assert.NotNull(doc["paths"]!["/apis/example.com/v1/widgets"]!["get"]); // list across namespaces
    }

    [Fact]
    public void V2_uses_definitions_refs_and_the_protobuf_form_encodes_the_same_document()
    {
        var v2 = Parse(Snapshot.OpenApi.V2Json);
        Assert.Equal("2.0", (string?)v2["swagger"]);
        var metadata = v2["definitions"]!["io.k8s.api.apps.v1.Deployment"]!["properties"]!["metadata"]!;
        Assert.Equal("""{"$ref":"#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}""", metadata.ToJsonString());
        Assert.Equal("""{"format":"int-or-string","type":"string"}""", v2["definitions"]!["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]!.ToJsonString());
        var proto = Snapshot.OpenApi.V2Protobuf;
        Assert.Equal("application/com.github.proto-openapi.spec.v2.v1.0+protobuf", proto.ContentType);
        // field 1 (swagger) is the first thing in the message: tag 0x0a, length 3, "2.0"
        Assert.Equal(new byte[] { 0x0a, 3, (byte)'2', (byte)'.', (byte)'0' }, proto.Body[..5]);
        Assert.NotEqual(proto.Hash, Snapshot.OpenApi.V2Json.Hash);
    }

    [Fact]
    public void The_root_changes_when_a_crd_is_added()
    {
        var apis = ServedApis.ForEks();
        var before = apis.Current.OpenApi.V3Root;
        var after = apis.AddOrReplace(TestCrds.Widget()).OpenApi.V3Root;
        Assert.NotEqual(before.Hash, after.Hash);
        Assert.NotNull(Parse(after)["paths"]!["apis/example.com/v1beta1"]);
    }
}

public class SchemaNodeTests
{
    private static readonly SchemaSet Schemas = ServedApis.ForEks().Current.Schemas;

    [Fact]
    public void Nodes_expose_the_list_and_map_metadata_server_side_apply_needs()
    {
        var pod = Schemas.ForKind(new("", "v1", "Pod"))!;
        var ports = pod.Property("spec")!.Property("containers")!.Items!.Property("ports")!;
        Assert.Equal(("map", "merge", "containerPort"), (ports.ListType, ports.PatchStrategy, ports.PatchMergeKey));
        Assert.Equal(["containerPort", "protocol"], ports.ListMapKeys);
        var selector = pod.Property("spec")!.Property("nodeSelector")!;
        Assert.Equal("atomic", selector.MapType);
        Assert.Equal("string", selector.AdditionalProperties!.Type);
        Assert.True(pod.Property("metadata")!.Property("managedFields")!.Items!.Property("fieldsV1")!.PreservesUnknownFields);
        Assert.False(pod.IsStructural);
    }
}
