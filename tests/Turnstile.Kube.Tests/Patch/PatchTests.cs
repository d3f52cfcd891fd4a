using System.Text.Json.Nodes;
using Turnstile.Kube.Catalog;
using Turnstile.Kube.OpenApi;
using Turnstile.Kube.Patch;

namespace Turnstile.Kube.Tests.Patch;

public class JsonPatchTests
{
    private static readonly JsonNode Doc = JsonNode.Parse("""{"metadata":{"name":"a","labels":{"x":"1"}},"spec":{"replicas":1,"list":["a","b"]}}""")!;

    [Fact]
    public void Operations_apply_in_order()
    {
        var result = JsonPatch.Apply(Doc, """
            [{"op":"add","path":"/metadata/labels/y","value":"2"},{"op":"replace","path":"/spec/replicas","value":3},
             {"op":"add","path":"/spec/list/-","value":"c"},{"op":"add","path":"/spec/list/0","value":"z"},
             {"op":"remove","path":"/metadata/labels/x"},{"op":"copy","from":"/metadata/name","path":"/metadata/generateName"},
             {"op":"move","from":"/spec/list/1","path":"/spec/first"},{"op":"test","path":"/spec/replicas","value":3},
             {"op":"add","path":"/metadata/labels/a~1b","value":"slash"}]
            """);
        Assert.Equal("""{"metadata":{"name":"a","labels":{"y":"2","a/b":"slash"},"generateName":"a"},"spec":{"replicas":3,"list":["z","b","c"],"first":"a"}}""", result.ToJsonString());
        Assert.Equal(1, (int)Doc["spec"]!["replicas"]!); // the input is not modified
    }

    [Fact]
    public void Replace_of_a_missing_object_key_adds_it_as_the_library_does()
    {
        Assert.Equal("v", (string?)JsonPatch.Apply(Doc, """[{"op":"replace","path":"/metadata/newKey","value":"v"}]""")["metadata"]!["newKey"]);
    }

    [Theory]
    [InlineData("""[{"op":"remove","path":"/metadata/labels/nope"}]""", "error in remove for path: '/metadata/labels/nope': Unable to remove nonexistent key: nope: missing value")]
    [InlineData("""[{"op":"test","path":"/spec/replicas","value":2}]""", "testing value /spec/replicas failed: test failed")]
    [InlineData("""[{"op":"add","path":"/nope/x","value":1}]""", "add operation does not apply: doc is missing path: \"/nope/x\": missing value")]
    [InlineData("""[{"op":"replace","path":"/spec/list/5","value":1}]""", "replace operation does not apply: doc is missing key: /spec/list/5: missing value")]
    [InlineData("""[{"op":"add","path":"/spec/list/-1","value":1}]""", "error in add for path: '/spec/list/-1': Unable to access invalid index: -1: invalid index referenced")]
    [InlineData("""[{"op":"frobnicate","path":"/a"}]""", "Unexpected kind: frobnicate")]
    [InlineData("""[{"op":"move","from":"/nope/a","path":"/a"}]""", "move operation does not apply: doc is missing from path: /nope/a: missing value")]
    public void Operations_that_do_not_apply_are_422_with_the_library_text_as_cause(string patch, string cause)
    {
        var e = Assert.Throws<PatchException>(() => JsonPatch.Apply(Doc, patch));
        Assert.Equal(422, e.Status.Code);
        Assert.Equal("Invalid", e.Status.Reason);
        Assert.Equal("the server rejected our request due to an error in our request", e.Status.Message);
        Assert.Equal(cause, Assert.Single(e.Status.Details!.Causes).Message);
        Assert.Equal("UnexpectedServerResponse", e.Status.Details.Causes[0].Reason);
    }

