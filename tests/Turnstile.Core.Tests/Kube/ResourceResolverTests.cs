using Turnstile.Core.Kube;

namespace Turnstile.Core.Tests.Kube;

public class ResourceResolverTests
{
    private static readonly ResourceResolver Eks = new(ApiResourceCatalog.Eks);

    [Theory]
    [InlineData("pods", "", "v1", "pods")]
    [InlineData("pod", "", "v1", "pods")]
    [InlineData("po", "", "v1", "pods")]
    [InlineData("PODS", "", "v1", "pods")]
    [InlineData("Pod", "", "v1", "pods")]
    [InlineData("deployments", "apps", "v1", "deployments")]
    [InlineData("deploy", "apps", "v1", "deployments")]
    [InlineData("Deployment", "apps", "v1", "deployments")]
    [InlineData("deployments.apps", "apps", "v1", "deployments")]
    [InlineData("deployment.apps", "apps", "v1", "deployments")]
    [InlineData("deploy.apps", "apps", "v1", "deployments")]
    [InlineData("DEPLOYMENT.apps", "apps", "v1", "deployments")]
    [InlineData("deployments.v1.apps", "apps", "v1", "deployments")]
    [InlineData("deploy.v1.apps", "apps", "v1", "deployments")]
    [InlineData("deployments.app", "apps", "v1", "deployments")]
    [InlineData("storageclass.storage", "storage.k8s.io", "v1", "storageclasses")]
    [InlineData("sc", "storage.k8s.io", "v1", "storageclasses")]
    [InlineData("hpa", "autoscaling", "v2", "horizontalpodautoscalers")]
    [InlineData("horizontalpodautoscalers.v1.autoscaling", "autoscaling", "v1", "horizontalpodautoscalers")]
    [InlineData("events", "", "v1", "events")]
    [InlineData("events.events.k8s.io", "events.k8s.io", "v1", "events")]
    [InlineData("endpoints", "", "v1", "endpoints")]
    [InlineData("nodes", "", "v1", "nodes")]
    [InlineData("no", "", "v1", "nodes")]
    [InlineData("nodes.metrics.k8s.io", "metrics.k8s.io", "v1beta1", "nodes")]
    [InlineData("pods.v1beta1.metrics.k8s.io", "metrics.k8s.io", "v1beta1", "pods")]
    [InlineData("podmetrics", "metrics.k8s.io", "v1beta1", "pods")]
    [InlineData("NodeMetrics", "metrics.k8s.io", "v1beta1", "nodes")]
    [InlineData("crd", "apiextensions.k8s.io", "v1", "customresourcedefinitions")]
    [InlineData("crds", "apiextensions.k8s.io", "v1", "customresourcedefinitions")]
    [InlineData("csr", "certificates.k8s.io", "v1", "certificatesigningrequests")]
    [InlineData("clusterrolebinding", "rbac.authorization.k8s.io", "v1", "clusterrolebindings")]
    [InlineData("sgp", "vpcresources.k8s.aws", "v1beta1", "securitygrouppolicies")]
    [InlineData("cnd", "vpcresources.k8s.aws", "v1alpha1", "cninodes")]
    [InlineData("policyendpoint", "networking.k8s.aws", "v1alpha1", "policyendpoints")]
    [InlineData("vac", "storage.k8s.io", "v1beta1", "volumeattributesclasses")]
    [InlineData("selfsubjectaccessreviews", "authorization.k8s.io", "v1", "selfsubjectaccessreviews")]
    public void Resolves_like_kubectl(string arg, string group, string version, string resource)
    {
        var r = Eks.ResolveForCanI(arg);
        Assert.True(r.Resolved);
        Assert.Equal(new GroupVersionResource(group, version, resource), r.Resource);
        Assert.Empty(r.Warnings);
    }

    [Fact]
    public void Generated_list_resources_resolve_as_in_client_go()
    {
        // client-go registers a guessed <kind>List resource for every kind; kubectl happily resolves it.
        Assert.Equal(new GroupVersionResource("", "v1", "podlists"), Eks.ResolveForCanI("podlists").Resource);
        Assert.Equal(new GroupVersionResource("", "v1", "lists"), Eks.ResolveForCanI("list").Resource);
    }

