using Turnstile.Core.Arns;
using Xunit.Abstractions;
using Turnstile.Core.Iam.Policies;
using static Turnstile.Core.Tests.Iam.Policies.PolicyTestKit;

namespace Turnstile.Core.Tests.Iam.Policies;

public class PolicyEvaluatorTests
{
    private const string ReadEks = "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':['eks:Describe*','eks:List*','ec2:Describe*'],'Resource':'*'}]}";

    [Fact]
    public void Seed_scenario_role_with_eks_read_access_may_describe_the_cluster()
    {
        var role = PrincipalArn.Parse("arn:aws:sts::111122223333:assumed-role/eks-reader/session");
        var request = new RequestContext
        {
            Action = "eks:DescribeCluster",
            Resource = ClusterArn,
            PrincipalArn = role.Original,
            PrincipalAccount = role.Account,
            Keys = GlobalConditionKeys.ForCaller(role, "AROAEXAMPLEROLEID0001", DateTimeOffset.UtcNow, "ap-northeast-2"),
        };

        var result = PolicyEvaluator.Evaluate(request, Identity(ReadEks, "eks-read"));

        Assert.Equal(EvaluationDecision.Allowed, result.Decision);
        var statement = Assert.Single(result.DecidingStatements);
        Assert.Equal(("eks-read", "Statement[1]", PolicyEffect.Allow), (statement.Source, statement.Label, statement.Effect));
    }

    [Fact]
    public void Seed_scenario_principal_without_the_permission_is_implicitly_denied()
    {
        var s3Only = Identity("{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'s3:*','Resource':'*'}]}");
        var request = Request("eks:DescribeCluster", ClusterArn, principal: "arn:aws:iam::111122223333:user/dev");

        var result = PolicyEvaluator.Evaluate(request, s3Only);
        Assert.Equal(EvaluationDecision.ImplicitDeny, result.Decision);
        Assert.Empty(result.MatchedStatements);
        Assert.Equal(EvaluationDecision.ImplicitDeny, PolicyEvaluator.Evaluate(request).Decision);
        Assert.Equal(
            "User: arn:aws:iam::111122223333:user/dev is not authorized to perform: eks:DescribeCluster on resource: " + ClusterArn +
            " because no identity-based policy allows the eks:DescribeCluster action",
            AccessDeniedMessages.NotAuthorized(request.PrincipalArn!, request.Action, request.Resource, result.Decision));
    }

    [Fact]
    public void Action_matching_is_case_insensitive()
    {
        var policy = Identity(ReadEks);
        Assert.Equal(EvaluationDecision.Allowed, Decide(policy, "EKS:describecluster", ClusterArn));
        Assert.Equal(EvaluationDecision.ImplicitDeny, Decide(policy, "eks:CreateCluster", ClusterArn));
    }

    [Fact]
    public void Explicit_deny_wins_over_any_allow()
    {
        var admin = Identity("{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'*','Resource':'*'}]}", "admin");
        var guard = Identity("{'Version':'2012-10-17','Statement':[{'Sid':'NoDelete','Effect':'Deny','Action':'eks:Delete*','Resource':'arn:aws:eks:*:*:cluster/my-*'}]}", "guard");

        var result = PolicyEvaluator.Evaluate(Request("eks:DeleteCluster", ClusterArn), admin, guard);
        Assert.Equal(EvaluationDecision.ExplicitDeny, result.Decision);
        Assert.Equal(2, result.MatchedStatements.Count);
        Assert.Equal("NoDelete", Assert.Single(result.DecidingStatements).Label);
        Assert.Equal(EvaluationDecision.Allowed, PolicyEvaluator.Evaluate(Request("eks:DeleteCluster", "arn:aws:eks:us-east-1:111122223333:cluster/prod"), admin, guard).Decision);
        Assert.EndsWith("with an explicit deny in an identity-based policy", AccessDeniedMessages.NotAuthorized("u", "eks:DeleteCluster", ClusterArn, result.Decision));
    }

    [Fact]
    public void Deny_alone_is_not_an_allow()
    {
        var deny = Identity("{'Version':'2012-10-17','Statement':[{'Effect':'Deny','Action':'s3:*','Resource':'*'}]}");
        Assert.Equal(EvaluationDecision.ImplicitDeny, Decide(deny, "eks:DescribeCluster", ClusterArn));
    }

