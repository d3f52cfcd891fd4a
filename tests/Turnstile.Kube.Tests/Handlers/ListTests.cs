using Turnstile.Kube.Handlers;

namespace Turnstile.Kube.Tests.Handlers;

public sealed class ListTests
{
    private static IEnumerable<string> Names(KubeResponse response) => response.AssertCode(200).Json()["items"]!.AsArray().Select(i => i!.Str("metadata.name"));

    private static string Pod(string name, string labels, string node = "") =>
        "{\"metadata\":{\"name\":\"" + name + "\",\"labels\":{" + labels + "}},\"spec\":{\"nodeName\":\"" + node + "\",\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}";

    private static string Named(string name) => "{\"metadata\":{\"name\":\"" + name + "\"}}";

    [Fact]
    public async Task Label_selectors_use_kubes_grammar_and_matching()
    {
        await using var k = await KubeFixture.StartAsync();
        await k.CreateAsync("pods", "default", Pod("a", "\"app\":\"web\",\"tier\":\"1\""));
        await k.CreateAsync("pods", "default", Pod("b", "\"app\":\"db\",\"tier\":\"2\""));
        await k.CreateAsync("pods", "default", Pod("c", "\"tier\":\"3\""));
        Assert.Equal(["a"], Names(await k.SendAsync("list", "pods", "default", query: "labelSelector=app%3Dweb")));
        Assert.Equal(["b", "c"], Names(await k.SendAsync("list", "pods", "default", query: "labelSelector=app!%3Dweb")));
        Assert.Equal(["a", "b"], Names(await k.SendAsync("list", "pods", "default", query: "labelSelector=app")));
        Assert.Equal(["c"], Names(await k.SendAsync("list", "pods", "default", query: "labelSelector=!app")));
        Assert.Equal(["a", "b"], Names(await k.SendAsync("list", "pods", "default", query: "labelSelector=app+in+(web,db)")));
        Assert.Equal(["c"], Names(await k.SendAsync("list", "pods", "default", query: "labelSelector=app+notin+(web,db)")));
        Assert.Equal(["b", "c"], Names(await k.SendAsync("list", "pods", "default", query: "labelSelector=tier%3E1")));
        Assert.Equal(["b"], Names(await k.SendAsync("list", "pods", "default", query: "labelSelector=tier%3E1,app")));
        var gt = await k.SendAsync("list", "pods", "default", query: "labelSelector=tier+gt+1");
        Assert.Equal("unable to parse requirement: found 'gt', expected: in, notin, =, ==, !=, gt, lt", gt.AssertCode(400).Message());
    }

    [Fact]
    public async Task Field_selectors_use_each_kinds_fields()
    {
        await using var k = await KubeFixture.StartAsync(namespaces: ["default", "other"]);
        await k.CreateAsync("pods", "default", Pod("a", "", node: "n1"));
        await k.CreateAsync("pods", "default", Pod("b", "", node: "n2"));
        await k.CreateAsync("pods", "other", Pod("a", "", node: "n1"));
        Assert.Equal(["a", "a"], Names(await k.SendAsync("list", "pods", query: "fieldSelector=spec.nodeName%3Dn1")));
        Assert.Equal(["b"], Names(await k.SendAsync("list", "pods", query: "fieldSelector=spec.nodeName!%3Dn1")));
        Assert.Equal(["a", "b"], Names(await k.SendAsync("list", "pods", query: "fieldSelector=metadata.namespace%3Ddefault")));
        Assert.Equal(["a", "b", "a"], Names(await k.SendAsync("list", "pods", query: "fieldSelector=status.phase%3DPending")));
        Assert.Equal(["b"], Names(await k.SendAsync("list", "pods", "default", query: "fieldSelector=metadata.name%3Db,spec.hostNetwork%3Dfalse")));
        await k.CreateAsync("secrets", "default", """{"metadata":{"name":"tls"},"type":"kubernetes.io/tls","data":{"tls.crt":"","tls.key":""}}""");
        await k.CreateAsync("secrets", "default", """{"metadata":{"name":"plain"},"stringData":{"a":"b"}}""");
        Assert.Equal(["plain"], Names(await k.SendAsync("list", "secrets", "default", query: "fieldSelector=type%3DOpaque")));
        Assert.Equal(["default", "other"], Names(await k.SendAsync("list", "namespaces", query: "fieldSelector=status.phase%3DActive")));
        var nsByNamespace = await k.SendAsync("list", "namespaces", query: "fieldSelector=metadata.namespace%3Dx");
        Assert.Equal("field label not supported: metadata.namespace", nsByNamespace.AssertCode(400).Message());
    }

