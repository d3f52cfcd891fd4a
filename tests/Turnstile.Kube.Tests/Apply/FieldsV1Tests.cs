using System.Text.Json.Nodes;
using Turnstile.Kube.Apply.FieldPaths;

namespace Turnstile.Kube.Tests.Apply;

public class FieldsV1Tests
{
    // managedFields.fieldsV1 shapes published by real clusters (docs, issue threads, test fixtures).
    public static TheoryData<string> RealShapes => new()
    {
        """{"f:data":{"f:key":{}},"f:metadata":{"f:labels":{"f:test-label":{}}}}""",
        """{"f:metadata":{"f:annotations":{".":{},"f:kubectl.kubernetes.io/last-applied-configuration":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:image":{},"f:imagePullPolicy":{},"f:name":{},"f:ports":{".":{},"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:protocol":{}}},"f:resources":{},"f:terminationMessagePath":{},"f:terminationMessagePolicy":{}}},"f:dnsPolicy":{},"f:enableServiceLinks":{},"f:restartPolicy":{},"f:schedulerName":{},"f:securityContext":{},"f:terminationGracePeriodSeconds":{}}}""",
        """{"f:status":{"f:conditions":{".":{},"k:{\"type\":\"Available\"}":{".":{},"f:lastTransitionTime":{},"f:status":{},"f:type":{}},"k:{\"type\":\"Progressing\"}":{".":{},"f:type":{}}},"f:observedGeneration":{}}}""",
        """{"f:spec":{"f:ports":{".":{},"k:{\"port\":443,\"protocol\":\"TCP\"}":{".":{},"f:name":{},"f:port":{},"f:protocol":{},"f:targetPort":{}}}}}""",
        """{"f:metadata":{"f:finalizers":{".":{},"v:\"kubernetes.io/pv-protection\"":{}}}}""",
        """{"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{"f:ports":{"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{}}}}}}}}}""",
        """{"f:metadata":{"f:ownerReferences":{".":{},"k:{\"uid\":\"0a9d2b9e-779e-11e7-b422-42010a8001be\"}":{}}}}""",
        "{}",
    };

    [Theory]
    [MemberData(nameof(RealShapes))]
    public void Real_field_sets_round_trip_byte_for_byte(string fieldsV1)
    {
        var set = FieldsV1.Parse(fieldsV1);
        Assert.Equal(fieldsV1, FieldsV1.Serialize(set));
        Assert.Equal(JsonNode.Parse(fieldsV1)!.ToJsonString(), FieldsV1.ToJsonObject(set).ToJsonString());
        Assert.Equal(set, FieldsV1.Parse(FieldsV1.ToJsonObject(set)));
    }

    [Fact]
    public void Elements_sort_fields_then_keys_then_values_then_indexes_and_numbers_by_value()
    {
        var set = FieldSet.Of(
            FieldPath.Of("list", PathElement.IndexOf(10)),
            FieldPath.Of("list", PathElement.IndexOf(9)),
            FieldPath.Of("list", PathElement.ValueOf(JsonValue.Create("z"))),
            FieldPath.Of("list", PathElement.ValueOf(JsonValue.Create(3))),
            FieldPath.Of("list", PathElement.KeyOf(("port", JsonValue.Create(8080)))),
            FieldPath.Of("list", PathElement.KeyOf(("port", JsonValue.Create(9)))),
            FieldPath.Of("list", "b"),
            FieldPath.Of("list", "a"));

        Assert.Equal(
            """{"f:list":{"f:a":{},"f:b":{},"k:{\"port\":9}":{},"k:{\"port\":8080}":{},"v:3":{},"v:\"z\"":{},"i:9":{},"i:10":{}}}""",
            FieldsV1.Serialize(set));
    }

    [Fact]
    public void Keys_serialize_sorted_with_go_escaping()
    {
        var element = PathElement.KeyOf(("protocol", JsonValue.Create("TCP")), ("containerPort", JsonValue.Create(80)));
        Assert.Equal("""k:{"containerPort":80,"protocol":"TCP"}""", element.Serialize());
        Assert.Equal("""[containerPort=80,protocol="TCP"]""", element.ToString());
        Assert.Equal("""v:"\u003cb\u003e \u0026 é\"" """.Trim(), PathElement.ValueOf(JsonValue.Create("<b> & é\"")).Serialize());
        Assert.Equal("""{"f:a\u0026b":{}}""", FieldsV1.Serialize(FieldSet.Of(FieldPath.Of("a&b"))));
        Assert.Equal("v:1.5", PathElement.ValueOf(JsonValue.Create(1.5)).Serialize());
        Assert.Equal("v:1e+21", PathElement.ValueOf(JsonNode.Parse("1e21")).Serialize());
        Assert.Equal("v:1e-7", PathElement.ValueOf(JsonNode.Parse("0.0000001")).Serialize());
        Assert.Equal("v:true", PathElement.ValueOf(JsonValue.Create(true)).Serialize());
        Assert.Equal("i:3", PathElement.IndexOf(3).Serialize());
    }

