using System.Text.Json.Nodes;
using Turnstile.Core.Rbac;
using Turnstile.Core.Rbac.Bootstrap;
using Turnstile.Kube.Access;
using Turnstile.Kube.Seeding;

namespace Turnstile.Kube.Tests.Seeding;

public sealed class ClusterContentTests
{
    [Fact]
    public async Task A_new_cluster_has_the_four_system_namespaces_active_with_their_default_service_accounts()
    {
        await using var k = await KubeFixture.StartSeededAsync();
        var list = (await k.SendAsync("list", "namespaces")).AssertCode(200).Json();
        var names = list["items"]!.AsArray().Select(i => i!.Str("metadata.name")).ToList();
        Assert.Equal(["default", "kube-node-lease", "kube-public", "kube-system"], names);
        var ns = (await k.SendAsync("get", "namespaces", name: "kube-system")).AssertCode(200).Json();
        Assert.Equal("Active", ns.Str("status.phase"));
        Assert.Equal("""["kubernetes"]""", ns["spec"]!["finalizers"]!.ToJsonString());
        Assert.Equal("kube-system", ns["metadata"]!["labels"]!["kubernetes.io/metadata.name"]!.GetValue<string>());
        Assert.Equal("2026-12-02T12:00:00Z", ns.Str("metadata.creationTimestamp"));
        Assert.NotEqual("", ns.Str("metadata.resourceVersion"));
        foreach (var name in names)
            (await k.SendAsync("get", "serviceaccounts", name, "default")).AssertCode(200);
        // The seeded namespaces are the registry's own: the immortal ones cannot be deleted, content goes in.
        (await k.SendAsync("delete", "namespaces", name: "kube-system")).AssertCode(403);
        await k.CreateAsync("configmaps", "kube-public", """{"metadata":{"name":"cm"}}""");
    }

    [Fact]
    public async Task The_bootstrap_policy_is_stored_with_its_labels_and_the_aggregated_roles_filled()
    {
        await using var k = await KubeFixture.StartSeededAsync();
        var admin = (await k.SendAsync("get", "clusterroles", name: "admin", group: "rbac.authorization.k8s.io")).AssertCode(200).Json();
        Assert.Equal("rbac-defaults", admin["metadata"]!["labels"]!["kubernetes.io/bootstrapping"]!.GetValue<string>());
        Assert.Equal("true", admin["metadata"]!["annotations"]!["rbac.authorization.kubernetes.io/autoupdate"]!.GetValue<string>());
        Assert.NotNull(admin["aggregationRule"]);
        var expected = ClusterRoleAggregation.Apply(BootstrapPolicy.ClusterRoles).Single(r => r.Name == "admin").Rules;
        Assert.Equal(RbacJson.Rules(expected).ToJsonString(), admin["rules"]!.ToJsonString());
        Assert.True(expected.Count > 10);

        var crbs = (await k.SendAsync("list", "clusterrolebindings", group: "rbac.authorization.k8s.io")).AssertCode(200).Json()["items"]!.AsArray();
        var clusterAdmin = crbs.Single(b => b!.Str("metadata.name") == "cluster-admin")!;
        Assert.Equal("""[{"kind":"Group","apiGroup":"rbac.authorization.k8s.io","name":"system:masters"}]""", clusterAdmin["subjects"]!.ToJsonString());
        Assert.Equal("""{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"}""", clusterAdmin["roleRef"]!.ToJsonString());
        Assert.Equal(BootstrapPolicy.ClusterRoleBindings.Count + EksSystemPolicy.ClusterRoleBindings.Count, crbs.Count);
        var roles = (await k.SendAsync("list", "roles", "kube-public", group: "rbac.authorization.k8s.io")).AssertCode(200).Json()["items"]!.AsArray();
        Assert.Contains(roles, r => r!.Str("metadata.name") == "system:controller:bootstrap-signer");
    }

