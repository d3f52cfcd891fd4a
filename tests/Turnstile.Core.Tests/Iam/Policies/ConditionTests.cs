using Turnstile.Core.Iam.Policies;
using static Turnstile.Core.Tests.Iam.Policies.PolicyTestKit;

namespace Turnstile.Core.Tests.Iam.Policies;

public class ConditionTests
{
    private static ContextKeys One(string key, string value) => Keys((key, ContextValue.Of(value)));
    private static ContextKeys One(string key, ContextValue value) => Keys((key, value));

    [Theory]
    [InlineData("StringEquals", "alice", "alice", true)]
    [InlineData("StringEquals", "alice", "Alice", false)]
    [InlineData("StringNotEquals", "alice", "bob", true)]
    [InlineData("StringNotEquals", "alice", "alice", false)]
    [InlineData("StringEqualsIgnoreCase", "alice", "ALICE", true)]
    [InlineData("StringNotEqualsIgnoreCase", "alice", "ALICE", false)]
    [InlineData("StringNotEqualsIgnoreCase", "alice", "bob", true)]
    [InlineData("StringLike", "al*", "alice", true)]
    [InlineData("StringLike", "al?ce", "alice", true)]
    [InlineData("StringLike", "al*", "Alice", false)]
    [InlineData("StringNotLike", "al*", "bob", true)]
    [InlineData("StringNotLike", "al*", "alice", false)]
    public void String_operators(string op, string policyValue, string requestValue, bool expected) =>
        Assert.Equal(expected, Allows(AllowWhen($"{{'{op}':{{'aws:username':'{policyValue}'}}}}"), One("aws:username", requestValue)));

    [Fact]
    public void Several_values_are_ored_and_a_negated_operator_needs_none_of_them()
    {
        var equals = AllowWhen("{'StringEquals':{'aws:username':['alice','bob']}}");
        var notEquals = AllowWhen("{'StringNotEquals':{'aws:username':['alice','bob']}}");

        Assert.True(Allows(equals, One("aws:username", "bob")));
        Assert.False(Allows(equals, One("aws:username", "carol")));
        Assert.False(Allows(notEquals, One("aws:username", "bob")));
        Assert.True(Allows(notEquals, One("aws:username", "carol")));
    }

    [Fact]
    public void Several_keys_and_operators_are_anded()
    {
        var policy = AllowWhen("{'StringEquals':{'aws:username':'alice','aws:RequestedRegion':'ap-northeast-2'},'Bool':{'aws:SecureTransport':'true'}}");
        var all = Keys(("aws:username", ContextValue.Of("alice")), ("aws:RequestedRegion", ContextValue.Of("ap-northeast-2")), ("aws:SecureTransport", ContextValue.Of(true)));

        Assert.True(Allows(policy, all));
        Assert.False(Allows(policy, new ContextKeys(all).Set("aws:RequestedRegion", "us-east-1")));
        Assert.False(Allows(policy, new ContextKeys(all).Set("aws:SecureTransport", ContextValue.Of(false))));
    }

    [Fact]
    public void Condition_key_names_are_case_insensitive_but_values_are_not()
    {
        var policy = AllowWhen("{'StringEquals':{'AWS:UserName':'alice'}}");
        Assert.True(Allows(policy, One("aws:username", "alice")));
        Assert.False(Allows(policy, One("aws:username", "ALICE")));
    }

