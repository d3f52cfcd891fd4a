using Turnstile.Core.Authz;
using Turnstile.Core.Kube;

namespace Turnstile.Core.Tests.Kube;

public class KubeStatusTests
{
    private static string Forbidden(RequestAttributes a, string user = "NAME", string reason = "") =>
        KubeStatus.Forbidden(a, user, reason).ToJson();

    // apiserver responsewriters errors_test.go cases (spec §9 #56-60), byte for byte.
    [Fact]
    public void Case56_non_resource_path()
    {
        Assert.Equal(
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"forbidden: User \\\"NAME\\\" cannot GET path \\\"/whatever\\\"\",\"reason\":\"Forbidden\",\"details\":{},\"code\":403}\n",
            Forbidden(RequestAttributes.ForPath("GET", "/whatever")));
    }

    [Fact]
    public void Case57_path_is_html_escaped_then_json_escaped()
    {
        Assert.Equal(
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"forbidden: User \\\"NAME\\\" cannot GET path \\\"/\\u0026lt;script\\u0026gt;\\\"\",\"reason\":\"Forbidden\",\"details\":{},\"code\":403}\n",
            Forbidden(RequestAttributes.ForPath("GET", "/<script>")));
    }

    [Fact]
    public void Case58_cluster_scoped_resource()
    {
        Assert.Equal(
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"pod is forbidden: User \\\"NAME\\\" cannot get resource \\\"pod\\\" in API group \\\"\\\" at the cluster scope\",\"reason\":\"Forbidden\",\"details\":{\"kind\":\"pod\"},\"code\":403}\n",
            Forbidden(RequestAttributes.ForResource("get", "", "pod")));
    }

    [Fact]
    public void Case59_named_resource()
    {
        Assert.Equal(
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"pod \\\"mypod\\\" is forbidden: User \\\"NAME\\\" cannot get resource \\\"pod\\\" in API group \\\"\\\" at the cluster scope\",\"reason\":\"Forbidden\",\"details\":{\"name\":\"mypod\",\"kind\":\"pod\"},\"code\":403}\n",
            Forbidden(RequestAttributes.ForResource("get", "", "pod", name: "mypod")));
    }

    [Fact]
    public void Case60_namespaced_subresource_in_a_group()
    {
        Assert.Equal(
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"pod.v2 is forbidden: User \\\"NAME\\\" cannot get resource \\\"pod/quota\\\" in API group \\\"v2\\\" in the namespace \\\"test\\\"\",\"reason\":\"Forbidden\",\"details\":{\"group\":\"v2\",\"kind\":\"pod\"},\"code\":403}\n",
            Forbidden(RequestAttributes.ForResource("get", "v2", "pod", "test", subresource: "quota")));
    }

    // Spec §5.3 examples.
    [Theory]
    [InlineData("list", "", "pods", "default", "", "", "bob",
        "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"pods is forbidden: User \\\"bob\\\" cannot list resource \\\"pods\\\" in API group \\\"\\\" in the namespace \\\"default\\\"\",\"reason\":\"Forbidden\",\"details\":{\"kind\":\"pods\"},\"code\":403}\n")]
    [InlineData("list", "", "nodes", "", "", "", "bob",
        "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"nodes is forbidden: User \\\"bob\\\" cannot list resource \\\"nodes\\\" in API group \\\"\\\" at the cluster scope\",\"reason\":\"Forbidden\",\"details\":{\"kind\":\"nodes\"},\"code\":403}\n")]
    [InlineData("get", "", "pods", "default", "web-0", "log", "bob",
        "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"pods \\\"web-0\\\" is forbidden: User \\\"bob\\\" cannot get resource \\\"pods/log\\\" in API group \\\"\\\" in the namespace \\\"default\\\"\",\"reason\":\"Forbidden\",\"details\":{\"name\":\"web-0\",\"kind\":\"pods\"},\"code\":403}\n")]
    [InlineData("create", "rbac.authorization.k8s.io", "clusterrolebindings", "", "", "", "bob",
        "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"clusterrolebindings.rbac.authorization.k8s.io is forbidden: User \\\"bob\\\" cannot create resource \\\"clusterrolebindings\\\" in API group \\\"rbac.authorization.k8s.io\\\" at the cluster scope\",\"reason\":\"Forbidden\",\"details\":{\"group\":\"rbac.authorization.k8s.io\",\"kind\":\"clusterrolebindings\"},\"code\":403}\n")]
    public void Spec_examples(string verb, string group, string resource, string ns, string name, string sub, string user, string expected)
    {
        Assert.Equal(expected, Forbidden(RequestAttributes.ForResource(verb, group, resource, ns, name, sub), user));
    }

