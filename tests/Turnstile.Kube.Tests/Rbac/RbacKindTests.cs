using Turnstile.Core.Authn;

namespace Turnstile.Kube.Tests.Rbac;

public sealed class RbacKindTests
{
    private const string Rbac = "rbac.authorization.k8s.io";

    private static Task<KubeFixture> StartAsync() => KubeFixture.StartSeededAsync();

    [Fact]
    public async Task Invalid_rules_and_bindings_answer_kubes_422()
    {
        await using var k = await StartAsync();
        var role = await k.SendAsync("create", "roles", "default", body: """{"metadata":{"name":"r"},"rules":[{"apiGroups":[""],"resources":["pods"]},{"verbs":["get"],"nonResourceURLs":["/x"]}]}""", group: Rbac);
        Assert.Equal("""Role.rbac.authorization.k8s.io "r" is invalid: [rules[0].verbs: Required value: verbs must contain at least one value, rules[1].nonResourceURLs: Invalid value: []string{"/x"}: namespaced rules cannot apply to non-resource URLs]""",
            role.AssertCode(422).Message());
        var binding = await k.SendAsync("create", "clusterrolebindings", body: """{"metadata":{"name":"b"},"roleRef":{"kind":"Role","name":"x"},"subjects":[{"kind":"ServiceAccount","name":"sa"},{"kind":"Robot","name":"r2"}]}""", group: Rbac);
        Assert.Equal("""ClusterRoleBinding.rbac.authorization.k8s.io "b" is invalid: [roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole", subjects[0].namespace: Required value, subjects[1].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"]""",
            binding.AssertCode(422).Message());
    }

    [Fact]
    public async Task Subjects_and_roleRef_get_the_rbac_api_group_and_roleRef_cannot_change()
    {
        await using var k = await StartAsync();
        var created = await k.CreateAsync("rolebindings", "default", """{"metadata":{"name":"b"},"roleRef":{"kind":"ClusterRole","name":"view"},"subjects":[{"kind":"User","name":"ann"},{"kind":"ServiceAccount","name":"sa"}]}""", Rbac);
        Assert.Equal("""[{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"ann"},{"kind":"ServiceAccount","name":"sa"}]""", created["subjects"]!.ToJsonString());
        Assert.Equal("""{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"}""", created["roleRef"]!.ToJsonString());
        var changed = await k.SendAsync("update", "rolebindings", "default", "b", """{"metadata":{"name":"b"},"roleRef":{"kind":"ClusterRole","name":"edit"},"subjects":[{"kind":"User","name":"ann"}]}""", group: Rbac);
        Assert.Equal("""RoleBinding.rbac.authorization.k8s.io "b" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"edit"}: cannot change roleRef""",
            changed.AssertCode(422).Message());
        (await k.SendAsync("update", "rolebindings", "default", "b", """{"metadata":{"name":"b"},"roleRef":{"kind":"ClusterRole","name":"view"},"subjects":[]}""", group: Rbac)).AssertCode(200);
    }

