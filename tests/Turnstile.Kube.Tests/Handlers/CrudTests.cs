namespace Turnstile.Kube.Tests.Handlers;

public sealed class CrudTests
{
    [Fact]
    public async Task Create_get_update_delete_of_a_configmap_in_kubes_bytes()
    {
        await using var k = await KubeFixture.StartAsync();
        var created = await k.SendAsync("create", "configmaps", "default", body: """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","creationTimestamp":null},"data":{"a":"b"}}""");
        Assert.Equal(201, created.StatusCode);
        Assert.Equal("application/json", created.ContentType);
        Assert.Equal("""{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"cm","namespace":"default","uid":"00000000-0000-4000-8000-000000000002","resourceVersion":"2","creationTimestamp":"2026-12-02T13:00:00Z"},"data":{"a":"b"}}""" + "\n",
            created.BodyText);

        var got = await k.SendAsync("get", "configmaps", "default", "cm");
        Assert.Equal(created.BodyText, got.AssertCode(200).BodyText);

        var updated = await k.SendAsync("update", "configmaps", "default", "cm",
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","resourceVersion":"2"},"data":{"a":"c"}}""");
        Assert.Equal("""{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"cm","namespace":"default","uid":"00000000-0000-4000-8000-000000000002","resourceVersion":"3","creationTimestamp":"2026-12-02T13:00:00Z"},"data":{"a":"c"}}""" + "\n",
            updated.AssertCode(200).BodyText);

        var deleted = await k.SendAsync("delete", "configmaps", "default", "cm");
        Assert.Equal("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","details":{"name":"cm","kind":"configmaps","uid":"00000000-0000-4000-8000-000000000002"}}""" + "\n",
            deleted.AssertCode(200).BodyText);

        var gone = await k.SendAsync("get", "configmaps", "default", "cm");
        Assert.Equal("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"configmaps \"cm\" not found","reason":"NotFound","details":{"name":"cm","kind":"configmaps"},"code":404}""" + "\n",
            gone.AssertCode(404).BodyText);
    }

    [Fact]
    public async Task List_has_typed_items_without_type_meta_and_the_list_resourceVersion()
    {
        await using var k = await KubeFixture.StartAsync();
        await k.CreateAsync("configmaps", "default", """{"metadata":{"name":"a"}}""");
        await k.CreateAsync("configmaps", "default", """{"metadata":{"name":"b"}}""");
        var list = await k.SendAsync("list", "configmaps", "default");
        Assert.Equal("""{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"3"},"items":[{"metadata":{"name":"a","namespace":"default","uid":"00000000-0000-4000-8000-000000000002","resourceVersion":"2","creationTimestamp":"2026-12-02T13:00:00Z"}},{"metadata":{"name":"b","namespace":"default","uid":"00000000-0000-4000-8000-000000000003","resourceVersion":"3","creationTimestamp":"2026-12-02T13:00:00Z"}}]}""" + "\n",
            list.AssertCode(200).BodyText);
        var empty = await k.SendAsync("list", "secrets", "default");
        Assert.Equal("""{"kind":"SecretList","apiVersion":"v1","metadata":{"resourceVersion":"3"},"items":[]}""" + "\n", empty.BodyText);
    }
}
