using Turnstile.Core.Authn;
using Turnstile.Core.Authz;
using Turnstile.Core.Rbac;
using static Turnstile.Core.Tests.Rbac.RbacFixtures;

namespace Turnstile.Core.Tests.Rbac;

/// <summary>k8s-authz.md §9.2 cases 16-34, reason strings and the index-vs-scan equivalence.</summary>
public class RbacAuthorizerTests
{
    private static RbacAuthorizer Authorizer(IEnumerable<ClusterRole>? crs = null, IEnumerable<ClusterRoleBinding>? crbs = null,
        IEnumerable<Role>? roles = null, IEnumerable<RoleBinding>? rbs = null) =>
        new(new RbacPolicy(crs ?? [], crbs ?? [], roles ?? [], rbs ?? []));

    private static void AssertBoth(RbacAuthorizer authorizer, KubeUser user, RequestAttributes request, bool expected)
    {
        Assert.Equal(expected, authorizer.Authorize(user, request).Allowed);
        Assert.Equal(expected, authorizer.AuthorizeByScan(user, request).Allowed);
    }

    private static RbacAuthorizer AdminInNs1() => Authorizer(
        crs: [ClusterRole("admin", R("*", "*", "*"))],
        rbs: [Rb("ns1", "admin", "ClusterRole", "admin", Subject.User("admin"), Subject.Group("admins"))]);

    [Fact] public void Case16_admin_gets_pods_in_ns1() => AssertBoth(AdminInNs1(), KubeUser.Of("admin"), RequestAttributes.ForResource("get", "", "pods", "ns1"), true);
    [Fact] public void Case17_group_member_watches_anything_in_ns1() => AssertBoth(AdminInNs1(), KubeUser.Of("joe", "group1", "admins"), RequestAttributes.ForResource("watch", "", "Foobar", "ns1"), true);
    [Fact] public void Case18_binding_is_scoped_to_ns1() => AssertBoth(AdminInNs1(), KubeUser.Of("admin"), RequestAttributes.ForResource("GET", "", "Pods", "ns2"), false);
    [Fact] public void Case19_role_binding_never_grants_cluster_scope() => AssertBoth(AdminInNs1(), KubeUser.Of("admin", "admins"), RequestAttributes.ForResource("GET", "", "Nodes"), false);

    private static RbacAuthorizer ApisReader() => Authorizer(
        crs: [ClusterRole("apis", Nr("get", "/apis")), ClusterRole("prefixed", Nr("get", "/apis/*"))],
        crbs: [Crb("apis", "apis", Subject.User("foo"), Subject.Group("bar")), Crb("prefixed", "prefixed", Subject.User("prefixed"))]);

    [Fact] public void Case20_group_member_gets_apis() => AssertBoth(ApisReader(), KubeUser.Of("baz", "bar"), RequestAttributes.ForPath("get", "/apis"), true);
    [Fact] public void Case21_watch_is_another_verb() => AssertBoth(ApisReader(), KubeUser.Of("foo"), RequestAttributes.ForPath("watch", "/apis"), false);
    [Fact] public void Case22_other_path_denied() => AssertBoth(ApisReader(), KubeUser.Of("foo"), RequestAttributes.ForPath("get", "/api/v1"), false);
    [Fact] public void Case23_prefix_star_allows_deeper() => AssertBoth(ApisReader(), KubeUser.Of("prefixed"), RequestAttributes.ForPath("get", "/apis/v1/foobar"), true);
    [Fact] public void Case24_prefix_star_does_not_leak() => AssertBoth(ApisReader(), KubeUser.Of("prefixed"), RequestAttributes.ForPath("get", "/api/v1"), false);

    [Fact]
    public void Case25_pods_does_not_grant_pods_status() => AssertBoth(
        Authorizer(crs: [ClusterRole("pods", R("*", "*", "pods"))], rbs: [Rb("ns1", "b", "ClusterRole", "pods", Subject.User("admin"))]),
        KubeUser.Of("admin"), RequestAttributes.ForResource("get", "", "pods", "ns1", subresource: "status"), false);

    private static RbacAuthorizer Subresources() => Authorizer(
        crs: [ClusterRole("subs", R("*", "*", "pods/status"), R("*", "*", "*/scale"))],
        rbs: [Rb("ns1", "b", "ClusterRole", "subs", Subject.User("admin"))]);

    [Fact] public void Case26_star_scale_matches_deployments_scale() => AssertBoth(Subresources(), KubeUser.Of("admin"), RequestAttributes.ForResource("get", "apps", "deployments", "ns1", subresource: "scale"), true);
    [Fact] public void Case27_subresource_rules_do_not_grant_the_resource() => AssertBoth(Subresources(), KubeUser.Of("admin"), RequestAttributes.ForResource("get", "", "pods", "ns1"), false);

    private static readonly Subject[] Case28Subjects = [Subject.User("barfoo"), Subject.Group("foobar"), Subject.ServiceAccount("kube-system", "default")];

    [Fact] public void Case28_no_subject_applies() => Assert.Equal(-1, SubjectMatcher.FirstApplying(Case28Subjects, KubeUser.Of("zimzam"), "namespace1"));
    [Fact] public void Case29_group_applies() => Assert.Equal(1, SubjectMatcher.FirstApplying(Case28Subjects, KubeUser.Of("zimzam", "foobar"), "namespace1"));
    [Fact] public void Case30_service_account_applies() => Assert.Equal(2, SubjectMatcher.FirstApplying(Case28Subjects, KubeUser.Of("system:serviceaccount:kube-system:default"), "default"));
    [Fact] public void Case31_user_star_is_not_a_wildcard() => Assert.Equal(-1, SubjectMatcher.FirstApplying([Subject.User("*")], KubeUser.Of("foobar"), ""));
    [Fact] public void Case32_anonymous_matches_unauthenticated_group() => Assert.Equal(1, SubjectMatcher.FirstApplying(
        [Subject.Group("system:authenticated"), Subject.Group("system:unauthenticated")], KubeUser.Of("system:anonymous", "system:unauthenticated"), ""));

