using System.Text;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using Turnstile.Core.Iam.Policies;

namespace Turnstile.Core.Tests.Iam.Policies;

public class WildcardPatternTests
{
    [Theory]
    [InlineData("*", "", true)]
    [InlineData("*", "anything", true)]
    [InlineData("eks:Describe*", "eks:DescribeCluster", true)]
    [InlineData("eks:Describe*", "eks:ListClusters", false)]
    [InlineData("*:Describe*", "ec2:DescribeInstances", true)]
    [InlineData("*Cluster", "eks:DescribeCluster", true)]
    [InlineData("*scribe*", "eks:DescribeCluster", true)]
    [InlineData("eks:?escribeCluster", "eks:DescribeCluster", true)]
    [InlineData("eks:?escribeCluster", "eks:escribeCluster", false)]
    [InlineData("a*b*c", "aXXbYYc", true)]
    [InlineData("a*b*c", "aXXbYY", false)]
    [InlineData("a*b?c", "abbbxc", true)]
    [InlineData("a**b", "ab", true)]
    [InlineData("", "", true)]
    [InlineData("", "x", false)]
    public void Case_sensitive_matching(string pattern, string input, bool expected) =>
        Assert.Equal(expected, WildcardPattern.Compile(pattern).IsMatch(input));

    [Fact]
    public void Case_insensitive_matching_for_actions()
    {
        Assert.True(WildcardPattern.Compile("EKS:describe*", ignoreCase: true).IsMatch("eks:DescribeCluster"));
        Assert.False(WildcardPattern.Compile("EKS:describe*").IsMatch("eks:DescribeCluster"));
    }

    [Fact]
    public void Literal_tokens_keep_wildcard_characters_literal()
    {
        var pattern = WildcardPattern.FromTokens([new GlobToken(GlobTokenKind.Literal, "a*"), GlobToken.AnyRun]);
        Assert.True(pattern.IsMatch("a*bc"));
        Assert.False(pattern.IsMatch("abc"));
    }

    private static readonly Gen<string> PatternGen =
        Gen.ListOf(Gen.Elements('a', 'b', ':', '/', '*', '?', 'A'), 8).Select(chars => new string(chars.ToArray()));

    private static readonly Gen<string> InputGen =
        Gen.ListOf(Gen.Elements('a', 'b', ':', '/', 'A', '*'), 10).Select(chars => new string(chars.ToArray()));

    private static Regex Oracle(string pattern, bool ignoreCase)
    {
        var regex = new StringBuilder("^");
        foreach (var c in pattern)
        {
            regex.Append(c switch
            {
                '*' => ".*",
                '?' => ".",
                _ => Regex.Escape(c.ToString()),
            });
        }
        regex.Append('$');
        var options = RegexOptions.Singleline | RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None);
        return new Regex(regex.ToString(), options);
    }

    [Fact]
    public void Agrees_with_a_regex_oracle()
    {
        var cases = Gen.Zip(Gen.Zip(PatternGen, InputGen), Gen.Elements(true, false)).ToArbitrary();
        Prop.ForAll(cases, c =>
        {
            var ((pattern, input), ignoreCase) = c;
            return WildcardPattern.Compile(pattern, ignoreCase).IsMatch(input) == Oracle(pattern, ignoreCase).IsMatch(input);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
    }

    [Fact]
    public void A_pattern_built_from_an_input_matches_it()
    {
        // Replace some characters of the input with wildcards: the result must still match the input.
        var cases = Gen.Zip(InputGen, Gen.ListOf(Gen.Elements(0, 1, 2), 10)).ToArbitrary();
        Prop.ForAll(cases, c =>
        {
            var (input, choices) = c;
            var pattern = new StringBuilder();
            for (var i = 0; i < input.Length; i++)
            {
                var choice = i < choices.Count ? choices[i] : 0;
                pattern.Append(input[i] == '*' ? "*" : choice switch { 1 => "?", 2 => "*", _ => input[i].ToString() });
            }
            return WildcardPattern.Compile(pattern.ToString()).IsMatch(input);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(1000));
    }

    [Theory]
    [InlineData("*", "arn:aws:eks:ap-northeast-2:111122223333:cluster/my-cluster", true)]
    [InlineData("*", "*", true)]
    [InlineData("arn:aws:eks:*:*:cluster/*", "arn:aws:eks:ap-northeast-2:111122223333:cluster/my-cluster", true)]
    [InlineData("arn:aws:eks:*:111122223333:cluster/my-cluster", "arn:aws:eks:ap-northeast-2:111122223333:cluster/my-cluster", true)]
    [InlineData("arn:aws:eks:*:444455556666:cluster/*", "arn:aws:eks:ap-northeast-2:111122223333:cluster/my-cluster", false)]
    [InlineData("arn:aws:eks:*:*:cluster/*", "arn:aws:eks:ap-northeast-2:111122223333:nodegroup/my-cluster/ng/1", false)]
    [InlineData("arn:aws:eks:*:*:cluster/My-Cluster", "arn:aws:eks:ap-northeast-2:111122223333:cluster/my-cluster", false)]
    // A wildcard in one of the first five parts does not reach across a colon...
    [InlineData("arn:aws:eks:*:cluster/my-cluster", "arn:aws:eks:ap-northeast-2:111122223333:cluster/my-cluster", false)]
    [InlineData("arn:aws:s3:::bucket*", "arn:aws:s3:::bucket/key", true)]
    // ...but the resource part keeps its own colons.
    [InlineData("arn:aws:logs:*:*:log-group:/aws/eks/*:*", "arn:aws:logs:us-east-1:111122223333:log-group:/aws/eks/c1/cluster:log-stream:x", true)]
    [InlineData("arn:aws:eks:*:*:cluster/*", "*", false)]
    [InlineData("arn:aws:iam::*", "arn:aws:iam::111122223333:role/x", false)]
    [InlineData("*:role/x", "arn:aws:iam::111122223333:role/x", true)]
    public void Arn_patterns_match_part_by_part(string pattern, string value, bool expected) =>
        Assert.Equal(expected, ArnPattern.Compile(pattern).IsMatch(value));
}
