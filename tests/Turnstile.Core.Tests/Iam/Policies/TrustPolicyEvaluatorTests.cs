using Turnstile.Core.Iam.Policies;
using static Turnstile.Core.Tests.Iam.Policies.PolicyTestKit;

namespace Turnstile.Core.Tests.Iam.Policies;

public class TrustPolicyEvaluatorTests
{
    private const string RoleArn = "arn:aws:iam::111122223333:role/eks-admin";
    private const string Alice = "arn:aws:iam::111122223333:user/alice";
    private const string Bob = "arn:aws:iam::111122223333:user/bob";
    private const string Outsider = "arn:aws:iam::444455556666:user/carol";

    private static readonly CompiledPolicy MayAssume = Identity($"{{'Version':'2012-10-17','Statement':[{{'Effect':'Allow','Action':'sts:AssumeRole','Resource':'{RoleArn}'}}]}}", "may-assume");
    private static readonly CompiledPolicy MayAssumeAny = Identity("{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'sts:AssumeRole','Resource':'*'}]}", "may-assume-any");
    private static readonly CompiledPolicy MayNotAssume = Identity("{'Version':'2012-10-17','Statement':[{'Effect':'Deny','Action':'sts:AssumeRole','Resource':'*'}]}", "may-not-assume");

    private static CompiledPolicy TrustAws(string principals, string extra = "") =>
        Trust($"{{'Version':'2012-10-17','Statement':[{{'Effect':'Allow','Principal':{{'AWS':{principals}}},'Action':'sts:AssumeRole'{extra}}}]}}");

    private static AssumeRoleDecision Assume(CompiledPolicy trust, string caller, params CompiledPolicy[] identity) =>
        TrustPolicyEvaluator.EvaluateAssumeRole(trust, RoleArn, TrustCaller.ForPrincipal(caller), identity);

    [Fact]
    public void Same_account_user_named_directly_needs_no_identity_policy()
    {
        var decision = Assume(TrustAws($"'{Alice}'"), Alice);
        Assert.Equal(AssumeRoleOutcome.Allowed, decision.Outcome);
        Assert.Equal(TrustGrant.Direct, decision.Grant);
        Assert.True(decision.SameAccount);
        Assert.Equal(AssumeRoleOutcome.NotTrusted, Assume(TrustAws($"'{Alice}'"), Bob, MayAssume).Outcome);
    }

    [Theory]
    [InlineData("'arn:aws:iam::111122223333:root'")]
    [InlineData("'111122223333'")]
    public void Account_principal_delegates_to_identity_policies(string principal)
    {
        var trust = TrustAws(principal);
        var denied = Assume(trust, Alice);
        Assert.Equal(AssumeRoleOutcome.IdentityPolicyRequired, denied.Outcome);
        Assert.Equal(TrustGrant.Account, denied.Grant);
        Assert.Equal(EvaluationDecision.Allowed, denied.Trust.Decision);
        Assert.Equal(EvaluationDecision.ImplicitDeny, denied.Identity!.Decision);

        Assert.True(Assume(trust, Alice, MayAssume).IsAllowed);
        Assert.True(Assume(trust, "arn:aws:sts::111122223333:assumed-role/ci/run-42", MayAssumeAny).IsAllowed);
        Assert.Equal(AssumeRoleOutcome.NotTrusted, Assume(trust, Outsider, MayAssumeAny).Outcome);
    }

    [Fact]
    public void Cross_account_caller_needs_both_policies()
    {
        var trust = TrustAws("'arn:aws:iam::444455556666:root'");
        Assert.Equal(AssumeRoleOutcome.IdentityPolicyRequired, Assume(trust, Outsider).Outcome);
        var allowed = Assume(trust, Outsider, MayAssumeAny);
        Assert.True(allowed.IsAllowed);
        Assert.False(allowed.SameAccount);

        // Naming the user directly does not spare a cross-account caller its own identity policy.
        var direct = TrustAws($"'{Outsider}'");
        Assert.Equal(AssumeRoleOutcome.IdentityPolicyRequired, Assume(direct, Outsider).Outcome);
        Assert.True(Assume(direct, Outsider, MayAssume).IsAllowed);
    }

