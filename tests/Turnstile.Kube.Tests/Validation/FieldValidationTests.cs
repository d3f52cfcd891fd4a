using System.Text;
using System.Text.Json.Nodes;
using Turnstile.Kube.Catalog;
using Turnstile.Kube.OpenApi;
using Turnstile.Kube.Validation;

namespace Turnstile.Kube.Tests.Validation;

public class FieldValidationTests
{
    private static readonly SchemaSet Schemas = ServedApis.ForEks().Current.Schemas;
    private static readonly GroupVersionKind Deployment = new("apps", "v1", "Deployment");

    private const string DeploymentWithTypo = """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"}},
         "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
           "template":{"metadata":{"labels":{"app":"web"}},
             "spec":{"containers":[{"name":"nginx","image":"nginx","imagePullPolice":"Always","ports":[{"containerPort":80}]}]}},
           "replicas":3}}
        """;

    private static DecodedObject Decode(string json, FieldValidationMode mode, GroupVersionKind? gvk = null, SchemaSet? schemas = null)
    {
        var kind = gvk ?? Deployment;
        return FieldValidation.Decode(Encoding.UTF8.GetBytes(json), (schemas ?? Schemas).ForKind(kind)!, kind, mode);
    }

    [Fact]
    public void Strict_fails_with_every_unknown_and_duplicate_field_in_order()
    {
        var result = Decode(DeploymentWithTypo, FieldValidationMode.Strict);
        Assert.Null(result.Object);
        Assert.Equal(400, result.Error!.Code);
        Assert.Equal("BadRequest", result.Error.Reason);
        Assert.Equal(
            "Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.template.spec.containers[0].imagePullPolice\", duplicate field \"spec.replicas\"",
            result.Error.Message);
    }

