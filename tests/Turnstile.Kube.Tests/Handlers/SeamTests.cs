using System.Text.Json.Nodes;
using Turnstile.Core.Kube;
using Turnstile.Kube.Handlers;
using Turnstile.Kube.Registry;
using Turnstile.Kube.Storage;

namespace Turnstile.Kube.Tests.Handlers;

/// <summary>The interfaces other pieces plug into: patch engines, field validation, tables, admission, create authorization.</summary>
public sealed class SeamTests
{
    private static KubeApiHandlers Handlers(KubeFixture k, IPatcher? patcher = null, IFieldValidator? fields = null, ITableConvertor? tables = null,
        IKubeAdmission? admission = null) =>
        new(admission is null ? k.Registry : new KubeRegistry(k.Storage, k.Registry.Options, [admission]), patcher, tables, fields);

    private static KubeRequest Request(string verb, string resource, string ns, string name = "", string body = "", string query = "",
        string? contentType = null, string? accept = null, string group = "") => new()
    {
        Cluster = KubeFixture.Cluster,
        Verb = verb,
        Resource = KubeFixture.Api(resource, group),
        Namespace = ns,
        Name = name,
        Query = GoUrlQuery.Parse(query),
        Body = body.Length == 0 ? null : new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body)),
        ContentType = contentType,
        Accept = accept,
    };

    private sealed class SpecFooIsUnknown : IFieldValidator
    {
        public IReadOnlyList<string> UnknownFields(ApiResource resource, JsonObject obj) =>
            (obj["spec"] as JsonObject)?.ContainsKey("foo") == true ? ["unknown field \"spec.foo\""] : [];
    }

    [Fact]
    public async Task Field_validation_is_strict_warn_or_ignore()
    {
        await using var k = await KubeFixture.StartAsync();
        var handlers = Handlers(k, fields: new SpecFooIsUnknown());
        const string body = """{"metadata":{"name":"d","name":"d2"},"spec":{"foo":1,"selector":{}}}""";
        var strict = await handlers.HandleAsync(Request("create", "deployments", "default", body: body, query: "fieldValidation=Strict", group: "apps"));
        Assert.Equal("Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: duplicate field \"metadata.name\", unknown field \"spec.foo\"",
            strict.AssertCode(400).Message());
        var warn = await handlers.HandleAsync(Request("create", "deployments", "default", body: body, group: "apps"));
        Assert.Equal(["299 - \"duplicate field \\\"metadata.name\\\"\"", "299 - \"unknown field \\\"spec.foo\\\"\""], warn.AssertCode(201).Warnings);
        Assert.Equal("d2", warn.Json().Str("metadata.name"));
        var ignore = await handlers.HandleAsync(Request("create", "deployments", "default", body: body.Replace("d2", "d3"), query: "fieldValidation=Ignore", group: "apps"));
        Assert.Empty(ignore.AssertCode(201).Warnings);
        var bad = await handlers.HandleAsync(Request("create", "deployments", "default", body: body, query: "fieldValidation=Loose", group: "apps"));
        Assert.Equal("CreateOptions.meta.k8s.io \"\" is invalid: fieldValidation: Unsupported value: \"Loose\": supported values: \"\", \"Ignore\", \"Strict\", \"Warn\"",
            bad.AssertCode(422).Message());
    }

    private sealed class Columns : ITableConvertor
    {
        public TableContent ConvertToTable(ApiResource resource, IReadOnlyList<KubeObject> objects) =>
            new([new TableColumn("Name", "string", "name", "the name", 0), new TableColumn("Data", "integer", "", "entries", 0)],
                objects.Select(o => (IReadOnlyList<JsonNode?>)[JsonValue.Create(o.Name), JsonValue.Create((o["data"] as JsonObject)?.Count ?? 0)]).ToList());
    }

    [Fact]
    public async Task A_table_convertor_gives_the_columns()
    {
        await using var k = await KubeFixture.StartAsync();
        await k.CreateAsync("configmaps", "default", """{"metadata":{"name":"a"},"data":{"x":"1","y":"2"}}""");
        var response = await Handlers(k, tables: new Columns()).HandleAsync(Request("list", "configmaps", "default", accept: "application/json;as=Table;v=v1;g=meta.k8s.io"));
        var table = response.AssertCode(200).Json();
        Assert.Equal("""[{"name":"Name","type":"string","format":"name","description":"the name","priority":0},{"name":"Data","type":"integer","format":"","description":"entries","priority":0}]""",
            table["columnDefinitions"]!.ToJsonString());
        Assert.Equal("""["a",2]""", table["rows"]![0]!["cells"]!.ToJsonString());
    }

    private sealed class NoLabelsHere : IKubeAdmission
    {
        public ValueTask<KubeStatus?> ValidateAsync(AdmissionRequest request, CancellationToken cancellationToken) =>
            ValueTask.FromResult<KubeStatus?>(request.Object?.Labels.Count > 0
                ? KubeStatus.ForbiddenFor(request.Request.Resource.Group, request.Request.Resource.Resource, request.Object.Name, "labels are not allowed")
                : null);
    }

    [Fact]
    public async Task Admission_plugins_can_refuse_a_write()
    {
        await using var k = await KubeFixture.StartAsync();
        var handlers = Handlers(k, admission: new NoLabelsHere());
        var refused = await handlers.HandleAsync(Request("create", "configmaps", "default", body: """{"metadata":{"name":"a","labels":{"x":"y"}}}"""));
        Assert.Equal("configmaps \"a\" is forbidden: labels are not allowed", refused.AssertCode(403).Message());
        (await handlers.HandleAsync(Request("create", "configmaps", "default", body: """{"metadata":{"name":"b"}}"""))).AssertCode(201);
        var update = await handlers.HandleAsync(Request("update", "configmaps", "default", "b", """{"metadata":{"name":"b","labels":{"x":"y"}}}"""));
        update.AssertCode(403);
    }

    /// <summary>Apply as a merge onto the current object or nothing: enough to drive the create-on-apply path.</summary>
    private sealed class ApplyAsMerge : IPatcher
    {
        public IReadOnlyList<PatchType> SupportedTypes(ApiResource resource) => [PatchType.Merge, PatchType.Apply];

        public PatchResult Apply(PatchRequest request)
        {
            var result = request.Current ?? new JsonObject();
            foreach (var (key, value) in (JsonObject)JsonNode.Parse(request.Patch.Span)!) result[key] = value?.DeepClone();
            return new PatchResult(result, []);
        }
    }

    [Fact]
    public async Task Apply_creates_a_missing_object_after_the_create_check()
    {
        await using var k = await KubeFixture.StartAsync();
        var handlers = Handlers(k, new ApplyAsMerge());
        const string patch = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"},"data":{"a":"b"}}""";
        var noManager = await handlers.HandleAsync(Request("patch", "configmaps", "default", "cm", patch, contentType: "application/apply-patch+yaml"));
        Assert.Equal("PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch", noManager.AssertCode(422).Message());

        var denied = await handlers.HandleAsync(Request("patch", "configmaps", "default", "cm", patch, "fieldManager=kubectl", "application/apply-patch+yaml") with
        {
            AuthorizeCreate = _ => ValueTask.FromResult<KubeStatus?>(KubeStatus.ForbiddenFor("", "configmaps", "cm", "User \"bob\" cannot create resource \"configmaps\" in API group \"\" in the namespace \"default\"")),
        });
        Assert.Equal("configmaps \"cm\" is forbidden: User \"bob\" cannot create resource \"configmaps\" in API group \"\" in the namespace \"default\"", denied.AssertCode(403).Message());

        var created = await handlers.HandleAsync(Request("patch", "configmaps", "default", "cm", patch, "fieldManager=kubectl", "application/apply-patch+yaml"));
        Assert.Equal("b", created.AssertCode(201).Json().Str("data.a"));
        var again = await handlers.HandleAsync(Request("patch", "configmaps", "default", "cm", patch.Replace("\"b\"", "\"c\""), "fieldManager=kubectl", "application/apply-patch+yaml"));
        Assert.Equal("c", again.AssertCode(200).Json().Str("data.a"));
        var unsupported = await handlers.HandleAsync(Request("patch", "configmaps", "default", "cm", "[]", contentType: "application/json-patch+json"));
        Assert.Equal("the body of the request was in an unknown format - accepted media types include: application/merge-patch+json, application/apply-patch+yaml",
            unsupported.AssertCode(415).Message());
    }
}