    [Fact]
    public void A_patch_that_is_not_a_list_is_400()
    {
        var e = Assert.Throws<PatchException>(() => JsonPatch.Apply(Doc, """{"op":"add"}"""));
        Assert.Equal(400, e.Status.Code);
        Assert.Equal("json: cannot unmarshal object into Go value of type jsonpatch.Patch", e.Status.Message);
        Assert.Equal(400, Assert.Throws<PatchException>(() => JsonPatch.Apply(Doc, "[{")).Status.Code);
    }
}

public class JsonMergePatchTests
{
    [Theory]
    [InlineData("""{"a":"b"}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"b":"c"}""", """{"a":"b","b":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"a":null}""", """{}""")]
    [InlineData("""{"a":"b","b":"c"}""", """{"a":null}""", """{"b":"c"}""")]
    [InlineData("""{"a":["b"]}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"c"}""", """{"a":["b"]}""", """{"a":["b"]}""")]
    [InlineData("""{"a":{"b":"c"}}""", """{"a":{"b":"d","c":null}}""", """{"a":{"b":"d"}}""")]
    [InlineData("""{"a":[{"b":"c"}]}""", """{"a":[1]}""", """{"a":[1]}""")]
    [InlineData("""["a","b"]""", """["c","d"]""", """["c","d"]""")]
    [InlineData("""{"a":"b"}""", """["c"]""", """["c"]""")]
    [InlineData("""{"e":null}""", """{"a":1}""", """{"e":null,"a":1}""")]
    [InlineData("""{}""", """{"a":{"bb":{"ccc":null}}}""", """{"a":{"bb":{}}}""")]
    public void Rfc7386_examples(string target, string patch, string expected)
    {
        Assert.Equal(expected, JsonMergePatch.Apply(JsonNode.Parse(target), patch)!.ToJsonString());
    }

    [Fact]
    public void Malformed_patch_is_400()
    {
        Assert.Equal("Invalid JSON Patch", Assert.Throws<PatchException>(() => JsonMergePatch.Apply(new JsonObject(), "{")).Status.Message);
    }
}

public class StrategicMergePatchTests
{
    private static readonly SchemaSet Schemas = ServedApis.ForEks().Current.Schemas;
    private static readonly SchemaNode Pod = Schemas.ForKind(new("", "v1", "Pod"))!;
    private static readonly SchemaNode Deployment = Schemas.ForKind(new("apps", "v1", "Deployment"))!;
    private static readonly SchemaNode ClusterRole = Schemas.ForKind(new("rbac.authorization.k8s.io", "v1", "ClusterRole"))!;