    [Fact]
    public void Ambiguous_short_name_warns_and_takes_the_first()
    {
        var r = Eks.ResolveForCanI("ev");
        Assert.Equal(new GroupVersionResource("", "v1", "events"), r.Resource);
        Assert.Equal(["short name \"ev\" could also match lower priority resource events.events.k8s.io"], r.Warnings);
    }

    [Theory]
    [InlineData("widgets.example.com", "widgets.example.com", "the server doesn't have a resource type 'widgets' in group 'example.com'\n")]
    [InlineData("widgets", "widgets", "the server doesn't have a resource type 'widgets'\n")]
    [InlineData("Widgets", "Widgets", "the server doesn't have a resource type 'widgets'\n")]
    [InlineData("deployments.v2.apps", "deployments.v2.apps", "the server doesn't have a resource type 'deployments' in group 'v2.apps'\n")]
    [InlineData("userextras.authentication.k8s.io", "userextras.authentication.k8s.io", "the server doesn't have a resource type 'userextras' in group 'authentication.k8s.io'\n")]
    [InlineData("users.example.com", "users.example.com", "the server doesn't have a resource type 'users' in group 'example.com'\n")]
    [InlineData("", "", "the server doesn't have a resource type ''\n")]
    public void Unknown_resources_fall_back_to_the_raw_argument_with_a_warning(string arg, string sentResource, string warning)
    {
        var r = Eks.ResolveForCanI(arg);
        Assert.False(r.Resolved);
        Assert.Equal(new GroupVersionResource("", "", sentResource), r.Resource);
        Assert.Equal(ResourceResolver.ParseResourceArg(arg.ToLowerInvariant()).GroupResource, r.Parsed);
        Assert.Equal([warning], r.Warnings);
        Assert.Equal("Warning: " + warning + "\n", KubectlErrorText.Warning(r.Warnings[0]));
    }

    [Theory]
    [InlineData("users")]
    [InlineData("groups")]
    [InlineData("Users")]
    public void Users_and_groups_are_sent_as_typed_without_warning(string arg)
    {
        var r = Eks.ResolveForCanI(arg);
        Assert.False(r.Resolved);
        Assert.Equal(new GroupVersionResource("", "", arg), r.Resource);
        Assert.Empty(r.Warnings);
    }

    [Fact]
    public void Unknown_group_resource_is_reported_as_parsed()
    {
        var r = Eks.ResolveForCanI("Widgets.Example.COM");
        Assert.Equal(new GroupVersionResource("example.com", "", "widgets"), r.Parsed);
        Assert.Equal(new GroupVersionResource("", "", "Widgets.Example.COM"), r.Resource);
    }

    [Theory]
    [InlineData("pods", "pods", "")]
    [InlineData("pods/web", "pods", "web")]
    [InlineData("pods/web/extra", "pods", "web/extra")]
    public void Splits_resource_and_name(string arg, string resource, string name)
    {
        Assert.Equal((resource, name), ResourceResolver.SplitResourceAndName(arg));
    }

    [Fact]
    public void Star_is_passed_through()
    {
        var r = Eks.ResolveForCanI("*");
        Assert.Equal(new GroupVersionResource("", "", "*"), r.Resource);
        Assert.Empty(r.Warnings);
        Assert.True(Eks.IsNamespaced(r.Resource));
    }

    [Fact]
    public void Eks_only_resources_are_unknown_upstream()
    {
        var upstream = new ResourceResolver(ApiResourceCatalog.Upstream);
        Assert.False(upstream.ResolveForCanI("sgp").Resolved);
        Assert.False(upstream.ResolveForCanI("podmetrics").Resolved);
        // Without events ambiguity there is nothing else to warn about.
        Assert.Equal(new GroupVersionResource("", "v1", "pods"), upstream.ResolveForCanI("po").Resource);
    }

