using System.Text.Json.Nodes;
using Turnstile.Kube.Apply;
using Turnstile.Kube.Apply.Managed;
using static Turnstile.Kube.Tests.Apply.ApplyTestKit;

namespace Turnstile.Kube.Tests.Apply;

public class ApplyTests
{
    private const string TestCm = """
        {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"test-cm","namespace":"default","labels":{"test-label":"test"}},"data":{"key":"some value"}}
        """;

    [Fact]
    public void Apply_creates_a_missing_object_and_records_the_applied_fields()
    {
        var result = ServerSideApply.Apply(null, Obj(TestCm), ApplyTo(ConfigMap, "test-cm"));

        var success = Assert.IsType<ApplyResult.Success>(result);
        Assert.True(success.Created);
        Assert.Equal(Obj(TestCm).ToJsonString(), Content(success.Object));
        var entry = Assert.Single(Entries(success.Object));
        Assert.Equal(("kubectl", ManagedFieldsOperation.Apply, "v1", (DateTimeOffset?)T0, ""),
            (entry.Manager, entry.Operation, entry.ApiVersion, entry.Time, entry.Subresource));
        Assert.Equal("""{"f:data":{"f:key":{}},"f:metadata":{"f:labels":{"f:test-label":{}}}}""", FieldsOf(success.Object, "kubectl"));
        Assert.Equal(
            """[{"manager":"kubectl","operation":"Apply","apiVersion":"v1","time":"2024-05-01T10:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:key":{}},"f:metadata":{"f:labels":{"f:test-label":{}}}}}]""",
            success.Object["metadata"]!["managedFields"]!.ToJsonString());
    }

