using Turnstile.Core.Kube;

namespace Turnstile.Core.Tests.Kube;

public class SelectorAndQueryTests
{
    [Theory]
    [InlineData("", true)]
    [InlineData("app=web", true)]
    [InlineData("app==web", true)]
    [InlineData("app!=web", true)]
    [InlineData("app", true)]
    [InlineData("!app", true)]
    [InlineData("app in (a,b)", true)]
    [InlineData("app notin (a)", true)]
    [InlineData("app in ()", true)]
    [InlineData("app in (a,)", true)]
    [InlineData("app in (,a)", true)]
    [InlineData("app in (a,,b)", true)]
    [InlineData(" app = web , tier ", true)]
    [InlineData("example.com/app=web", true)]
    [InlineData("replicas>3", true)]
    [InlineData("replicas<+3", false)]
    [InlineData("replicas>x", false)]
    [InlineData("replicas>", false)]
    [InlineData("app=", true)]
    [InlineData("app=in", true)]
    [InlineData("in=x", true)]
    [InlineData("app in", false)]
    [InlineData("app in (a", false)]
    [InlineData("app in a", false)]
    [InlineData("app web", false)]
    [InlineData("!app=web", false)]
    [InlineData("app,", false)]
    [InlineData(",app", false)]
    [InlineData("-app", false)]
    [InlineData("app=-web", false)]
    [InlineData("a/b/c=d", false)]
    [InlineData("/a=b", false)]
    [InlineData("Example.com/app=web", false)]
    [InlineData("app=web\n", true)]
    [InlineData("app=we b", false)]
    [InlineData("app=>b", false)]
    public void Label_selector_validity_matches_apimachinery(string selector, bool valid)
    {
        Assert.Equal(valid, LabelSelectorSyntax.IsValid(selector));
    }

    [Fact]
    public void Label_keys_and_values_enforce_length_limits()
    {
        Assert.True(LabelSelectorSyntax.IsValid(new string('a', 63) + "=" + new string('b', 63)));
        Assert.False(LabelSelectorSyntax.IsValid(new string('a', 64) + "=b"));
        Assert.False(LabelSelectorSyntax.IsValid("a=" + new string('b', 64)));
    }

    [Theory]
    [InlineData("metadata.name=foo", "foo")]
    [InlineData("metadata.name==foo", "foo")]
    [InlineData("metadata.name!=foo", null)]
    [InlineData("spec.nodeName=n,metadata.name=foo", "foo")]
    [InlineData("metadata.name=b,metadata.name=a", "a")]
    [InlineData("metadata.name=a\\=b", "a=b")]
    [InlineData("metadata.name=a\\\\b", "a\\b")]
    [InlineData(",metadata.name=foo,", "foo")]
    [InlineData("=", null)]
    public void Field_selector_exact_match(string selector, string? expected)
    {
        var s = FieldSelector.TryParse(selector);
        Assert.NotNull(s);
        Assert.Equal(expected, s.RequiresExactMatch("metadata.name"));
    }

    [Theory]
    [InlineData("metadata.name")]
    [InlineData("metadata.name=a,b")]
    [InlineData("metadata.name=a\\x")]
    [InlineData("metadata.name=a\\")]
    [InlineData("metadata.name=a=b")]
    public void Field_selector_parse_errors(string selector)
    {
        Assert.Null(FieldSelector.TryParse(selector));
    }

    [Fact]
    public void Query_parsing_follows_go()
    {
        var q = GoUrlQuery.Parse("?a=1&a=2&b&c=x+y&d=%41%e2%82%ac&bad=%4&semi=1;2&&=empty&e=%2B");
        Assert.Equal(["1", "2"], q.GetAll("a"));
        Assert.Equal("", q.First("b"));
        Assert.Equal("x y", q.First("c"));
        Assert.Equal("A\u20ac", q.First("d"));
        Assert.False(q.Has("bad"));
        Assert.False(q.Has("semi"));
        Assert.Equal("empty", q.First(""));
        Assert.Equal("+", q.First("e"));
        Assert.Null(q.First("missing"));
        Assert.Empty(GoUrlQuery.Parse(null).GetAll("a"));
    }
}