    [Fact]
    public void Role_principal_matches_its_sessions_and_session_principal_only_that_session()
    {
        var byRole = TrustAws("'arn:aws:iam::111122223333:role/path/ci'");
        Assert.True(Assume(byRole, "arn:aws:sts::111122223333:assumed-role/ci/any-session").IsAllowed);
        Assert.Equal(AssumeRoleOutcome.NotTrusted, Assume(byRole, "arn:aws:sts::111122223333:assumed-role/other/any-session").Outcome);

        var bySession = TrustAws("'arn:aws:sts::111122223333:assumed-role/ci/nightly'");
        Assert.True(Assume(bySession, "arn:aws:sts::111122223333:assumed-role/ci/nightly").IsAllowed);
        Assert.Equal(AssumeRoleOutcome.NotTrusted, Assume(bySession, "arn:aws:sts::111122223333:assumed-role/ci/other").Outcome);
    }

    [Fact]
    public void Wildcard_principal_trusts_everyone_but_conditions_still_apply()
    {
        Assert.True(Assume(TrustAws("'*'"), Bob).IsAllowed);
        Assert.True(Assume(Trust("{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Principal':'*','Action':'sts:AssumeRole'}]}"), Bob).IsAllowed);

        var orgOnly = TrustAws("'*'", ",'Condition':{'StringEquals':{'aws:PrincipalAccount':'111122223333'}}");
        var keys = new ContextKeys().Set("aws:PrincipalAccount", "111122223333");
        Assert.True(TrustPolicyEvaluator.EvaluateAssumeRole(orgOnly, RoleArn, TrustCaller.ForPrincipal(Bob), [], keys).IsAllowed);
        Assert.Equal(AssumeRoleOutcome.NotTrusted, Assume(orgOnly, Bob).Outcome);
    }

    [Fact]
    public void External_id_condition()
    {
        var trust = TrustAws($"'{Outsider}'", ",'Condition':{'StringEquals':{'sts:ExternalId':'s3cr3t'}}");
        var good = new ContextKeys().Set("sts:ExternalId", "s3cr3t");
        var bad = new ContextKeys().Set("sts:ExternalId", "guess");

        Assert.True(TrustPolicyEvaluator.EvaluateAssumeRole(trust, RoleArn, TrustCaller.ForPrincipal(Outsider), [MayAssumeAny], good).IsAllowed);
        Assert.Equal(AssumeRoleOutcome.NotTrusted, TrustPolicyEvaluator.EvaluateAssumeRole(trust, RoleArn, TrustCaller.ForPrincipal(Outsider), [MayAssumeAny], bad).Outcome);
        var missing = TrustPolicyEvaluator.EvaluateAssumeRole(trust, RoleArn, TrustCaller.ForPrincipal(Outsider), [MayAssumeAny]);
        Assert.Equal(["sts:ExternalId"], missing.Trust.MissingContextKeys);
    }

    [Fact]
    public void Explicit_denies_win_on_either_side()
    {
        var trust = Trust($$"""
            {'Version':'2012-10-17','Statement':[
              {'Effect':'Allow','Principal':{'AWS':'arn:aws:iam::111122223333:root'},'Action':'sts:AssumeRole'},
              {'Sid':'NotBob','Effect':'Deny','Principal':{'AWS':'{{Bob}}'},'Action':'sts:AssumeRole'}]}
            """);
        var bobDecision = Assume(trust, Bob, MayAssume);
        Assert.Equal(AssumeRoleOutcome.TrustExplicitDeny, bobDecision.Outcome);
        Assert.Contains(bobDecision.Trust.MatchedStatements, s => s.Label == "NotBob");

        Assert.Equal(AssumeRoleOutcome.IdentityExplicitDeny, Assume(TrustAws($"'{Alice}'"), Alice, MayNotAssume).Outcome);
    }

