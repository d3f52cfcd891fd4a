using System.Text.Json.Nodes;

namespace Turnstile.KubeServer.Tests;

/// <summary>The resource API through the front: verbs, the four patch types, tables, discovery, OpenAPI, watch.</summary>
public sealed class ApiTests(FrontFixture front) : IClassFixture<FrontFixture>
{
    private async Task<(string Base, string Token)> ClusterAsync(string name)
    {
        await front.CreateClusterAsync(name);
        return ($"/clusters/{name}", front.Token(name));
    }

    [Fact]
    public async Task Every_patch_type_applies_with_its_engine()
    {
        var (c, token) = await ClusterAsync("patches");
        var url = $"{c}/apis/apps/v1/namespaces/default/deployments";
        const string deployment = """
            {"metadata":{"name":"web"},"spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},
             "spec":{"containers":[{"name":"web","image":"nginx:1"},{"name":"side","image":"busybox"}]}}}}
            """;
        (await front.KubeAsync("POST", url, token, deployment)).Expect(201);
        // Strategic merge: containers merge by name, so the sidecar stays.
        var smp = await front.KubeAsync("PATCH", url + "/web", token, """{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:2"}]}}}}""",
            "application/strategic-merge-patch+json");
        var containers = smp.Expect(200).Json["spec"]!["template"]!["spec"]!["containers"]!.AsArray();
        Assert.Equal(["web:nginx:2", "side:busybox"], containers.Select(x => $"{x!["name"]}:{x["image"]}"));
        // Merge patch: lists are replaced.
        var merge = await front.KubeAsync("PATCH", url + "/web", token, """{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:3"}]}}}}""",
            "application/merge-patch+json");
        Assert.Single(merge.Expect(200).Json["spec"]!["template"]!["spec"]!["containers"]!.AsArray());
        var json = await front.KubeAsync("PATCH", url + "/web", token, """[{"op":"replace","path":"/spec/replicas","value":3}]""", "application/json-patch+json");
        Assert.Equal(3, json.Expect(200).Json["spec"]!["replicas"]!.GetValue<int>());
        var failed = await front.KubeAsync("PATCH", url + "/web", token, """[{"op":"test","path":"/spec/replicas","value":5}]""", "application/json-patch+json");
        failed.Expect(422);
        // Strict field validation reaches patches too.
        var strict = await front.KubeAsync("PATCH", url + "/web?fieldValidation=Strict", token, """{"spec":{"bogus":1}}""", "application/merge-patch+json");
        Assert.Contains("strict decoding error: unknown field \"spec.bogus\"", strict.Expect(422).Json["message"]!.GetValue<string>());
        var warned = await front.KubeAsync("PATCH", url + "/web", token, """{"spec":{"bogus":1}}""", "application/merge-patch+json");
        Assert.Equal("299 - \"unknown field \\\"spec.bogus\\\"\"", warned.Expect(200).Headers["Warning"]);
    }

    [Fact]
    public async Task Server_side_apply_tracks_managers_and_reports_conflicts()
    {
        var (c, token) = await ClusterAsync("apply");
        var url = $"{c}/api/v1/namespaces/default/configmaps/cfg";
        const string config = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"},"data":{"a":"1"}}""";
        var created = await front.KubeAsync("PATCH", url + "?fieldManager=alice", token, config, "application/apply-patch+yaml");
        var managed = created.Expect(201).Json["metadata"]!["managedFields"]!.AsArray();
        Assert.Equal("alice", managed[0]!["manager"]!.GetValue<string>());
        var conflict = await front.KubeAsync("PATCH", url + "?fieldManager=bob", token, config.Replace("\"1\"", "\"2\""), "application/apply-patch+yaml");
        Assert.Equal("Apply failed with 1 conflict: conflict with \"alice\": .data.a", conflict.Expect(409).Json["message"]!.GetValue<string>());
        (await front.KubeAsync("PATCH", url + "?fieldManager=bob&force=true", token, config.Replace("\"1\"", "\"2\""), "application/apply-patch+yaml")).Expect(200);
    }