    [Fact]
    public void Server_side_apply_after_kubectl_create_conflicts_on_the_changed_field()
    {
        var created = ServerSideApply.UpdateManagedFields(null,
            Obj("""{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"test-cm","namespace":"default"},"data":{"key":"value"}}"""),
            UpdateOf(ConfigMap, "kubectl-create"));
        Assert.Equal("""{"f:data":{".":{},"f:key":{}}}""", FieldsOf(created, "kubectl-create"));

        var status = Rejected(created, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"test-cm","namespace":"default"},"data":{"key":"other"}}""",
            ApplyTo(ConfigMap, "test-cm"));

        Assert.Equal(
            """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Apply failed with 1 conflict: conflict with \"kubectl-create\" using v1: .data.key","reason":"Conflict","details":{"causes":[{"reason":"FieldManagerConflict","message":"conflict with \"kubectl-create\" using v1","field":".data.key"}]},"code":409}""" + "\n",
            status.ToJson());
    }

    [Fact]
    public void Force_takes_the_conflicting_field_and_the_updater_keeps_the_rest()
    {
        var created = ServerSideApply.UpdateManagedFields(null,
            Obj("""{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"test-cm","namespace":"default"},"data":{"key":"value","other":"x"}}"""),
            UpdateOf(ConfigMap, "kubectl-create"));

        var applied = Applied(created, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"test-cm","namespace":"default"},"data":{"key":"new"}}""",
            ApplyTo(ConfigMap, "test-cm", force: true, now: T0.AddMinutes(1)));

        Assert.Equal("new", applied["data"]!["key"]!.GetValue<string>());
        Assert.Equal("x", applied["data"]!["other"]!.GetValue<string>());
        Assert.Equal("kubectl:Apply,kubectl-create:Update", ManagersOf(applied));
        Assert.Equal("""{"f:data":{"f:key":{}}}""", FieldsOf(applied, "kubectl"));
        Assert.Equal("""{"f:data":{".":{},"f:other":{}}}""", FieldsOf(applied, "kubectl-create"));
        Assert.Equal(T0, Entries(applied).Single(e => e.Manager == "kubectl-create").Time);
        Assert.Equal(T0.AddMinutes(1), Entries(applied).Single(e => e.Manager == "kubectl").Time);
    }

    [Fact]
    public void Applying_the_value_another_manager_set_shares_the_field_without_conflict()
    {
        var created = ServerSideApply.UpdateManagedFields(null,
            Obj("""{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"test-cm","namespace":"default"},"data":{"key":"value"}}"""),
            UpdateOf(ConfigMap, "kubectl-create"));

        var applied = Applied(created, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"test-cm","namespace":"default"},"data":{"key":"value"}}""",
            ApplyTo(ConfigMap, "test-cm", now: T0.AddMinutes(1)));

        Assert.Equal(Content(created), Content(applied));
        Assert.Equal("""{"f:data":{"f:key":{}}}""", FieldsOf(applied, "kubectl"));
        Assert.Equal("""{"f:data":{".":{},"f:key":{}}}""", FieldsOf(applied, "kubectl-create"));
        // Nothing changed, so the new entry carries no time (kube stamps only writes that change the object).
        Assert.Null(Entries(applied).Single(e => e.Manager == "kubectl").Time);
    }

    [Fact]
    public void Several_conflicts_are_grouped_by_manager()
    {
        var live = ServerSideApply.UpdateManagedFields(null,
            Obj("""{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"cm","namespace":"default"},"data":{"a":"1","b":"2"}}"""),
            UpdateOf(ConfigMap, "kubectl-create"));
        var edited = live.DeepClone().AsObject();
        edited["data"]!["c"] = "3";
        live = ServerSideApply.UpdateManagedFields(live, edited, UpdateOf(ConfigMap, "helm", T0.AddSeconds(5)));

        var status = Rejected(live, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"default"},"data":{"a":"x","b":"y","c":"z"}}""",
            ApplyTo(ConfigMap, "cm", manager: "deployer"));

        Assert.Equal(409, status.Code);
        Assert.Equal("Apply failed with 3 conflicts: conflicts with \"helm\" using v1:\n- .data.c\nconflicts with \"kubectl-create\" using v1:\n- .data.a\n- .data.b",
            status.Message);
        Assert.Equal(
            [(".data.c", "conflict with \"helm\" using v1"), (".data.a", "conflict with \"kubectl-create\" using v1"), (".data.b", "conflict with \"kubectl-create\" using v1")],
            status.Details!.Causes.Select(c => (c.Field, c.Message)).ToArray());
        Assert.All(status.Details.Causes, c => Assert.Equal("FieldManagerConflict", c.Reason));
    }

    [Fact]
    public void Reapplying_without_a_field_removes_it_unless_another_manager_owns_it()
    {
        const string both = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"default"},"data":{"a":"1","b":"2"}}""";
        var live = Applied(null, both, ApplyTo(ConfigMap, "cm", manager: "first"));
        live = Applied(live, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"default"},"data":{"b":"2"}}""",
            ApplyTo(ConfigMap, "cm", manager: "second"));

        var result = Applied(live, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"default"}}""",
            ApplyTo(ConfigMap, "cm", manager: "first", now: T0.AddMinutes(1)));

        Assert.Equal("""{"b":"2"}""", result["data"]!.ToJsonString());
        Assert.Equal("second:Apply", ManagersOf(result));
    }

    [Fact]
    public void Ownership_moves_between_managers_through_a_shared_value()
    {
        var live = Applied(null, """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"nginx","namespace":"default"},"spec":{"replicas":3}}""",
            ApplyTo(Deployment, "nginx", manager: "user"));
        live = Applied(live, """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"nginx","namespace":"default"},"spec":{"replicas":3}}""",
            ApplyTo(Deployment, "nginx", manager: "handover-to-hpa"));
        Assert.Equal("""{"f:spec":{"f:replicas":{}}}""", FieldsOf(live, "user"));
        Assert.Equal("""{"f:spec":{"f:replicas":{}}}""", FieldsOf(live, "handover-to-hpa"));

        live = Applied(live, """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"nginx","namespace":"default"}}""",
            ApplyTo(Deployment, "nginx", manager: "user"));

        Assert.Equal(3, live["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal("handover-to-hpa:Apply", ManagersOf(live));

        // The shared owner's value is now guarded against the previous owner.
        var status = Rejected(live, """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"nginx","namespace":"default"},"spec":{"replicas":5}}""",
            ApplyTo(Deployment, "nginx", manager: "user"));
        Assert.Equal("Apply failed with 1 conflict: conflict with \"handover-to-hpa\": .spec.replicas", status.Message);
    }

    [Fact]
    public void Containers_merge_by_name_and_ports_by_port_and_defaulted_protocol()
    {
        var live = Applied(null, """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},
             "spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},
              "spec":{"containers":[{"name":"app","image":"nginx:1.25","ports":[{"containerPort":80}]}]}}}}
            """, ApplyTo(Deployment, "web", manager: "team"));
        Assert.Equal(
            """{"f:spec":{"f:selector":{},"f:template":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"app\"}":{".":{},"f:image":{},"f:name":{},"f:ports":{"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{}}}}}}}}}""",
            FieldsOf(live, "team"));

        live = Applied(live, """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},
             "spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"envoy:1"}]}}}}
            """, ApplyTo(Deployment, "web", manager: "mesh"));
        Assert.Equal("""["app","sidecar"]""", Names(live));
        Assert.Equal(
            """{"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"sidecar\"}":{".":{},"f:image":{},"f:name":{}}}}}}}""",
            FieldsOf(live, "mesh"));

        // The team drops its container for another: theirs goes, the sidecar stays.
        live = Applied(live, """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},
             "spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},
              "spec":{"containers":[{"name":"api","image":"api:2"}]}}}}
            """, ApplyTo(Deployment, "web", manager: "team"));
        Assert.Equal("""["sidecar","api"]""", Names(live));

        static string Names(JsonObject d) =>
            new JsonArray(d["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Select(c => (JsonNode?)c!["name"]!.DeepClone()).ToArray()).ToJsonString();
    }

    [Fact]
    public void An_atomic_list_is_owned_and_replaced_as_a_whole()
    {
        var live = Applied(null, """
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"reader","namespace":"default"},
             "rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}]}
            """, ApplyTo(Role, "reader", manager: "alice"));
        Assert.Equal("""{"f:rules":{}}""", FieldsOf(live, "alice"));

        const string bobs = """
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"reader","namespace":"default"},
             "rules":[{"apiGroups":[""],"resources":["configmaps"],"verbs":["list"]}]}
            """;
        Assert.Equal("Apply failed with 1 conflict: conflict with \"alice\": .rules",
            Rejected(live, bobs, ApplyTo(Role, "reader", manager: "bob")).Message);

        var forced = Applied(live, bobs, ApplyTo(Role, "reader", manager: "bob", force: true));
        Assert.Equal("""[{"apiGroups":[""],"resources":["configmaps"],"verbs":["list"]}]""", forced["rules"]!.ToJsonString());
        Assert.Equal("bob:Apply", ManagersOf(forced));
    }

    [Fact]
    public void Set_items_are_owned_one_by_one()
    {
        var live = Applied(null, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"default","finalizers":["a.example/x"]}}""",
            ApplyTo(ConfigMap, "cm", manager: "one"));
        live = Applied(live, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"default","finalizers":["b.example/y"]}}""",
            ApplyTo(ConfigMap, "cm", manager: "two"));
        Assert.Equal("""["a.example/x","b.example/y"]""", live["metadata"]!["finalizers"]!.ToJsonString());
        Assert.Equal("""{"f:metadata":{"f:finalizers":{"v:\"b.example/y\"":{}}}}""", FieldsOf(live, "two"));

        live = Applied(live, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"default"}}""",
            ApplyTo(ConfigMap, "cm", manager: "one"));
        Assert.Equal("""["b.example/y"]""", live["metadata"]!["finalizers"]!.ToJsonString());
    }

    [Fact]
    public void An_existing_object_without_entries_is_first_owned_by_before_first_apply()
    {
        var seeded = Obj("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"aws-auth","namespace":"kube-system","uid":"u-1"},"data":{"mapRoles":"- rolearn: a\n"}}""");

        var status = Rejected(seeded, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"aws-auth","namespace":"kube-system"},"data":{"mapRoles":"[]"}}""",
            ApplyTo(ConfigMap, "aws-auth", ns: "kube-system"));
        Assert.Equal("Apply failed with 1 conflict: conflict with \"before-first-apply\" using v1: .data.mapRoles", status.Message);

        var shared = Applied(seeded, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"aws-auth","namespace":"kube-system"},"data":{"mapRoles":"- rolearn: a\n"}}""",
            ApplyTo(ConfigMap, "aws-auth", ns: "kube-system"));
        Assert.Equal("kubectl:Apply,before-first-apply:Update", ManagersOf(shared));
        Assert.Equal("""{"f:data":{".":{},"f:mapRoles":{}}}""", FieldsOf(shared, "before-first-apply"));
        Assert.Equal(T0, Entries(shared).Single(e => e.Manager == "before-first-apply").Time);
    }

    [Fact]
    public void Kubectl_server_side_apply_takes_over_fields_of_its_client_side_apply()
    {
        var config = Obj("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"default"},"data":{"key":"v1"}}""");
        var annotated = config.DeepClone().AsObject();
        annotated["metadata"]!["annotations"] = new JsonObject { [ServerSideApply.LastAppliedAnnotation] = Values(config) };
        var live = ServerSideApply.UpdateManagedFields(null, annotated, UpdateOf(ConfigMap, "kubectl-client-side-apply"));

        const string next = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"default"},"data":{"key":"v2"}}""";
        Assert.Equal("Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using v1: .data.key",
            Rejected(live, next, ApplyTo(ConfigMap, "cm", manager: "other")).Message);

        var upgraded = Applied(live, next, ApplyTo(ConfigMap, "cm", manager: "kubectl"));
        Assert.Equal("v2", upgraded["data"]!["key"]!.GetValue<string>());
        Assert.Equal("""{"f:data":{"f:key":{}}}""", FieldsOf(upgraded, "kubectl"));
        Assert.Equal(
            "{\"apiVersion\":\"v1\",\"data\":{\"key\":\"v2\"},\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm\",\"namespace\":\"default\"}}\n",
            upgraded["metadata"]!["annotations"]![ServerSideApply.LastAppliedAnnotation]!.GetValue<string>());

        static string Values(JsonObject o) => o.ToJsonString() + "\n";
    }

    [Fact]
    public void The_last_applied_annotation_does_not_excuse_fields_changed_since()
    {
        var config = Obj("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"default"},"data":{"key":"v1"}}""");
        var annotated = config.DeepClone().AsObject();
        annotated["metadata"]!["annotations"] = new JsonObject { [ServerSideApply.LastAppliedAnnotation] = config.ToJsonString() };
        var live = ServerSideApply.UpdateManagedFields(null, annotated, UpdateOf(ConfigMap, "kubectl-client-side-apply"));
        var edited = live.DeepClone().AsObject();
        edited["data"]!["key"] = "edited";
        live = ServerSideApply.UpdateManagedFields(live, edited, UpdateOf(ConfigMap, "kubectl-edit", T0.AddSeconds(1)));

        var status = Rejected(live, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"default"},"data":{"key":"v2"}}""",
            ApplyTo(ConfigMap, "cm"));
        Assert.Equal("Apply failed with 1 conflict: conflict with \"kubectl-edit\" using v1: .data.key", status.Message);
    }

    [Fact]
    public void A_no_op_apply_changes_nothing_not_even_times()
    {
        var live = Applied(null, TestCm, ApplyTo(ConfigMap, "test-cm"));

        var again = Applied(live, TestCm, ApplyTo(ConfigMap, "test-cm", now: T0.AddHours(1)));

        Assert.Equal(live.ToJsonString(), again.ToJsonString());
    }

    [Fact]
    public void Entry_times_are_whole_seconds()
    {
        var live = Applied(null, TestCm, ApplyTo(ConfigMap, "test-cm", now: T0.AddMilliseconds(987)));
        Assert.Equal("2024-05-01T10:00:00Z", live["metadata"]!["managedFields"]![0]!["time"]!.GetValue<string>());
    }

    [Fact]
    public void Fields_the_strategy_resets_are_not_owned()
    {
        var request = ApplyTo(Deployment, "d") with { ResetFields = Turnstile.Kube.Apply.FieldPaths.FieldSet.Of(Turnstile.Kube.Apply.FieldPaths.FieldPath.Of("status")) };
        var live = Applied(null, """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","namespace":"default"},"spec":{"replicas":2},"status":{"replicas":7}}""",
            request);
        Assert.Equal("""{"f:spec":{"f:replicas":{}}}""", FieldsOf(live, "kubectl"));
    }

    [Fact]
    public void An_apply_to_a_subresource_is_its_own_entry()
    {
        var live = Applied(null, """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","namespace":"default"},"spec":{"replicas":2}}""",
            ApplyTo(Deployment, "d"));
        var status = Applied(live, """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","namespace":"default"},"status":{"replicas":2}}""",
            ApplyTo(Deployment, "d") with { Subresource = "status" });

        Assert.Equal("kubectl:Apply,kubectl:Apply", ManagersOf(status));
        Assert.Equal("""{"f:status":{"f:replicas":{}}}""", FieldsV1Of(Entries(status).Single(e => e.Subresource == "status")));
        Assert.Equal("""{"f:spec":{"f:replicas":{}}}""", FieldsV1Of(Entries(status).Single(e => e.Subresource == "")));

        var conflict = Rejected(status, """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","namespace":"default"},"status":{"replicas":3}}""",
            ApplyTo(Deployment, "d", manager: "other") with { Subresource = "status" });
        Assert.Equal("Apply failed with 1 conflict: conflict with \"kubectl\" with subresource \"status\": .status.replicas", conflict.Message);

        static string FieldsV1Of(ManagedFieldsEntry e) => Turnstile.Kube.Apply.FieldPaths.FieldsV1.Serialize(e.Fields);
    }

    [Fact]
    public void A_cluster_scoped_object_drops_a_namespace_and_a_namespaced_one_gets_the_url_namespace()
    {
        var binding = Applied(null, """
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"ops","namespace":"ignored"},
             "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"},
             "subjects":[{"kind":"Group","apiGroup":"rbac.authorization.k8s.io","name":"ops"}]}
            """, ApplyTo(ClusterRoleBinding, "ops"));
        Assert.False(binding["metadata"]!.AsObject().ContainsKey("namespace"));
        Assert.Equal("""{"f:roleRef":{},"f:subjects":{}}""", FieldsOf(binding, "kubectl"));

        var cm = Applied(null, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"},"data":{"a":"b"}}""", ApplyTo(ConfigMap, "cm", ns: "team"));
        Assert.Equal("team", cm["metadata"]!["namespace"]!.GetValue<string>());
    }

    [Fact]
    public void Custom_resources_follow_their_schema_and_unknown_kinds_are_deduced()
    {
        var widget = Applied(null, """
            {"apiVersion":"stable.example.com/v1","kind":"Widget","metadata":{"name":"w","namespace":"default"},
             "spec":{"tags":["b","a"],"parts":[{"name":"p","count":2}],"settings":{"x":"1"},"extra":{"deep":{"k":"v"}},"port":8080}}
            """, ApplyTo(Widget, "w"));
        Assert.Equal(
            """{"f:spec":{"f:extra":{"f:deep":{".":{},"f:k":{}}},"f:parts":{"k:{\"name\":\"p\"}":{".":{},"f:count":{},"f:name":{}}},"f:port":{},"f:settings":{},"f:tags":{"v:\"a\"":{},"v:\"b\"":{}}}}""",
            FieldsOf(widget, "kubectl"));

        var gadget = Applied(null, """
            {"apiVersion":"stable.example.com/v1","kind":"Gadget","metadata":{"name":"g","namespace":"default","labels":{"a":"b"}},"spec":{"list":[1,2],"map":{"k":"v"}}}
            """, ApplyTo(Gadget, "g"));
        Assert.Equal(
            """{"f:metadata":{"f:labels":{".":{},"f:a":{}}},"f:spec":{".":{},"f:list":{},"f:map":{".":{},"f:k":{}}}}""",
            FieldsOf(gadget, "kubectl"));
    }

    [Theory]
    [InlineData("""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"cm"}}""", 400, "invalid object type: /v1, Kind=Secret")]
    [InlineData("""{"apiVersion":"apps/v1","kind":"ConfigMap","metadata":{"name":"cm"}}""", 400, "invalid object type: apps/v1, Kind=ConfigMap")]
    [InlineData("""{"metadata":{"name":"cm"}}""", 400, "invalid object type: /, Kind=")]
    [InlineData("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","managedFields":[]}}""", 400, "metadata.managedFields must be nil")]
    [InlineData("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"default"},"spec":{}}""", 400,
        "failed to create typed patch object (default/cm; /v1, Kind=ConfigMap): .spec: field not declared in schema")]
    [InlineData("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"},"data":{"a":1}}""", 400,
        "failed to create typed patch object (/cm; /v1, Kind=ConfigMap): .data.a: expected string, got &value.valueUnstructured{Value:1}")]
    [InlineData("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"},"immutable":"yes"}""", 400,
        "failed to create typed patch object (/cm; /v1, Kind=ConfigMap): .immutable: expected boolean, got &{yes}")]
    [InlineData("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","labels":"x"}}""", 400,
        "failed to create typed patch object (/cm; /v1, Kind=ConfigMap): .metadata.labels: expected map, got &{x}")]
    [InlineData("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"other"}}""", 400,
        "the name of the object (other) does not match the name on the URL (cm)")]
    [InlineData("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"prod"}}""", 400,
        "the namespace of the provided object does not match the namespace sent on the request")]
    [InlineData("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","uid":"abc"}}""", 409,
        "Operation cannot be fulfilled on configmaps \"cm\": uid mismatch: the provided object specified uid abc, and no existing object was found")]
    public void Bad_configurations_get_kubes_errors(string config, int code, string message)
    {
        var status = Rejected(null, config, ApplyTo(ConfigMap, "cm"));
        Assert.Equal((code, message), (status.Code, status.Message));
    }

    [Theory]
    [InlineData("""[{"name":"a","image":"x"},{"name":"a","image":"y"}]""",
        ".spec.template.spec.containers: duplicate entries for key [name=\"a\"]")]
    [InlineData("""[{"name":"a","ports":[{"containerPort":"http"}]}]""",
        ".spec.template.spec.containers[name=\"a\"].ports[containerPort=\"http\",protocol=\"TCP\"].containerPort: expected numeric (int or float), got string")]
    public void List_items_must_be_identifiable(string containers, string error)
    {
        var config = """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","namespace":"default"},"spec":{"template":{"spec":{"containers":"""
                     + containers + "}}}}";
        var status = Rejected(null, config, ApplyTo(Deployment, "d"));
        Assert.Equal("failed to create typed patch object (default/d; apps/v1, Kind=Deployment): " + error, status.Message);
    }

    [Fact]
    public void A_key_field_without_a_default_is_required_but_a_defaulted_one_is_not()
    {
        var status = Rejected(null, """{"apiVersion":"stable.example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"parts":[{"count":1}]}}""",
            ApplyTo(Widget, "w"));
        Assert.Equal("failed to create typed patch object (/w; stable.example.com/v1, Kind=Widget): " +
                     ".spec.parts: element 0: associative list with keys has an element that omits key field \"name\" (and doesn't have default value)",
            status.Message);

        // Container names default to "" in the schema: the item is keyed, and Deployment validation rejects it later.
        var applied = Applied(null, """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","namespace":"default"},"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}""",
            ApplyTo(Deployment, "d"));
        Assert.Equal("""{"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"\"}":{".":{},"f:image":{}}}}}}}""", FieldsOf(applied, "kubectl"));
    }

    [Fact]
    public void Several_schema_errors_are_listed()
    {
        var status = Rejected(null, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","labels":{"a":true}},"data":{"b":[1]}}""",
            ApplyTo(ConfigMap, "cm"));
        Assert.Equal("failed to create typed patch object (/cm; /v1, Kind=ConfigMap): errors:\n" +
                     "  .metadata.labels.a: expected string, got &value.valueUnstructured{Value:true}\n" +
                     "  .data.b: expected string, got &value.valueUnstructured{Value:[]interface {}{1}}",
            status.Message);
    }

    [Fact]
    public void Service_ports_are_keyed_by_port_and_protocol_and_item_conflicts_name_the_item()
    {
        var live = Applied(null, """
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default"},
             "spec":{"selector":{"app":"web"},"ports":[{"name":"http","port":80,"targetPort":8080}]}}
            """, ApplyTo(Service, "web", manager: "team"));
        Assert.Equal(
            """{"f:spec":{"f:ports":{"k:{\"port\":80,\"protocol\":\"TCP\"}":{".":{},"f:name":{},"f:port":{},"f:targetPort":{}}},"f:selector":{}}}""",
            FieldsOf(live, "team"));

        live = Applied(live, """
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default"},"spec":{"ports":[{"name":"dns","port":53,"protocol":"UDP"}]}}
            """, ApplyTo(Service, "web", manager: "dns"));
        Assert.Equal("""[{"name":"http","port":80,"targetPort":8080},{"name":"dns","port":53,"protocol":"UDP"}]""", live["spec"]!["ports"]!.ToJsonString());

        var status = Rejected(live, """
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default"},"spec":{"ports":[{"port":80,"targetPort":"http"}]}}
            """, ApplyTo(Service, "web", manager: "dns"));
        Assert.Equal("""Apply failed with 1 conflict: conflict with "team": .spec.ports[port=80,protocol="TCP"].targetPort""", status.Message);
    }

    [Fact]
    public void Shared_list_items_take_the_applied_order_among_the_live_ones()
    {
        const string three = """
            {"apiVersion":"stable.example.com/v1","kind":"Widget","metadata":{"name":"w","namespace":"default"},
             "spec":{"parts":[{"name":"a"},{"name":"b"},{"name":"c"}]}}
            """;
        var live = Applied(null, three, ApplyTo(Widget, "w", manager: "one"));
        live = Applied(live, """
            {"apiVersion":"stable.example.com/v1","kind":"Widget","metadata":{"name":"w","namespace":"default"},"spec":{"parts":[{"name":"c"},{"name":"a"}]}}
            """, ApplyTo(Widget, "w", manager: "two"));
        Assert.Equal("""[{"name":"b"},{"name":"c"},{"name":"a"}]""", live["spec"]!["parts"]!.ToJsonString());
    }

    [Fact]
    public void Lists_of_a_kind_without_schema_are_atomic()
    {
        var live = Applied(null, """{"apiVersion":"stable.example.com/v1","kind":"Gadget","metadata":{"name":"g","namespace":"default"},"spec":{"list":[1]}}""",
            ApplyTo(Gadget, "g", manager: "one"));
        var status = Rejected(live, """{"apiVersion":"stable.example.com/v1","kind":"Gadget","metadata":{"name":"g","namespace":"default"},"spec":{"list":[1,2]}}""",
            ApplyTo(Gadget, "g", manager: "two"));
        Assert.Equal("""Apply failed with 1 conflict: conflict with "one": .spec.list""", status.Message);
    }
}
