using System.Text;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using Turnstile.Core.Iam.Policies;
using static Turnstile.Core.Tests.Iam.Policies.PolicyTestKit;

namespace Turnstile.Core.Tests.Iam.Policies;

public class PolicyPropertyTests
{
    private static readonly Config Quick = Config.QuickThrowOnFailure.WithMaxTest(300);

    private static Gen<string> Word(params char[] alphabet) =>
        Gen.ListOf(Gen.Elements(alphabet), 4).Select(chars => new string(chars.ToArray()));

    private static readonly Gen<string> ActionGen =
        Gen.Zip(Gen.Elements("eks", "ec2", "iam", "s3"), Word('D', 'e', 'L', 'i', 'x'))
            .Select(t => $"{t.Item1}:{t.Item2}");

    private static readonly Gen<string> ActionPatternGen =
        Gen.Zip(Gen.Elements("eks", "ec2", "iam", "*"), Word('D', 'e', 'L', '*', '?'))
            .Select(t => $"{t.Item1}:{t.Item2}");

    private static string Statement(string effect, string element, IEnumerable<string> values) =>
        $"{{'Effect':'{effect}','{element}':[{string.Join(',', values.Select(v => $"'{v}'"))}],'Resource':'*'}}";

    private static CompiledPolicy Policy(params string[] statements) =>
        Identity($"{{'Version':'2012-10-17','Statement':[{string.Join(',', statements)}]}}");

    [Fact]
    public void Action_and_NotAction_over_the_same_patterns_are_complements()
    {
        var cases = Gen.Zip(Gen.NonEmptyListOf(ActionPatternGen), ActionGen).ToArbitrary();
        Prop.ForAll(cases, c =>
        {
            var (patterns, action) = c;
            var byAction = Decide(Policy(Statement("Allow", "Action", patterns)), action) == EvaluationDecision.Allowed;
            var byNotAction = Decide(Policy(Statement("Allow", "NotAction", patterns)), action) == EvaluationDecision.Allowed;
            return byAction != byNotAction;
        }).Check(Quick);
    }

    [Fact]
    public void A_matching_deny_always_wins()
    {
        var cases = Gen.Zip(Gen.Zip(Gen.NonEmptyListOf(ActionPatternGen), Gen.NonEmptyListOf(ActionPatternGen)), ActionGen).ToArbitrary();
        Prop.ForAll(cases, c =>
        {
            var ((allows, denies), action) = c;
            var policy = Policy(Statement("Allow", "Action", allows), Statement("Deny", "Action", denies));
            var denyMatches = Decide(Policy(Statement("Allow", "Action", denies)), action) == EvaluationDecision.Allowed;
            var allowMatches = Decide(Policy(Statement("Allow", "Action", allows)), action) == EvaluationDecision.Allowed;
            var expected = denyMatches ? EvaluationDecision.ExplicitDeny : allowMatches ? EvaluationDecision.Allowed : EvaluationDecision.ImplicitDeny;
            return Decide(policy, action) == expected;
        }).Check(Quick);
    }

    private static readonly Gen<string> SegmentPatternGen = Word('a', 'b', '*', '?', '/');
    private static readonly Gen<string> SegmentGen = Word('a', 'b', '/');

    private static string Join6(IReadOnlyList<string> parts) => string.Join(':', parts);

    private static Regex ArnOracle(IReadOnlyList<string> parts)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < parts.Count; i++)
        {
            if (i > 0) regex.Append(':');
            var last = i == parts.Count - 1;
            foreach (var c in parts[i])
            {
                regex.Append(c switch
                {
                    '*' => last ? ".*" : "[^:]*",
                    '?' => last ? "." : "[^:]",
                    _ => Regex.Escape(c.ToString()),
                });
            }
        }
        return new Regex(regex.Append('$').ToString(), RegexOptions.Singleline | RegexOptions.CultureInvariant);
    }

    [Fact]
    public void Arn_patterns_agree_with_a_part_by_part_regex_oracle()
    {
        var patternParts = Gen.ListOf(SegmentPatternGen, 4).Select(parts => (IReadOnlyList<string>)["arn", "aws", .. parts]);
        // The value's resource part may itself hold colons.
        var valueParts = Gen.Zip(Gen.ListOf(SegmentGen, 4), Gen.Elements("", ":x", ":a:b"))
            .Select(t => (IReadOnlyList<string>)["arn", "aws", .. t.Item1.Take(3), t.Item1[3] + t.Item2]);
        var cases = Gen.Zip(patternParts, valueParts).ToArbitrary();
        Prop.ForAll(cases, c =>
        {
            var (pattern, value) = c;
            var text = Join6(value);
            return ArnPattern.Compile(Join6(pattern)).IsMatch(text) == ArnOracle(pattern).IsMatch(text);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(1000));
    }
}