    [Theory]
    [InlineData("NumericEquals", "10", "10", true)]
    [InlineData("NumericEquals", "10", "10.0", true)]
    [InlineData("NumericNotEquals", "10", "11", true)]
    [InlineData("NumericNotEquals", "10", "10", false)]
    [InlineData("NumericLessThan", "10", "9", true)]
    [InlineData("NumericLessThan", "10", "10", false)]
    [InlineData("NumericLessThanEquals", "10", "10", true)]
    [InlineData("NumericGreaterThan", "10", "10", false)]
    [InlineData("NumericGreaterThan", "10", "10.5", true)]
    [InlineData("NumericGreaterThanEquals", "10", "10", true)]
    [InlineData("NumericGreaterThanEquals", "10", "-3", false)]
    [InlineData("NumericEquals", "ten", "10", false)]
    [InlineData("NumericEquals", "10", "ten", false)]
    public void Numeric_operators(string op, string policyValue, string requestValue, bool expected) =>
        Assert.Equal(expected, Allows(AllowWhen($"{{'{op}':{{'s3:max-keys':'{policyValue}'}}}}"), One("s3:max-keys", ContextValue.FromSimulation("numeric", [requestValue]))));

    [Fact]
    public void Numeric_values_may_be_json_numbers() =>
        Assert.True(Allows(AllowWhen("{'NumericLessThanEquals':{'s3:max-keys':10}}"), One("s3:max-keys", ContextValue.Of(10L))));

    [Theory]
    [InlineData("DateEquals", "2024-05-01T12:00:00Z", true)]
    [InlineData("DateNotEquals", "2024-05-01T12:00:00Z", false)]
    [InlineData("DateNotEquals", "2024-05-01T12:00:01Z", true)]
    [InlineData("DateLessThan", "2024-05-01T12:00:01Z", true)]
    [InlineData("DateLessThan", "2024-05-01T12:00:00Z", false)]
    [InlineData("DateLessThanEquals", "2024-05-01T12:00:00Z", true)]
    [InlineData("DateGreaterThan", "2024-05-01", true)]
    [InlineData("DateGreaterThan", "2025-01-01", false)]
    [InlineData("DateGreaterThan", "2025", true)] // all digits: epoch seconds, not a year
    [InlineData("DateGreaterThanEquals", "2024-05-01T14:00:00+02:00", true)]
    [InlineData("DateLessThan", "1714564801", true)]
    [InlineData("DateGreaterThan", "1714564801", false)]
    public void Date_operators(string op, string policyValue, bool expected)
    {
        var now = new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
        var policy = AllowWhen($"{{'{op}':{{'aws:CurrentTime':'{policyValue}'}}}}");
        Assert.Equal(expected, Allows(policy, One("aws:CurrentTime", ContextValue.Of(now))));
    }

    [Fact]
    public void Epoch_time_key_compares_as_a_date()
    {
        var policy = AllowWhen("{'DateLessThan':{'aws:EpochTime':'2030-01-01T00:00:00Z'}}");
        Assert.True(Allows(policy, One("aws:EpochTime", ContextValue.Of(1714564800L))));
        Assert.False(Allows(policy, One("aws:EpochTime", ContextValue.Of(1924992000L))));
    }

    [Theory]
    [InlineData("true", true, true)]
    [InlineData("true", false, false)]
    [InlineData("false", false, true)]
    [InlineData("TRUE", true, true)]
    public void Bool_operator(string policyValue, bool requestValue, bool expected) =>
        Assert.Equal(expected, Allows(AllowWhen($"{{'Bool':{{'aws:SecureTransport':'{policyValue}'}}}}"), One("aws:SecureTransport", ContextValue.Of(requestValue))));

    [Fact]
    public void Bool_accepts_json_booleans() =>
        Assert.True(Allows(AllowWhen("{'Bool':{'aws:MultiFactorAuthPresent':true}}"), One("aws:MultiFactorAuthPresent", ContextValue.Of(true))));

    [Fact]
    public void Binary_equals_compares_bytes()
    {
        var policy = AllowWhen("{'BinaryEquals':{'kms:blob':'QmluYXJ5VmFsdWVJbkJhc2U2NA=='}}");
        Assert.True(Allows(policy, One("kms:blob", ContextValue.Binary("BinaryValueInBase64"u8.ToArray()))));
        Assert.False(Allows(policy, One("kms:blob", ContextValue.Binary("other"u8.ToArray()))));
    }