    [Fact]
    public void Service_account_subject_without_namespace_takes_the_role_bindings()
    {
        var authorizer = Authorizer(crs: [ClusterRole("view", R("get", "", "pods"))],
            rbs: [Rb("team", "b", "ClusterRole", "view", new Subject(SubjectKinds.ServiceAccount, "builder"))],
            crbs: [Crb("never", "view", new Subject(SubjectKinds.ServiceAccount, "builder"))]);
        var sa = KubeUser.Of("system:serviceaccount:team:builder");
        AssertBoth(authorizer, sa, RequestAttributes.ForResource("get", "", "pods", "team"), true);
        AssertBoth(authorizer, sa, RequestAttributes.ForResource("get", "", "pods", "other"), false);
        Assert.Equal("RBAC: allowed by RoleBinding \"b/team\" of ClusterRole \"view\" to ServiceAccount \"builder/team\"",
            authorizer.Authorize(sa, RequestAttributes.ForResource("get", "", "pods", "team")).Reason);
    }

    private static RbacAuthorizer ReadThings() => Authorizer(
        crs: [ClusterRole("cluster-admin", R("*", "*", "*"))],
        roles: [Role("namespace1", "readthings", R("get,watch", "", "pods"), R("get,watch", "", "services"))],
        rbs: [Rb("namespace1", "read", "Role", "readthings", Subject.User("foobar"))],
        crbs: [Crb("cluster-admins", "cluster-admin", Subject.Group("admin"))]);

    [Fact] public void Case33_rules_for_another_namespace_are_empty() => Assert.Empty(ReadThings().RulesFor(KubeUser.Of("foobar"), "namespace2").Rules);

    [Fact]
    public void Case34_cluster_scope_rules_come_only_from_cluster_bindings()
    {
        var rules = ReadThings().RulesFor(KubeUser.Of("foobar", "admin"), "").Rules;
        Assert.Equal(R("*", "*", "*"), Assert.Single(rules).Rule);
        Assert.Equal(3, ReadThings().RulesFor(KubeUser.Of("foobar", "admin"), "namespace1").Rules.Count);
    }

    [Fact]
    public void Allow_reasons_name_the_first_binding_by_name_and_its_first_matching_subject()
    {
        var authorizer = Authorizer(
            crs: [ClusterRole("view", R("get,list", "", "pods"))],
            crbs: [Crb("z-viewers", "view", Subject.User("alice")), Crb("a-viewers", "view", Subject.Group("team"), Subject.User("alice"))]);
        var decision = authorizer.Authorize(KubeUser.Of("alice", "team"), RequestAttributes.ForResource("list", "", "pods", "default"));
        Assert.Equal("RBAC: allowed by ClusterRoleBinding \"a-viewers\" of ClusterRole \"view\" to Group \"team\"", decision.Reason);
        Assert.Equal(decision.Reason, authorizer.AuthorizeByScan(KubeUser.Of("alice", "team"), RequestAttributes.ForResource("list", "", "pods", "default")).Reason);
    }

    [Fact]
    public void Role_binding_reason_uses_name_slash_namespace()
    {
        var decision = ReadThings().Authorize(KubeUser.Of("foobar"), RequestAttributes.ForResource("get", "", "pods", "namespace1"));
        Assert.Equal("RBAC: allowed by RoleBinding \"read/namespace1\" of Role \"readthings\" to User \"foobar\"", decision.Reason);
    }

    [Fact]
    public void Missing_roles_show_up_as_resolution_errors()
    {
        var authorizer = Authorizer(
            rbs: [Rb("default", "b1", "Role", "missing", Subject.User("bob")), Rb("default", "b2", "ClusterRole", "gone", Subject.User("bob"))]);
        var decision = authorizer.Authorize(KubeUser.Of("bob"), RequestAttributes.ForResource("get", "", "pods", "default"));
        Assert.False(decision.Allowed);
        Assert.Equal("RBAC: [role.rbac.authorization.k8s.io \"missing\" not found, clusterrole.rbac.authorization.k8s.io \"gone\" not found]", decision.Reason);
        var single = Authorizer(rbs: [Rb("default", "b1", "Role", "missing", Subject.User("bob"))]);
        Assert.Equal("RBAC: role.rbac.authorization.k8s.io \"missing\" not found",
            single.Authorize(KubeUser.Of("bob"), RequestAttributes.ForResource("get", "", "pods", "default")).Reason);
        Assert.Equal("", single.Authorize(KubeUser.Of("eve"), RequestAttributes.ForResource("get", "", "pods", "default")).Reason);
    }

    [Fact]
    public void Get_namespace_is_authorized_inside_that_namespace()
    {
        var authorizer = Authorizer(crs: [ClusterRole("view", R("get", "", "namespaces"))], rbs: [Rb("team", "b", "ClusterRole", "view", Subject.User("u"))]);
        AssertBoth(authorizer, KubeUser.Of("u"), RequestAttributes.ForResource("get", "", "namespaces", "team", "team"), true);
        AssertBoth(authorizer, KubeUser.Of("u"), RequestAttributes.ForResource("list", "", "namespaces"), false);
    }
}
