using FsCheck;
using FsCheck.Fluent;
using Turnstile.Core.Analysis;
using Turnstile.Core.Authn;
using Turnstile.Core.Authz;
using Turnstile.Core.Clusters;
using Turnstile.Core.Mapping;
using Turnstile.Core.Rbac;
using static Turnstile.Core.Tests.Analysis.AnalysisFixtures;
using static Turnstile.Core.Tests.Rbac.RbacFixtures;

namespace Turnstile.Core.Tests.Analysis;

public class WhoCanTests
{
    /// <summary>
    /// who-can must agree with can-i: every principal it lists gets "yes" from the engine (identity built as can-i builds
    /// it) and every other named principal gets "no" or 401; every Kubernetes subject it lists is allowed when a user is
    /// exactly that subject, and no other subject is.
    /// </summary>
    [Fact]
    public void Who_can_agrees_with_the_engine_on_generated_clusters()
    {
        var scenarios = from model in GeneratedClusters.ClusterGen from request in GeneratedClusters.RequestGen select (model, request);
        Prop.ForAll(scenarios.ToArbitrary(), scenario =>
        {
            var (model, request) = scenario;
            var analysis = new ClusterAnalysis(model);
            var answer = WhoCan.Run(analysis, request);
            var engine = new AccessEngine(model);

            var listed = answer.Principals.Select(p => KnownPrincipal.KeyOf(p.Principal)).ToHashSet();
            foreach (var principal in analysis.Known)
            {
                var (identity, _) = OfflineIdentity.For(principal.Arn, principal.SessionName, null, model.PrincipalIds);
                var yes = engine.Evaluate(identity, request).Allowed;
                if (yes != listed.Contains(KnownPrincipal.KeyOf(principal.Arn)))
                    return false.Label($"{principal.Arn}: engine {(yes ? "yes" : "no")}, who-can disagrees");
            }

            var listedSubjects = answer.Subjects.Where(s => s.Kind != SubjectGrant.NodeKind).Select(s => Key(s.Kind, s.Name, s.Namespace)).ToHashSet();
            var candidates = model.Rbac.ClusterRoleBindings.SelectMany(b => b.Subjects.Select(s => (s, ns: "")))
                .Concat(model.Rbac.RoleBindings.SelectMany(b => b.Subjects.Select(s => (s, ns: b.Namespace))))
                .Append((Subject.Group(KubeUser.MastersGroup), ""));
            foreach (var (subject, bindingNs) in candidates)
            {
                var ns = subject.Kind == SubjectKinds.ServiceAccount ? (subject.Namespace.Length > 0 ? subject.Namespace : bindingNs) : "";
                if (subject.Kind == SubjectKinds.ServiceAccount && ns.Length == 0) continue;
                var probe = subject.Kind == SubjectKinds.Group
                    ? KubeUser.Of("turnstile:probe", subject.Name)
                    : KubeUser.Of(subject.Kind == SubjectKinds.User ? subject.Name : $"system:serviceaccount:{ns}:{subject.Name}");
                var yes = engine.Authorizer.Authorize(probe, [], request).Allowed;
                if (yes != listedSubjects.Contains(Key(subject.Kind, subject.Name, ns)))
                    return false.Label($"{subject.Kind} {subject.Name} ({ns}): engine {(yes ? "yes" : "no")}, who-can disagrees");
            }
            return true.ToProperty();
        }).QuickCheckThrowOnFailure();
    }

    /// <summary>Users and service accounts are compared by the username the API server sees.</summary>
    private static string Key(string kind, string name, string ns) => kind switch
    {
        SubjectKinds.Group => "group:" + name,
        SubjectKinds.ServiceAccount => $"user:system:serviceaccount:{ns}:{name}",
        _ => "user:" + name,
    };

    [Fact]
    public void Lists_principals_of_every_mapping_source_with_the_path_that_grants()
    {
        var model = Cluster(AuthenticationMode.ApiAndConfigMap,
            mapRoles: Row(RoleArn("admins"), "admin", "system:masters") + Row(RoleArn("devs"), "dev:{{SessionName}}", "developers"),
            mapAccounts: $"- \"{Account}\"\n",
            entries: [Entry(RoleArn("viewer"), policies: Policy("AmazonEKSViewPolicy", "shop")), Entry(RoleArn("devs-too"), groups: ["developers"])],
            clusterRoles: [ClusterRole("pod-reader", R("get,list", "", "pods"))],
            bindings: [Rb("shop", "devs-read", "ClusterRole", "pod-reader", Subject.Group("developers"))],
            clusterBindings: [Crb("dave-reads", "pod-reader", Subject.User(UserArn("dave")))]);
        var answer = WhoCan.Run(new ClusterAnalysis(model), RequestAttributes.ForResource("list", "", "pods", "shop"));

        var byArn = answer.Principals.ToDictionary(p => p.Principal, p => p);
        Assert.Equal(GrantKind.SystemMasters, byArn[RoleArn("admins")].GrantedBy.Kind);
        Assert.Equal("aws-auth mapRoles[0]", byArn[RoleArn("admins")].MappedBy);
        Assert.Equal("RoleBinding shop/devs-read -> ClusterRole pod-reader", byArn[RoleArn("devs")].GrantedBy.Binding!.ToString());
        Assert.Equal("access entry (STANDARD)", byArn[RoleArn("devs-too")].MappedBy);
        Assert.Equal("access policy AmazonEKSViewPolicy (namespace [shop])", byArn[RoleArn("viewer")].GrantedBy.ToString());
        // mapAccounts admits dave with his ARN as username, which a ClusterRoleBinding names.
        Assert.Equal("aws-auth mapAccounts", byArn[UserArn("dave")].MappedBy);
        // Any other principal of the account is admitted too, but nothing grants it this.
        Assert.DoesNotContain(answer.Principals, p => p.Principal.EndsWith("user/*", StringComparison.Ordinal));
        Assert.Equal(5, answer.Principals.Count);

        var subjects = answer.Subjects.Select(s => $"{s.Kind} {s.Name}").ToArray();
        Assert.Equal("Group system:masters", subjects[0]);
        Assert.Contains("Group developers", subjects);
        Assert.Contains($"User {UserArn("dave")}", subjects);
        // The default policy's controllers list pods too, each through its own binding.
        Assert.Contains(answer.Subjects, s => s is { Kind: "ServiceAccount", Name: "cronjob-controller", Namespace: "kube-system" } &&
                                              s.GrantedBy.Single().Binding!.Name == "system:controller:cronjob-controller");
    }

    [Fact]
    public void The_hidden_creator_and_node_roles_are_included()
    {
        var model = Cluster(mapRoles: Row(RoleArn("nodes"), "system:node:{{EC2PrivateDNSName}}", "system:bootstrappers", "system:nodes"),
            creator: RoleArn("creator"), instances: new Dictionary<string, string> { ["i-0123456789abcdef0"] = "ip-10-0-0-9.internal" });
        var answer = WhoCan.Run(new ClusterAnalysis(model), RequestAttributes.ForResource("get", "", "nodes"));
        Assert.Equal([RoleArn("creator"), RoleArn("nodes")], answer.Principals.Select(p => p.Principal).Order());
        Assert.Equal(GrantKind.Node, answer.Principals.Single(p => p.Principal == RoleArn("nodes")).GrantedBy.Kind);
        Assert.Equal("system:node:ip-10-0-0-9.internal", answer.Principals.Single(p => p.Principal == RoleArn("nodes")).Username);
        Assert.Contains(answer.Subjects, s => s.Kind == SubjectGrant.NodeKind);
    }
}