    [Theory]
    [InlineData("IpAddress", "203.0.113.0/24", "203.0.113.7", true)]
    [InlineData("IpAddress", "203.0.113.0/24", "203.0.114.7", false)]
    [InlineData("IpAddress", "203.0.113.7", "203.0.113.7", true)]
    [InlineData("IpAddress", "203.0.113.7", "203.0.113.8", false)]
    [InlineData("IpAddress", "203.0.113.9/20", "203.0.112.1", true)]
    [InlineData("IpAddress", "0.0.0.0/0", "198.51.100.1", true)]
    [InlineData("IpAddress", "2001:DB8:1234:5678::/64", "2001:db8:1234:5678:abcd::1", true)]
    [InlineData("IpAddress", "2001:DB8:1234:5678::/64", "2001:db8:1234:5679::1", false)]
    [InlineData("IpAddress", "2001:DB8::/32", "203.0.113.7", false)]
    [InlineData("NotIpAddress", "203.0.113.0/24", "198.51.100.1", true)]
    [InlineData("NotIpAddress", "203.0.113.0/24", "203.0.113.1", false)]
    public void Ip_operators(string op, string cidr, string sourceIp, bool expected) =>
        Assert.Equal(expected, Allows(AllowWhen($"{{'{op}':{{'aws:SourceIp':'{cidr}'}}}}"), One("aws:SourceIp", ContextValue.Ip(sourceIp))));

    [Fact]
    public void Ip_ranges_in_a_list_are_ored()
    {
        var policy = AllowWhen("{'IpAddress':{'aws:SourceIp':['203.0.113.0/24','2001:DB8:1234:5678::/64']}}");
        Assert.True(Allows(policy, One("aws:SourceIp", ContextValue.Ip("2001:db8:1234:5678::9"))));
        Assert.True(Allows(policy, One("aws:SourceIp", ContextValue.Ip("203.0.113.200"))));
        Assert.False(Allows(policy, One("aws:SourceIp", ContextValue.Ip("192.0.2.1"))));
    }

    [Theory]
    [InlineData("ArnEquals", "arn:aws:iam::111122223333:role/admin", "arn:aws:iam::111122223333:role/admin", true)]
    [InlineData("ArnEquals", "arn:aws:iam::*:role/admin", "arn:aws:iam::111122223333:role/admin", true)]
    [InlineData("ArnLike", "arn:aws:iam::111122223333:role/*", "arn:aws:iam::111122223333:role/dev/x", true)]
    [InlineData("ArnLike", "arn:aws:iam::111122223333:role/*", "arn:aws:iam::444455556666:role/x", false)]
    [InlineData("ArnLike", "arn:aws:iam::111122223333:role/*", "not-an-arn", false)]
    [InlineData("ArnNotEquals", "arn:aws:iam::111122223333:role/admin", "arn:aws:iam::111122223333:role/dev", true)]
    [InlineData("ArnNotLike", "arn:aws:iam::111122223333:role/*", "arn:aws:iam::111122223333:role/dev", false)]
    [InlineData("ArnNotLike", "arn:aws:iam::111122223333:role/*", "arn:aws:iam::111122223333:user/dev", true)]
    public void Arn_operators(string op, string policyValue, string requestValue, bool expected) =>
        Assert.Equal(expected, Allows(AllowWhen($"{{'{op}':{{'aws:PrincipalArn':'{policyValue}'}}}}"), One("aws:PrincipalArn", requestValue)));