    [Fact]
    public void Parse_resource_arg_splits_like_apimachinery()
    {
        var (full, gr) = ResourceResolver.ParseResourceArg("deployments.v1.apps");
        Assert.Equal(new GroupVersionResource("apps", "v1", "deployments"), full);
        Assert.Equal(new GroupVersionResource("v1.apps", "", "deployments"), gr);

        (full, gr) = ResourceResolver.ParseResourceArg("pods.metrics.k8s.io");
        Assert.Equal(new GroupVersionResource("k8s.io", "metrics", "pods"), full);
        Assert.Equal(new GroupVersionResource("metrics.k8s.io", "", "pods"), gr);

        (full, gr) = ResourceResolver.ParseResourceArg("deployments.apps");
        Assert.Null(full);
        Assert.Equal(new GroupVersionResource("apps", "", "deployments"), gr);
    }

    [Theory]
    [InlineData("nodes", "resource 'nodes' is not namespace scoped\n")]
    [InlineData("no", "resource 'nodes' is not namespace scoped\n")]
    [InlineData("namespaces", "resource 'namespaces' is not namespace scoped\n")]
    [InlineData("clusterroles", "resource 'clusterroles' is not namespace scoped in group 'rbac.authorization.k8s.io'\n")]
    [InlineData("nodes.metrics.k8s.io", "resource 'nodes' is not namespace scoped in group 'metrics.k8s.io'\n")]
    [InlineData("eniconfigs", "resource 'eniconfigs' is not namespace scoped in group 'crd.k8s.amazonaws.com'\n")]
    public void Cluster_scoped_resources_warn_unless_all_namespaces(string arg, string warning)
    {
        var r = Eks.ResolveForCanI(arg);
        Assert.Equal([warning], CanIWarnings.ForResourceCheck("get", r, allNamespaces: false, Eks));
        Assert.Empty(CanIWarnings.ForResourceCheck("get", r, allNamespaces: true, Eks));
    }

    [Theory]
    [InlineData("pods")]
    [InlineData("widgets")]
    [InlineData("users")]
    [InlineData("*")]
    public void Namespaced_or_unresolved_resources_do_not_warn_about_scope(string arg)
    {
        Assert.Empty(CanIWarnings.ForResourceCheck("list", Eks.ResolveForCanI(arg), allNamespaces: false, Eks));
    }

    [Fact]
    public void Verb_warnings_follow_can_i_validation()
    {
        var nodes = Eks.ResolveForCanI("nodes");
        Assert.Equal(
            ["resource 'nodes' is not namespace scoped\n", "verb 'frob' is not a known verb\n"],
            CanIWarnings.ForResourceCheck("frob", nodes, allNamespaces: false, Eks));
        Assert.Empty(CanIWarnings.ForResourceCheck("frob", nodes, allNamespaces: true, Eks));
        foreach (var verb in new[] { "use", "bind", "escalate", "impersonate", "approve", "sign", "attest", "*" })
            Assert.Empty(CanIWarnings.ForResourceCheck(verb, Eks.ResolveForCanI("pods"), false, Eks));

        Assert.Empty(CanIWarnings.ForNonResourceCheck("get"));
        Assert.Empty(CanIWarnings.ForNonResourceCheck("post"));
        Assert.Equal(["verb 'list' is not a known verb\n"], CanIWarnings.ForNonResourceCheck("list"));
    }

    [Fact]
    public void Is_namespaced_uses_the_exact_group_version()
    {
        Assert.True(Eks.IsNamespaced(new GroupVersionResource("", "v1", "pods")));
        Assert.False(Eks.IsNamespaced(new GroupVersionResource("", "v1", "nodes")));
        Assert.Null(Eks.IsNamespaced(new GroupVersionResource("", "", "widgets")));
        Assert.Null(Eks.IsNamespaced(new GroupVersionResource("apps", "v2", "deployments")));
    }

    [Theory]
    [InlineData("Pod", "pods", "pod")]
    [InlineData("Endpoints", "endpoints", "endpoints")]
    [InlineData("NetworkPolicy", "networkpolicies", "networkpolicy")]
    [InlineData("PodMetrics", "podmetricses", "podmetrics")]
    [InlineData("PodList", "podlists", "podlist")]
    public void Guesses_resources_from_kinds_like_apimachinery(string kind, string plural, string singular)
    {
        Assert.Equal((plural, singular), ResourceResolver.GuessFromKind(kind));
    }
}