    [Fact]
    public void NotAction_allows_everything_except_the_listed_actions()
    {
        var powerUser = Identity("{'Version':'2012-10-17','Statement':[{'Effect':'Allow','NotAction':['iam:*','organizations:*'],'Resource':'*'}]}");
        Assert.Equal(EvaluationDecision.Allowed, Decide(powerUser, "eks:CreateCluster"));
        Assert.Equal(EvaluationDecision.ImplicitDeny, Decide(powerUser, "iam:CreateUser"));
        Assert.Equal(EvaluationDecision.ImplicitDeny, Decide(powerUser, "IAM:createuser"));
    }

    [Fact]
    public void Deny_with_NotAction_denies_everything_else()
    {
        var policy = Identity("""
            {'Version':'2012-10-17','Statement':[
              {'Effect':'Allow','Action':'*','Resource':'*'},
              {'Effect':'Deny','NotAction':['iam:ChangePassword','sts:GetCallerIdentity'],'Resource':'*','Condition':{'BoolIfExists':{'aws:MultiFactorAuthPresent':'false'}}}]}
            """);
        var noMfa = Keys(("aws:MultiFactorAuthPresent", ContextValue.Of(false)));
        Assert.Equal(EvaluationDecision.ExplicitDeny, Decide(policy, "eks:ListClusters", keys: noMfa));
        Assert.Equal(EvaluationDecision.Allowed, Decide(policy, "sts:GetCallerIdentity", keys: noMfa));
    }

    [Fact]
    public void NotResource_applies_to_every_other_resource()
    {
        var policy = Identity("{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'eks:*','NotResource':'arn:aws:eks:*:*:cluster/prod-*'}]}");
        Assert.Equal(EvaluationDecision.Allowed, Decide(policy, "eks:DescribeCluster", ClusterArn));
        Assert.Equal(EvaluationDecision.ImplicitDeny, Decide(policy, "eks:DescribeCluster", "arn:aws:eks:us-east-1:111122223333:cluster/prod-1"));
        Assert.Equal(EvaluationDecision.Allowed, Decide(policy, "eks:ListClusters", "*"));
    }

    [Fact]
    public void Resource_specific_statement_does_not_cover_star_requests()
    {
        var policy = Identity("{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'eks:*','Resource':'arn:aws:eks:*:111122223333:cluster/*'}]}");
        Assert.Equal(EvaluationDecision.Allowed, Decide(policy, "eks:DescribeCluster", ClusterArn));
        Assert.Equal(EvaluationDecision.ImplicitDeny, Decide(policy, "eks:ListClusters", "*"));
        Assert.Equal(EvaluationDecision.ImplicitDeny, Decide(policy, "eks:DescribeCluster", "arn:aws:eks:ap-northeast-2:444455556666:cluster/my-cluster"));
    }

    [Fact]
    public void Variables_in_resources()
    {
        var policy = AwsManagedPolicies.Compiled(Managed("IAMUserChangePassword"));
        var alice = Keys(("aws:username", ContextValue.Of("alice")));

        Assert.Equal(EvaluationDecision.Allowed, Decide(policy, "iam:ChangePassword", "arn:aws:iam::111122223333:user/alice", alice));
        Assert.Equal(EvaluationDecision.Allowed, Decide(policy, "iam:ChangePassword", "arn:aws:iam::111122223333:user/team/a/alice", alice));
        Assert.Equal(EvaluationDecision.ImplicitDeny, Decide(policy, "iam:ChangePassword", "arn:aws:iam::111122223333:user/bob", alice));

        var result = PolicyEvaluator.Evaluate(Request("iam:ChangePassword", "arn:aws:iam::111122223333:user/alice"), policy);
        Assert.Equal(EvaluationDecision.ImplicitDeny, result.Decision);
        Assert.Contains("aws:username", result.MissingContextKeys);
    }

    [Fact]
    public void Substituted_resource_text_is_literal()
    {
        var policy = Identity("{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'iam:GetUser','Resource':'arn:aws:iam::${aws:PrincipalAccount}:user/${aws:username}'}]}");
        var alice = Keys(("aws:PrincipalAccount", ContextValue.Of("111122223333")), ("aws:username", ContextValue.Of("alice")));
        Assert.Equal(EvaluationDecision.Allowed, Decide(policy, "iam:GetUser", "arn:aws:iam::111122223333:user/alice", alice));
        Assert.Equal(EvaluationDecision.ImplicitDeny, Decide(policy, "iam:GetUser", "arn:aws:iam::111122223333:user/bob", alice));

        var star = new ContextKeys(alice).Set("aws:username", "*");
        Assert.Equal(EvaluationDecision.ImplicitDeny, Decide(policy, "iam:GetUser", "arn:aws:iam::111122223333:user/bob", star));
    }