    [Fact]
    public async Task Granting_what_the_writer_does_not_hold_is_refused_with_kubes_message()
    {
        await using var k = await StartAsync();
        // ops may manage roles and bindings in team and read pods there, nothing else.
        await k.CreateAsync("namespaces", "", """{"metadata":{"name":"team"}}""");
        await k.CreateAsync("roles", "team", """{"metadata":{"name":"rbac-manager"},"rules":[{"verbs":["create","update"],"apiGroups":["rbac.authorization.k8s.io"],"resources":["roles","rolebindings"]},{"verbs":["get","list"],"apiGroups":[""],"resources":["pods"]}]}""", Rbac);
        await k.CreateAsync("rolebindings", "team", """{"metadata":{"name":"ops"},"roleRef":{"kind":"Role","name":"rbac-manager"},"subjects":[{"kind":"User","name":"ops"}]}""", Rbac);
        var ops = KubeUser.Of("ops", "devs", KubeUser.AuthenticatedGroup);

        var wider = await k.SendAsync("create", "roles", "team", body: """{"metadata":{"name":"wider"},"rules":[{"verbs":["get","list"],"apiGroups":[""],"resources":["pods","secrets"]},{"verbs":["create","delete"],"apiGroups":["apps"],"resources":["deployments"]}]}""", group: Rbac, user: ops);
        Assert.Equal("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"roles.rbac.authorization.k8s.io \"wider\" is forbidden: user \"ops\" (groups=[\"devs\" \"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[\"get\" \"list\"]}\n{APIGroups:[\"apps\"], Resources:[\"deployments\"], Verbs:[\"create\" \"delete\"]}","reason":"Forbidden","details":{"name":"wider","group":"rbac.authorization.k8s.io","kind":"roles"},"code":403}""" + "\n",
            wider.AssertCode(403).BodyText);
        (await k.SendAsync("create", "roles", "team", body: """{"metadata":{"name":"pod-reader"},"rules":[{"verbs":["get"],"apiGroups":[""],"resources":["pods"]}]}""", group: Rbac, user: ops)).AssertCode(201);
        (await k.SendAsync("create", "rolebindings", "team", body: """{"metadata":{"name":"readers"},"roleRef":{"kind":"Role","name":"pod-reader"},"subjects":[{"kind":"Group","name":"devs"}]}""", group: Rbac, user: ops)).AssertCode(201);

        var admin = await k.SendAsync("create", "rolebindings", "team", body: """{"metadata":{"name":"admins"},"roleRef":{"kind":"ClusterRole","name":"admin"},"subjects":[{"kind":"Group","name":"devs"}]}""", group: Rbac, user: ops);
        Assert.StartsWith("rolebindings.rbac.authorization.k8s.io \"admins\" is forbidden: user \"ops\" (groups=[\"devs\" \"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:\n",
            admin.AssertCode(403).Message());
        var missing = await k.SendAsync("create", "rolebindings", "team", body: """{"metadata":{"name":"ghost"},"roleRef":{"kind":"Role","name":"nope"},"subjects":[{"kind":"Group","name":"devs"}]}""", group: Rbac, user: ops);
        Assert.Equal("roles.rbac.authorization.k8s.io \"nope\" not found", missing.AssertCode(404).Message());

        // bind on that one role (by name) lets ops bind it; system:masters may grant anything.
        await k.CreateAsync("roles", "team", """{"metadata":{"name":"binder"},"rules":[{"verbs":["bind"],"apiGroups":["rbac.authorization.k8s.io"],"resources":["clusterroles"],"resourceNames":["admin"]}]}""", Rbac);
        await k.CreateAsync("rolebindings", "team", """{"metadata":{"name":"ops-binder"},"roleRef":{"kind":"Role","name":"binder"},"subjects":[{"kind":"User","name":"ops"}]}""", Rbac);
        (await k.SendAsync("create", "rolebindings", "team", body: """{"metadata":{"name":"admins"},"roleRef":{"kind":"ClusterRole","name":"admin"},"subjects":[{"kind":"Group","name":"devs"}]}""", group: Rbac, user: ops)).AssertCode(201);
        (await k.SendAsync("create", "roles", "team", body: """{"metadata":{"name":"all"},"rules":[{"verbs":["*"],"apiGroups":["*"],"resources":["*"]}]}""", group: Rbac,
            user: KubeUser.Of("root", KubeUser.MastersGroup))).AssertCode(201);
    }

    [Fact]
    public async Task Aggregation_rules_need_cluster_admin_and_changes_of_finalizers_alone_pass()
    {
        await using var k = await StartAsync();
        await k.CreateAsync("clusterroles", "", """{"metadata":{"name":"role-writer"},"rules":[{"verbs":["create","update","get"],"apiGroups":["rbac.authorization.k8s.io"],"resources":["clusterroles"]}]}""", Rbac);
        await k.CreateAsync("clusterrolebindings", "", """{"metadata":{"name":"writer"},"roleRef":{"kind":"ClusterRole","name":"role-writer"},"subjects":[{"kind":"User","name":"w"}]}""", Rbac);
        var w = KubeUser.Of("w", KubeUser.AuthenticatedGroup);
        var aggregated = await k.SendAsync("create", "clusterroles", body: """{"metadata":{"name":"agg"},"aggregationRule":{"clusterRoleSelectors":[{"matchLabels":{"x":"y"}}]}}""", group: Rbac, user: w);
        Assert.Equal("clusterroles.rbac.authorization.k8s.io \"agg\" is forbidden: must have cluster-admin privileges to use the aggregationRule", aggregated.AssertCode(403).Message());

        // admin's rules are not w's, but an update that only adds a finalizer grants nothing.
        var current = (await k.SendAsync("get", "clusterroles", name: "admin", group: Rbac)).Json();
        current["metadata"]!["finalizers"] = new System.Text.Json.Nodes.JsonArray("example.com/keep");
        current = (await k.SendAsync("update", "clusterroles", name: "admin", body: current.ToJsonString(), group: Rbac, user: w)).AssertCode(200).Json();
        current["metadata"]!["labels"]!["team"] = "a";
        Assert.Equal("clusterroles.rbac.authorization.k8s.io \"admin\" is forbidden: must have cluster-admin privileges to use the aggregationRule",
            (await k.SendAsync("update", "clusterroles", name: "admin", body: current.ToJsonString(), group: Rbac, user: w)).AssertCode(403).Message());
    }

    [Fact]
    public async Task A_role_labelled_for_aggregation_feeds_view_edit_and_admin_until_it_is_deleted()
    {
        await using var k = await StartAsync();
        const string rule = """{"verbs":["get"],"apiGroups":["example.com"],"resources":["widgets"]}""";
        await k.CreateAsync("clusterroles", "", """{"metadata":{"name":"widget-viewer","labels":{"rbac.authorization.k8s.io/aggregate-to-view":"true"}},"rules":[""" + rule + "]}", Rbac);
        foreach (var name in new[] { "view", "edit", "admin" })
            Assert.Contains(rule, (await k.SendAsync("get", "clusterroles", name: name, group: Rbac)).Json()["rules"]!.ToJsonString());

        // A new aggregated role is filled on create, whatever rules it was sent with.
        var own = await k.CreateAsync("clusterroles", "", """{"metadata":{"name":"widgets"},"aggregationRule":{"clusterRoleSelectors":[{"matchLabels":{"rbac.authorization.k8s.io/aggregate-to-view":"true"}}]},"rules":[{"verbs":["*"],"apiGroups":["*"],"resources":["*"]}]}""", Rbac);
        Assert.Contains(rule, own["rules"]!.ToJsonString());
        Assert.DoesNotContain("\"*\"", own["rules"]!.ToJsonString());

        (await k.SendAsync("delete", "clusterroles", name: "widget-viewer", group: Rbac)).AssertCode(200);
        foreach (var name in new[] { "view", "edit", "admin", "widgets" })
            Assert.DoesNotContain(rule, (await k.SendAsync("get", "clusterroles", name: name, group: Rbac)).Json()["rules"]!.ToJsonString());
    }
}