    private static readonly JsonObject PodObject = JsonNode.Parse("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"app":"a","tier":"web"},"finalizers":["x","y"]},
         "spec":{"containers":[{"name":"app","image":"app:1","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],
                               "ports":[{"containerPort":80,"protocol":"TCP"}]},
                              {"name":"sidecar","image":"side:1"}],
                 "tolerations":[{"key":"k","operator":"Exists"}]}}
        """)!.AsObject();

    private static JsonObject Apply(JsonObject original, string patch, SchemaNode schema) => StrategicMergePatch.Apply(original, patch, schema);

    [Fact]
    public void Containers_merge_by_name_and_env_by_name()
    {
        var result = Apply(PodObject, """{"spec":{"containers":[{"name":"app","image":"app:2","env":[{"name":"B","value":"3"},{"name":"C","value":"4"}]}]}}""", Pod);
        var app = result["spec"]!["containers"]![0]!;
        Assert.Equal("app:2", (string?)app["image"]);
        Assert.Equal("""[{"name":"A","value":"1"},{"name":"B","value":"3"},{"name":"C","value":"4"}]""", app["env"]!.ToJsonString());
        Assert.Equal("sidecar", (string?)result["spec"]!["containers"]![1]!["name"]);
        Assert.Equal("app:1", (string?)PodObject["spec"]!["containers"]![0]!["image"]);
    }

    [Fact]
    public void Lists_without_merge_strategy_are_replaced_and_maps_merge_with_null_deleting()
    {
        var result = Apply(PodObject, """{"metadata":{"labels":{"tier":null,"new":"v"}},"spec":{"tolerations":[{"key":"other","operator":"Exists"}]}}""", Pod);
        Assert.Equal("""{"app":"a","new":"v"}""", result["metadata"]!["labels"]!.ToJsonString());
        Assert.Equal("""[{"key":"other","operator":"Exists"}]""", result["spec"]!["tolerations"]!.ToJsonString());
    }

    [Fact]
    public void Rbac_rules_are_atomic_lists()
    {
        var role = JsonNode.Parse("""{"rules":[{"verbs":["get"],"apiGroups":[""],"resources":["pods"]},{"verbs":["list"],"apiGroups":[""],"resources":["nodes"]}]}""")!.AsObject();
        var result = Apply(role, """{"rules":[{"verbs":["watch"],"apiGroups":[""],"resources":["pods"]}]}""", ClusterRole);
        Assert.Equal("""[{"verbs":["watch"],"apiGroups":[""],"resources":["pods"]}]""", result["rules"]!.ToJsonString());
    }

    [Fact]
    public void Patch_directives_delete_replace_and_merge()
    {
        var deleted = Apply(PodObject, """{"spec":{"containers":[{"name":"sidecar","$patch":"delete"}]}}""", Pod);
        Assert.Equal(["app"], deleted["spec"]!["containers"]!.AsArray().Select(c => (string?)c!["name"]));

        var replaced = Apply(PodObject, """{"spec":{"containers":[{"name":"only","image":"o"},{"$patch":"replace"}]}}""", Pod);
        Assert.Equal("""[{"name":"only","image":"o"}]""", replaced["spec"]!["containers"]!.ToJsonString());

        var labels = Apply(PodObject, """{"metadata":{"labels":{"$patch":"replace","z":"1"}}}""", Pod);
        Assert.Equal("""{"z":"1"}""", labels["metadata"]!["labels"]!.ToJsonString());

        // apimachinery turns a deleted map into an empty one (omitted once the object is encoded)
        var noLabels = Apply(PodObject, """{"metadata":{"labels":{"$patch":"delete"}}}""", Pod);
        Assert.Equal("{}", noLabels["metadata"]!["labels"]!.ToJsonString());

        // a map carrying a directive is dropped where the original has no such field
        var fresh = Apply(JsonNode.Parse("""{"metadata":{"name":"p"}}""")!.AsObject(), """{"metadata":{"annotations":{"$patch":"replace","a":"b"}}}""", Pod);
        Assert.Null(fresh["metadata"]!["annotations"]);
    }

    [Fact]
    public void Primitive_merge_lists_union_and_delete_from_primitive_list()
    {
        var result = Apply(PodObject, """{"metadata":{"finalizers":["z","x"],"$deleteFromPrimitiveList/finalizers":["y"]}}""", Pod);
        Assert.Equal("""["z","x"]""", result["metadata"]!["finalizers"]!.ToJsonString());
    }

    [Fact]
    public void Merged_lists_put_new_items_first_and_keep_known_items_in_place()
    {
        // apimachinery's normalizeElementOrder: patch items in patch order, server-only items in server order,
        // interleaved by original position; an item the server did not have comes before the rest
        var result = Apply(PodObject, """{"spec":{"containers":[{"name":"new","image":"n"}]}}""", Pod);
        Assert.Equal(["new", "app", "sidecar"], result["spec"]!["containers"]!.AsArray().Select(c => (string?)c!["name"]));
        var env = Apply(PodObject, """{"spec":{"containers":[{"name":"app","env":[{"name":"C","value":"4"},{"name":"A","value":"0"}]}]}}""", Pod);
        Assert.Equal(["C", "A", "B"], env["spec"]!["containers"]![0]!["env"]!.AsArray().Select(e => (string?)e!["name"]));
    }

    [Fact]
    public void Set_element_order_that_contradicts_the_patch_list_fails()
    {
        var e = Assert.Throws<PatchException>(() => Apply(PodObject,
            """{"spec":{"$setElementOrder/containers":[{"name":"app"}],"containers":[{"name":"sidecar","image":"s"}]}}""", Pod));
        Assert.Equal(400, e.Status.Code);
        Assert.StartsWith("The order in patch list:\n", e.Status.Message);
    }

    [Fact]
    public void Set_element_order_orders_the_merged_list()
    {
        var result = Apply(PodObject, """{"spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"app"}],"containers":[{"name":"app","image":"app:3"}]}}""", Pod);
        Assert.Equal(["sidecar", "app"], result["spec"]!["containers"]!.AsArray().Select(c => (string?)c!["name"]));
        Assert.Equal("app:3", (string?)result["spec"]!["containers"]![1]!["image"]);
    }

    [Fact]
    public void Retain_keys_drops_other_fields_of_the_strategy()
    {
        var deployment = JsonNode.Parse("""{"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}}}""")!.AsObject();
        var result = Apply(deployment, """{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}""", Deployment);
        Assert.Equal("""{"type":"Recreate"}""", result["spec"]!["strategy"]!.ToJsonString());
        var e = Assert.Throws<PatchException>(() => Apply(deployment, """{"spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":{}}}}""", Deployment));
        Assert.Equal(400, e.Status.Code);
        Assert.Equal("invalid patch format of retainKeys", e.Status.Message);
        // nulls need not be listed
        Assert.Equal("""{"type":"Recreate"}""",
            Apply(deployment, """{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate","rollingUpdate":null}}}""", Deployment)["spec"]!["strategy"]!.ToJsonString());
        Assert.Equal("invalid patch format of retainKeys",
            Assert.Throws<PatchException>(() => Apply(deployment, """{"spec":{"strategy":{"$retainKeys":"type"}}}""", Deployment)).Status.Message);
    }

    [Fact]
    public void Elements_without_their_merge_key_fail_as_the_server_does()
    {
        var e = Assert.Throws<PatchException>(() => Apply(PodObject, """{"spec":{"containers":[{"image":"x"}]}}""", Pod));
        Assert.Equal(400, e.Status.Code);
        Assert.Equal("map: map[image:x] does not contain declared merge key: name", e.Status.Message);
        var bad = Assert.Throws<PatchException>(() => Apply(PodObject, """{"metadata":{"$patch":"explode"}}""", Pod));
        Assert.Equal("unknown patch type: explode in map: map[$patch:explode]", bad.Status.Message);
        Assert.Equal(400, Assert.Throws<PatchException>(() => StrategicMergePatch.Apply(PodObject, "[1]", Pod)).Status.Code);
    }
}

