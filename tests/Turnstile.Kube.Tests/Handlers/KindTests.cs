using Turnstile.Kube.Registry;

namespace Turnstile.Kube.Tests.Handlers;

public sealed class KindTests
{
    [Fact]
    public async Task Namespaces_are_created_active_with_their_label_and_finalizer()
    {
        await using var k = await KubeFixture.StartAsync();
        var ns = await k.SendAsync("get", "namespaces", name: "default");
        Assert.Equal("""{"kind":"Namespace","apiVersion":"v1","metadata":{"name":"default","uid":"00000000-0000-4000-8000-000000000001","resourceVersion":"1","creationTimestamp":"2026-12-02T13:00:00Z","labels":{"kubernetes.io/metadata.name":"default"}},"spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active"}}""" + "\n",
            ns.AssertCode(200).BodyText);
    }

    [Fact]
    public async Task Content_needs_an_existing_namespace()
    {
        await using var k = await KubeFixture.StartAsync();
        var response = await k.SendAsync("create", "configmaps", "nowhere", body: """{"metadata":{"name":"cm"}}""");
        Assert.Equal("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"namespaces \"nowhere\" not found","reason":"NotFound","details":{"name":"nowhere","kind":"namespaces"},"code":404}""" + "\n",
            response.AssertCode(404).BodyText);
    }

    [Fact]
    public async Task Deleting_a_namespace_terminates_it_removes_its_content_then_itself()
    {
        await using var k = await KubeFixture.StartAsync(namespaces: ["default", "team"]);
        await k.CreateAsync("configmaps", "team", """{"metadata":{"name":"cm"}}""");
        await k.CreateAsync("services", "team", """{"metadata":{"name":"svc"},"spec":{"clusterIP":"10.100.7.7","ports":[{"port":80}]}}""");
        await k.CreateAsync("configmaps", "team", """{"metadata":{"name":"held","finalizers":["example.com/hold"]}}""");
        var deleted = await k.SendAsync("delete", "namespaces", name: "team");
        var ns = deleted.AssertCode(200).Json();
        Assert.Equal("Terminating", ns.Str("status.phase"));
        Assert.Equal("2026-12-02T13:00:00Z", ns.Str("metadata.deletionTimestamp"));

        var refused = await k.SendAsync("create", "configmaps", "team", body: """{"metadata":{"generateName":"late-"}}""");
        Assert.Equal("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"configmaps \"late-\" is forbidden: unable to create new content in namespace team because it is being terminated","reason":"Forbidden","details":{"name":"late-","kind":"configmaps","causes":[{"reason":"NamespaceTerminating","message":"namespace team is being terminated","field":"metadata.namespace"}]},"code":403}""" + "\n",
            refused.AssertCode(403).BodyText);

        await Eventually(async () => (await k.SendAsync("get", "configmaps", "team", "cm")).StatusCode == 404);
        await Eventually(async () => (await k.SendAsync("get", "services", "team", "svc")).StatusCode == 404);
        var held = (await k.SendAsync("get", "configmaps", "team", "held")).AssertCode(200).Json();
        Assert.NotEqual("", held.Str("metadata.deletionTimestamp"));
        Assert.Equal("Terminating", (await k.SendAsync("get", "namespaces", name: "team")).Json().Str("status.phase"));
        var early = await k.SendAsync("delete", "namespaces", name: "team");
        Assert.Equal("Operation cannot be fulfilled on namespaces \"team\": The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.",
            early.AssertCode(409).Message());