    [Fact]
    public async Task Stored_rbac_reads_back_as_the_policy_it_was_built_from()
    {
        await using var k = await KubeFixture.StartSeededAsync();
        var policy = StoredRbac.Read(k.Cache.Current, KubeFixture.Cluster);
        var expected = new RbacPolicy(BootstrapPolicy.ClusterRoles.Concat(EksSystemPolicy.ClusterRoles), BootstrapPolicy.ClusterRoleBindings.Concat(EksSystemPolicy.ClusterRoleBindings),
            BootstrapPolicy.Roles.Concat(EksSystemPolicy.Roles), BootstrapPolicy.RoleBindings.Concat(EksSystemPolicy.RoleBindings));
        Assert.Equal(expected.ClusterRoles.Select(r => (r.Name, r.Rules.Count)), policy.ClusterRoles.Select(r => (r.Name, r.Rules.Count)));
        Assert.All(expected.ClusterRoles.Zip(policy.ClusterRoles), p => Assert.Equal(p.First.Rules, p.Second.Rules));
        Assert.Equal(expected.ClusterRoleBindings.Select(b => (b.Name, b.RoleRef, string.Join(",", b.Subjects))),
            policy.ClusterRoleBindings.Select(b => (b.Name, b.RoleRef, string.Join(",", b.Subjects))));
        Assert.Equal(expected.RoleBindings.Select(b => (b.Namespace, b.Name)), policy.RoleBindings.Select(b => (b.Namespace, b.Name)));
        Assert.Contains(policy.ClusterRoles, r => r.Name == "eks:node-manager");
        Assert.Contains(policy.ClusterRoleBindings, b => b.Name == "aws-node" && b.Subjects.Single() == Subject.ServiceAccount("kube-system", "aws-node"));
    }

    [Fact]
    public async Task The_kubernetes_and_kube_dns_services_hold_their_cluster_ips()
    {
        await using var k = await KubeFixture.StartSeededAsync();
        var svc = (await k.SendAsync("get", "services", "default", "kubernetes")).AssertCode(200).Json();
        Assert.Equal("10.100.0.1", svc.Str("spec.clusterIP"));
        Assert.Equal("""[{"name":"https","protocol":"TCP","port":443,"targetPort":443}]""", svc["spec"]!["ports"]!.ToJsonString());
        Assert.Equal("10.100.0.10", (await k.SendAsync("get", "services", "kube-system", "kube-dns")).AssertCode(200).Json().Str("spec.clusterIP"));
        var taken = await k.SendAsync("create", "services", "default", body: """{"metadata":{"name":"x"},"spec":{"clusterIP":"10.100.0.10","ports":[{"port":80}]}}""");
        Assert.Contains("failed to allocate IP 10.100.0.10: provided IP is already allocated", taken.AssertCode(422).Message());
    }

    [Fact]
    public async Task The_default_add_ons_are_there()
    {
        await using var k = await KubeFixture.StartSeededAsync();
        var coredns = (await k.SendAsync("get", "deployments", "kube-system", "coredns", group: "apps")).AssertCode(200).Json();
        Assert.Equal("2", coredns.Str("spec.replicas"));
        Assert.Equal("602401143452.dkr.ecr.us-east-1.amazonaws.com/eks/coredns:v1.11.3-eksbuild.1",
            coredns["spec"]!["template"]!["spec"]!["containers"]![0]!.Str("image"));
        (await k.SendAsync("get", "daemonsets", "kube-system", "kube-proxy", group: "apps")).AssertCode(200);
        (await k.SendAsync("get", "daemonsets", "kube-system", "aws-node", group: "apps")).AssertCode(200);
        (await k.SendAsync("get", "configmaps", "kube-system", "coredns")).AssertCode(200);
        Assert.Equal(404, (await k.SendAsync("get", "configmaps", "kube-system", "aws-auth")).StatusCode);
    }

    [Fact]
    public void Every_object_is_stored_in_canonical_form_without_a_resource_version()
    {
        var content = ClusterContent.Build(new ClusterContentRequest("c", "1.32", "us-east-1", KubeFixture.Start, () => Guid.NewGuid().ToString()));
        Assert.Equal(content.Count, content.Select(o => o.Key).Distinct().Count());
        foreach (var obj in content.Where(o => !o.Key.Contains("/_allocations/", StringComparison.Ordinal)))
        {
            var root = (JsonObject)JsonNode.Parse(obj.Value)!;
            Assert.Equal(["kind", "apiVersion", "metadata"], root.Select(p => p.Key).Take(3));
            Assert.Null(root["metadata"]!["resourceVersion"]);
            Assert.StartsWith("/kube/c/", obj.Key);
        }
    }
}
