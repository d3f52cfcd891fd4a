using System.Text;
using System.Text.Json.Nodes;
using Turnstile.Kube.Catalog;
using Turnstile.Kube.Tables;

namespace Turnstile.Kube.Tests.Tables;

public class HumanDurationTests
{
    [Theory]
    [InlineData(-2, "<invalid>")]
    [InlineData(-1, "0s")]
    [InlineData(0, "0s")]
    [InlineData(119, "119s")]
    [InlineData(120, "2m")]
    [InlineData(125, "2m5s")]
    [InlineData(599, "9m59s")]
    [InlineData(600, "10m")]
    [InlineData(3 * 3600 - 1, "179m")]
    [InlineData(3 * 3600, "3h")]
    [InlineData(3 * 3600 + 60, "3h1m")]
    [InlineData(8 * 3600, "8h")]
    [InlineData(47 * 3600 + 3599, "47h")]
    [InlineData(49 * 3600, "2d1h")]
    [InlineData(8 * 86400, "8d")]
    [InlineData(729 * 86400, "729d")]
    [InlineData(731 * 86400, "2y1d")]
    [InlineData(730 * 86400, "2y")]
    [InlineData(8 * 365 * 86400, "8y")]
    public void Formats_like_apimachinery(long seconds, string expected)
    {
        Assert.Equal(expected, HumanDuration.Format(TimeSpan.FromSeconds(seconds)));
    }
}