    [Fact]
    public async Task Limit_and_continue_page_a_consistent_snapshot()
    {
        await using var k = await KubeFixture.StartAsync();
        foreach (var n in new[] { "a", "b", "c", "d", "e" }) await k.CreateAsync("configmaps", "default", Named(n));
        var first = (await k.SendAsync("list", "configmaps", "default", query: "limit=2")).AssertCode(200).Json();
        Assert.Equal(["a", "b"], first["items"]!.AsArray().Select(i => i!.Str("metadata.name")));
        Assert.Equal("6", first.Str("metadata.resourceVersion"));
        Assert.Equal("3", first.Str("metadata.remainingItemCount"));
        var token = first.Str("metadata.continue");
        Assert.Equal("""{"v":"meta.k8s.io/v1","rv":6,"start":"b\u0000"}""", System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(token)));

        // Changes after the first page do not show in the next ones.
        await k.SendAsync("delete", "configmaps", "default", "c");
        await k.CreateAsync("configmaps", "default", """{"metadata":{"name":"bb"}}""");
        var second = (await k.SendAsync("list", "configmaps", "default", query: "limit=2&continue=" + token)).AssertCode(200).Json();
        Assert.Equal(["c", "d"], second["items"]!.AsArray().Select(i => i!.Str("metadata.name")));
        Assert.Equal("6", second.Str("metadata.resourceVersion"));
        Assert.Equal("4", second["items"]![0]!.Str("metadata.resourceVersion"));
        var third = (await k.SendAsync("list", "configmaps", "default", query: "limit=2&continue=" + second.Str("metadata.continue"))).AssertCode(200).Json();
        Assert.Equal(["e"], third["items"]!.AsArray().Select(i => i!.Str("metadata.name")));
        Assert.Null(third["metadata"]!["continue"]);
        Assert.Null(third["metadata"]!["remainingItemCount"]);

