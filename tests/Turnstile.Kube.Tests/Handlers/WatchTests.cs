using Turnstile.Kube.Handlers;

namespace Turnstile.Kube.Tests.Handlers;

public sealed class WatchTests
{
    private static string Named(string name, string labels = "") =>
        "{\"metadata\":{\"name\":\"" + name + "\"" + (labels.Length > 0 ? ",\"labels\":{" + labels + "}" : "") + "}}";

    [Fact]
    public async Task A_watch_from_now_starts_with_the_current_state_then_streams_changes()
    {
        await using var k = await KubeFixture.StartAsync();
        await k.CreateAsync("configmaps", "default", Named("a"));
        var response = await k.SendAsync("watch", "configmaps", "default", query: "allowWatchBookmarks=true");
        Assert.Equal(200, response.StatusCode);
        Assert.Equal("application/json", response.ContentType);
        await using var watch = new WatchClient(response);
        Assert.Equal("""{"type":"ADDED","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"a","namespace":"default","uid":"00000000-0000-4000-8000-000000000002","resourceVersion":"2","creationTimestamp":"2026-12-02T13:00:00Z"}}}""",
            await watch.NextAsync());
        Assert.Equal("""{"type":"BOOKMARK","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"resourceVersion":"2","creationTimestamp":null,"annotations":{"k8s.io/initial-events-end":"true"}}}}""",
            await watch.NextAsync());
        await k.SendAsync("update", "configmaps", "default", "a", """{"metadata":{"name":"a"},"data":{"k":"v"}}""");
        var modified = await watch.NextEventAsync();
        Assert.Equal("MODIFIED", modified.Str("type"));
        Assert.Equal("3", modified.Str("object.metadata.resourceVersion"));
        await k.SendAsync("delete", "configmaps", "default", "a");
        var deleted = await watch.NextEventAsync();
        Assert.Equal("DELETED", deleted.Str("type"));
        Assert.Equal("4", deleted.Str("object.metadata.resourceVersion"));
        Assert.Equal("v", deleted.Str("object.data.k"));
    }

    [Fact]
    public async Task A_watch_from_a_resourceVersion_resumes_after_it()
    {
        await using var k = await KubeFixture.StartAsync();
        await k.CreateAsync("configmaps", "default", Named("a"));
        await k.CreateAsync("configmaps", "default", Named("b"));
        await k.CreateAsync("configmaps", "kube-system", Named("other")).ContinueWith(_ => { });
        var response = await k.SendAsync("watch", "configmaps", "default", query: "resourceVersion=2");
        await using var watch = new WatchClient(response);
        var added = await watch.NextEventAsync();
        Assert.Equal("ADDED", added.Str("type"));
        Assert.Equal("b", added.Str("object.metadata.name"));
        await k.CreateAsync("configmaps", "default", Named("c"));
        Assert.Equal("c", (await watch.NextEventAsync()).Str("object.metadata.name"));
    }

    [Fact]
    public async Task Objects_leaving_and_entering_a_selector_are_deleted_and_added()
    {
        await using var k = await KubeFixture.StartAsync();
        await k.CreateAsync("configmaps", "default", Named("a", "\"app\":\"web\""));
        var response = await k.SendAsync("watch", "configmaps", "default", query: "labelSelector=app%3Dweb&resourceVersion=2");
        await using var watch = new WatchClient(response);
        await k.SendAsync("update", "configmaps", "default", "a", Named("a", "\"app\":\"db\""));
        var left = await watch.NextEventAsync();
        Assert.Equal("DELETED", left.Str("type"));
        Assert.Equal("3", left.Str("object.metadata.resourceVersion"));
        Assert.Equal("web", left.Str("object.metadata.labels.app"));
        await k.CreateAsync("configmaps", "default", Named("b", "\"app\":\"db\""));
        await k.SendAsync("update", "configmaps", "default", "a", Named("a", "\"app\":\"web\""));
        var entered = await watch.NextEventAsync();
        Assert.Equal("ADDED", entered.Str("type"));
        Assert.Equal("a", entered.Str("object.metadata.name"));
        Assert.Equal("5", entered.Str("object.metadata.resourceVersion"));
    }

