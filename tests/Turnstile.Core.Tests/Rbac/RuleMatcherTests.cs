using Turnstile.Core.Authz;
using Turnstile.Core.Rbac;
using static Turnstile.Core.Tests.Rbac.RbacFixtures;

namespace Turnstile.Core.Tests.Rbac;

/// <summary>k8s-authz.md §9.2 cases 1-15 (TestRuleMatches).</summary>
public class RuleMatcherTests
{
    private static RequestAttributes Res(string verb, string group, string resource, string sub = "") =>
        RequestAttributes.ForResource(verb, group, resource, subresource: sub);

    public static TheoryData<PolicyRule, RequestAttributes, bool> Cases => new()
    {
        { R("*", "group1", "resource1"), Res("verb2", "group1", "resource1"), true },
        { R("*", "group1", "resource1"), Res("verb1", "group2", "resource1"), false },
        { R("verb1", "*", "resource1"), Res("verb1", "group2", "resource1"), true },
        { R("verb1", "*", "resource1"), Res("verb2", "group1", "resource1"), false },
        { R("verb1", "group1", "*"), Res("verb1", "group1", "resource2"), true },
        { R("*", "*", "resource1/subresource1"), Res("verb1", "group1", "resource1", "subresource1"), true },
        { R("*", "*", "resource1/subresource1"), Res("verb1", "group2", "resource1", "subresource2"), false },
        { Nr("verb1", "*"), RequestAttributes.ForPath("verb1", "/foo/bar/one"), true },
        { Nr("verb1", "*"), RequestAttributes.ForPath("verb2", "/foo"), false },
        { Nr("verb1", "/foo/*"), RequestAttributes.ForPath("verb1", "/foo"), false },
        { Nr("verb1", "/foo/*"), RequestAttributes.ForPath("verb1", "/foo/baz/one"), true },
        { Nr("verb1", "/foo/*"), RequestAttributes.ForPath("verb1", "/notfoo/bar"), false },
        { Nr("*", "/foo,/foo/bar/one"), RequestAttributes.ForPath("verb2", "/foo/bar"), false },
        { Nr("*", "/foo,/foo/bar/one"), RequestAttributes.ForPath("verb2", "/foo/bar/one"), true },
        { Nr("get", "/apis/*"), RequestAttributes.ForPath("get", "/apis/"), true },
        { Nr("get", "/apis/*"), RequestAttributes.ForPath("get", "/apis"), false },
        { R("get", "", "pods"), Res("get", "", "pods", "log"), false },
        { R("get", "", "pods/status"), Res("get", "", "pods"), false },
        { R("get", "", "pods/*"), Res("get", "", "pods", "log"), false },
        { R("get", "", "*/scale"), Res("get", "apps", "deployments"), false },
        { R("GET", "", "pods"), Res("get", "", "pods"), false },
        { R("get", "", "pods", "web-0"), Res("get", "", "pods"), false },
        { R("get", "", "pods", "web-0"), RequestAttributes.ForResource("get", "", "pods", name: "web-0"), true },
        { R("*", "*", "*"), RequestAttributes.ForPath("get", "/healthz"), false },
        { Nr("*", "*"), Res("get", "", "pods"), false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_like_kube(PolicyRule rule, RequestAttributes request, bool expected) =>
        Assert.Equal(expected, RuleMatcher.Allows(rule, request));

    [Fact]
    public void All_eight_combinations_of_a_multi_value_rule_match()
    {
        var rule = R("verb1,verb2", "group1,group2", "resource1,resource2");
        foreach (var v in new[] { "verb1", "verb2" })
            foreach (var g in new[] { "group1", "group2" })
                foreach (var r in new[] { "resource1", "resource2" })
                    Assert.True(RuleMatcher.Allows(rule, Res(v, g, r)));
    }
}