    [Fact]
    public void Action_must_match_the_call()
    {
        var webIdentityOnly = Trust("{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Principal':{'AWS':'*'},'Action':'sts:AssumeRoleWithWebIdentity'}]}");
        Assert.Equal(AssumeRoleOutcome.NotTrusted, Assume(webIdentityOnly, Alice, MayAssume).Outcome);
        var anySts = Trust("{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Principal':{'AWS':'*'},'Action':'sts:*'}]}");
        Assert.True(Assume(anySts, Alice).IsAllowed);
    }

    [Fact]
    public void Services_and_federated_providers_are_judged_by_the_trust_policy_alone()
    {
        var trust = Trust("""
            {'Version':'2012-10-17','Statement':[
              {'Effect':'Allow','Principal':{'Service':['eks.amazonaws.com','ec2.amazonaws.com']},'Action':'sts:AssumeRole'},
              {'Effect':'Allow','Principal':{'Federated':'arn:aws:iam::111122223333:oidc-provider/oidc.eks.ap-northeast-2.amazonaws.com/id/ABC'},
               'Action':'sts:AssumeRoleWithWebIdentity',
               'Condition':{'StringEquals':{'oidc.eks.ap-northeast-2.amazonaws.com/id/ABC:sub':'system:serviceaccount:kube-system:ebs-csi'}}}]}
            """);

        var eks = TrustPolicyEvaluator.EvaluateAssumeRole(trust, RoleArn, TrustCaller.ForService("EKS.amazonaws.com"), []);
        Assert.True(eks.IsAllowed);
        Assert.Null(eks.Identity);
        Assert.False(TrustPolicyEvaluator.EvaluateAssumeRole(trust, RoleArn, TrustCaller.ForService("lambda.amazonaws.com"), []).IsAllowed);

        var provider = TrustCaller.ForFederated("arn:aws:iam::111122223333:oidc-provider/oidc.eks.ap-northeast-2.amazonaws.com/id/ABC");
        var sub = new ContextKeys().Set("oidc.eks.ap-northeast-2.amazonaws.com/id/ABC:sub", "system:serviceaccount:kube-system:ebs-csi");
        Assert.True(TrustPolicyEvaluator.EvaluateAssumeRole(trust, RoleArn, provider, [], sub, "sts:AssumeRoleWithWebIdentity").IsAllowed);
        Assert.False(TrustPolicyEvaluator.EvaluateAssumeRole(trust, RoleArn, provider, [], null, "sts:AssumeRoleWithWebIdentity").IsAllowed);
        // A service principal is not an AWS principal.
        Assert.False(TrustPolicyEvaluator.EvaluateAssumeRole(TrustAws("'*'"), RoleArn, TrustCaller.ForService("ec2.amazonaws.com"), []).IsAllowed);
    }

    [Fact]
    public void Root_may_not_assume_roles()
    {
        var decision = Assume(TrustAws("'*'"), "arn:aws:iam::111122223333:root", MayAssumeAny);
        Assert.Equal(AssumeRoleOutcome.RootCannotAssumeRole, decision.Outcome);
        Assert.Equal("Roles may not be assumed by root accounts.", TrustPolicyEvaluator.AccessDeniedMessage(decision, "arn:aws:iam::111122223333:root", RoleArn));
    }

    [Fact]
    public void Access_denied_message_and_explanation()
    {
        var decision = Assume(TrustAws($"'{Alice}'"), Bob);
        Assert.Equal(
            $"User: {Bob} is not authorized to perform: sts:AssumeRole on resource: {RoleArn}",
            TrustPolicyEvaluator.AccessDeniedMessage(decision, Bob, RoleArn));
        Assert.StartsWith("NotTrusted (trust: implicitDeny", decision.Explain());
    }
}
