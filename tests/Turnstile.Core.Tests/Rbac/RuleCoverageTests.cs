using Turnstile.Core.Rbac;
using static Turnstile.Core.Tests.Rbac.RbacFixtures;

namespace Turnstile.Core.Tests.Rbac;

/// <summary>k8s-authz.md §9.2 cases 35-44 (policy_comparator).</summary>
public class RuleCoverageTests
{
    [Fact] public void Case35_star_slash_scale() => Assert.True(RuleCoverage.Covers([R("get", "v1", "*/scale")], [R("get", "v1", "foo/scale")]).Covered);

    [Fact]
    public void Case36_reports_the_missing_atom()
    {
        var (covered, missing) = RuleCoverage.Covers([R("delete,update", "v1", "builds,deployments"), R("delete", "v1", "pods")], [R("delete,update", "v1", "builds,deployments,pods")]);
        Assert.False(covered);
        Assert.Equal(R("update", "v1", "pods"), Assert.Single(missing));
    }

    [Fact] public void Case37_enumeration_never_covers_star_group() => Assert.False(RuleCoverage.Covers([R("get", "dummy-group", "roles")], [R("get", "*", "roles")]).Covered);
    [Fact] public void Case38_enumeration_never_covers_star_verb() => Assert.False(RuleCoverage.Covers([R("get,list,watch,create,update,delete,exec", "v1", "roles")], [R("*", "v1", "roles")]).Covered);
    [Fact] public void Case39_unrestricted_names_cover_named() => Assert.True(RuleCoverage.Covers([R("get", "v1", "pods")], [R("get", "v1", "pods", "foo,bar")]).Covered);
    [Fact] public void Case40_named_do_not_cover_unrestricted() => Assert.False(RuleCoverage.Covers([R("get", "v1", "pods", "foo,bar")], [R("get", "v1", "pods")]).Covered);

    [Fact]
    public void Case41_prefix_does_not_cover_the_bare_path()
    {
        var (covered, missing) = RuleCoverage.Covers([Nr("*", "/apis/*")], [Nr("get", "/apis,/apis/v1")]);
        Assert.False(covered);
        Assert.Equal(Nr("get", "/apis"), Assert.Single(missing));
    }

    [Fact] public void Case42_star_covers_every_url() => Assert.True(RuleCoverage.Covers([Nr("*", "*")], [Nr("*", "/apis,/apis/v1,/")]).Covered);

    [Fact]
    public void Case43_mixed_rule_needs_both_parts()
    {
        var requested = new PolicyRule { Verbs = ["get"], ApiGroups = ["v1"], Resources = ["builds"], NonResourceUrls = ["/apis"] };
        var (covered, missing) = RuleCoverage.Covers([R("get", "v1", "builds")], [requested]);
        Assert.False(covered);
        Assert.Equal(Nr("get", "/apis"), Assert.Single(missing));
    }

    [Theory]
    [InlineData("/*", "", false)]
    [InlineData("/*", "/", true)]
    [InlineData("/api/*/*", "/api/v1", false)]
    [InlineData("/*/v1/*", "/api/v1", false)]
    public void Case44_non_resource_url_covers(string owner, string requested, bool expected) =>
        Assert.Equal(expected, RuleCoverage.NonResourceUrlCovers(owner, requested));

    [Fact]
    public void Compaction_merges_verbs_of_the_same_group_resource_and_name()
    {
        var compacted = RuleCoverage.Compact([R("create", "apps", "deployments"), R("get", "", "secrets"), R("delete", "apps", "deployments")]);
        Assert.Equal(["{APIGroups:[\"apps\"], Resources:[\"deployments\"], Verbs:[\"create\" \"delete\"]}", "{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[\"get\"]}"],
            compacted.Select(r => r.ToString()));
    }
}
