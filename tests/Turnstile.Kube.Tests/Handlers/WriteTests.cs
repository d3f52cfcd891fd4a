using System.Text.Json.Nodes;
using Turnstile.Core.Kube;
using Turnstile.Kube.Registry;

namespace Turnstile.Kube.Tests.Handlers;

public sealed class WriteTests
{
    private const string Pod = """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web"},"spec":{"containers":[{"name":"c","image":"nginx"}]}}""";

    [Fact]
    public async Task A_stale_resourceVersion_is_kubes_409_Conflict()
    {
        await using var k = await KubeFixture.StartAsync();
        await k.CreateAsync("configmaps", "default", """{"metadata":{"name":"cm"}}""");
        await k.SendAsync("update", "configmaps", "default", "cm", """{"metadata":{"name":"cm","resourceVersion":"2"},"data":{"a":"1"}}""");
        var stale = await k.SendAsync("update", "configmaps", "default", "cm", """{"metadata":{"name":"cm","resourceVersion":"2"},"data":{"a":"2"}}""");
        Assert.Equal("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Operation cannot be fulfilled on configmaps \"cm\": the object has been modified; please apply your changes to the latest version and try again","reason":"Conflict","details":{"name":"cm","kind":"configmaps"},"code":409}""" + "\n",
            stale.AssertCode(409).BodyText);
    }

    [Fact]
    public async Task An_update_without_resourceVersion_applies_to_the_current_version_for_built_in_kinds()
    {
        await using var k = await KubeFixture.StartAsync();
        await k.CreateAsync("configmaps", "default", """{"metadata":{"name":"cm"}}""");
        var updated = await k.SendAsync("update", "configmaps", "default", "cm", """{"metadata":{"name":"cm"},"data":{"a":"1"}}""");
        Assert.Equal("3", updated.AssertCode(200).Json().Str("metadata.resourceVersion"));
        Assert.Equal("2026-12-02T13:00:00Z", updated.Json().Str("metadata.creationTimestamp"));
    }

    [Fact]
    public async Task A_conditional_update_of_a_custom_resource_requires_a_resourceVersion()
    {
        await using var k = await KubeFixture.StartAsync();
        await k.CreateAsync("eniconfigs", "", """{"metadata":{"name":"us-west-2a"},"spec":{"subnet":"subnet-1"}}""", "crd.k8s.amazonaws.com");
        var response = await k.SendAsync("update", "eniconfigs", name: "us-west-2a", body: """{"metadata":{"name":"us-west-2a"},"spec":{"subnet":"subnet-2"}}""", group: "crd.k8s.amazonaws.com");
        Assert.Equal("eniconfigs.crd.k8s.amazonaws.com \"us-west-2a\" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update",
            response.AssertCode(422).Message());
    }

    [Fact]
    public async Task Create_of_an_existing_name_is_AlreadyExists()
    {
        await using var k = await KubeFixture.StartAsync();
        await k.CreateAsync("pods", "default", Pod);
        var again = await k.SendAsync("create", "pods", "default", body: Pod);
        Assert.Equal("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \"web\" already exists","reason":"AlreadyExists","details":{"name":"web","kind":"pods"},"code":409}""" + "\n",
            again.AssertCode(409).BodyText);
    }

    [Fact]
    public async Task GenerateName_adds_five_characters_of_kubes_alphabet()
    {
        await using var k = await KubeFixture.StartAsync();
        var created = await k.CreateAsync("configmaps", "default", """{"metadata":{"generateName":"job-"}}""");
        var name = created.Str("metadata.name");
        Assert.Matches("^job-[bcdfghjklmnpqrstvwxz2456789]{5}$", name);
        Assert.Equal("job-", created.Str("metadata.generateName"));
    }

    [Fact]
    public async Task GenerateName_retries_a_taken_name_and_then_gives_up_with_kubes_message()
    {
        // A random source that always draws the same suffix: the first create takes it, the next exhausts the retries.
        var random = new ConstantRandom();
        await using var k = await KubeFixture.StartAsync(random: random);
        var first = await k.CreateAsync("configmaps", "default", """{"metadata":{"generateName":"x-"}}""");
        Assert.Equal("x-bbbbb", first.Str("metadata.name"));
        var second = await k.SendAsync("create", "configmaps", "default", body: """{"metadata":{"generateName":"x-"}}""");
        Assert.Equal("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"configmaps \"x-bbbbb\" already exists, the server was not able to generate a unique name for the object","reason":"AlreadyExists","details":{"name":"x-bbbbb","kind":"configmaps","retryAfterSeconds":1},"code":409}""" + "\n",
            second.AssertCode(409).BodyText);
        Assert.Equal(1, second.RetryAfterSeconds);
        Assert.Equal(8, random.Draws / 5 - 1);
    }

    private sealed class ConstantRandom : Random
    {
        public int Draws;

        public override int Next(int maxValue)
        {
            Draws++;
            return 0;
        }
    }

    [Fact]
    public async Task GenerateName_retries_until_a_free_name_is_drawn()
    {
        await using var k = await KubeFixture.StartAsync(random: new Random(11));
        var taken = new RegistryOptions { Random = new Random(11) }.GenerateName("y-");
        await k.CreateAsync("configmaps", "default", "{\"metadata\":{\"name\":\"" + taken + "\"}}");
        var created = await k.CreateAsync("configmaps", "default", """{"metadata":{"generateName":"y-"}}""");
        Assert.NotEqual(taken, created.Str("metadata.name"));
        Assert.StartsWith("y-", created.Str("metadata.name"));
    }

    [Fact]
    public async Task The_name_in_the_body_must_match_the_url()
    {
        await using var k = await KubeFixture.StartAsync();
        await k.CreateAsync("configmaps", "default", """{"metadata":{"name":"cm"}}""");
        var response = await k.SendAsync("update", "configmaps", "default", "cm", """{"metadata":{"name":"other"}}""");
        Assert.Equal("the name of the object (other) does not match the name on the URL (cm)", response.AssertCode(400).Message());
        var ns = await k.SendAsync("create", "configmaps", "default", body: """{"metadata":{"name":"x","namespace":"kube-system"}}""");
        Assert.Equal("the namespace of the provided object does not match the namespace sent on the request", ns.AssertCode(400).Message());
    }

    [Fact]
    public async Task Invalid_names_get_kubes_field_errors_per_kind()
    {
        await using var k = await KubeFixture.StartAsync();
        var pod = await k.SendAsync("create", "pods", "default", body: Pod.Replace("\"web\"", "\"Web_1\""));
        Assert.Equal("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Pod \"Web_1\" is invalid: metadata.name: Invalid value: \"Web_1\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')","reason":"Invalid","details":{"name":"Web_1","kind":"Pod","causes":[{"reason":"FieldValueInvalid","message":"Invalid value: \"Web_1\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')","field":"metadata.name"}]},"code":422}""" + "\n",
            pod.AssertCode(422).BodyText);

        var service = await k.SendAsync("create", "services", "default", body: """{"metadata":{"name":"1svc"},"spec":{"ports":[{"port":80}]}}""");
        Assert.Equal("Service \"1svc\" is invalid: metadata.name: Invalid value: \"1svc\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
            service.AssertCode(422).Message());

        var ns = await k.SendAsync("create", "namespaces", body: """{"metadata":{"name":"a.b"}}""");
        Assert.Equal("Namespace \"a.b\" is invalid: metadata.name: Invalid value: \"a.b\": must not contain dots", ns.AssertCode(422).Message());

        var missing = await k.SendAsync("create", "configmaps", "default", body: """{"data":{}}""");
        Assert.Equal("ConfigMap \"\" is invalid: metadata.name: Required value: name or generateName is required", missing.AssertCode(422).Message());

        var labels = await k.SendAsync("create", "configmaps", "default", body: """{"metadata":{"name":"l","labels":{"a/b/c":"x y"}}}""");
        Assert.Equal("ConfigMap \"l\" is invalid: [metadata.labels: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName'), metadata.labels: Invalid value: \"x y\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')]",
            labels.AssertCode(422).Message());
    }

    [Fact]
    public async Task Dry_run_validates_and_answers_without_writing()
    {
        await using var k = await KubeFixture.StartAsync();
        var revision = k.Cache.Current.Revision;
        var created = await k.SendAsync("create", "configmaps", "default", body: """{"metadata":{"name":"cm"},"data":{"a":"b"}}""", query: "dryRun=All");
        Assert.Equal("""{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"cm","namespace":"default","uid":"00000000-0000-4000-8000-000000000002","creationTimestamp":"2026-12-02T13:00:00Z"},"data":{"a":"b"}}""" + "\n",
            created.AssertCode(201).BodyText);
        Assert.Equal(revision, k.Cache.Current.Revision);
        (await k.SendAsync("get", "configmaps", "default", "cm")).AssertCode(404);

        var invalid = await k.SendAsync("create", "configmaps", "default", body: """{"metadata":{"name":"Bad"}}""", query: "dryRun=All");
        invalid.AssertCode(422);

        await k.CreateAsync("configmaps", "default", """{"metadata":{"name":"real"}}""");
        var rev = k.Cache.Current.Revision;
        var update = await k.SendAsync("update", "configmaps", "default", "real", """{"metadata":{"name":"real"},"data":{"x":"y"}}""", query: "dryRun=All");
        Assert.Equal("y", update.AssertCode(200).Json().Str("data.x"));
        var delete = await k.SendAsync("delete", "configmaps", "default", "real", query: "dryRun=All");
        delete.AssertCode(200);
        Assert.Equal(rev, k.Cache.Current.Revision);
        Assert.Null((await k.SendAsync("get", "configmaps", "default", "real")).AssertCode(200).Json()["data"]);

        var bad = await k.SendAsync("create", "configmaps", "default", body: """{"metadata":{"name":"z"}}""", query: "dryRun=Some");
        Assert.Equal("CreateOptions.meta.k8s.io \"\" is invalid: dryRun: Unsupported value: []string{\"Some\"}: supported values: \"All\"", bad.AssertCode(422).Message());
    }

    [Fact]
    public async Task Delete_preconditions_are_checked_with_kubes_texts()
    {
        await using var k = await KubeFixture.StartAsync();
        await k.CreateAsync("configmaps", "default", """{"metadata":{"name":"cm"}}""");
        var uid = await k.SendAsync("delete", "configmaps", "default", "cm", """{"kind":"DeleteOptions","apiVersion":"v1","preconditions":{"uid":"nope"}}""");
        Assert.Equal("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Operation cannot be fulfilled on ConfigMap \"cm\": the UID in the precondition (nope) does not match the UID in record (00000000-0000-4000-8000-000000000002). The object might have been deleted and then recreated","reason":"Conflict","details":{"name":"cm","kind":"ConfigMap"},"code":409}""" + "\n",
            uid.AssertCode(409).BodyText);
        var rv = await k.SendAsync("delete", "configmaps", "default", "cm", """{"preconditions":{"resourceVersion":"1"}}""");
        Assert.Equal("Operation cannot be fulfilled on ConfigMap \"cm\": the ResourceVersion in the precondition (1) does not match the ResourceVersion in record (2). The object might have been modified",
            rv.AssertCode(409).Message());
        var policy = await k.SendAsync("delete", "configmaps", "default", "cm", query: "propagationPolicy=Sideways");
        Assert.Equal("DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: \"Sideways\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"",
            policy.AssertCode(422).Message());
        (await k.SendAsync("delete", "configmaps", "default", "cm", """{"preconditions":{"resourceVersion":"2"}}""")).AssertCode(200);
    }

    [Fact]
    public async Task An_update_naming_another_uid_fails_its_precondition()
    {
        await using var k = await KubeFixture.StartAsync();
        await k.CreateAsync("configmaps", "default", """{"metadata":{"name":"cm"}}""");
        var response = await k.SendAsync("update", "configmaps", "default", "cm", """{"metadata":{"name":"cm","uid":"other"}}""");
        Assert.Equal("Operation cannot be fulfilled on configmaps \"cm\": StorageError: invalid object, Code: 4, Key: /registry/configmaps/default/cm, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in precondition: other, UID in object meta: 00000000-0000-4000-8000-000000000002",
            response.AssertCode(409).Message());
    }

    [Fact]
    public async Task Finalizers_hold_a_deleted_object_until_an_update_removes_them()
    {
        await using var k = await KubeFixture.StartAsync();
        await k.CreateAsync("configmaps", "default", """{"metadata":{"name":"cm","finalizers":["example.com/hold"]}}""");
        k.Clock.Now = KubeFixture.Start.AddMinutes(5);
        var marked = await k.SendAsync("delete", "configmaps", "default", "cm");
        var obj = marked.AssertCode(200).Json();
        Assert.Equal("ConfigMap", obj.Str("kind"));
        Assert.Equal("2026-12-02T13:05:00Z", obj.Str("metadata.deletionTimestamp"));
        Assert.Equal("0", obj.Str("metadata.deletionGracePeriodSeconds"));

        var added = await k.SendAsync("update", "configmaps", "default", "cm", """{"metadata":{"name":"cm","finalizers":["example.com/hold","example.com/more"]}}""");
        Assert.Equal("ConfigMap \"cm\" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{\"example.com/more\"}",
            added.AssertCode(422).Message());

        var released = await k.SendAsync("update", "configmaps", "default", "cm", """{"metadata":{"name":"cm","finalizers":[]}}""");
        released.AssertCode(200);
        (await k.SendAsync("get", "configmaps", "default", "cm")).AssertCode(404);
    }

    [Fact]
    public async Task Pods_get_a_pending_status_and_come_back_from_delete()
    {
        await using var k = await KubeFixture.StartAsync();
        var created = await k.CreateAsync("pods", "default", Pod);
        // No node in this cluster: the scheduler's condition says so (scheduling is tested in PodTests).
        Assert.Equal("""{"phase":"Pending","conditions":[{"type":"PodScheduled","status":"False","lastProbeTime":null,"lastTransitionTime":"2026-12-02T13:00:00Z","reason":"Unschedulable","message":"no nodes available to schedule pods"}],"qosClass":"BestEffort"}""",
            created["status"]!.ToJsonString());
        var spec = await k.SendAsync("update", "pods", "default", "web",
            """{"metadata":{"name":"web"},"spec":{"containers":[{"name":"c","image":"nginx","command":["sh"]}]}}""");
        Assert.StartsWith("Pod \"web\" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`", spec.AssertCode(422).Message());
        var image = await k.SendAsync("update", "pods", "default", "web", """{"metadata":{"name":"web"},"spec":{"containers":[{"name":"c","image":"nginx:2"}]}}""");
        image.AssertCode(200);
        var deleted = await k.SendAsync("delete", "pods", "default", "web");
        Assert.Equal("Pod", deleted.AssertCode(200).Json().Str("kind"));
        (await k.SendAsync("get", "pods", "default", "web")).AssertCode(404);
        var invalid = await k.SendAsync("create", "pods", "default", body: """{"metadata":{"name":"p"},"spec":{"containers":[{"name":"c"},{"name":"c","image":"x"}]}}""");
        Assert.Equal("Pod \"p\" is invalid: [spec.containers[0].image: Required value, spec.containers[1].name: Duplicate value: \"c\"]", invalid.AssertCode(422).Message());
    }

    [Fact]
    public async Task Status_writes_change_only_status_and_main_writes_keep_it()
    {
        await using var k = await KubeFixture.StartAsync();
        var created = await k.CreateAsync("deployments", "default",
            """{"metadata":{"name":"d"},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"d"}}},"status":{"replicas":9}}""", "apps");
        Assert.Equal("{}", created["status"]!.ToJsonString());
        Assert.Equal("1", created.Str("metadata.generation"));

        var status = await k.SendAsync("update", "deployments", "default", "d",
            """{"metadata":{"name":"d"},"spec":{"replicas":5},"status":{"replicas":3}}""", subresource: "status", group: "apps");
        var afterStatus = status.AssertCode(200).Json();
        Assert.Equal("3", afterStatus.Str("status.replicas"));
        Assert.Equal("1", afterStatus.Str("spec.replicas"));
        Assert.Equal("1", afterStatus.Str("metadata.generation"));

        var main = await k.SendAsync("update", "deployments", "default", "d",
            """{"metadata":{"name":"d"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"d"}}},"status":{"replicas":0}}""", group: "apps");
        var afterMain = main.AssertCode(200).Json();
        Assert.Equal("3", afterMain.Str("status.replicas"));
        Assert.Equal("2", afterMain.Str("metadata.generation"));

        var get = await k.SendAsync("get", "deployments", "default", "d", subresource: "status", group: "apps");
        Assert.Equal(main.BodyText, get.AssertCode(200).BodyText);
    }

    [Fact]
    public async Task Scale_reads_and_writes_replicas_as_an_autoscaling_v1_Scale()
    {
        await using var k = await KubeFixture.StartAsync();
        await k.CreateAsync("deployments", "default",
            """{"metadata":{"name":"d"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"d","tier":"web"},"matchExpressions":[{"key":"env","operator":"In","values":["prod","dev"]}]}}}""", "apps");
        var scale = await k.SendAsync("get", "deployments", "default", "d", subresource: "scale", group: "apps");
        Assert.Equal("""{"kind":"Scale","apiVersion":"autoscaling/v1","metadata":{"name":"d","namespace":"default","uid":"00000000-0000-4000-8000-000000000002","resourceVersion":"2","creationTimestamp":"2026-12-02T13:00:00Z"},"spec":{"replicas":2},"status":{"replicas":0,"selector":"app=d,env in (dev,prod),tier=web"}}""" + "\n",
            scale.AssertCode(200).BodyText);

        var updated = await k.SendAsync("update", "deployments", "default", "d",
            """{"kind":"Scale","apiVersion":"autoscaling/v1","metadata":{"name":"d","namespace":"default"},"spec":{"replicas":5}}""", subresource: "scale", group: "apps");
        Assert.Equal("5", updated.AssertCode(200).Json().Str("spec.replicas"));
        var deployment = (await k.SendAsync("get", "deployments", "default", "d", group: "apps")).Json();
        Assert.Equal("5", deployment.Str("spec.replicas"));
        Assert.Equal("2", deployment.Str("metadata.generation"));

        var stale = await k.SendAsync("update", "deployments", "default", "d",
            """{"kind":"Scale","apiVersion":"autoscaling/v1","metadata":{"name":"d","resourceVersion":"2"},"spec":{"replicas":1}}""", subresource: "scale", group: "apps");
        Assert.Equal("Operation cannot be fulfilled on deployments.apps \"d\": the object has been modified; please apply your changes to the latest version and try again",
            stale.AssertCode(409).Message());
        var negative = await k.SendAsync("update", "deployments", "default", "d",
            """{"kind":"Scale","apiVersion":"autoscaling/v1","metadata":{"name":"d"},"spec":{"replicas":-1}}""", subresource: "scale", group: "apps");
        Assert.Equal("Scale.autoscaling \"d\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0", negative.AssertCode(422).Message());
        var patched = await k.SendAsync("patch", "deployments", "default", "d", """{"spec":{"replicas":7}}""", contentType: "application/merge-patch+json",
            subresource: "scale", group: "apps");
        Assert.Equal("7", patched.AssertCode(200).Json().Str("spec.replicas"));
        var missing = await k.SendAsync("get", "deployments", "default", "nope", subresource: "scale", group: "apps");
        Assert.Equal("deployments.apps \"nope\" not found", missing.AssertCode(404).Message());
    }

    [Fact]
    public async Task Merge_patch_applies_to_the_current_object_and_needs_it_to_exist()
    {
        await using var k = await KubeFixture.StartAsync();
        await k.CreateAsync("configmaps", "default", """{"metadata":{"name":"cm","labels":{"a":"1"}},"data":{"k":"v"}}""");
        var patched = await k.SendAsync("patch", "configmaps", "default", "cm", """{"metadata":{"labels":{"b":"2"}},"data":{"k":null}}""",
            contentType: "application/merge-patch+json");
        var obj = patched.AssertCode(200).Json();
        Assert.Equal("""{"a":"1","b":"2"}""", obj["metadata"]!["labels"]!.ToJsonString());
        Assert.Equal("{}", obj["data"]!.ToJsonString());
        var missing = await k.SendAsync("patch", "configmaps", "default", "nope", "{}", contentType: "application/merge-patch+json");
        Assert.Equal("configmaps \"nope\" not found", missing.AssertCode(404).Message());
        var unsupported = await k.SendAsync("patch", "configmaps", "default", "cm", "[]", contentType: "application/json-patch+json");
        Assert.Equal("the body of the request was in an unknown format - accepted media types include: application/merge-patch+json",
            unsupported.AssertCode(415).Message());
        var rename = await k.SendAsync("patch", "configmaps", "default", "cm", """{"metadata":{"name":"x"}}""", contentType: "application/merge-patch+json");
        Assert.Equal("the name of the object (x) does not match the name on the URL (cm)", rename.AssertCode(400).Message());
        var stale = await k.SendAsync("patch", "configmaps", "default", "cm", """{"metadata":{"resourceVersion":"1"}}""", contentType: "application/merge-patch+json");
        stale.AssertCode(409);
        var force = await k.SendAsync("patch", "configmaps", "default", "cm", "{}", contentType: "application/merge-patch+json", query: "force=true");
        Assert.Equal("PatchOptions.meta.k8s.io \"\" is invalid: force: Forbidden: may not be specified for non-apply patch", force.AssertCode(422).Message());
    }

    [Fact]
    public async Task Deletecollection_deletes_what_the_selector_lists_and_returns_the_list()
    {
        await using var k = await KubeFixture.StartAsync();
        await k.CreateAsync("configmaps", "default", """{"metadata":{"name":"a","labels":{"app":"x"}}}""");
        await k.CreateAsync("configmaps", "default", """{"metadata":{"name":"b","labels":{"app":"y"}}}""");
        await k.CreateAsync("configmaps", "default", """{"metadata":{"name":"c","labels":{"app":"x"}}}""");
        var deleted = await k.SendAsync("deletecollection", "configmaps", "default", query: "labelSelector=app%3Dx");
        var list = deleted.AssertCode(200).Json();
        Assert.Equal("ConfigMapList", list.Str("kind"));
        Assert.Equal(["a", "c"], list["items"]!.AsArray().Select(i => i!.Str("metadata.name")));
        var left = (await k.SendAsync("list", "configmaps", "default")).Json()["items"]!.AsArray();
        Assert.Equal(["b"], left.Select(i => i!.Str("metadata.name")));
    }
}