public sealed class ConcurrencyTests
{
    [Fact]
    public async Task Concurrent_patches_retry_on_conflict_and_none_is_lost()
    {
        await using var k = await KubeFixture.StartAsync();
        await k.CreateAsync("configmaps", "default", """{"metadata":{"name":"cm"}}""");
        var patches = Enumerable.Range(0, 20).Select(i => k.SendAsync("patch", "configmaps", "default", "cm",
            "{\"data\":{\"k" + i + "\":\"v\"}}", contentType: "application/merge-patch+json"));
        foreach (var response in await Task.WhenAll(patches)) response.AssertCode(200);
        var data = (await k.SendAsync("get", "configmaps", "default", "cm")).Json()["data"]!.AsObject();
        Assert.Equal(20, data.Count);
    }

    [Fact]
    public async Task Concurrent_services_never_share_a_cluster_ip()
    {
        await using var k = await KubeFixture.StartAsync(random: new Random(3));
        var creates = Enumerable.Range(0, 20).Select(i => k.SendAsync("create", "services", "default",
            body: "{\"metadata\":{\"name\":\"s" + i + "\"},\"spec\":{\"ports\":[{\"port\":80}]}}"));
        var ips = (await Task.WhenAll(creates)).Select(r => r.AssertCode(201).Json().Str("spec.clusterIP")).ToList();
        Assert.Equal(20, ips.Distinct().Count());
    }

    [Fact]
    public async Task An_unchanged_update_writes_nothing()
    {
        await using var k = await KubeFixture.StartAsync();
        await k.CreateAsync("configmaps", "default", """{"metadata":{"name":"cm"},"data":{"a":"b"}}""");
        var revision = k.Cache.Current.Revision;
        var same = await k.SendAsync("update", "configmaps", "default", "cm", """{"metadata":{"name":"cm"},"data":{"a":"b"}}""");
        Assert.Equal(revision.ToString(), same.AssertCode(200).Json().Str("metadata.resourceVersion"));
        Assert.Equal(revision, k.Cache.Current.Revision);
    }
}