    [Fact]
    public void Anonymous_discovery_denial()
    {
        Assert.Equal(
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"forbidden: User \\\"system:anonymous\\\" cannot get path \\\"/api\\\"\",\"reason\":\"Forbidden\",\"details\":{},\"code\":403}\n",
            Forbidden(RequestAttributes.ForPath("get", "/api"), "system:anonymous"));
    }

    [Fact]
    public void Reason_is_appended_unescaped_by_the_sanitizer_but_json_escaped()
    {
        var status = KubeStatus.Forbidden(RequestAttributes.ForResource("get", "", "pods", "default"), "bob",
            "RBAC: role.rbac.authorization.k8s.io \"missing\" not found");
        Assert.Equal(
            "pods is forbidden: User \"bob\" cannot get resource \"pods\" in API group \"\" in the namespace \"default\": RBAC: role.rbac.authorization.k8s.io \"missing\" not found",
            status.Message);
        Assert.Contains("\"message\":\"pods is forbidden: User \\\"bob\\\" cannot get resource \\\"pods\\\" in API group \\\"\\\" in the namespace \\\"default\\\": RBAC: role.rbac.authorization.k8s.io \\\"missing\\\" not found\"", status.ToJson());

        var html = KubeStatus.Forbidden(RequestAttributes.ForPath("get", "/a&b"), "u<1>", "webhook said <no> & that's final");
        Assert.Equal("forbidden: User \"u&lt;1&gt;\" cannot get path \"/a&amp;b\": webhook said <no> & that's final", html.Message);
        Assert.Contains("\"message\":\"forbidden: User \\\"u\\u0026lt;1\\u0026gt;\\\" cannot get path \\\"/a\\u0026amp;b\\\": webhook said \\u003cno\\u003e \\u0026 that's final\"", html.ToJson());
    }

    [Fact]
    public void Seed_observation_of_an_eks_denial()
    {
        var status = KubeStatus.Forbidden(RequestAttributes.ForResource("list", "", "nodes"), "testuser");
        Assert.Equal("nodes is forbidden: User \"testuser\" cannot list resource \"nodes\" in API group \"\" at the cluster scope", status.Message);
        Assert.Equal("Error from server (Forbidden): nodes is forbidden: User \"testuser\" cannot list resource \"nodes\" in API group \"\" at the cluster scope\n", KubectlErrorText.FromStatus(status));
    }

    [Fact]
    public void Forbidden_message_parts()
    {
        var a = RequestAttributes.ForResource("create", "apps", "deployments", "ns1", "web", "scale");
        Assert.Equal("User \"bob\" cannot create resource \"deployments/scale\" in API group \"apps\" in the namespace \"ns1\"", ForbiddenMessage.Detail(a, "bob"));
        Assert.Equal("deployments.apps \"web\" is forbidden: User \"bob\" cannot create resource \"deployments/scale\" in API group \"apps\" in the namespace \"ns1\": why", ForbiddenMessage.Message(a, "bob", "why"));
    }

    [Fact]
    public void Unauthorized_has_no_details()
    {
        Assert.Equal(
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"Unauthorized\",\"reason\":\"Unauthorized\",\"code\":401}\n",
            KubeStatus.Unauthorized().ToJson());
    }