        // A terminating namespace's own updates do not delete it while its spec finalizer is there.
        (await k.SendAsync("update", "namespaces", name: "team", body: """{"metadata":{"name":"team","labels":{"a":"b"}}}""")).AssertCode(200);
        Assert.Equal("kubernetes", (await k.SendAsync("get", "namespaces", name: "team")).Json()["spec"]!["finalizers"]![0]!.GetValue<string>());
        (await k.SendAsync("update", "configmaps", "team", "held", """{"metadata":{"name":"held"}}""")).AssertCode(200);
        await Eventually(async () => (await k.SendAsync("get", "namespaces", name: "team")).StatusCode == 404);
        // The service's cluster IP went back to the pool with it.
        await k.CreateAsync("services", "default", """{"metadata":{"name":"again"},"spec":{"clusterIP":"10.100.7.7","ports":[{"port":80}]}}""");
    }

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the namespace controller did not get there");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task The_built_in_namespaces_cannot_be_deleted()
    {
        await using var k = await KubeFixture.StartAsync();
        var response = await k.SendAsync("delete", "namespaces", name: "default");
        Assert.Equal("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"namespaces \"default\" is forbidden: this namespace may not be deleted","reason":"Forbidden","details":{"name":"default","kind":"namespaces"},"code":403}""" + "\n",
            response.AssertCode(403).BodyText);
    }

    [Fact]
    public async Task Services_get_cluster_ips_from_the_service_cidr()
    {
        await using var k = await KubeFixture.StartAsync();
        var svc = await k.CreateAsync("services", "default", """{"metadata":{"name":"web"},"spec":{"selector":{"app":"web"},"ports":[{"port":80}]}}""");
        var ip = svc.Str("spec.clusterIP");
        Assert.StartsWith("10.100.", ip);
        Assert.Equal($"[\"{ip}\"]", svc["spec"]!["clusterIPs"]!.ToJsonString());
        Assert.Equal("""[{"port":80,"protocol":"TCP","targetPort":80}]""", svc["spec"]!["ports"]!.ToJsonString());
        Assert.Equal("ClusterIP", svc.Str("spec.type"));
        Assert.Equal("""{"loadBalancer":{}}""", svc["status"]!.ToJsonString());
        Assert.Equal("Service", (await k.SendAsync("delete", "services", "default", "web")).AssertCode(200).Json().Str("kind"));

        await k.CreateAsync("services", "default", """{"metadata":{"name":"dns"},"spec":{"clusterIP":"10.100.0.10","ports":[{"port":53,"protocol":"UDP"}]}}""");
        var taken = await k.SendAsync("create", "services", "default", body: """{"metadata":{"name":"dns2"},"spec":{"clusterIP":"10.100.0.10","ports":[{"port":53}]}}""");
        Assert.Equal("Service \"dns2\" is invalid: spec.clusterIPs: Invalid value: []string{\"10.100.0.10\"}: failed to allocate IP 10.100.0.10: provided IP is already allocated",
            taken.AssertCode(422).Message());
        var outside = await k.SendAsync("create", "services", "default", body: """{"metadata":{"name":"x"},"spec":{"clusterIP":"10.0.0.5","ports":[{"port":53}]}}""");
        Assert.Equal("Service \"x\" is invalid: spec.clusterIPs: Invalid value: []string{\"10.0.0.5\"}: failed to allocate IP 10.0.0.5: the provided IP (10.0.0.5) is not in the valid range. The range of valid IPs is 10.100.0.0/16",
            outside.AssertCode(422).Message());
        var change = await k.SendAsync("update", "services", "default", "dns", """{"metadata":{"name":"dns"},"spec":{"clusterIP":"10.100.0.11","clusterIPs":["10.100.0.11"],"ports":[{"port":53}]}}""");
        Assert.Equal("Service \"dns\" is invalid: spec.clusterIPs[0]: Invalid value: \"10.100.0.11\": may not change once set", change.AssertCode(422).Message());
        var kept = await k.SendAsync("update", "services", "default", "dns", """{"metadata":{"name":"dns"},"spec":{"ports":[{"port":54}]}}""");
        Assert.Equal("10.100.0.10", kept.AssertCode(200).Json().Str("spec.clusterIP"));

        var nodePort = await k.CreateAsync("services", "default", """{"metadata":{"name":"np"},"spec":{"type":"NodePort","ports":[{"port":80}]}}""");
        Assert.InRange(int.Parse(nodePort["spec"]!["ports"]![0]!.Str("nodePort")), 30000, 32767);
        var badPort = await k.SendAsync("create", "services", "default", body: """{"metadata":{"name":"np2"},"spec":{"type":"NodePort","ports":[{"port":80,"nodePort":80}]}}""");
        Assert.Equal("Service \"np2\" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767",
            badPort.AssertCode(422).Message());
        var headless = await k.CreateAsync("services", "default", """{"metadata":{"name":"h"},"spec":{"clusterIP":"None"}}""");
        Assert.Equal("None", headless.Str("spec.clusterIP"));
        var type = await k.SendAsync("create", "services", "default", body: """{"metadata":{"name":"t"},"spec":{"type":"Weird","ports":[{"port":1}]}}""");
        Assert.Equal("Service \"t\" is invalid: spec.type: Unsupported value: \"Weird\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"",
            type.AssertCode(422).Message());
    }

    [Fact]
    public async Task Secrets_merge_string_data_and_keep_their_type()
    {
        await using var k = await KubeFixture.StartAsync();
        var secret = await k.CreateAsync("secrets", "default", """{"metadata":{"name":"s"},"stringData":{"password":"hunter2"}}""");
        Assert.Equal("""{"password":"aHVudGVyMg=="}""", secret["data"]!.ToJsonString());
        Assert.Null(secret["stringData"]);
        Assert.Equal("Opaque", secret.Str("type"));
        var retype = await k.SendAsync("update", "secrets", "default", "s", """{"metadata":{"name":"s"},"type":"kubernetes.io/tls","data":{"tls.crt":"","tls.key":""}}""");
        Assert.Equal("Secret \"s\" is invalid: type: Invalid value: \"kubernetes.io/tls\": field is immutable", retype.AssertCode(422).Message());
        var tls = await k.SendAsync("create", "secrets", "default", body: """{"metadata":{"name":"t"},"type":"kubernetes.io/tls","data":{"tls.crt":""}}""");
        Assert.Equal("Secret \"t\" is invalid: data[tls.key]: Required value", tls.AssertCode(422).Message());
        var key = await k.SendAsync("create", "secrets", "default", body: """{"metadata":{"name":"k"},"data":{"a b":""}}""");
        Assert.Equal("Secret \"k\" is invalid: data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
            key.AssertCode(422).Message());
    }

    [Fact]
    public async Task ConfigMaps_check_keys_size_and_immutability()
    {
        await using var k = await KubeFixture.StartAsync();
        var dup = await k.SendAsync("create", "configmaps", "default", body: """{"metadata":{"name":"d"},"data":{"a":"1"},"binaryData":{"a":"MQ=="}}""");
        Assert.Equal("ConfigMap \"d\" is invalid: data[a]: Invalid value: \"a\": duplicate of key present in binaryData", dup.AssertCode(422).Message());
        var big = await k.SendAsync("create", "configmaps", "default", body: "{\"metadata\":{\"name\":\"big\"},\"data\":{\"a\":\"" + new string('x', 1024 * 1024 + 1) + "\"}}");
        Assert.Equal("ConfigMap \"big\" is invalid: []: Too long: may not be more than 1048576 bytes", big.AssertCode(422).Message());
        await k.CreateAsync("configmaps", "default", """{"metadata":{"name":"frozen"},"immutable":true,"data":{"a":"1"}}""");
        var change = await k.SendAsync("update", "configmaps", "default", "frozen", """{"metadata":{"name":"frozen"},"immutable":true,"data":{"a":"2"}}""");
        Assert.Equal("ConfigMap \"frozen\" is invalid: data: Forbidden: field is immutable when `immutable` is set", change.AssertCode(422).Message());
    }

    [Fact]
    public async Task Events_and_leases_can_be_created_by_an_update()
    {
        await using var k = await KubeFixture.StartAsync();
        var lease = await k.SendAsync("update", "leases", "default", "l", """{"metadata":{"name":"l"},"spec":{"holderIdentity":"me"}}""", group: "coordination.k8s.io");
        Assert.Equal(201, lease.StatusCode);
        var configMap = await k.SendAsync("update", "configmaps", "default", "c", """{"metadata":{"name":"c"}}""");
        Assert.Equal("configmaps \"c\" not found", configMap.AssertCode(404).Message());
    }

    [Fact]
    public async Task Cluster_scoped_objects_drop_a_namespace()
    {
        await using var k = await KubeFixture.StartAsync();
        var node = await k.CreateAsync("nodes", "", """{"metadata":{"name":"ip-10-0-0-1.ec2.internal","namespace":"default"},"status":{"phase":"Running"}}""");
        Assert.Null(node["metadata"]!["namespace"]);
        Assert.Equal("Running", node.Str("status.phase"));
        Assert.Equal(["ip-10-0-0-1.ec2.internal"], (await k.SendAsync("list", "nodes", query: "fieldSelector=spec.unschedulable%3Dfalse")).Json()["items"]!.AsArray().Select(i => i!.Str("metadata.name")));
    }
}