    [Fact]
    public async Task Bookmarks_carry_the_latest_revision_when_asked_for()
    {
        await using var k = await KubeFixture.StartAsync(watch: new WatchSettings { BookmarkInterval = TimeSpan.FromMilliseconds(200) });
        await k.CreateAsync("configmaps", "default", Named("a"));
        var response = await k.SendAsync("watch", "configmaps", "default", query: "resourceVersion=2&allowWatchBookmarks=true");
        await using var watch = new WatchClient(response);
        await k.CreateAsync("secrets", "default", Named("unrelated"));
        var bookmark = await watch.NextEventAsync();
        Assert.Equal("BOOKMARK", bookmark.Str("type"));
        Assert.Equal("3", bookmark.Str("object.metadata.resourceVersion"));
        Assert.Null(bookmark["object"]!["metadata"]!["annotations"]);
    }

    [Fact]
    public async Task A_revision_older_than_the_window_ends_the_watch_with_410_Expired()
    {
        await using var k = await KubeFixture.StartAsync(window: 2);
        for (var i = 0; i < 5; i++) await k.CreateAsync("configmaps", "default", Named("c" + i));
        var response = await k.SendAsync("watch", "configmaps", "default", query: "resourceVersion=1");
        var lines = await response.StreamLinesAsync();
        Assert.Equal(["""{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (4)","reason":"Expired","code":410}}"""], lines);
    }

    [Fact]
    public async Task TimeoutSeconds_ends_the_stream()
    {
        await using var k = await KubeFixture.StartAsync();
        var response = await k.SendAsync("watch", "configmaps", "default", query: "resourceVersion=1&timeoutSeconds=1");
        var started = DateTime.UtcNow;
        Assert.Empty(await response.StreamLinesAsync());
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_watch_by_name_sees_only_that_object()
    {
        await using var k = await KubeFixture.StartAsync();
        var response = await k.SendAsync("watch", "configmaps", "default", query: "fieldSelector=metadata.name%3Db&resourceVersion=1");
        await using var watch = new WatchClient(response);
        await k.CreateAsync("configmaps", "default", Named("a"));
        await k.CreateAsync("configmaps", "default", Named("b"));
        Assert.Equal("b", (await watch.NextEventAsync()).Str("object.metadata.name"));
        var named = await k.SendAsync("watch", "configmaps", "default", "b", query: "fieldSelector=metadata.name%3Dx");
        Assert.Equal("fieldSelector metadata.name doesn't match requested name", named.AssertCode(400).Message());
    }

    [Fact]
    public async Task Watches_stream_json_only_and_tables_send_columns_once()
    {
        await using var k = await KubeFixture.StartAsync();
        var yaml = await k.SendAsync("watch", "configmaps", "default", accept: "application/yaml");
        Assert.Contains("message: 'only the following media types are accepted: application/json;stream=watch'", yaml.AssertCode(406).BodyText);
        var response = await k.SendAsync("watch", "configmaps", "default", query: "resourceVersion=1", accept: "application/json;as=Table;v=v1;g=meta.k8s.io");
        await using var watch = new WatchClient(response);
        await k.CreateAsync("configmaps", "default", Named("a"));
        await k.CreateAsync("configmaps", "default", Named("b"));
        var first = await watch.NextEventAsync();
        Assert.Equal("Table", first.Str("object.kind"));
        Assert.Equal(2, first["object"]!["columnDefinitions"]!.AsArray().Count);
        var second = await watch.NextEventAsync();
        Assert.Null(second["object"]!["columnDefinitions"]);
        Assert.Equal("b", second["object"]!["rows"]![0]!["cells"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Send_initial_events_false_starts_from_now_without_them()
    {
        await using var k = await KubeFixture.StartAsync();
        await k.CreateAsync("configmaps", "default", Named("a"));
        var response = await k.SendAsync("watch", "configmaps", "default", query: "sendInitialEvents=false&resourceVersionMatch=NotOlderThan");
        await using var watch = new WatchClient(response);
        await k.CreateAsync("configmaps", "default", Named("b"));
        Assert.Equal("b", (await watch.NextEventAsync()).Str("object.metadata.name"));
    }
}