    [Fact]
    public void Not_found_builders()
    {
        Assert.Equal(
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"roles.rbac.authorization.k8s.io \\\"missing\\\" not found\",\"reason\":\"NotFound\",\"details\":{\"name\":\"missing\",\"group\":\"rbac.authorization.k8s.io\",\"kind\":\"roles\"},\"code\":404}\n",
            KubeStatus.NotFound("rbac.authorization.k8s.io", "roles", "missing").ToJson());
        Assert.Equal(
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"pods \\\"x\\\" not found\",\"reason\":\"NotFound\",\"details\":{\"name\":\"x\",\"kind\":\"pods\"},\"code\":404}\n",
            KubeStatus.NotFound("", "pods", "x").ToJson());
        Assert.Equal(
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"the server could not find the requested resource\",\"reason\":\"NotFound\",\"details\":{},\"code\":404}\n",
            KubeStatus.NotFoundPath().ToJson());
    }

    [Fact]
    public void Conflict_builders()
    {
        Assert.Equal(
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"clusterrolebindings.rbac.authorization.k8s.io \\\"admins\\\" already exists\",\"reason\":\"AlreadyExists\",\"details\":{\"name\":\"admins\",\"group\":\"rbac.authorization.k8s.io\",\"kind\":\"clusterrolebindings\"},\"code\":409}\n",
            KubeStatus.AlreadyExists("rbac.authorization.k8s.io", "clusterrolebindings", "admins").ToJson());
        Assert.Equal(
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"Operation cannot be fulfilled on configmaps \\\"aws-auth\\\": the object has been modified; please apply your changes to the latest version and try again\",\"reason\":\"Conflict\",\"details\":{\"name\":\"aws-auth\",\"kind\":\"configmaps\"},\"code\":409}\n",
            KubeStatus.StaleResourceVersion("", "configmaps", "aws-auth").ToJson());
    }

    [Fact]
    public void Bad_request_has_no_details()
    {
        Assert.Equal(
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"no namespace on request\",\"reason\":\"BadRequest\",\"code\":400}\n",
            KubeStatus.BadRequest("no namespace on request").ToJson());
    }

    [Fact]
    public void Invalid_with_one_cause()
    {
        var status = KubeStatus.Invalid("rbac.authorization.k8s.io", "ClusterRoleBinding", "x",
            [FieldError.NotSupported("roleRef.kind", "Role", ["ClusterRole"])]);
        Assert.Equal(
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"ClusterRoleBinding.rbac.authorization.k8s.io \\\"x\\\" is invalid: roleRef.kind: Unsupported value: \\\"Role\\\": supported values: \\\"ClusterRole\\\"\",\"reason\":\"Invalid\",\"details\":{\"name\":\"x\",\"group\":\"rbac.authorization.k8s.io\",\"kind\":\"ClusterRoleBinding\",\"causes\":[{\"reason\":\"FieldValueNotSupported\",\"message\":\"Unsupported value: \\\"Role\\\": supported values: \\\"ClusterRole\\\"\",\"field\":\"roleRef.kind\"}]},\"code\":422}\n",
            status.ToJson());
        Assert.Equal(
            "The ClusterRoleBinding \"x\" is invalid: roleRef.kind: Unsupported value: \"Role\": supported values: \"ClusterRole\"\n",
            KubectlErrorText.FromStatus(status));
    }

    [Fact]
    public void Invalid_with_several_causes_brackets_and_dedupes_the_message()
    {
        var status = KubeStatus.Invalid("rbac.authorization.k8s.io", "Role", "r",
        [
            FieldError.Required("rules[0].apiGroups", "resource rules must supply at least one api group"),
            FieldError.Required("rules[0].verbs", "verbs must contain at least one value"),
            FieldError.Required("rules[0].verbs", "verbs must contain at least one value"),
        ]);
        Assert.Equal(
            "Role.rbac.authorization.k8s.io \"r\" is invalid: [rules[0].apiGroups: Required value: resource rules must supply at least one api group, rules[0].verbs: Required value: verbs must contain at least one value]",
            status.Message);
        Assert.Equal(3, status.Details!.Causes.Count);
        Assert.Equal(
            "The Role \"r\" is invalid: \n* rules[0].apiGroups: Required value: resource rules must supply at least one api group\n* rules[0].verbs: Required value: verbs must contain at least one value\n",
            KubectlErrorText.FromStatus(status));
    }