    [Fact]
    public void Missing_key_makes_positive_operators_false_and_negated_ones_true()
    {
        var empty = new ContextKeys();
        Assert.False(Allows(AllowWhen("{'StringEquals':{'aws:username':'alice'}}"), empty));
        Assert.False(Allows(AllowWhen("{'StringLike':{'aws:username':'*'}}"), empty));
        Assert.False(Allows(AllowWhen("{'NumericLessThan':{'s3:max-keys':'10'}}"), empty));
        Assert.False(Allows(AllowWhen("{'Bool':{'aws:SecureTransport':'false'}}"), empty));
        Assert.False(Allows(AllowWhen("{'IpAddress':{'aws:SourceIp':'0.0.0.0/0'}}"), empty));
        Assert.True(Allows(AllowWhen("{'StringNotEquals':{'aws:username':'alice'}}"), empty));
        Assert.True(Allows(AllowWhen("{'StringNotLike':{'aws:username':'a*'}}"), empty));
        Assert.True(Allows(AllowWhen("{'NotIpAddress':{'aws:SourceIp':'203.0.113.0/24'}}"), empty));
        Assert.True(Allows(AllowWhen("{'ArnNotLike':{'aws:PrincipalArn':'arn:aws:iam::*:role/x'}}"), empty));
        Assert.True(Allows(AllowWhen("{'DateNotEquals':{'aws:CurrentTime':'2020-01-01'}}"), empty));
    }

    [Fact]
    public void IfExists_passes_when_the_key_is_absent_and_tests_it_when_present()
    {
        var policy = AllowWhen("{'BoolIfExists':{'aws:MultiFactorAuthPresent':'true'}}");
        Assert.True(Allows(policy, new ContextKeys()));
        Assert.True(Allows(policy, One("aws:MultiFactorAuthPresent", ContextValue.Of(true))));
        Assert.False(Allows(policy, One("aws:MultiFactorAuthPresent", ContextValue.Of(false))));

        var like = AllowWhen("{'StringLikeIfExists':{'ec2:InstanceType':['t1.*','t2.*']}}");
        Assert.True(Allows(like, One("ec2:InstanceType", "t2.micro")));
        Assert.False(Allows(like, One("ec2:InstanceType", "m5.large")));
    }

    [Fact]
    public void Deny_unless_mfa_with_BoolIfExists_also_catches_long_term_keys()
    {
        var policy = Identity("""
            {'Version':'2012-10-17','Statement':[
              {'Effect':'Allow','Action':'*','Resource':'*'},
              {'Effect':'Deny','Action':'*','Resource':'*','Condition':{'BoolIfExists':{'aws:MultiFactorAuthPresent':'false'}}}]}
            """);
        Assert.Equal(EvaluationDecision.ExplicitDeny, Decide(policy, "s3:GetObject", keys: new ContextKeys()));
        Assert.Equal(EvaluationDecision.ExplicitDeny, Decide(policy, "s3:GetObject", keys: One("aws:MultiFactorAuthPresent", ContextValue.Of(false))));
        Assert.Equal(EvaluationDecision.Allowed, Decide(policy, "s3:GetObject", keys: One("aws:MultiFactorAuthPresent", ContextValue.Of(true))));

        // The plain Bool form misses requests made with long-term keys, where the key is absent.
        var plain = Identity("""
            {'Version':'2012-10-17','Statement':[
              {'Effect':'Allow','Action':'*','Resource':'*'},
              {'Effect':'Deny','Action':'*','Resource':'*','Condition':{'Bool':{'aws:MultiFactorAuthPresent':'false'}}}]}
            """);
        Assert.Equal(EvaluationDecision.Allowed, Decide(plain, "s3:GetObject", keys: new ContextKeys()));
    }

    [Fact]
    public void Null_checks_presence()
    {
        var mustBeAbsent = AllowWhen("{'Null':{'aws:TokenIssueTime':'true'}}");
        var mustBePresent = AllowWhen("{'Null':{'aws:TokenIssueTime':'false'}}");
        var present = One("aws:TokenIssueTime", ContextValue.Of(DateTimeOffset.UnixEpoch));

        Assert.True(Allows(mustBeAbsent, new ContextKeys()));
        Assert.False(Allows(mustBeAbsent, present));
        Assert.False(Allows(mustBePresent, new ContextKeys()));
        Assert.True(Allows(mustBePresent, present));
        Assert.True(Allows(mustBeAbsent, One("aws:TagKeys", ContextValue.List())));
    }

