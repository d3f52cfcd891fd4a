using Turnstile.Core.Analysis;
using Turnstile.Core.Authn;
using Turnstile.Core.Mapping;
using Turnstile.Core.Rbac;
using static Turnstile.Core.Tests.Analysis.AnalysisFixtures;
using static Turnstile.Core.Tests.Rbac.RbacFixtures;

namespace Turnstile.Core.Tests.Analysis;

/// <summary>The access matrix, effective rules, lookup, rolesum and graph views over one small cluster.</summary>
public class ViewTests
{
    private static readonly ClusterAnalysis Shop = new(Cluster(AuthenticationMode.ApiAndConfigMap,
        mapRoles: Row(RoleArn("devs"), "dev:{{SessionName}}", "developers") + Row(RoleArn("admins"), "admin", "system:masters"),
        entries: [Entry(RoleArn("viewer"), policies: Policy("AmazonEKSViewPolicy", "shop"))],
        clusterRoles: [ClusterRole("pod-editor", R("get,list,create,update", "", "pods"), R("delete", "", "pods", "legacy"))],
        bindings: [Rb("shop", "devs-edit", "ClusterRole", "pod-editor", Subject.Group("developers"))]));

    private static PrincipalView Devs => Shop.ForArn(RoleArn("devs"), "jane@example.com");

    [Fact]
    public void The_matrix_shows_allowed_denied_partial_and_unsupported_cells()
    {
        var targets = ResourceTarget.From(Shop.Model.ApiResources, namespacedOnly: true);
        var matrix = AccessMatrix.For(Shop.Engine.Authorizer, Devs.User!, Devs.Policies, targets, AccessMatrix.AllVerbs, "shop");
        var pods = matrix.Rows.Single(r => r.Resource == "pods").Cells.ToDictionary(c => c.Verb);
        Assert.Equal(CellAccess.Allowed, pods["create"].Access);
        Assert.Equal(CellAccess.Denied, pods["watch"].Access);
        Assert.Equal((CellAccess.Partial, "legacy"), (pods["delete"].Access, pods["delete"].Names.Single()));
        var bindings = matrix.Rows.Single(r => r.Resource == "bindings").Cells.ToDictionary(c => c.Verb);
        Assert.Equal(CellAccess.NotApplicable, bindings["list"].Access);
        Assert.DoesNotContain(matrix.Rows, r => r.Resource == "nodes");
        // Elsewhere the RoleBinding does not apply.
        var other = AccessMatrix.For(Shop.Engine.Authorizer, Devs.User!, Devs.Policies, targets, ["create"], "kube-system");
        Assert.Equal(CellAccess.Denied, other.Rows.Single(r => r.Resource == "pods").Cells[0].Access);
    }

    [Fact]
    public void Access_policies_count_in_the_matrix_of_the_principal_that_holds_them()
    {
        var viewer = Shop.ForArn(RoleArn("viewer"));
        var targets = ResourceTarget.From(Shop.Model.ApiResources, namespacedOnly: true);
        var inShop = AccessMatrix.For(Shop.Engine.Authorizer, viewer.User!, viewer.Policies, targets, ["list"], "shop");
        Assert.Equal(CellAccess.Allowed, inShop.Rows.Single(r => r.Resource == "deployments.apps").Cells[0].Access);
        Assert.Equal(CellAccess.Denied, inShop.Rows.Single(r => r.Resource == "secrets").Cells[0].Access);
    }

