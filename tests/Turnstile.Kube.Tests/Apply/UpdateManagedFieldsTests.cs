using System.Text.Json.Nodes;
using Turnstile.Kube.Apply;
using Turnstile.Kube.Apply.Managed;
using static Turnstile.Kube.Tests.Apply.ApplyTestKit;

namespace Turnstile.Kube.Tests.Apply;

public class UpdateManagedFieldsTests
{
    // A Pod created by `kubectl apply` (client-side) on a 1.32-era server, as decoded and defaulted before admission
    // plugins ran; the expected entry is the one the server recorded (from a public admission-review log).
    private const string CreatedPod = """
        {"kind":"Pod","apiVersion":"v1","metadata":{"name":"nginx","namespace":"default","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"annotations\":{},\"name\":\"nginx\",\"namespace\":\"default\"},\"spec\":{\"containers\":[{\"image\":\"nginx:1.14.2\",\"name\":\"nginx\",\"ports\":[{\"containerPort\":80}]}]}}\n"}},
         "spec":{"containers":[{"name":"nginx","image":"nginx:1.14.2","ports":[{"containerPort":80,"protocol":"TCP"}],"resources":{},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent"}],
          "restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","securityContext":{},"schedulerName":"default-scheduler","enableServiceLinks":true},
         "status":{}}
        """;

    private const string CreatedPodFields =
        """{"f:metadata":{"f:annotations":{".":{},"f:kubectl.kubernetes.io/last-applied-configuration":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:image":{},"f:imagePullPolicy":{},"f:name":{},"f:ports":{".":{},"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:protocol":{}}},"f:resources":{},"f:terminationMessagePath":{},"f:terminationMessagePolicy":{}}},"f:dnsPolicy":{},"f:enableServiceLinks":{},"f:restartPolicy":{},"f:schedulerName":{},"f:securityContext":{},"f:terminationGracePeriodSeconds":{}}}""";

    [Fact]
    public void A_create_records_every_field_of_the_defaulted_object_as_kube_does()
    {
        var created = ServerSideApply.UpdateManagedFields(null, Obj(CreatedPod), UpdateOf(Pod, "kubectl-client-side-apply"));

        var entry = Assert.Single(Entries(created));
        Assert.Equal(("kubectl-client-side-apply", ManagedFieldsOperation.Update, "v1"), (entry.Manager, entry.Operation, entry.ApiVersion));
        Assert.Equal(T0, entry.Time);
        Assert.Equal(CreatedPodFields, FieldsOf(created, "kubectl-client-side-apply"));
        var json = created["metadata"]!["managedFields"]!.ToJsonString();
        Assert.StartsWith("""[{"manager":"kubectl-client-side-apply","operation":"Update","apiVersion":"v1","time":"2024-05-01T10:00:00Z","fieldsType":"FieldsV1","fieldsV1":{""", json);
    }

    // A Deployment created by a client (manager pulumi-kubernetes) and then given its status by the controller,
    // with the entries the server recorded (from a public test fixture of a 1.2x cluster).
    private const string CreatedDeployment = """
        {"apiVersion":"apps/v1","kind":"Deployment",
         "metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}\n"},"labels":{"app.kubernetes.io/managed-by":"pulumi"},"name":"scale-test","namespace":"default"},
         "spec":{"progressDeadlineSeconds":600,"replicas":1,"revisionHistoryLimit":10,"selector":{"matchLabels":{"app":"nginx"}},
          "strategy":{"rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"},"type":"RollingUpdate"},
          "template":{"metadata":{"labels":{"app":"nginx"}},"spec":{"containers":[{"image":"nginx:1.13","imagePullPolicy":"IfNotPresent","name":"nginx",
            "ports":[{"containerPort":80,"protocol":"TCP"}],"resources":{},"securityContext":{"capabilities":{"add":["NET_ADMIN","SYS_TIME"]}},
            "terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}],
           "dnsPolicy":"ClusterFirst","restartPolicy":"Always","schedulerName":"default-scheduler","securityContext":{},"terminationGracePeriodSeconds":30}}},
         "status":{}}
        """;

    private const string CreatorFields =
        """{"f:metadata":{"f:annotations":{".":{},"f:kubectl.kubernetes.io/last-applied-configuration":{}},"f:labels":{".":{},"f:app.kubernetes.io/managed-by":{}}},"f:spec":{"f:progressDeadlineSeconds":{},"f:replicas":{},"f:revisionHistoryLimit":{},"f:selector":{},"f:strategy":{"f:rollingUpdate":{".":{},"f:maxSurge":{},"f:maxUnavailable":{}},"f:type":{}},"f:template":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:image":{},"f:imagePullPolicy":{},"f:name":{},"f:ports":{".":{},"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:protocol":{}}},"f:resources":{},"f:securityContext":{".":{},"f:capabilities":{".":{},"f:add":{}}},"f:terminationMessagePath":{},"f:terminationMessagePolicy":{}}},"f:dnsPolicy":{},"f:restartPolicy":{},"f:schedulerName":{},"f:securityContext":{},"f:terminationGracePeriodSeconds":{}}}}}""";