    [Fact]
    public void Paths_print_as_conflict_messages_show_them()
    {
        var path = FieldPath.Of("spec", "template", "spec", "containers", PathElement.KeyOf(("name", JsonValue.Create("nginx"))), "ports",
            PathElement.KeyOf(("containerPort", JsonValue.Create(80)), ("protocol", JsonValue.Create("TCP"))), "protocol");
        Assert.Equal(""".spec.template.spec.containers[name="nginx"].ports[containerPort=80,protocol="TCP"].protocol""", path.ToString());
        Assert.Equal(""".metadata.finalizers[="a/b"]""", FieldPath.Of("metadata", "finalizers", PathElement.ValueOf(JsonValue.Create("a/b"))).ToString());
        Assert.Equal(".args[2]", FieldPath.Of("args", 2).ToString());
    }

    [Fact]
    public void Parsing_drops_unknown_element_types_and_reports_malformed_ones()
    {
        Assert.Equal("""{"f:a":{}}""", FieldsV1.Serialize(FieldsV1.Parse("""{"f:a":{},"x:future":{}}""")));
        Assert.Equal("""{"f:a":{}}""", FieldsV1.Serialize(FieldsV1.Parse("""{"f:a":null}""")));
        Assert.Equal("parsing key as path element: missing colon: fa", Assert.Throws<FormatException>(() => FieldsV1.Parse("""{"fa":{}}""")).Message);
        Assert.Equal("parsing key as path element: key must be 2 characters long:", Assert.Throws<FormatException>(() => FieldsV1.Parse("""{"f":{}}""")).Message);
        Assert.StartsWith("parsing key as path element: strconv.Atoi", Assert.Throws<FormatException>(() => FieldsV1.Parse("""{"i:x":{}}""")).Message);
        Assert.Throws<FormatException>(() => FieldsV1.Parse("""{"f:a":[]}"""));
        Assert.Throws<FormatException>(() => FieldsV1.Parse("""{"k:{bad":{}}"""));
        Assert.Throws<FormatException>(() => FieldsV1.Parse("not json"));
    }

    [Fact]
    public void A_node_that_is_also_a_member_keeps_its_dot()
    {
        var set = FieldSet.Of(FieldPath.Of("data"), FieldPath.Of("data", "key"), FieldPath.Of("spec", "x"));
        Assert.Equal("""{"f:data":{".":{},"f:key":{}},"f:spec":{"f:x":{}}}""", FieldsV1.Serialize(set));
        Assert.True(set.Has(FieldPath.Of("data")));
        Assert.False(set.Has(FieldPath.Of("spec")));
        Assert.Equal(3, set.Size);
        Assert.Equal(".data\n.data.key\n.spec.x", set.ToString());
    }

    [Fact]
    public void Set_operations_follow_structured_merge_diff()
    {
        var a = FieldsV1.Parse("""{"f:a":{".":{},"f:b":{}},"f:c":{}}""");
        var b = FieldsV1.Parse("""{"f:a":{"f:b":{},"f:d":{}},"f:e":{}}""");

        Assert.Equal("""{"f:a":{".":{},"f:b":{},"f:d":{}},"f:c":{},"f:e":{}}""", FieldsV1.Serialize(a.Union(b)));
        Assert.Equal("""{"f:a":{"f:b":{}}}""", FieldsV1.Serialize(a.Intersection(b)));
        Assert.Equal("""{"f:a":{},"f:c":{}}""", FieldsV1.Serialize(a.Difference(b)));
        // A parent minus its child keeps the parent; a recursive difference removes the whole subtree.
        Assert.Equal("""{"f:a":{}}""", FieldsV1.Serialize(FieldsV1.Parse("""{"f:a":{".":{},"f:b":{}}}""").Difference(FieldsV1.Parse("""{"f:a":{"f:b":{}}}"""))));
        Assert.Equal("""{"f:a":{"f:b":{}}}""", FieldsV1.Serialize(FieldsV1.Parse("""{"f:a":{"f:b":{}}}""").Difference(FieldsV1.Parse("""{"f:a":{}}"""))));
        Assert.Equal("{}", FieldsV1.Serialize(FieldsV1.Parse("""{"f:a":{"f:b":{}}}""").RecursiveDifference(FieldsV1.Parse("""{"f:a":{}}"""))));
        Assert.True(a.Difference(a).IsEmpty);
    }
}