    [Fact]
    public async Task Lists_are_tables_for_kubectl_and_a_stale_write_is_409()
    {
        var (c, token) = await ClusterAsync("tables");
        var url = $"{c}/api/v1/namespaces/default/configmaps";
        var cm = (await front.KubeAsync("POST", url, token, """{"metadata":{"name":"one"},"data":{"x":"1","y":"2"}}""")).Expect(201).Json;
        var table = await front.KubeAsync("GET", url, token, headers: [("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json")]);
        var body = table.Expect(200).Json;
        Assert.Equal("Table", body["kind"]!.GetValue<string>());
        Assert.Equal(["Name", "Data", "Age"], body["columnDefinitions"]!.AsArray().Select(d => d!["name"]!.GetValue<string>()));
        Assert.Equal(2, body["rows"]![0]!["cells"]![1]!.GetValue<int>());

        cm["data"] = new JsonObject { ["x"] = "changed" };
        (await front.KubeAsync("PUT", url + "/one", token, cm.ToJsonString())).Expect(200);
        var stale = await front.KubeAsync("PUT", url + "/one", token, cm.ToJsonString());
        Assert.Equal("Operation cannot be fulfilled on configmaps \"one\": the object has been modified; please apply your changes to the latest version and try again",
            stale.Expect(409).Json["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Watches_stream_events_over_https()
    {
        var (c, token) = await ClusterAsync("watch");
        var url = $"{c}/api/v1/namespaces/default/configmaps";
        var rv = (await front.KubeAsync("GET", url, token)).Expect(200).Json["metadata"]!["resourceVersion"]!.GetValue<string>();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(front.KubeEndpoint, $"{url}?watch=1&resourceVersion={rv}&timeoutSeconds=10"));
        request.Headers.Authorization = new("Bearer", token);
        using var response = await front.KubeClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(200, (int)response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        (await front.KubeAsync("POST", url, token, """{"metadata":{"name":"seen"}}""")).Expect(201);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var line = await reader.ReadLineAsync(timeout.Token);
        var added = JsonNode.Parse(line!)!;
        Assert.Equal("ADDED", added["type"]!.GetValue<string>());
        Assert.Equal("seen", added["object"]!["metadata"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Discovery_has_etags_and_answers_304_and_openapi_redirects_stale_hashes()
    {
        var (c, token) = await ClusterAsync("discovery");
        const string aggregated = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";
        var apis = await front.KubeAsync("GET", $"{c}/apis", token, headers: [("Accept", aggregated)]);
        Assert.Equal("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList", apis.Expect(200).ContentType.Replace(" ", ""));
        var etag = apis.Headers["ETag"];
        (await front.KubeAsync("GET", $"{c}/apis", token, headers: [("Accept", aggregated), ("If-None-Match", etag)])).Expect(304);
        Assert.Equal("APIResourceList", (await front.KubeAsync("GET", $"{c}/api/v1", token)).Expect(200).Json["kind"]!.GetValue<string>());
        Assert.Equal("APIGroup", (await front.KubeAsync("GET", $"{c}/apis/apps", token)).Expect(200).Json["kind"]!.GetValue<string>());

        var root = (await front.KubeAsync("GET", $"{c}/openapi/v3", token)).Expect(200).Json;
        var appsUrl = root["paths"]!["apis/apps/v1"]!["serverRelativeURL"]!.GetValue<string>();
        Assert.StartsWith("/openapi/v3/apis/apps/v1?hash=", appsUrl);
        (await front.KubeAsync("GET", c + appsUrl, token)).Expect(200);
        var stale = await front.KubeAsync("GET", $"{c}/openapi/v3/apis/apps/v1?hash=0BAD", token);
        Assert.Equal(301, stale.Status);
        Assert.Equal(c + appsUrl, stale.Headers["Location"]);
    }

    [Fact]
    public async Task Custom_resource_definitions_are_served_once_created()
    {
        var (c, token) = await ClusterAsync("crds");
        const string crd = """
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.example.com"},
             "spec":{"group":"example.com","scope":"Namespaced","names":{"plural":"widgets","singular":"widget","kind":"Widget","listKind":"WidgetList"},
              "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}
            """;
        (await front.KubeAsync("GET", $"{c}/apis/example.com/v1/namespaces/default/widgets", token)).Expect(404);
        (await front.KubeAsync("POST", $"{c}/apis/apiextensions.k8s.io/v1/customresourcedefinitions", token, crd)).Expect(201);
        (await front.KubeAsync("POST", $"{c}/apis/example.com/v1/namespaces/default/widgets", token,
            """{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"size":3}}""")).Expect(201);
        Assert.Single((await front.KubeAsync("GET", $"{c}/apis/example.com/v1/namespaces/default/widgets", token)).Expect(200).Json["items"]!.AsArray());
    }
}
