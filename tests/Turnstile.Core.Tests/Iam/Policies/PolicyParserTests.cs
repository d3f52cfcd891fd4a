using Turnstile.Core.Iam.Policies;
using static Turnstile.Core.Tests.Iam.Policies.PolicyTestKit;

namespace Turnstile.Core.Tests.Iam.Policies;

public class PolicyParserTests
{
    [Fact]
    public void Parses_single_statement_object_and_string_elements()
    {
        var doc = PolicyParser.ParseOrThrow(J("{'Version':'2012-10-17','Id':'p1','Statement':{'Sid':'A1','Effect':'Allow','Action':'eks:DescribeCluster','Resource':'*'}}"), PolicyKind.Identity);

        Assert.Equal("2012-10-17", doc.Version);
        Assert.Equal("p1", doc.Id);
        var statement = Assert.Single(doc.Statements);
        Assert.Equal("A1", statement.Sid);
        Assert.Equal(PolicyEffect.Allow, statement.Effect);
        Assert.Equal(["eks:DescribeCluster"], statement.Action!);
        Assert.Equal(["*"], statement.Resource!);
        Assert.Null(statement.NotAction);
        Assert.True(doc.SupportsVariables);
    }

    [Fact]
    public void Parses_arrays_conditions_and_scalar_condition_values()
    {
        var doc = PolicyParser.ParseOrThrow(J("""
            {'Version':'2012-10-17','Statement':[
              {'Effect':'Deny','NotAction':['iam:*','sts:*'],'NotResource':['arn:aws:s3:::a','arn:aws:s3:::b/*'],
               'Condition':{'Bool':{'aws:SecureTransport':false},'NumericLessThan':{'s3:max-keys':[10,'20']}}}]}
            """), PolicyKind.Identity);

        var statement = doc.Statements[0];
        Assert.Equal(PolicyEffect.Deny, statement.Effect);
        Assert.Equal(["iam:*", "sts:*"], statement.NotAction!);
        Assert.Equal(2, statement.NotResource!.Count);
        Assert.Equal(("Bool", "aws:SecureTransport"), (statement.Conditions[0].Operator, statement.Conditions[0].Key));
        Assert.Equal(["false"], statement.Conditions[0].Values);
        Assert.Equal(["10", "20"], statement.Conditions[1].Values);
    }

    [Fact]
    public void Parses_trust_principals_of_every_shape()
    {
        var doc = PolicyParser.ParseOrThrow(J("""
            {'Version':'2012-10-17','Statement':[
              {'Effect':'Allow','Principal':'*','Action':'sts:AssumeRole'},
              {'Effect':'Allow','Principal':{'AWS':['arn:aws:iam::111122223333:root','444455556666'],'Service':'eks.amazonaws.com'},'Action':'sts:AssumeRole'},
              {'Effect':'Allow','Principal':{'Federated':'arn:aws:iam::111122223333:oidc-provider/oidc.eks.ap-northeast-2.amazonaws.com/id/ABC'},'Action':'sts:AssumeRoleWithWebIdentity'}]}
            """), PolicyKind.Trust);

        Assert.True(doc.Statements[0].Principal!.IsWildcard);
        Assert.Equal(["arn:aws:iam::111122223333:root", "444455556666"], doc.Statements[1].Principal!.Get("AWS"));
        Assert.Equal(["eks.amazonaws.com"], doc.Statements[1].Principal!.Get("Service"));
        Assert.Single(doc.Statements[2].Principal!.Get("Federated"));
    }

    [Fact]
    public void Document_without_version_is_valid_but_has_no_variables()
    {
        var doc = PolicyParser.ParseOrThrow(J("{'Statement':[{'Effect':'Allow','Action':'s3:GetObject','Resource':'*'}]}"), PolicyKind.Identity);
        Assert.Null(doc.Version);
        Assert.False(doc.SupportsVariables);
        Assert.False(PolicyParser.ParseOrThrow(J("{'Version':'2008-10-17','Statement':[{'Effect':'Allow','Action':'s3:GetObject','Resource':'*'}]}"), PolicyKind.Identity).SupportsVariables);
    }