        var withRv = await k.SendAsync("list", "configmaps", "default", query: "limit=2&resourceVersion=5&continue=" + token);
        Assert.Equal("specifying resource version is not allowed when using continue", withRv.AssertCode(400).Message());
    }

    [Fact]
    public async Task A_continue_token_older_than_the_window_is_410_Expired_with_a_token_to_go_on_inconsistently()
    {
        await using var k = await KubeFixture.StartAsync(window: 3);
        foreach (var n in new[] { "a", "b", "c" }) await k.CreateAsync("configmaps", "default", Named(n));
        var first = (await k.SendAsync("list", "configmaps", "default", query: "limit=1")).Json();
        for (var i = 0; i < 5; i++) await k.CreateAsync("configmaps", "default", Named("z" + i));
        var expired = await k.SendAsync("list", "configmaps", "default", query: "limit=1&continue=" + first.Str("metadata.continue"));
        var status = expired.AssertCode(410).Json();
        Assert.Equal("Expired", status.Str("reason"));
        Assert.Equal("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.",
            status.Str("message"));
        var next = status.Str("metadata.continue");
        Assert.Equal("""{"v":"meta.k8s.io/v1","rv":-1,"start":"a\u0000"}""", System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(next)));
        var resumed = (await k.SendAsync("list", "configmaps", "default", query: "limit=100&continue=" + next)).AssertCode(200).Json();
        Assert.Equal(["b", "c", "z0", "z1", "z2", "z3", "z4"], resumed["items"]!.AsArray().Select(i => i!.Str("metadata.name")));
    }

    [Fact]
    public async Task ResourceVersion_semantics_of_lists()
    {
        await using var k = await KubeFixture.StartAsync();
        await k.CreateAsync("configmaps", "default", """{"metadata":{"name":"a"}}""");
        await k.CreateAsync("configmaps", "default", """{"metadata":{"name":"b"}}""");
        await k.SendAsync("delete", "configmaps", "default", "a");
        Assert.Equal(["b"], Names(await k.SendAsync("list", "configmaps", "default", query: "resourceVersion=0")));
        Assert.Equal(["b"], Names(await k.SendAsync("list", "configmaps", "default", query: "resourceVersion=3&resourceVersionMatch=NotOlderThan")));
        var exact = await k.SendAsync("list", "configmaps", "default", query: "resourceVersion=3&resourceVersionMatch=Exact");
        Assert.Equal(["a", "b"], Names(exact));
        Assert.Equal("3", exact.Json().Str("metadata.resourceVersion"));
        Assert.Equal(["a"], Names(await k.SendAsync("list", "configmaps", "default", query: "resourceVersion=2&limit=10")));
        var future = await k.SendAsync("list", "configmaps", "default", query: "resourceVersion=99&resourceVersionMatch=Exact");
        Assert.Equal("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Timeout: Too large resource version: 99, current: 4","reason":"Timeout","details":{"causes":[{"reason":"ResourceVersionTooLarge","message":"Too large resource version"}]},"code":504}""" + "\n",
            future.AssertCode(504).BodyText);
    }

    [Fact]
    public async Task A_list_older_than_the_window_is_410()
    {
        await using var k = await KubeFixture.StartAsync(window: 2);
        for (var i = 0; i < 5; i++) await k.CreateAsync("configmaps", "default", Named("c" + i));
        var old = await k.SendAsync("list", "configmaps", "default", query: "resourceVersion=1&resourceVersionMatch=Exact");
        Assert.Equal("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"The resourceVersion for the provided list is too old.","reason":"Expired","code":410}""" + "\n",
            old.AssertCode(410).BodyText);
    }

    [Fact]
    public async Task Lists_as_server_side_tables_and_partial_metadata()
    {
        await using var k = await KubeFixture.StartAsync();
        await k.CreateAsync("configmaps", "default", """{"metadata":{"name":"a","labels":{"x":"y"}},"data":{"k":"v"}}""");
        var table = await k.SendAsync("list", "configmaps", "default", accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
        var json = table.AssertCode(200).Json();
        Assert.Equal("Table", json.Str("kind"));
        Assert.Equal("meta.k8s.io/v1", json.Str("apiVersion"));
        Assert.Equal("""{"resourceVersion":"2"}""", json["metadata"]!.ToJsonString());
        Assert.Equal(["Name", "Created At"], json["columnDefinitions"]!.AsArray().Select(c => c!.Str("name")));
        Assert.Equal("""["a","2026-12-02T13:00:00Z"]""", json["rows"]![0]!["cells"]!.ToJsonString());
        Assert.Equal("""{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":"a","namespace":"default","uid":"00000000-0000-4000-8000-000000000002","resourceVersion":"2","creationTimestamp":"2026-12-02T13:00:00Z","labels":{"x":"y"}}}""",
            json["rows"]![0]!["object"]!.ToJsonString());
        var none = (await k.SendAsync("list", "configmaps", "default", query: "includeObject=None", accept: "application/json;as=Table;v=v1beta1;g=meta.k8s.io")).Json();
        Assert.Equal("meta.k8s.io/v1beta1", none.Str("apiVersion"));
        Assert.Equal("null", none["rows"]![0]!["object"]?.ToJsonString() ?? "null");
        var bad = await k.SendAsync("list", "configmaps", "default", query: "includeObject=All", accept: "application/json;as=Table;v=v1;g=meta.k8s.io");
        Assert.Equal("Unable to convert to Table as requested: includeObject: Invalid value: \"All\": must be 'Metadata', 'Object', 'None', or empty", bad.AssertCode(400).Message());
        var pom = (await k.SendAsync("list", "configmaps", "default", accept: "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io")).Json();
        Assert.Equal("PartialObjectMetadataList", pom.Str("kind"));
        Assert.Equal("PartialObjectMetadata", pom["items"]![0]!.Str("kind"));
        var single = (await k.SendAsync("get", "configmaps", "default", "a", accept: "application/json;as=Table;v=v1;g=meta.k8s.io")).Json();
        Assert.Equal("""{"resourceVersion":"2"}""", single["metadata"]!.ToJsonString());
    }

    [Fact]
    public async Task Custom_resource_lists_keep_the_items_type_meta()
    {
        await using var k = await KubeFixture.StartAsync();
        await k.CreateAsync("policyendpoints", "default", """{"metadata":{"name":"p"},"spec":{}}""", "networking.k8s.aws");
        var list = (await k.SendAsync("list", "policyendpoints", "default", group: "networking.k8s.aws")).Json();
        Assert.Equal("PolicyEndpointList", list.Str("kind"));
        Assert.Equal("PolicyEndpoint", list["items"]![0]!.Str("kind"));
        Assert.Equal("networking.k8s.aws/v1alpha1", list["items"]![0]!.Str("apiVersion"));
        Assert.Equal("1", list["items"]![0]!.Str("metadata.generation"));
        Assert.Null(list["items"]![0]!["status"]);
        // Custom resources are unstructured: every object's keys come sorted.
        var got = await k.SendAsync("get", "policyendpoints", "default", "p", group: "networking.k8s.aws");
        Assert.Equal("""{"apiVersion":"networking.k8s.aws/v1alpha1","kind":"PolicyEndpoint","metadata":{"creationTimestamp":"2026-12-02T13:00:00Z","generation":1,"name":"p","namespace":"default","resourceVersion":"2","uid":"00000000-0000-4000-8000-000000000002"},"spec":{}}""" + "\n",
            got.AssertCode(200).BodyText);
    }
}
