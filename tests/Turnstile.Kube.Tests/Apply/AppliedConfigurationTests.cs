using System.Text;
using Turnstile.Kube.Apply;

namespace Turnstile.Kube.Tests.Apply;

public class AppliedConfigurationTests
{
    private static (string? Json, string? Error) Parse(string body) =>
        AppliedConfiguration.TryParse(Encoding.UTF8.GetBytes(body), out var configuration, out var error)
            ? (configuration.ToJsonString(), null)
            : (null, error!.Message);

    [Fact]
    public void Json_and_yaml_bodies_give_the_same_object()
    {
        var json = Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"},"data":{"a":"1"}}""");
        var yaml = Parse("""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: cm
            data:
              a: "1"
            """);
        Assert.Equal(json, yaml);
    }

    [Fact]
    public void Yaml_scalars_resolve_as_kubernetes_reads_them()
    {
        var (json, _) = Parse("""
            a: yes
            b: off
            c: 0x1F
            d: 017
            e: 1_000
            f: 1.5e3
            g: ~
            h: "yes"
            i: -5
            j: 12345678901234567890
            """);
        Assert.Equal("""{"a":true,"b":false,"c":31,"d":15,"e":1000,"f":1500,"g":null,"h":"yes","i":-5,"j":1.2345678901234567E+19}""", json);
    }

    [Fact]
    public void Only_the_first_yaml_document_is_applied()
    {
        Assert.Equal("""{"kind":"A"}""", Parse("kind: A\n---\nkind: B\n").Json);
    }

    [Theory]
    [InlineData("", "{}")]
    [InlineData("# nothing\n", "{}")]
    [InlineData("null", "{}")]
    public void An_empty_body_is_an_empty_object(string body, string expected) => Assert.Equal(expected, Parse(body).Json);

    [Theory]
    [InlineData("[1,2]", "error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}")]
    [InlineData("- a\n- b\n", "error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}")]
    [InlineData("just text", "error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type map[string]interface {}")]
    [InlineData("a: .inf", "error decoding YAML: error converting YAML to JSON: yaml: json: unsupported value: +Inf")]
    public void Bodies_that_are_not_objects_are_refused(string body, string message) => Assert.Equal(message, Parse(body).Error);

    [Theory]
    [InlineData("""{"a":1,"a":2}""")]
    [InlineData("""{"a": [1, }""")]
    [InlineData("a: [1\nb: 2\n")]
    [InlineData("a: 1\na: 2\n")]
    public void Malformed_bodies_are_a_400(string body)
    {
        var ok = AppliedConfiguration.TryParse(Encoding.UTF8.GetBytes(body), out _, out var error);
        Assert.False(ok);
        Assert.Equal(400, error!.Code);
        Assert.StartsWith("error decoding YAML: error converting YAML to JSON: yaml: ", error.Message);
    }
}