    [Fact]
    public void Warn_accepts_the_object_keeps_the_last_duplicate_and_returns_warning_texts()
    {
        var result = Decode(DeploymentWithTypo, FieldValidationMode.Warn);
        Assert.Null(result.Error);
        Assert.Equal(["unknown field \"spec.template.spec.containers[0].imagePullPolice\"", "duplicate field \"spec.replicas\""], result.Warnings);
        Assert.Equal(3, (int)result.Object!["spec"]!["replicas"]!);
        Assert.Null(result.Object["spec"]!["template"]!["spec"]!["containers"]![0]!["imagePullPolice"]);
        Assert.Equal("nginx", (string?)result.Object["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]);
    }

    [Fact]
    public void Ignore_prunes_silently()
    {
        var result = Decode(DeploymentWithTypo, FieldValidationMode.Ignore);
        Assert.Empty(result.Warnings);
        Assert.Null(result.Object!["spec"]!["template"]!["spec"]!["containers"]![0]!["imagePullPolice"]);
    }

    [Fact]
    public void Field_names_match_case_sensitively_and_maps_and_open_objects_keep_anything()
    {
        var json = """
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","Labels":{"a":"b"},"annotations":{"any.key/x":"y"},
             "managedFields":[{"manager":"m","fieldsV1":{"f:data":{"f:x":{}}}}]},"data":{"x":"1"}}
            """;
        var result = Decode(json, FieldValidationMode.Warn, new("", "v1", "ConfigMap"));
        Assert.Equal(["unknown field \"metadata.Labels\""], result.Warnings);
        Assert.Equal("y", (string?)result.Object!["metadata"]!["annotations"]!["any.key/x"]);
        Assert.NotNull(result.Object["metadata"]!["managedFields"]![0]!["fieldsV1"]!["f:data"]!["f:x"]);
    }

    [Fact]
    public void Type_mismatches_fail_in_every_mode_with_encoding_json_wording()
    {
        var result = Decode("""{"apiVersion":"apps/v1","kind":"Deployment","spec":{"replicas":"two"}}""", FieldValidationMode.Ignore);
        Assert.Equal(
            "Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32",
            result.Error!.Message);
        var intOrString = Decode("""{"apiVersion":"apps/v1","kind":"Deployment","spec":{"strategy":{"rollingUpdate":{"maxSurge":"25%","maxUnavailable":1}}}}""", FieldValidationMode.Strict);
        Assert.Null(intOrString.Error);
    }

    [Fact]
    public void Custom_resources_prune_per_structural_schema_except_preserved_subtrees()
    {
        var apis = ServedApis.ForEks();
        var schemas = apis.AddOrReplace(TestCrds.Widget()).Schemas;
        var widget = new GroupVersionKind("example.com", "v1", "Widget");
        var json = """
            {"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","namespace":"default"},
             "spec":{"size":3,"colour":"red","extra":{"anything":{"goes":[1,2]}}},"status":{"replicas":1,"ready":true}}
            """;
        var result = Decode(json, FieldValidationMode.Warn, widget, schemas);
        Assert.Equal(["unknown field \"spec.colour\"", "unknown field \"status.ready\""], result.Warnings);
        Assert.Equal(2, (int)result.Object!["spec"]!["extra"]!["anything"]!["goes"]![1]!);
        var strict = Decode(json, FieldValidationMode.Strict, widget, schemas);
        Assert.Equal(
            "Widget in version \"v1\" cannot be handled as a Widget: strict decoding error: unknown field \"spec.colour\", unknown field \"status.ready\"",
            strict.Error!.Message);
    }

    [Fact]
    public void Prune_reports_the_bare_strict_message()
    {
        var obj = JsonNode.Parse("""{"apiVersion":"v1","kind":"Pod","spec":{"nodeName":"n","foo":1}}""")!.AsObject();
        var result = FieldValidation.Prune(obj, Schemas.ForKind(new("", "v1", "Pod"))!, FieldValidationMode.Strict);
        Assert.Equal("strict decoding error: unknown field \"spec.foo\"", result.Error!.Message);
    }

    [Theory]
    [InlineData(null, FieldValidationMode.Warn)]
    [InlineData("", FieldValidationMode.Warn)]
    [InlineData("Strict", FieldValidationMode.Strict)]
    [InlineData("Ignore", FieldValidationMode.Ignore)]
    [InlineData("strict", null)]
    public void Modes_parse_case_sensitively(string? value, FieldValidationMode? expected)
    {
        Assert.Equal(expected, FieldValidation.ParseMode(value));
    }

    [Fact]
    public void Malformed_json_is_a_bad_request_not_a_crash()
    {
        var result = Decode("""{"apiVersion":"apps/v1",""", FieldValidationMode.Strict);
        Assert.Equal(400, result.Error!.Code);
        Assert.StartsWith("Deployment in version \"v1\" cannot be handled as a Deployment: ", result.Error.Message);
    }
}

public class EmbeddedResourceTests
{
    [Fact]
    public void Embedded_resources_keep_api_version_kind_and_metadata()
    {
        var crd = TestCrds.WidgetObject();
        crd["spec"]!["versions"]![1]!["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!["properties"]!["template"] =
            JsonNode.Parse("""{"type":"object","x-kubernetes-embedded-resource":true,"properties":{"spec":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}""");
        var schemas = ServedApis.ForEks().AddOrReplace(CustomResourceDefinition.FromObject(crd)).Schemas;
        var gvk = new GroupVersionKind("example.com", "v1", "Widget");
        var result = FieldValidation.Decode(Encoding.UTF8.GetBytes("""
            {"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},
             "spec":{"template":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x"},"spec":{"any":1},"extra":true}}}
            """), schemas.ForKind(gvk)!, gvk, FieldValidationMode.Warn);
        Assert.Equal(["unknown field \"spec.template.extra\""], result.Warnings);
        Assert.Equal("Pod", (string?)result.Object!["spec"]!["template"]!["kind"]);
    }
}