    [Fact]
    public void Effective_rules_name_their_origin_and_scope()
    {
        var rules = EffectiveRules.For(Shop.Engine.Authorizer.Rbac, Devs.User!, Devs.Policies);
        var edit = rules.Where(r => r.Origin.Binding?.Name == "devs-edit").ToArray();
        Assert.Equal(2, edit.Length);
        Assert.All(edit, r => Assert.Equal(["shop"], r.Namespaces));
        Assert.Equal("Group \"developers\"", edit[0].Origin.Subject);
        Assert.Contains(rules, r => r.Origin.Binding?.Name == "system:discovery" && r.Namespaces.Single() == EffectiveRules.Everywhere);

        var viewer = Shop.ForArn(RoleArn("viewer"));
        var policyRules = EffectiveRules.For(Shop.Engine.Authorizer.Rbac, viewer.User!, viewer.Policies).Where(r => r.Origin.Kind == GrantKind.AccessPolicy).ToArray();
        Assert.NotEmpty(policyRules);
        Assert.All(policyRules, r => Assert.Equal(["shop"], r.Namespaces));

        var admin = Shop.ForArn(RoleArn("admins"));
        Assert.Contains(EffectiveRules.For(Shop.Engine.Authorizer.Rbac, admin.User!, []), r => r.Origin.Kind == GrantKind.SystemMasters && r.Rule.Verbs.Single() == "*");
    }

    [Fact]
    public void Lookup_lists_bindings_with_the_principals_mapped_to_each_subject()
    {
        var masters = SubjectLookup.Find(Shop, new System.Text.RegularExpressions.Regex("^system:masters$"));
        var row = Assert.Single(masters);
        Assert.Equal(("Group", "cluster-admin", "ClusterRole", "cluster-admin"), (row.SubjectKind, row.Binding.Name, row.Binding.RoleKind, row.Binding.RoleName));
        Assert.Equal([RoleArn("admins")], row.MappedPrincipals);
        var developers = Assert.Single(SubjectLookup.Find(Shop, new System.Text.RegularExpressions.Regex("developers")));
        Assert.Equal("shop", developers.Binding.Namespace);
        Assert.Equal([RoleArn("devs")], developers.MappedPrincipals);
    }

    [Fact]
    public void Rolesum_merges_rules_per_resource_within_a_binding()
    {
        var blocks = RoleSummary.Summarize(EffectiveRules.ForSubject(Shop.Engine.Authorizer.Rbac, (s, _) => s.Name == "developers"));
        var block = Assert.Single(blocks);
        Assert.Equal("devs-edit", block.Origin.Binding!.Name);
        var pods = block.Lines.Single(l => l.Names.Count == 0);
        Assert.Equal("pods", pods.Resource);
        Assert.True(pods.Grants("create") && !pods.Grants("delete"));
        Assert.Equal(["legacy"], block.Lines.Single(l => l.Names.Count > 0).Names);
    }

    [Fact]
    public void The_graph_goes_from_the_principal_to_rules()
    {
        var graph = AccessGraph.ForPrincipal(Shop, Devs);
        var dot = graph.ToDot();
        Assert.StartsWith("digraph turnstile {\n", dot);
        Assert.Contains("[label=\"IAM role\\narn:aws:iam::111122223333:role/devs\"", dot);
        Assert.Contains("[label=\"aws-auth mapRoles[0]\\nrolearn arn:aws:iam::111122223333:role/devs\\nusername dev:{{SessionName}}\\ngroups [developers]\"]", dot);
        Assert.Contains("[label=\"User\\ndev:jane-example.com\"]", dot);
        Assert.Contains("[label=\"RoleBinding\\nshop/devs-edit\"]", dot);
        Assert.Contains("[label=\"verbs: delete\\nresources: pods\\ngroups: \\\"\\\"\\nnames: legacy\", shape=note]", dot);
        var mermaid = graph.ToMermaid();
        Assert.StartsWith("flowchart LR\n", mermaid);
        Assert.Contains("-->|\"bound by\"|", mermaid);
        Assert.Equal(graph.Edges.Count, mermaid.Split('\n').Count(l => l.Contains("-->")));

        var masters = AccessGraph.ForSubject(Shop, SubjectKinds.Group, KubeUser.MastersGroup, "").ToMermaid();
        Assert.Contains("IAM principal<br/>arn:aws:iam::111122223333:role/admins", masters);
        Assert.Contains("system:masters authorizer", masters);

        var refused = AccessGraph.ForPrincipal(Shop, Shop.ForArn(RoleArn("stranger"))).ToDot();
        Assert.Contains("401 Unauthorized\\nidentity is not mapped", refused);
    }
}