public class PatchFieldValidationTests
{
    [Fact]
    public void Duplicate_keys_in_a_patch_keep_the_last_value_and_are_reported()
    {
        const string patch = """{"metadata":{"labels":{"a":"1","a":"2"}},"spec":{"replicas":1,"replicas":2}}""";
        var merged = Turnstile.Kube.Patch.JsonMergePatch.Apply(new JsonObject(), patch)!;
        Assert.Equal("2", (string?)merged["metadata"]!["labels"]!["a"]);
        Assert.Equal(["duplicate field \"metadata.labels.a\"", "duplicate field \"spec.replicas\""],
            Turnstile.Kube.Validation.FieldValidation.DuplicateFields(System.Text.Encoding.UTF8.GetBytes(patch)));
    }

    [Fact]
    public void Json_patch_strict_problems_name_unknown_and_duplicate_operation_fields()
    {
        Assert.Equal(
            ["json patch unknown field \"[1].valeu\"", "json patch duplicate field \"[0].path\""],
            JsonPatch.StrictProblems("""[{"op":"add","path":"/a","path":"/b","value":1},{"op":"add","path":"/c","valeu":2}]"""));
        Assert.Empty(JsonPatch.StrictProblems("[{"));
    }

    [Fact]
    public void Strict_patch_errors_are_422_without_kind_or_name()
    {
        var status = Turnstile.Kube.Validation.FieldValidation.PatchStrictError("""{"spec":{"foo":1}}""", ["unknown field \"spec.foo\""]);
        Assert.Equal(422, status.Code);
        Assert.Equal(""" "" is invalid: patch: Invalid value: "{\"spec\":{\"foo\":1}}": strict decoding error: unknown field "spec.foo" """.TrimEnd(), status.Message);
        Assert.Equal("patch", status.Details!.Causes[0].Field);
        Assert.Equal("map[spec:map[foo:1 list:[a 2.5]]]", Turnstile.Kube.GoFormat.Value(JsonNode.Parse("""{"spec":{"list":["a",2.5],"foo":1}}""")));
    }
}