public class TableTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2025-03-13T01:32:50Z");
    private static readonly TableConverter Eks = new(ServedApis.ForEks().Current);

    private static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public void Nodes_print_like_the_field_notes()
    {
        // kubectl get node on the seed cluster: ip-192-168-1-243...   Ready    <none>   2d1h   v1.31.5-eks-5d632ec
        var node = Obj("""
            {"metadata":{"name":"ip-192-168-1-243.ap-northeast-2.compute.internal","creationTimestamp":"2025-03-11T00:30:00Z",
              "labels":{"eks.amazonaws.com/nodegroup":"ng1"}},
             "status":{"conditions":[{"type":"Ready","status":"True"}],"addresses":[{"type":"InternalIP","address":"192.168.1.243"}],
              "nodeInfo":{"kubeletVersion":"v1.31.5-eks-5d632ec","osImage":"Amazon Linux 2023.6.20250203","kernelVersion":"6.1.127","containerRuntimeVersion":"containerd://1.7.25"}}}
            """);
        var row = Assert.Single(Eks.Rows("", "nodes", [node], Now));
        Assert.Equal(
            ["ip-192-168-1-243.ap-northeast-2.compute.internal", "Ready", "<none>", "2d1h", "v1.31.5-eks-5d632ec", "192.168.1.243", "<none>",
             "Amazon Linux 2023.6.20250203", "6.1.127", "containerd://1.7.25"],
            row.Cells);
        Assert.Equal(["Name", "Status", "Roles", "Age", "Version"], Eks.ColumnsFor("", "nodes").Where(c => c.Priority == 0).Select(c => c.Name));
    }

    [Fact]
    public void Pods_report_ready_status_restarts_and_wide_cells()
    {
        var pod = Obj("""
            {"metadata":{"name":"web","namespace":"default","creationTimestamp":"2025-03-13T01:27:50Z"},
             "spec":{"nodeName":"n1","containers":[{"name":"a"},{"name":"b"}]},
             "status":{"phase":"Running","podIPs":[{"ip":"10.0.0.5"}],"containerStatuses":[
               {"name":"a","ready":true,"restartCount":2,"state":{"running":{}},"lastState":{"terminated":{"finishedAt":"2025-03-13T01:30:50Z"}}},
               {"name":"b","ready":false,"restartCount":0,"state":{"waiting":{"reason":"CrashLoopBackOff"}}}]}}
            """);
        Assert.Equal(["web", "1/2", "CrashLoopBackOff", "2 (2m ago)", "5m", "10.0.0.5", "n1", "<none>", "<none>"], Assert.Single(Eks.Rows("", "pods", [pod], Now)).Cells);

        var pending = Obj("""{"metadata":{"name":"p","creationTimestamp":"2025-03-13T01:32:40Z","deletionTimestamp":"2025-03-13T01:32:45Z"},"spec":{"containers":[{"name":"a"}]},"status":{"phase":"Running"}}""");
        Assert.Equal(["p", "0/1", "Terminating", "0", "10s", "<none>", "<none>", "<none>", "<none>"], Eks.Rows("", "pods", [pending], Now)[0].Cells);

        var init = Obj("""{"metadata":{"name":"i"},"spec":{"initContainers":[{"name":"x"},{"name":"y"}],"containers":[{"name":"a"}]},"status":{"phase":"Pending","initContainerStatuses":[{"state":{"terminated":{"exitCode":0}}},{"state":{"running":{}}}]}}""");
        Assert.Equal("Init:1/2", Eks.Rows("", "pods", [init], Now)[0].Cells[2]);
    }

    [Fact]
    public void Bindings_name_the_role_and_split_subjects()
    {
        var binding = Obj("""
            {"metadata":{"name":"b","creationTimestamp":"2025-03-13T01:00:00Z"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"},
             "subjects":[{"kind":"User","name":"alice"},{"kind":"Group","name":"devs"},{"kind":"User","name":"bob"},{"kind":"ServiceAccount","name":"sa","namespace":"ns"}]}
            """);
        Assert.Equal(["b", "ClusterRole/view", "32m", "alice, bob", "devs", "ns/sa"], Eks.Rows("rbac.authorization.k8s.io", "clusterrolebindings", [binding], Now)[0].Cells);
    }

    [Fact]
    public void Kinds_without_a_printer_get_name_and_created_at()
    {
        var role = Obj("""{"metadata":{"name":"r","creationTimestamp":"2025-03-13T01:00:00+02:00"}}""");
        Assert.Equal([("Name", "string", "name"), ("Created At", "date", "")], Eks.ColumnsFor("rbac.authorization.k8s.io", "roles").Select(c => (c.Name, c.Type, c.Format)));
        Assert.Equal(["r", "2025-03-12T23:00:00Z"], Eks.Rows("rbac.authorization.k8s.io", "roles", [role], Now)[0].Cells);
    }

    [Fact]
    public void Configmaps_secrets_and_services()
    {
        Assert.Equal(["c", 3L, "<unknown>"], Eks.Rows("", "configmaps", [Obj("""{"metadata":{"name":"c"},"data":{"a":"1","b":"2"},"binaryData":{"c":"AA=="}}""")], Now)[0].Cells);
        Assert.Equal(["s", "Opaque", 1L, "<unknown>"], Eks.Rows("", "secrets", [Obj("""{"metadata":{"name":"s"},"type":"Opaque","data":{"a":"MQ=="}}""")], Now)[0].Cells);
        var svc = Obj("""{"metadata":{"name":"svc"},"spec":{"type":"NodePort","clusterIP":"10.100.0.1","clusterIPs":["10.100.0.1"],"ports":[{"port":80,"nodePort":30080,"protocol":"TCP"},{"port":53,"protocol":"UDP"}],"selector":{"app":"web"}}}""");
        Assert.Equal(["svc", "NodePort", "10.100.0.1", "<none>", "80:30080/TCP,53/UDP", "<unknown>", "app=web"], Eks.Rows("", "services", [svc], Now)[0].Cells);
    }

    [Fact]
    public void Custom_resources_use_their_printer_columns()
    {
        var converter = new TableConverter(ServedApis.ForEks().AddOrReplace(TestCrds.Widget()));
        Assert.Equal([("Name", 0), ("Size", 0), ("Color", 1), ("Age", 0)], converter.ColumnsFor("example.com", "widgets").Select(c => (c.Name, c.Priority)));
        var w = Obj("""{"metadata":{"name":"w","creationTimestamp":"2025-03-13T01:31:50Z"},"spec":{"size":3}}""");
        Assert.Equal(["w", 3L, null, "60s"], converter.Rows("example.com", "widgets", [w], Now)[0].Cells);
        // v1beta1 declares no columns: Name and Age
        Assert.Equal(["Name", "Age"], converter.ColumnsFor("example.com", "widgets", "v1beta1").Select(c => c.Name));
    }

    [Fact]
    public void Table_json_carries_partial_object_metadata_by_default()
    {
        var cm = Obj("""{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"c","namespace":"default","creationTimestamp":"2025-03-13T01:32:40Z"},"data":{"a":"1"}}""");
        var text = Encoding.UTF8.GetString(Eks.ToTable("", "configmaps", [cm], IncludeObject.Metadata, Now, resourceVersion: "42"));
        Assert.Equal(
            """{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"42"},"columnDefinitions":[{"name":"Name","type":"string","format":"name","description":"","priority":0},{"name":"Data","type":"integer","format":"","description":"","priority":0},{"name":"Age","type":"string","format":"","description":"","priority":0}],"rows":[{"cells":["c",1,"10s"],"object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":"c","namespace":"default","creationTimestamp":"2025-03-13T01:32:40Z"}}}]}""" + "\n",
            text);
        Assert.Contains("\"object\":null", Encoding.UTF8.GetString(Eks.ToTable("", "configmaps", [cm], IncludeObject.None, Now)));
        Assert.Contains("\"object\":{\"kind\":\"ConfigMap\"", Encoding.UTF8.GetString(Eks.ToTable("", "configmaps", [cm], IncludeObject.Object, Now)));
    }
}