    private const string ControllerFields =
        """{"f:metadata":{"f:annotations":{"f:deployment.kubernetes.io/revision":{}}},"f:status":{"f:availableReplicas":{},"f:conditions":{".":{},"k:{\"type\":\"Available\"}":{".":{},"f:lastTransitionTime":{},"f:lastUpdateTime":{},"f:message":{},"f:reason":{},"f:status":{},"f:type":{}},"k:{\"type\":\"Progressing\"}":{".":{},"f:lastTransitionTime":{},"f:lastUpdateTime":{},"f:message":{},"f:reason":{},"f:status":{},"f:type":{}}},"f:observedGeneration":{},"f:readyReplicas":{},"f:replicas":{},"f:updatedReplicas":{}}}""";

    [Fact]
    public void A_created_deployment_and_its_status_update_record_the_entries_of_a_real_cluster()
    {
        var created = ServerSideApply.UpdateManagedFields(null, Obj(CreatedDeployment), UpdateOf(Deployment, "pulumi-kubernetes"));
        Assert.Equal(CreatorFields, FieldsOf(created, "pulumi-kubernetes"));

        var withStatus = created.DeepClone().AsObject();
        withStatus["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"] = "1";
        withStatus["status"] = JsonNode.Parse("""
            {"availableReplicas":1,"conditions":[
              {"lastTransitionTime":"2023-06-02T15:33:43Z","lastUpdateTime":"2023-06-02T15:33:43Z","message":"Deployment has minimum availability.","reason":"MinimumReplicasAvailable","status":"True","type":"Available"},
              {"lastTransitionTime":"2023-06-02T15:33:42Z","lastUpdateTime":"2023-06-02T15:33:43Z","message":"ReplicaSet has successfully progressed.","reason":"NewReplicaSetAvailable","status":"True","type":"Progressing"}],
             "observedGeneration":1,"readyReplicas":1,"replicas":1,"updatedReplicas":1}
            """);
        var updated = ServerSideApply.UpdateManagedFields(created, withStatus,
            UpdateOf(Deployment, "kube-controller-manager", T0.AddSeconds(1), subresource: "status"));

        Assert.Equal("pulumi-kubernetes:Update,kube-controller-manager:Update", ManagersOf(updated));
        Assert.Equal(CreatorFields, FieldsOf(updated, "pulumi-kubernetes"));
        Assert.Equal(ControllerFields, FieldsOf(updated, "kube-controller-manager"));
        var controller = Entries(updated)[1];
        Assert.Equal(("status", T0.AddSeconds(1)), (controller.Subresource, controller.Time));
        Assert.EndsWith(""","subresource":"status"}]""", updated["metadata"]!["managedFields"]!.ToJsonString());
    }

