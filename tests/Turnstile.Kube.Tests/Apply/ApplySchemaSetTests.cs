using System.Text.Json.Nodes;
using Turnstile.Kube.Apply.Schema;
using static Turnstile.Kube.Tests.Apply.ApplyTestKit;

namespace Turnstile.Kube.Tests.Apply;

public class ApplySchemaSetTests
{
    [Fact]
    public void Kinds_are_found_by_their_group_version_kind()
    {
        Assert.NotNull(Schemas.ForKind("", "v1", "ConfigMap"));
        Assert.NotNull(Schemas.ForKind("apps", "v1", "Deployment"));
        Assert.Null(Schemas.ForKind("apps", "v1beta1", "Deployment"));
        Assert.Null(Schemas.ForKind("stable.example.com", "v1", "Gadget"));
        Assert.Same(Schemas.ForKind("", "v1", "Pod"), Schemas.ForKind("", "v1", "Pod"));
    }

    [Fact]
    public void List_and_map_extensions_give_the_relationships()
    {
        var podSpec = Schemas.Named("io.k8s.api.core.v1.PodSpec")!.Map!;
        var containers = podSpec.Field("containers")!.Type.List!;
        Assert.Equal(ListRelationship.Map, containers.Relationship);
        Assert.Equal(["name"], containers.Keys);
        Assert.Equal(ListRelationship.Atomic, podSpec.Field("tolerations")!.Type.List!.Relationship);
        Assert.Equal(MapRelationship.Atomic, podSpec.Field("nodeSelector")!.Type.Map!.Relationship);

        var ports = containers.ElementType.Map!.Field("ports")!.Type.List!;
        Assert.Equal(new[] { "containerPort", "protocol" }, ports.Keys);
        var protocol = ports.ElementType.Map!.Field("protocol")!;
        Assert.Equal("\"TCP\"", protocol.Default!.ToJsonString());

        var meta = Schemas.Named("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta")!.Map!;
        Assert.Equal(ListRelationship.Set, meta.Field("finalizers")!.Type.List!.Relationship);
        Assert.Equal(MapRelationship.Granular, meta.Field("labels")!.Type.Map!.Relationship);
        Assert.Null(meta.ElementType);
        Assert.Equal(ScalarType.String, meta.Field("labels")!.Type.Map!.ElementType!.Scalar);
        Assert.Equal(ScalarType.Untyped, meta.Field("creationTimestamp")!.Type.Scalar);

        var selector = Schemas.Named("io.k8s.api.apps.v1.DeploymentSpec")!.Map!.Field("selector")!.Type;
        Assert.Equal(MapRelationship.Atomic, selector.Map!.Relationship);
    }

    [Fact]
    public void Special_types_are_untyped()
    {
        var quantity = Schemas.Named("io.k8s.apimachinery.pkg.api.resource.Quantity")!;
        Assert.Equal(ScalarType.Untyped, quantity.Scalar);
        Assert.Null(quantity.List);
        Assert.Null(quantity.Map);
        var intOrString = Schemas.Named("io.k8s.apimachinery.pkg.util.intstr.IntOrString")!;
        Assert.Equal(ScalarType.Untyped, intOrString.Scalar);
    }

    [Fact]
    public void Go_zero_values_come_from_defaults_and_required_fields_of_built_in_definitions_only()
    {
        var podSpec = Schemas.Named("io.k8s.api.core.v1.PodSpec")!.Map!;
        Assert.Null(podSpec.Field("containers")!.ZeroValue!.Value); // required, no default: a nil slice
        Assert.Null(podSpec.Field("dnsPolicy")!.ZeroValue);

        var pod = Schemas.Named("io.k8s.api.core.v1.Pod")!.Map!;
        Assert.IsType<JsonObject>(pod.Field("spec")!.ZeroValue!.Value);
        var roleRef = Schemas.Named("io.k8s.api.rbac.v1.RoleRef")!.Map!;
        Assert.Equal("\"\"", roleRef.Field("name")!.ZeroValue!.Value!.ToJsonString());
        var port = Schemas.Named("io.k8s.api.core.v1.ContainerPort")!.Map!;
        Assert.Null(port.Field("protocol")!.ZeroValue); // TCP is a real default, not a zero value

        var widgetSpec = Schemas.ForKind("stable.example.com", "v1", "Widget")!.Map!.Field("spec")!.Type.Map!;
        Assert.Null(widgetSpec.Field("size")!.ZeroValue);
    }

    [Fact]
    public void Unknown_fields_are_kept_where_the_schema_preserves_them()
    {
        var widget = Schemas.ForKind("stable.example.com", "v1", "Widget")!.Map!;
        Assert.Same(ApplyType.Deduced, widget.Field("spec")!.Type.Map!.Field("extra")!.Type.Map!.ElementType);
        Assert.Same(ApplyType.Deduced, widget.Field("status")!.Type.Map!.ElementType);
        Assert.Null(widget.Field("spec")!.Type.Map!.ElementType);
        Assert.Equal(ListRelationship.Atomic, widget.Field("spec")!.Type.Map!.Field("steps")!.Type.List!.Relationship);
    }

    [Fact]
    public void A_bare_schemas_document_and_recursive_definitions_are_accepted()
    {
        var set = ApplySchemaSet.FromOpenApiV3(Obj("""
            {"schemas":{
              "io.example.v1.Node":{"type":"object","x-kubernetes-group-version-kind":[{"group":"example.io","version":"v1","kind":"Node"}],
                "properties":{"children":{"type":"array","items":{"$ref":"#/components/schemas/io.example.v1.Node"},"x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["id"]},
                              "id":{"type":"string"},"meta":{"allOf":[{"$ref":"#/components/schemas/io.example.v1.Meta"}],"x-kubernetes-map-type":"atomic"}}},
              "io.example.v1.Meta":{"type":"object","properties":{"a":{"type":"string"}}}}}
            """));
        var node = set.ForKind("example.io", "v1", "Node")!;
        Assert.Same(node, node.Map!.Field("children")!.Type.List!.ElementType);
        Assert.Equal(MapRelationship.Atomic, node.Map.Field("meta")!.Type.Map!.Relationship);
        Assert.Equal(MapRelationship.Granular, set.Named("io.example.v1.Meta")!.Map!.Relationship);
        Assert.Throws<ArgumentException>(() => ApplySchemaSet.FromOpenApiV3(Obj("{}")));
    }
}