public class MorePrinterTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2025-03-13T01:32:50Z");
    private static readonly TableConverter Eks = new(ServedApis.ForEks().Current);

    private static IReadOnlyList<object?> Cells(string group, string resource, string json) =>
        Eks.Rows(group, resource, [JsonNode.Parse(json)!.AsObject()], Now)[0].Cells;

    [Fact]
    public void Jobs_show_status_completions_and_duration()
    {
        Assert.Equal(["Name", "Status", "Completions", "Duration", "Age"], Eks.ColumnsFor("batch", "jobs").Where(c => c.Priority == 0).Select(c => c.Name));
        Assert.Equal(
            ["pi", "Complete", "1/1", "17s", "<unknown>", "pi", "perl", "batch.kubernetes.io/controller-uid=abc"],
            Cells("batch", "jobs", """
                {"metadata":{"name":"pi"},"spec":{"completions":1,"selector":{"matchLabels":{"batch.kubernetes.io/controller-uid":"abc"}},
                 "template":{"spec":{"containers":[{"name":"pi","image":"perl"}]}}},
                 "status":{"succeeded":1,"startTime":"2025-03-13T01:00:00Z","completionTime":"2025-03-13T01:00:17Z","conditions":[{"type":"Complete","status":"True"}]}}
                """));
        Assert.Equal("0/1 of 3", Cells("batch", "jobs", """{"metadata":{"name":"p"},"spec":{"parallelism":3}}""")[2]);
    }

    [Fact]
    public void Events_fill_every_cell_and_count_singletons_as_one()
    {
        Assert.Equal(
            ["5m", "Normal", "Scheduled", "pod/web-1", "", "default-scheduler", "Successfully assigned default/web-1", "5m", 1L, "web-1.17c"],
            Cells("", "events", """
                {"metadata":{"name":"web-1.17c"},"type":"Normal","reason":"Scheduled","message":"Successfully assigned default/web-1 ",
                 "involvedObject":{"kind":"Pod","name":"web-1"},"reportingComponent":"default-scheduler","eventTime":"2025-03-13T01:27:50.000000Z"}
                """));
    }

    [Fact]
    public void Claims_volumes_and_storage_classes()
    {
        Assert.Equal(
            ["data", "Bound", "pv-1", "10Gi", "RWO", "gp2", "<unset>", "<unknown>", "Filesystem"],
            Cells("", "persistentvolumeclaims", """
                {"metadata":{"name":"data"},"spec":{"volumeName":"pv-1","storageClassName":"gp2","volumeMode":"Filesystem"},
                 "status":{"phase":"Bound","capacity":{"storage":"10Gi"},"accessModes":["ReadWriteOnce"]}}
                """));
        Assert.Equal(
            ["gp2 (default)", "kubernetes.io/aws-ebs", "Delete", "WaitForFirstConsumer", false, "<unknown>"],
            Cells("storage.k8s.io", "storageclasses", """
                {"metadata":{"name":"gp2","annotations":{"storageclass.kubernetes.io/is-default-class":"true"}},"provisioner":"kubernetes.io/aws-ebs",
                 "reclaimPolicy":"Delete","volumeBindingMode":"WaitForFirstConsumer"}
                """));
    }

    [Fact]
    public void Hpas_pdbs_and_endpoints()
    {
        Assert.Equal(
            ["web", "Deployment/web", "cpu: 40%/80%", "1", 5L, 2L, "<unknown>"],
            Cells("autoscaling", "horizontalpodautoscalers", """
                {"metadata":{"name":"web"},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"web"},"minReplicas":1,"maxReplicas":5,
                 "metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":80}}}]},
                 "status":{"currentReplicas":2,"currentMetrics":[{"type":"Resource","resource":{"name":"cpu","current":{"averageUtilization":40}}}]}}
                """));
        Assert.Equal(["pdb", "1", "N/A", 0L, "<unknown>"], Cells("policy", "poddisruptionbudgets", """{"metadata":{"name":"pdb"},"spec":{"minAvailable":1}}"""));
        Assert.Equal(
            ["kubernetes", "10.0.1.1:443,10.0.2.1:443,10.0.3.1:443 + 1 more...", "<unknown>"],
            Cells("", "endpoints", """
                {"metadata":{"name":"kubernetes"},"subsets":[{"addresses":[{"ip":"10.0.1.1"},{"ip":"10.0.2.1"},{"ip":"10.0.3.1"},{"ip":"10.0.4.1"}],"ports":[{"port":443}]}]}
                """));
    }

    [Fact]
    public void Finished_pods_carry_the_completed_row_condition()
    {
        var row = Eks.Rows("", "pods", [JsonNode.Parse("""{"metadata":{"name":"p"},"spec":{"containers":[]},"status":{"phase":"Succeeded"}}""")!.AsObject()], Now)[0];
        Assert.Equal([new TableRowCondition("Completed", "True", "Succeeded", "The pod has completed successfully.")], row.Conditions);
        var text = System.Text.Encoding.UTF8.GetString(TableWriter.Write(Eks.ColumnsFor("", "pods"), [row], IncludeObject.None));
        Assert.Contains("\"conditions\":[{\"type\":\"Completed\",\"status\":\"True\",\"reason\":\"Succeeded\",\"message\":\"The pod has completed successfully.\"}],\"object\":null", text);
    }
}