    [Fact]
    public void ForAnyValue_needs_one_request_value_to_match()
    {
        var policy = AllowWhen("{'ForAnyValue:StringEquals':{'aws:TagKeys':['env','team']}}");
        Assert.True(Allows(policy, One("aws:TagKeys", ContextValue.List("cost", "team"))));
        Assert.False(Allows(policy, One("aws:TagKeys", ContextValue.List("cost", "owner"))));
        Assert.False(Allows(policy, One("aws:TagKeys", ContextValue.List())));
        Assert.False(Allows(policy, new ContextKeys()));
    }

    [Fact]
    public void ForAllValues_needs_every_request_value_to_match_and_holds_for_no_values()
    {
        var policy = AllowWhen("{'ForAllValues:StringEquals':{'aws:TagKeys':['env','team']}}");
        Assert.True(Allows(policy, One("aws:TagKeys", ContextValue.List("env", "team"))));
        Assert.True(Allows(policy, One("aws:TagKeys", ContextValue.List("env"))));
        Assert.False(Allows(policy, One("aws:TagKeys", ContextValue.List("env", "cost"))));
        Assert.True(Allows(policy, One("aws:TagKeys", ContextValue.List())));
        Assert.True(Allows(policy, new ContextKeys()));
    }

    [Fact]
    public void Set_qualifiers_with_negated_operators()
    {
        var anyNot = AllowWhen("{'ForAnyValue:StringNotEquals':{'aws:TagKeys':['env','team']}}");
        var allNot = AllowWhen("{'ForAllValues:StringNotLike':{'aws:TagKeys':['aws:*']}}");

        Assert.True(Allows(anyNot, One("aws:TagKeys", ContextValue.List("env", "cost"))));
        Assert.False(Allows(anyNot, One("aws:TagKeys", ContextValue.List("env", "team"))));
        Assert.True(Allows(allNot, One("aws:TagKeys", ContextValue.List("env", "cost"))));
        Assert.False(Allows(allNot, One("aws:TagKeys", ContextValue.List("env", "aws:created"))));
        Assert.True(Allows(allNot, new ContextKeys()));
    }

    [Fact]
    public void ForAnyValue_with_IfExists_passes_without_the_key()
    {
        var policy = AllowWhen("{'ForAnyValue:StringLikeIfExists':{'aws:TagKeys':['team*']}}");
        Assert.True(Allows(policy, new ContextKeys()));
        Assert.True(Allows(policy, One("aws:TagKeys", ContextValue.List("teamA"))));
        Assert.False(Allows(policy, One("aws:TagKeys", ContextValue.List("env"))));
    }

    [Fact]
    public void Unqualified_operator_on_a_multi_valued_key()
    {
        var equals = AllowWhen("{'StringEquals':{'aws:TagKeys':'env'}}");
        var notEquals = AllowWhen("{'StringNotEquals':{'aws:TagKeys':'env'}}");
        Assert.True(Allows(equals, One("aws:TagKeys", ContextValue.List("cost", "env"))));
        Assert.False(Allows(notEquals, One("aws:TagKeys", ContextValue.List("cost", "env"))));
        Assert.True(Allows(notEquals, One("aws:TagKeys", ContextValue.List("cost"))));
    }

    [Fact]
    public void Variables_in_condition_values()
    {
        var policy = AllowWhen("{'StringLike':{'s3:prefix':['','home/','home/${aws:username}/*']},'StringEquals':{'aws:PrincipalTag/team':'${aws:ResourceTag/team}'}}");
        var keys = Keys(
            ("aws:username", ContextValue.Of("alice")),
            ("s3:prefix", ContextValue.Of("home/alice/docs")),
            ("aws:PrincipalTag/team", ContextValue.Of("blue")),
            ("aws:ResourceTag/team", ContextValue.Of("blue")));

        Assert.True(Allows(policy, keys));
        Assert.False(Allows(policy, new ContextKeys(keys).Set("s3:prefix", "home/bob/docs")));
        Assert.False(Allows(policy, new ContextKeys(keys).Set("aws:ResourceTag/team", "red")));
        // With the variable's key missing the value cannot be resolved, so it matches nothing.
        var withoutName = new ContextKeys(keys);
        withoutName.Remove("aws:username");
        Assert.False(Allows(policy, withoutName));
    }

