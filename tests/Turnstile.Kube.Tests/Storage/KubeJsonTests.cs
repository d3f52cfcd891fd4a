using System.Text;
using System.Text.Json.Nodes;
using Turnstile.Kube.Storage;

namespace Turnstile.Kube.Tests.Storage;

public sealed class KubeJsonTests
{
    private static string Splice(string json, long rv) => Encoding.UTF8.GetString(KubeJson.WithResourceVersion(Encoding.UTF8.GetBytes(json), rv));

    [Theory]
    [InlineData("""{"kind":"Pod","metadata":{"name":"a","uid":"u","generation":1},"spec":{}}""", """{"kind":"Pod","metadata":{"name":"a","uid":"u","resourceVersion":"7","generation":1},"spec":{}}""")]
    [InlineData("""{"kind":"Pod","metadata":{"name":"a","uid":"u"}}""", """{"kind":"Pod","metadata":{"name":"a","uid":"u","resourceVersion":"7"}}""")]
    [InlineData("""{"kind":"Pod","metadata":{}}""", """{"kind":"Pod","metadata":{"resourceVersion":"7"}}""")]
    [InlineData("""{"kind":"Pod","metadata":{"creationTimestamp":"x"}}""", """{"kind":"Pod","metadata":{"resourceVersion":"7","creationTimestamp":"x"}}""")]
    [InlineData("""{"a":{"metadata":{}},"metadata":{"name":"n"}}""", """{"a":{"metadata":{}},"metadata":{"name":"n","resourceVersion":"7"}}""")]
    public void ResourceVersion_is_spliced_at_its_ObjectMeta_position(string stored, string served) =>
        Assert.Equal(served, Splice(stored, 7));

    [Fact]
    public void Objects_without_metadata_or_with_a_stale_resourceVersion_take_the_slow_path()
    {
        Assert.Equal("""{"kind":"Pod","metadata":{"resourceVersion":"7"}}""", Splice("""{"kind":"Pod"}""", 7));
        Assert.Equal("""{"kind":"Pod","metadata":{"name":"a","resourceVersion":"7"}}""", Splice("""{"kind":"Pod","metadata":{"resourceVersion":"1","name":"a"}}""", 7));
    }

    [Fact]
    public void Serialization_escapes_strings_like_Go()
    {
        var node = JsonNode.Parse("""{"a<b":"x&y\u2028é","n":1.50,"t":true,"l":[null]}""");
        Assert.Equal("{\"a\\u003cb\":\"x\\u0026y\\u2028é\",\"n\":1.50,\"t\":true,\"l\":[null]}", Encoding.UTF8.GetString(KubeJson.Serialize(node)));
    }

    [Fact]
    public void Canonical_order_puts_type_and_metadata_first_and_prunes_unknown_metadata()
    {
        var obj = KubeObject.Parse("""{"spec":{"x":1},"metadata":{"labels":{},"uid":"u","bogus":1,"name":"n","creationTimestamp":null},"apiVersion":"v1","kind":"Pod"}"""u8);
        obj.Canonicalize();
        Assert.Equal("""{"kind":"Pod","apiVersion":"v1","metadata":{"name":"n","uid":"u"},"spec":{"x":1}}""", Encoding.UTF8.GetString(obj.ToJsonBytes()));
    }
}
