using Turnstile.Core.Authz;
using Turnstile.Core.Kube;

namespace Turnstile.Core.Tests.Kube;

public class KubectlErrorTextTests
{
    [Fact]
    public void Forbidden_is_error_from_server_with_reason()
    {
        var status = KubeStatus.Forbidden(RequestAttributes.ForResource("list", "", "pods", "default"), "bob");
        Assert.Equal(
            "Error from server (Forbidden): pods is forbidden: User \"bob\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\"\n",
            KubectlErrorText.FromStatus(status));
    }

    [Fact]
    public void Unauthorized_asks_to_log_in()
    {
        Assert.Equal("error: You must be logged in to the server (Unauthorized)\n", KubectlErrorText.FromStatus(KubeStatus.Unauthorized()));
        Assert.Equal(
            "error: You must be logged in to the server (the server has asked for the client to provide credentials)\n",
            KubectlErrorText.DiscoveryUnauthorized);
    }

    [Fact]
    public void Other_reasons_and_reasonless_statuses()
    {
        Assert.Equal("Error from server (NotFound): pods \"x\" not found\n", KubectlErrorText.FromStatus(KubeStatus.NotFound("", "pods", "x")));
        Assert.Equal("Error from server (BadRequest): no namespace on request\n", KubectlErrorText.FromStatus(KubeStatus.BadRequest("no namespace on request")));
        Assert.Equal(
            "Error from server (AlreadyExists): clusterrolebindings.rbac.authorization.k8s.io \"a\" already exists\n",
            KubectlErrorText.FromStatus(KubeStatus.AlreadyExists("rbac.authorization.k8s.io", "clusterrolebindings", "a")));
        Assert.Equal("Error from server: boom\n", KubectlErrorText.FromStatus(new KubeStatus(500, "", "boom", null)));
    }

    [Fact]
    public void Invalid_without_details_or_kind()
    {
        Assert.Equal("The request is invalid: bad\n", KubectlErrorText.FromStatus(new KubeStatus(422, KubeStatus.ReasonInvalid, "bad", null)));
        Assert.Equal("The request is invalid: bad\n", KubectlErrorText.FromStatus(new KubeStatus(422, KubeStatus.ReasonInvalid, "bad", new StatusDetails())));
        Assert.Equal(
            "The request is invalid: spec: Required value\n",
            KubectlErrorText.FromStatus(new KubeStatus(422, KubeStatus.ReasonInvalid, "ignored",
                new StatusDetails { Causes = [new StatusCause("FieldValueRequired", "Required value", "spec")] })));
    }

    [Fact]
    public void Source_prefix_for_manifest_commands()
    {
        var status = KubectlErrorText.WithSource(
            KubeStatus.Forbidden(RequestAttributes.ForResource("create", "rbac.authorization.k8s.io", "roles", "default"), "bob"),
            "creating", "f.yaml");
        Assert.Equal(
            "Error from server (Forbidden): error when creating \"f.yaml\": roles.rbac.authorization.k8s.io is forbidden: User \"bob\" cannot create resource \"roles\" in API group \"rbac.authorization.k8s.io\" in the namespace \"default\"\n",
            KubectlErrorText.FromStatus(status));
        var unchanged = KubeStatus.BadRequest("x");
        Assert.Same(unchanged, KubectlErrorText.WithSource(unchanged, "creating", ""));
    }

    [Fact]
    public void Can_i_answers_and_unknown_types()
    {
        Assert.Equal("yes\n", KubectlErrorText.CanIAnswer(true, "ignored"));
        Assert.Equal("no\n", KubectlErrorText.CanIAnswer(false));
        Assert.Equal("no - RBAC: denied\n", KubectlErrorText.CanIAnswer(false, "RBAC: denied"));
        Assert.Equal("no - r - e\n", KubectlErrorText.CanIAnswer(false, "r", "e"));
        Assert.Equal("no - e\n", KubectlErrorText.CanIAnswer(false, "", "e"));
        Assert.Equal("error: the server doesn't have a resource type \"foos\"\n", KubectlErrorText.UnknownResourceType("foos"));
        Assert.Equal("Warning: resource 'nodes' is not namespace scoped\n\n", KubectlErrorText.Warning(CanIWarnings.NotNamespaceScoped("nodes", "")));
    }
}