    [Fact]
    public void Variable_defaults_and_escapes()
    {
        // Written without the quote helper: the default value is single-quoted inside the JSON string.
        var withDefault = CompiledPolicy.Parse("""
            {"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
             "Condition":{"StringEquals":{"aws:PrincipalTag/team":"${aws:ResourceTag/team, 'none'}"}}}}
            """, PolicyKind.Identity, "inline");
        Assert.True(Allows(withDefault, One("aws:PrincipalTag/team", "none")));
        Assert.True(Allows(withDefault, Keys(("aws:PrincipalTag/team", ContextValue.Of("red")), ("aws:ResourceTag/team", ContextValue.Of("red")))));

        var escaped = AllowWhen("{'StringLike':{'s3:prefix':'a${*}b*'}}");
        Assert.True(Allows(escaped, One("s3:prefix", "a*bcd")));
        Assert.False(Allows(escaped, One("s3:prefix", "axbcd")));
    }

    [Fact]
    public void Substituted_values_are_literal_in_like_patterns()
    {
        var policy = AllowWhen("{'StringLike':{'s3:prefix':'home/${aws:username}/*'}}");
        Assert.False(Allows(policy, Keys(("aws:username", ContextValue.Of("*")), ("s3:prefix", ContextValue.Of("home/alice/x")))));
        Assert.True(Allows(policy, Keys(("aws:username", ContextValue.Of("*")), ("s3:prefix", ContextValue.Of("home/*/x")))));
    }

    [Fact]
    public void Variables_are_plain_text_before_version_2012_10_17()
    {
        var policy = AllowWhen("{'StringEquals':{'aws:username':'${aws:username}'}}", version: "2008-10-17");
        Assert.False(Allows(policy, One("aws:username", "alice")));
        Assert.True(Allows(policy, One("aws:username", "${aws:username}")));
    }

    [Fact]
    public void Missing_keys_are_reported()
    {
        var policy = AllowWhen("{'StringEquals':{'aws:PrincipalTag/team':'blue'},'BoolIfExists':{'aws:MultiFactorAuthPresent':'true'}}");
        var result = PolicyEvaluator.Evaluate(Request("s3:GetObject"), policy);
        Assert.Equal(EvaluationDecision.ImplicitDeny, result.Decision);
        Assert.Equal(["aws:PrincipalTag/team"], result.MissingContextKeys);
    }

    [Theory]
    [InlineData("StringEquals", ConditionBase.StringEquals, SetQualifier.None, false)]
    [InlineData("ForAnyValue:StringLikeIfExists", ConditionBase.StringLike, SetQualifier.ForAnyValue, true)]
    [InlineData("ForAllValues:ArnNotEquals", ConditionBase.ArnNotEquals, SetQualifier.ForAllValues, false)]
    [InlineData("Null", ConditionBase.Null, SetQualifier.None, false)]
    public void Operator_names_parse(string text, ConditionBase @base, SetQualifier qualifier, bool ifExists)
    {
        Assert.True(ConditionOperator.TryParse(text, out var op));
        Assert.Equal(new ConditionOperator(@base, qualifier, ifExists), op);
        Assert.Equal(text, op.ToString());
    }

    [Theory]
    [InlineData("stringequals")]
    [InlineData("NullIfExists")]
    [InlineData("ForSomeValues:StringEquals")]
    [InlineData("1")]
    [InlineData("")]
    public void Unknown_operator_names_are_rejected(string text) => Assert.False(ConditionOperator.TryParse(text, out _));
}
