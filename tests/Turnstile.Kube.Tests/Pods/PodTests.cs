namespace Turnstile.Kube.Tests.Pods;

public sealed class PodTests
{
    private static string Node(string name, string ip, bool ready = true, string labels = "{}") =>
        $$$"""{"metadata":{"name":"{{{name}}}","labels":{{{labels}}}},"spec":{"providerID":"aws:///us-east-1a/i-0abc"},"status":{"addresses":[{"type":"InternalIP","address":"{{{ip}}}"}],"conditions":[{"type":"Ready","status":"{{{(ready ? "True" : "False")}}}","reason":"KubeletReady"}]}}""";

    private const string Web = """{"metadata":{"name":"web"},"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}""";

    [Fact]
    public async Task Without_nodes_a_pod_stays_pending_as_the_scheduler_reports_it()
    {
        await using var k = await KubeFixture.StartAsync();
        var pod = await k.CreateAsync("pods", "default", Web);
        Assert.Equal("""{"phase":"Pending","conditions":[{"type":"PodScheduled","status":"False","lastProbeTime":null,"lastTransitionTime":"2026-12-02T13:00:00Z","reason":"Unschedulable","message":"no nodes available to schedule pods"}],"qosClass":"BestEffort"}""",
            pod["status"]!.ToJsonString());
        Assert.Null(pod["spec"]!["nodeName"]);
    }

    [Fact]
    public async Task A_pod_is_scheduled_onto_the_least_loaded_ready_node_and_reported_running()
    {
        await using var k = await KubeFixture.StartAsync();
        await k.CreateAsync("nodes", "", Node("ip-10-0-1-10.ec2.internal", "10.0.1.10"));
        await k.CreateAsync("nodes", "", Node("ip-10-0-2-20.ec2.internal", "10.0.2.20"));
        await k.CreateAsync("nodes", "", Node("ip-10-0-3-30.ec2.internal", "10.0.3.30", ready: false));
        var first = await k.CreateAsync("pods", "default", Web);
        Assert.Equal("ip-10-0-1-10.ec2.internal", first.Str("spec.nodeName"));
        Assert.Equal("Running", first.Str("status.phase"));
        Assert.Equal("10.0.1.10", first.Str("status.hostIP"));
        Assert.StartsWith("10.0.1.", first.Str("status.podIP"));
        Assert.Equal(["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"],
            first["status"]!["conditions"]!.AsArray().Select(c => c!.Str("type")));
        Assert.All(first["status"]!["conditions"]!.AsArray(), c => Assert.Equal("True", c!.Str("status")));
        var container = first["status"]!["containerStatuses"]![0]!;
        Assert.Equal(("web", "true", "nginx:1.27", "2026-12-02T13:00:00Z"), (container.Str("name"), container.Str("ready"), container.Str("image"), container.Str("state.running.startedAt")));
        Assert.Equal("BestEffort", first.Str("status.qosClass"));

        var second = await k.CreateAsync("pods", "default", Web.Replace("{\"name\":\"web\"},", "{\"name\":\"web2\"},"));
        Assert.Equal("ip-10-0-2-20.ec2.internal", second.Str("spec.nodeName"));
        // The field selector kubectl uses for a node's pods finds them.
        var onFirst = (await k.SendAsync("list", "pods", "default", query: "fieldSelector=spec.nodeName%3Dip-10-0-1-10.ec2.internal")).AssertCode(200).Json();
        Assert.Equal("web", Assert.Single(onFirst["items"]!.AsArray())!.Str("metadata.name"));
    }

    [Fact]
    public async Task A_node_selector_that_no_node_matches_leaves_the_pod_unschedulable()
    {
        await using var k = await KubeFixture.StartAsync();
        await k.CreateAsync("nodes", "", Node("ip-10-0-1-10.ec2.internal", "10.0.1.10", labels: """{"eks.amazonaws.com/nodegroup":"general"}"""));
        var pod = await k.CreateAsync("pods", "default", """{"metadata":{"name":"gpu"},"spec":{"nodeSelector":{"eks.amazonaws.com/nodegroup":"gpu"},"containers":[{"name":"c","image":"busybox"}]}}""");
        Assert.Equal("0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
            pod["status"]!["conditions"]![0]!.Str("message"));
        var fits = await k.CreateAsync("pods", "default", """{"metadata":{"name":"general"},"spec":{"nodeSelector":{"eks.amazonaws.com/nodegroup":"general"},"containers":[{"name":"c","image":"busybox"}]}}""");
        Assert.Equal("Running", fits.Str("status.phase"));
    }

    [Fact]
    public async Task Logs_and_exec_answer_that_no_container_runs_after_the_pod_checks()
    {
        await using var k = await KubeFixture.StartAsync();
        await k.CreateAsync("pods", "default", """{"metadata":{"name":"pending"},"spec":{"containers":[{"name":"c","image":"busybox"}]}}""");
        Assert.Equal("pod pending does not have a host assigned",
            (await k.SendAsync("get", "pods", "default", "pending", subresource: "log")).AssertCode(400).Message());

        await k.CreateAsync("nodes", "", Node("ip-10-0-1-10.ec2.internal", "10.0.1.10"));
        await k.CreateAsync("pods", "default", Web);
        var logs = await k.SendAsync("get", "pods", "default", "web", subresource: "log");
        Assert.Equal("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Get \"https://10.0.1.10:10250/containerLogs/default/web/web\": dial tcp 10.0.1.10:10250: connect: connection refused (this Turnstile cluster runs no containers: there is no kubelet on node ip-10-0-1-10.ec2.internal)","code":500}""" + "\n",
            logs.AssertCode(500).BodyText);
        var exec = await k.SendAsync("create", "pods", "default", "web", subresource: "exec", query: "command=sh&stdin=true&container=web");
        Assert.StartsWith("Post \"https://10.0.1.10:10250/exec/default/web/web\": ", exec.AssertCode(500).Message());
        Assert.Equal("container nope is not valid for pod web",
            (await k.SendAsync("get", "pods", "default", "web", subresource: "log", query: "container=nope")).AssertCode(400).Message());
        await k.CreateAsync("pods", "default", """{"metadata":{"name":"two"},"spec":{"containers":[{"name":"a","image":"x"},{"name":"b","image":"x"}]}}""");
        Assert.Equal("a container name must be specified for pod two, choose one of: [a b]",
            (await k.SendAsync("get", "pods", "default", "two", subresource: "log")).AssertCode(400).Message());
        Assert.Equal(404, (await k.SendAsync("get", "pods", "default", "ghost", subresource: "log")).StatusCode);
        Assert.Equal(405, (await k.SendAsync("create", "pods", "default", "web", subresource: "log")).StatusCode);
        Assert.Equal(500, (await k.SendAsync("get", "pods", "default", "web", subresource: "portforward", query: "ports=80")).StatusCode);
    }
}
