using Turnstile.Kube.Apply;

namespace Turnstile.Kube.Tests.Apply;

public class FieldManagerNameTests
{
    [Theory]
    [InlineData("kubectl/v1.32.0 (linux/amd64) kubernetes/70d3cc9", "kubectl")]
    [InlineData("kube-controller-manager/v1.32.0 (linux/amd64) kubernetes/70d3cc9/system:serviceaccount:kube-system:deployment-controller", "kube-controller-manager")]
    [InlineData("Go-http-client/1.1", "Go-http-client")]
    [InlineData("curl/8.5.0", "curl")]
    [InlineData("no slash at all", "no slash at all")]
    [InlineData("tab\there/1", "tabhere")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void The_manager_of_a_write_without_fieldManager_is_the_user_agent_product(string? userAgent, string manager) =>
        Assert.Equal(manager, FieldManagerName.Resolve(null, userAgent));

    [Fact]
    public void The_fieldManager_parameter_wins_and_long_agents_are_cut_at_128_bytes()
    {
        Assert.Equal("kubectl-edit", FieldManagerName.Resolve("kubectl-edit", "kubectl/v1.32.0"));
        Assert.Equal(new string('é', 64), FieldManagerName.FromUserAgent(new string('é', 100) + "/1"));
    }

    [Fact]
    public void Apply_requires_a_field_manager_with_kubes_422()
    {
        var status = FieldManagerName.InvalidOptions("PatchOptions", FieldManagerName.PatchOptionErrors(isApply: true, "", force: false));
        Assert.Equal(
            """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch","reason":"Invalid","details":{"group":"meta.k8s.io","kind":"PatchOptions","causes":[{"reason":"FieldValueRequired","message":"Required value: is required for apply patch","field":"fieldManager"}]},"code":422}""" + "\n",
            status.ToJson());
    }

    [Fact]
    public void Other_option_errors_read_as_kube_words_them()
    {
        Assert.Equal(["force: Forbidden: may not be specified for non-apply patch"],
            FieldManagerName.PatchOptionErrors(isApply: false, "kubectl-patch", force: true).Select(e => e.ToString()));
        Assert.Equal(["fieldManager: Too long: may not be more than 128 bytes"],
            FieldManagerName.Validate(new string('m', 129)).Select(e => e.ToString()));
        Assert.Equal(["fieldManager: Invalid value: \"a\\x01b\": invalid character U+0001 (at position 1)"],
            FieldManagerName.Validate("a\u0001b").Select(e => e.ToString()));
        Assert.Empty(FieldManagerName.PatchOptionErrors(isApply: true, "kubectl", force: true));
    }
}