    [Fact]
    public void Substituted_arn_colons_still_separate_parts()
    {
        var policy = AllowWhen("{'ArnLike':{'aws:SourceArn':'${aws:PrincipalArn}*'}}");
        var keys = Keys(("aws:PrincipalArn", ContextValue.Of("arn:aws:iam::111122223333:role/ci")), ("aws:SourceArn", ContextValue.Of("arn:aws:iam::111122223333:role/ci-nightly")));
        Assert.True(Allows(policy, keys));
        Assert.False(Allows(policy, new ContextKeys(keys).Set("aws:SourceArn", "arn:aws:iam::111122223333:role/other")));
    }

    [Fact]
    public void Conditions_using_standard_caller_keys()
    {
        var user = PrincipalArn.Parse("arn:aws:iam::111122223333:user/ops/alice");
        var keys = GlobalConditionKeys.ForCaller(user, "AIDAEXAMPLEUSERID0001", new DateTimeOffset(2024, 5, 1, 0, 0, 0, TimeSpan.Zero), "ap-northeast-2", "203.0.113.9");
        var policy = Identity("""
            {'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'eks:*','Resource':'*','Condition':{
              'StringEquals':{'aws:PrincipalType':'User','aws:username':'alice','aws:RequestedRegion':'ap-northeast-2','aws:PrincipalAccount':'111122223333','aws:userid':'AIDAEXAMPLEUSERID0001'},
              'ArnLike':{'aws:PrincipalArn':'arn:aws:iam::111122223333:user/ops/*'},
              'IpAddress':{'aws:SourceIp':'203.0.113.0/24'},
              'DateLessThan':{'aws:CurrentTime':'2025-01-01T00:00:00Z','aws:EpochTime':'2025-01-01T00:00:00Z'},
              'Bool':{'aws:SecureTransport':'true'},
              'Null':{'aws:MultiFactorAuthPresent':'true'}}}]}
            """);

        Assert.Equal(EvaluationDecision.Allowed, Decide(policy, "eks:DescribeCluster", ClusterArn, keys));
    }

    [Fact]
    public void Caller_keys_for_sessions_and_root()
    {
        var session = GlobalConditionKeys.ForCaller(PrincipalArn.Parse("arn:aws:sts::111122223333:assumed-role/dev/s1"), "AROAEXAMPLEROLEID0001", DateTimeOffset.UnixEpoch);
        Assert.Equal("arn:aws:iam::111122223333:role/dev", session["aws:PrincipalArn"].ToString());
        Assert.Equal("AROAEXAMPLEROLEID0001:s1", session["aws:userid"].ToString());
        Assert.Equal("AssumedRole", session["aws:PrincipalType"].ToString());
        Assert.Equal("false", session["aws:MultiFactorAuthPresent"].ToString());
        Assert.False(session.ContainsKey("aws:username"));
        Assert.Equal("1970-01-01T00:00:00Z", session["aws:CurrentTime"].ToString());

        var root = GlobalConditionKeys.ForCaller(PrincipalArn.Parse("arn:aws:iam::111122223333:root"), null, DateTimeOffset.UnixEpoch);
        Assert.Equal("Account", root["aws:PrincipalType"].ToString());
        Assert.Equal("111122223333", root["aws:userid"].ToString());
    }

    [Fact]
    public void Explain_names_the_deciding_statements()
    {
        var policy = Identity("{'Version':'2012-10-17','Statement':[{'Sid':'ReadEks','Effect':'Allow','Action':'eks:Describe*','Resource':'*'}]}", "arn:aws:iam::111122223333:policy/eks-read");
        var request = Request("eks:DescribeCluster", ClusterArn, principal: "arn:aws:iam::111122223333:user/dev");
        var text = PolicyEvaluator.Evaluate(request, policy).Explain(request);

        Assert.Contains("allowed: eks:DescribeCluster on " + ClusterArn, text);
        Assert.Contains("arn:aws:iam::111122223333:policy/eks-read / ReadEks", text);
        Assert.Contains("implicit deny", PolicyEvaluator.Evaluate(Request("eks:CreateCluster"), policy).Explain(Request("eks:CreateCluster")));
    }

    internal static AwsManagedPolicy Managed(string name) => AwsManagedPolicies.TryGet(name, out var policy) ? policy : throw new KeyNotFoundException(name);
}