    private static JsonObject Cm(string data, string extraMetadata = "") =>
        Obj($$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"default"{{extraMetadata}}},"data":{{data}}}""");

    [Fact]
    public void An_update_moves_the_fields_it_changes_and_drops_managers_left_with_nothing()
    {
        var live = ServerSideApply.UpdateManagedFields(null, Cm("""{"a":"1"}"""), UpdateOf(ConfigMap, "kubectl-create"));
        live = ServerSideApply.UpdateManagedFields(live, Cm("""{"a":"2","b":"x"}"""), UpdateOf(ConfigMap, "kubectl-edit", T0.AddSeconds(3)));

        Assert.Equal("kubectl-create:Update,kubectl-edit:Update", ManagersOf(live));
        Assert.Equal("""{"f:data":{}}""", FieldsOf(live, "kubectl-create"));
        Assert.Equal("""{"f:data":{"f:a":{},"f:b":{}}}""", FieldsOf(live, "kubectl-edit"));

        // Removing the data map removes it from its owner; an owner without fields disappears.
        live = ServerSideApply.UpdateManagedFields(live, Obj("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"default"}}"""),
            UpdateOf(ConfigMap, "kubectl-replace", T0.AddSeconds(9)));
        Assert.Null(live["metadata"]!["managedFields"]);
    }

    [Fact]
    public void An_update_that_changes_nothing_keeps_the_entries_and_their_times()
    {
        var live = ServerSideApply.UpdateManagedFields(null, Cm("""{"a":"1"}"""), UpdateOf(ConfigMap, "kubectl-create"));
        var same = ServerSideApply.UpdateManagedFields(live, Cm("""{"a":"1"}"""), UpdateOf(ConfigMap, "other", T0.AddHours(1)));
        Assert.Equal(live.ToJsonString(), same.ToJsonString());
    }

    [Fact]
    public void The_manager_defaults_to_unknown()
    {
        var live = ServerSideApply.UpdateManagedFields(null, Cm("""{"a":"1"}"""), UpdateOf(ConfigMap, ""));
        Assert.Equal("unknown:Update", ManagersOf(live));
    }

    [Fact]
    public void Entries_sent_by_the_client_replace_the_stored_ones_and_an_empty_list_clears_them()
    {
        var live = ServerSideApply.UpdateManagedFields(null, Cm("""{"a":"1"}"""), UpdateOf(ConfigMap, "kubectl-create"));

        var sent = Cm("""{"a":"1"}""", ""","managedFields":[{"manager":"restored","operation":"Update","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:a":{}}}}]""");
        Assert.Equal("restored:Update", ManagersOf(ServerSideApply.UpdateManagedFields(live, sent, UpdateOf(ConfigMap, "kubectl-replace"))));

        foreach (var reset in new[] { ""","managedFields":[]""", ""","managedFields":[{}]""" })
        {
            var cleared = ServerSideApply.UpdateManagedFields(live, Cm("""{"a":"2"}""", reset), UpdateOf(ConfigMap, "kubectl-replace"));
            Assert.False(cleared["metadata"]!.AsObject().ContainsKey("managedFields"));
            Assert.Equal("2", cleared["data"]!["a"]!.GetValue<string>());
        }

        // Entries kube would not decode are ignored: the stored ones stay.
        var invalid = Cm("""{"a":"1"}""", ""","managedFields":[{"manager":"x","operation":"Delete","apiVersion":"v1","fieldsType":"FieldsV1"}]""");
        Assert.Equal("kubectl-create:Update", ManagersOf(ServerSideApply.UpdateManagedFields(live, invalid, UpdateOf(ConfigMap, "y"))));
        var unset = Cm("""{"a":"1"}""", ""","managedFields":null""");
        Assert.Equal("kubectl-create:Update", ManagersOf(ServerSideApply.UpdateManagedFields(live, unset, UpdateOf(ConfigMap, "y"))));
    }

    [Fact]
    public void An_object_stored_without_entries_stays_untracked_until_applied()
    {
        var untracked = Cm("""{"a":"1"}""");
        var updated = ServerSideApply.UpdateManagedFields(untracked, Cm("""{"a":"2"}"""), UpdateOf(ConfigMap, "kubectl-edit"));
        Assert.Null(updated["metadata"]!["managedFields"]);
    }

    [Fact]
    public void A_subresource_write_cannot_change_the_entries()
    {
        var live = ServerSideApply.UpdateManagedFields(null, Cm("""{"a":"1"}"""), UpdateOf(ConfigMap, "kubectl-create"));
        var sent = Cm("""{"a":"1"}""", ""","managedFields":[]""");
        var result = ServerSideApply.UpdateManagedFields(live, sent, UpdateOf(ConfigMap, "status-writer", subresource: "status"));
        Assert.Equal("kubectl-create:Update", ManagersOf(result));
    }

    [Fact]
    public void At_most_ten_update_entries_are_kept_the_oldest_merged_into_ancient_changes()
    {
        var live = ServerSideApply.UpdateManagedFields(null, Cm("""{"k0":"v"}"""), UpdateOf(ConfigMap, "m0"));
        var data = new JsonObject { ["k0"] = "v" };
        for (var i = 1; i <= 11; i++)
        {
            data[$"k{i}"] = "v";
            live = ServerSideApply.UpdateManagedFields(live, Cm(data.ToJsonString()), UpdateOf(ConfigMap, $"m{i}", T0.AddSeconds(i)));
        }

        var entries = Entries(live);
        Assert.Equal(10, entries.Count);
        var ancient = Assert.Single(entries, e => e.Manager == "ancient-changes");
        Assert.Equal("""{"f:data":{".":{},"f:k0":{},"f:k1":{},"f:k2":{}}}""", Turnstile.Kube.Apply.FieldPaths.FieldsV1.Serialize(ancient.Fields));
        Assert.Equal(T0.AddSeconds(2), ancient.Time);
        Assert.DoesNotContain(entries, e => e.Manager is "m0" or "m1" or "m2");
    }

    [Fact]
    public void A_write_that_only_moves_entry_times_gets_the_stored_times_back()
    {
        var stored = ServerSideApply.UpdateManagedFields(null, Cm("""{"a":"1"}"""), UpdateOf(ConfigMap, "kubectl-create"));
        var rewritten = stored.DeepClone().AsObject();
        rewritten["metadata"]!["managedFields"]![0]!["time"] = "2030-01-01T00:00:00Z";

        Assert.True(ServerSideApply.KeepTimesOfNoOpWrite(stored, rewritten));
        Assert.Equal(stored.ToJsonString(), rewritten.ToJsonString());

        var changed = rewritten.DeepClone().AsObject();
        changed["metadata"]!["managedFields"]![0]!["time"] = "2030-01-01T00:00:00Z";
        changed["data"]!["a"] = "2";
        Assert.False(ServerSideApply.KeepTimesOfNoOpWrite(stored, changed));
        Assert.Equal("2030-01-01T00:00:00Z", changed["metadata"]!["managedFields"]![0]!["time"]!.GetValue<string>());
    }
}