/// <summary>Cases from apimachinery's strategic merge patch test table (current object + three-way patch = result).</summary>
public class StrategicMergePatchUpstreamCases
{
    // A test-only kind whose fields carry the patch metadata of the upstream test struct.
    private static readonly SchemaNode Schema = ServedApis.ForEks().AddOrReplace(CustomResourceDefinition.FromObject(JsonNode.Parse("""
        {"metadata":{"name":"things.test.io"},"spec":{"group":"test.io","scope":"Cluster","names":{"plural":"things","kind":"Thing"},
         "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","properties":{
           "mergingList":{"type":"array","x-kubernetes-patch-strategy":"merge","x-kubernetes-patch-merge-key":"name",
             "items":{"type":"object","properties":{"name":{"type":"string"},"value":{"type":"string"},"other":{"type":"string"}}}},
           "mergingIntList":{"type":"array","x-kubernetes-patch-strategy":"merge","items":{"type":"integer"}}}}}}]}}
        """)!.AsObject())).Schemas.ForKind(new("test.io", "v1", "Thing"))!;

    [Theory]
    [InlineData( // merge lists of maps
        """{"mergingList":[{"name":"1","other":"a"},{"name":"2","value":"2","other":"b"}]}""",
        """{"$setElementOrder/mergingList":[{"name":"4"},{"name":"1"},{"name":"2"},{"name":"3"}],"mergingList":[{"name":"4","value":"4"},{"name":"3","value":"3"}]}""",
        """{"mergingList":[{"name":"4","value":"4"},{"name":"1","other":"a"},{"name":"2","value":"2","other":"b"},{"name":"3","value":"3"}]}""")]
    [InlineData( // merge lists of scalars
        """{"mergingIntList":[1,2,4]}""",
        """{"$setElementOrder/mergingIntList":[1,2,3],"mergingIntList":[3]}""",
        """{"mergingIntList":[1,2,3,4]}""")]
    [InlineData( // set elements order in a list with server-only items
        """{"mergingList":[{"name":"1","other":"a"},{"name":"3","value":"3"},{"name":"4","value":"4"},{"name":"2","value":"2"},{"name":"9"}]}""",
        """{"$setElementOrder/mergingList":[{"name":"4"},{"name":"2"},{"name":"3"},{"name":"1"}]}""",
        """{"mergingList":[{"name":"4","value":"4"},{"name":"2","value":"2"},{"name":"3","value":"3"},{"name":"1","other":"a"},{"name":"9"}]}""")]
    [InlineData( // delete map from merging list
        """{"mergingList":[{"name":"1"},{"name":"2"}]}""",
        """{"$setElementOrder/mergingList":[{"name":"2"}],"mergingList":[{"name":"1","$patch":"delete"}]}""",
        """{"mergingList":[{"name":"2"}]}""")]
    [InlineData( // $deleteFromPrimitiveList of a missing item adds nothing
        """{"mergingIntList":[1,2]}""",
        """{"$deleteFromPrimitiveList/mergingIntList":[3]}""",
        """{"mergingIntList":[1,2]}""")]
    public void Result_matches_upstream(string current, string patch, string expected)
    {
        Assert.Equal(expected, StrategicMergePatch.Apply(JsonNode.Parse(current)!.AsObject(), patch, Schema).ToJsonString());
    }
}