    [Fact]
    public void Invalid_without_errors_has_no_colon_and_no_causes()
    {
        var status = KubeStatus.Invalid("", "ConfigMap", "c", []);
        Assert.Equal("ConfigMap \"c\" is invalid", status.Message);
        Assert.Contains("\"details\":{\"name\":\"c\",\"kind\":\"ConfigMap\"}", status.ToJson());
        Assert.Equal("The ConfigMap \"c\" is invalid\n", KubectlErrorText.FromStatus(status));
    }

    [Theory]
    [InlineData(FieldErrorType.Invalid, "subjects[0].name", "subject:bad", "detail", "subjects[0].name: Invalid value: \"subject:bad\": detail")]
    [InlineData(FieldErrorType.Required, "metadata.namespace", "", "", "metadata.namespace: Required value")]
    [InlineData(FieldErrorType.Forbidden, "spec", "", "may not be set", "spec: Forbidden: may not be set")]
    [InlineData(FieldErrorType.Duplicate, "subjects[1]", "x", "", "subjects[1]: Duplicate value: \"x\"")]
    [InlineData(FieldErrorType.NotFound, "roleRef.name", "r", "", "roleRef.name: Not found: \"r\"")]
    public void Field_error_rendering(FieldErrorType type, string field, string value, string detail, string expected)
    {
        Assert.Equal(expected, new FieldError(type, field, value, detail).ToString());
    }

    [Fact]
    public void Field_error_values_render_like_go()
    {
        Assert.Equal("f: Invalid value: 3: d", FieldError.Invalid("f", 3, "d").ToString());
        Assert.Equal("f: Invalid value: true: d", FieldError.Invalid("f", true, "d").ToString());
        Assert.Equal("f: Invalid value: \"null\": d", FieldError.Invalid("f", null, "d").ToString());
        Assert.Equal("f: Invalid value: []string{\"a\", \"b\"}: d", FieldError.Invalid("f", new[] { "a", "b" }, "d").ToString());
        Assert.Equal(
            "roleRef: Invalid value: rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", Kind:\"ClusterRole\", Name:\"a\"}: cannot change roleRef",
            FieldError.Invalid("roleRef", new FieldError.Verbatim("rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", Kind:\"ClusterRole\", Name:\"a\"}"), "cannot change roleRef").ToString());
        Assert.Equal("f: Too long: may not be more than 5 bytes", FieldError.TooLong("f", 5).ToString());
        Assert.Equal("f: Too many: 7: must have at most 5 items", FieldError.TooMany("f", 7, 5).ToString());
        Assert.Equal("f: Internal error: boom", FieldError.InternalError("f", "boom").ToString());
        Assert.Equal("FieldValueRequired", FieldError.Required("f").Reason);
        Assert.Equal("InternalError", FieldError.InternalError("f", "x").Reason);
    }

    [Fact]
    public void Json_escaping_follows_go()
    {
        Assert.Equal("\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001f\\u003c\\u003e\\u0026\\u2028\\u2029é😀\\ufffd\"",
            GoJson.Quote("a\"b\\c\n\r\t\b\f\u0001\u001f<>&\u2028\u2029é😀\ud800"));
    }

    [Fact]
    public void Internal_error_text()
    {
        Assert.Equal(
            "Internal Server Error: \"/api/v1/watch\": failed to create RequestInfo: unable to determine kind and namespace from url, /api/v1/watch\n",
            KubeStatus.InternalErrorText("/api/v1/watch", "failed to create RequestInfo: unable to determine kind and namespace from url, /api/v1/watch"));
        Assert.Equal("Internal Server Error: \"/a?b=&lt;\": x &amp; y\n", KubeStatus.InternalErrorText("/a?b=<", "x & y"));
    }
}