    public static TheoryData<string, string> IdentityErrors => new()
    {
        { "{invalid json", PolicyMessages.SyntaxErrors },
        { "[]", PolicyMessages.SyntaxErrors },
        { "{}", PolicyMessages.SyntaxErrors },
        { "{'Version':'2020-01-01','Statement':[{'Effect':'Allow','Action':'s3:GetObject','Resource':'*'}]}", PolicyMessages.SyntaxErrors },
        { "{'Version':'2012-10-17'}", PolicyMessages.SyntaxErrors },
        { "{'Version':'2012-10-17','Statement':[]}", PolicyMessages.SyntaxErrors },
        { "{'Version':'2012-10-17','Statement':'hello'}", PolicyMessages.SyntaxErrors },
        { "{'Version':'2012-10-17','Statment':[]}", PolicyMessages.SyntaxErrors },
        { "{'Version':'2012-10-17','Statement':[{'Action':'s3:GetObject','Resource':'*'}]}", PolicyMessages.SyntaxErrors },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Maybe','Action':'s3:GetObject','Resource':'*'}]}", PolicyMessages.SyntaxErrors },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'s3:GetObject','NotAction':'s3:PutObject','Resource':'*'}]}", PolicyMessages.SyntaxErrors },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'s3:GetObject','Resource':'*','NotResource':'*'}]}", PolicyMessages.SyntaxErrors },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':123,'Resource':'*'}]}", PolicyMessages.SyntaxErrors },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'s3:GetObject','Resource':'*','Condition':{'StringEqualz':{'aws:username':'x'}}}]}", PolicyMessages.SyntaxErrors },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'s3:GetObject','Resource':'*','Condition':{'StringEquals':{'aws:username':{'a':1}}}}]}", PolicyMessages.SyntaxErrors },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Principal':'*','Action':'s3:GetObject','Resource':'*'}]}", PolicyMessages.ShouldNotSpecifyPrincipal },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','NotPrincipal':{'AWS':'*'},'Action':'s3:GetObject','Resource':'*'}]}", PolicyMessages.ShouldNotSpecifyPrincipal },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Principal':{'AWS':'arn:aws:iam::123456789012:user/bob'}}]}", PolicyMessages.ShouldNotSpecifyPrincipal },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'allow','Action':'s3:GetObject','Resource':'*'}]}", PolicyMessages.LegacyParsing },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'s3:GetObject','Resource':'*','Condition':{'DateGreaterThan':{'aws:CurrentTime':'yesterday'}}}]}", PolicyMessages.LegacyParsing },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'s3:GetObject','Resource':'arn:awss3::example-bucket/*'}]}", PolicyMessages.LegacyParsing },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'s3:GetObject','Resource':'arn:aws:s3'}]}", PolicyMessages.LegacyParsing },
        { "{'Version':'2012-10-17','Statement':[{'Sid':'Dup','Effect':'Allow','Action':'s3:GetObject','Resource':'*'},{'Sid':'Dup','Effect':'Allow','Action':'s3:PutObject','Resource':'*'}]}", PolicyMessages.DuplicateSid },
        { "{'Version':'2012-10-17','Statement':[{'Sid':'not ok','Effect':'Allow','Action':'s3:GetObject','Resource':'*'}]}", PolicyMessages.SidNotAlphanumeric },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Resource':'*'}]}", PolicyMessages.MustContainActions },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':[],'Resource':'*'}]}", PolicyMessages.MustContainActions },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'s3:GetObject'}]}", PolicyMessages.MustContainResources },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'s3:GetObject','Resource':[]}]}", PolicyMessages.MustContainResources },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'','Resource':'*'}]}", PolicyMessages.MissingVendor },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'GetObject','Resource':'*'}]}", PolicyMessages.MissingVendor },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'s3:Get:Object','Resource':'*'}]}", PolicyMessages.OneColon },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':':GetObject','Resource':'*'}]}", "Vendor  is not valid" },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'iam :Get','Resource':'*'}]}", "Vendor iam  is not valid" },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'s3:GetObject','Resource':'*','Condition':{'StringEquals':{'username':'x'}}}]}", PolicyMessages.MissingVendor },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'s3:GetObject','Resource':'invalid'}]}", "Resource invalid must be in ARN format or \"*\"." },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'s3:GetObject','NotResource':'invalid'}]}", "Resource invalid must be in ARN format or \"*\"." },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'s3:GetObject','Resource':'s3::example-bucket/*'}]}", "Partition \"\" is not valid for resource \"arn::example-bucket/*:*:*:*\"." },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'s3:GetObject','Resource':'arn:aws2:s3:::example-bucket/*'}]}", "Partition \"aws2\" is not valid for resource \"arn:aws2:s3:::example-bucket/*\"." },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'iam:GetUser','Resource':'arn:aws:iam:us-east-1:123456789012:user/bob'}]}", "IAM resource arn:aws:iam:us-east-1:123456789012:user/bob cannot contain region information." },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'iam:GetUser','Resource':'arn:aws:iam::123456789012:person/bob'}]}", PolicyMessages.IamResourcePath },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'s3:GetObject','Resource':'arn:aws:s3:us-east-1::bucket'}]}", "Resource arn:aws:s3:us-east-1::bucket can not contain region information." },
    };

    [Theory]
    [MemberData(nameof(IdentityErrors))]
    public void Identity_policy_errors_use_iam_messages(string json, string message)
    {
        var result = PolicyParser.Parse(J(json), PolicyKind.Identity);

        Assert.False(result.IsValid);
        Assert.Equal(PolicyError.MalformedPolicyDocument, result.Error.Code);
        Assert.Equal(400, result.Error.HttpStatus);
        Assert.Equal(message, result.Error.Message);
    }

    [Theory]
    [InlineData("{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'*','Resource':'*'}]}")]
    [InlineData("{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'totallyfake:DoSomething','Resource':'*'}]}")]
    [InlineData("{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'*:Describe*','Resource':'*'}]}")]
    [InlineData("{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'s3:GetObject','Resource':['arn:aws:s3:::b','arn:aws:s3:::b/*']}]}")]
    [InlineData("{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'iam:*','Resource':['arn:aws:iam::*:role/*','arn:aws:iam::123456789012:*']}]}")]
    [InlineData("{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'ec2:*','Resource':'arn:aws-cn:ec2:*:*:instance/*'}]}")]
    [InlineData("{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'s3:*','Resource':'*','Condition':{'ForAnyValue:StringLikeIfExists':{'aws:TagKeys':['a*']},'Null':{'aws:TokenIssueTime':'true'},'DateLessThan':{'aws:CurrentTime':['2030-01-01T00:00:00Z','1700000000','2031']}}}]}")]
    [InlineData("{'Version':'2012-10-17','Statement':[{'Sid':'','Effect':'Allow','Action':'s3:GetObject','Resource':'*'},{'Sid':'','Effect':'Deny','Action':'s3:PutObject','Resource':'*'}]}")]
    public void Valid_identity_policies(string json)
    {
        var result = PolicyParser.Parse(J(json), PolicyKind.Identity);
        Assert.True(result.IsValid, result.Error?.Message);
    }

    public static TheoryData<string, string> TrustErrors => new()
    {
        { "{invalid", PolicyMessages.TrustInvalidJson },
        { "{'Version':'2011-01-01','Statement':[{'Effect':'Allow','Principal':{'AWS':'*'},'Action':'sts:AssumeRole'}]}", PolicyMessages.TrustInvalidVersion },
        { "{'Version':'2012-10-17','Statement':[]}", PolicyMessages.TrustStatementEmpty },
        { "{'Version':'2012-10-17'}", PolicyMessages.TrustStatementEmpty },
        { "{'Version':'2012-10-17','Statement':[{'Principal':{'AWS':'*'},'Action':'sts:AssumeRole'}]}", PolicyMessages.TrustMissingEffect },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Permit','Principal':{'AWS':'*'},'Action':'sts:AssumeRole'}]}", "Invalid effect: Permit" },
        // An identity policy pasted as a trust policy: IAM names the Resource first.
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':['route53:ListHostedZones'],'Resource':['*']}]}", PolicyMessages.TrustProhibitedResource },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Principal':{'AWS':'*'},'Action':'sts:AssumeRole','Resource':'*'}]}", PolicyMessages.TrustProhibitedResource },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Principal':{'AWS':'*'},'Action':'sts:AssumeRole','NotResource':'*'}]}", PolicyMessages.TrustNotResource },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','NotPrincipal':{'AWS':'*'},'Action':'sts:AssumeRole'}]}", PolicyMessages.TrustAllowNotPrincipal },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Deny','NotPrincipal':{'AWS':'*'},'Action':'sts:AssumeRole'}]}", PolicyMessages.TrustNotPrincipal },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'sts:AssumeRole'}]}", PolicyMessages.TrustMissingPrincipal },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Principal':{},'Action':'sts:AssumeRole'}]}", PolicyMessages.TrustEmptyPrincipal },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Principal':{'AWS':'arn:aws::iam::111122223333:root'},'Action':'sts:AssumeRole'}]}", "Invalid principal in policy: \"AWS\":\"arn:aws::iam::111122223333:root\"" },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Principal':{'AWS':'arn:aws:iam::111122223333:role/*'},'Action':'sts:AssumeRole'}]}", "Invalid principal in policy: \"AWS\":\"arn:aws:iam::111122223333:role/*\"" },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Principal':{'AWS':'1234'},'Action':'sts:AssumeRole'}]}", "Invalid principal in policy: \"AWS\":\"1234\"" },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Principal':{'Service':'ec2.amazonaws.comm'},'Action':'sts:AssumeRole'}]}", "Invalid principal in policy: \"SERVICE\":\"ec2.amazonaws.comm\"" },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Principal':{'Robot':'x'},'Action':'sts:AssumeRole'}]}", "Invalid principal in policy: \"Robot\"" },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Principal':{'AWS':'*'}}]}", PolicyMessages.TrustMissingAction },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Principal':{'AWS':'*'},'Action':'*'}]}", PolicyMessages.TrustOnlyStsActions },
        { "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Principal':{'AWS':'*'},'Action':'s3:GetObject'}]}", PolicyMessages.TrustOnlyStsActions },
        { "{'Version':'2012-10-17','Statement':[{'Sid':'A','Effect':'Allow','Principal':{'AWS':'*'},'Action':'sts:AssumeRole'},{'Sid':'A','Effect':'Allow','Principal':{'AWS':'*'},'Action':'sts:TagSession'}]}", PolicyMessages.TrustDuplicateSid },
    };

    [Theory]
    [MemberData(nameof(TrustErrors))]
    public void Trust_policy_errors_use_iam_messages(string json, string message)
    {
        var result = PolicyParser.Parse(J(json), PolicyKind.Trust);

        Assert.False(result.IsValid);
        Assert.Equal(PolicyError.MalformedPolicyDocument, result.Error.Code);
        Assert.Equal(message, result.Error.Message);
    }

    [Fact]
    public void Trust_principal_that_does_not_exist_is_rejected_when_a_resolver_is_given()
    {
        var json = J("{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Principal':{'AWS':['arn:aws:iam::111122223333:user/alice','arn:aws:iam::111122223333:role/gone']},'Action':'sts:AssumeRole'}]}");
        var options = new PolicyValidationOptions { PrincipalExists = arn => arn.EndsWith("/alice", StringComparison.Ordinal) };

        Assert.True(PolicyParser.Parse(json, PolicyKind.Trust).IsValid);
        var result = PolicyParser.Parse(json, PolicyKind.Trust, options);
        Assert.Equal("Invalid principal in policy: \"AWS\":\"arn:aws:iam::111122223333:role/gone\"", result.Error?.Message);
    }

    [Fact]
    public void Parse_or_throw_carries_the_iam_error()
    {
        var exception = Assert.Throws<PolicyDocumentException>(() => PolicyParser.ParseOrThrow("{}", PolicyKind.Identity));
        Assert.Equal(PolicyMessages.SyntaxErrors, exception.Error.Message);
    }

    [Fact]
    public void Keeps_the_submitted_text()
    {
        var json = J("{ 'Statement' : { 'Effect':'Allow', 'Action':'s3:*', 'Resource':'*' } }");
        Assert.Equal(json, PolicyParser.ParseOrThrow(json, PolicyKind.Identity).Json);
    }
}
