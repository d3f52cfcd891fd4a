using System.Text;
using Turnstile.Core.Arns;

namespace Turnstile.Core.Iam.Policies;

public enum AssumeRoleOutcome
{
    Allowed,

    /// <summary>A Deny statement of the trust policy matched.</summary>
    TrustExplicitDeny,

    /// <summary>A Deny statement of the caller's identity policies matched.</summary>
    IdentityExplicitDeny,

    /// <summary>No Allow statement of the trust policy names the caller.</summary>
    NotTrusted,

    /// <summary>The trust policy trusts the caller's account (or the caller is in another account) but no identity policy allows the call.</summary>
    IdentityPolicyRequired,

    /// <summary>STS refuses AssumeRole with root credentials whatever the policies say.</summary>
    RootCannotAssumeRole,
}

public sealed record AssumeRoleDecision(
    AssumeRoleOutcome Outcome,
    TrustGrant Grant,
    bool SameAccount,
    EvaluationResult Trust,
    EvaluationResult? Identity)
{
    public bool IsAllowed => Outcome == AssumeRoleOutcome.Allowed;

    public string Explain()
    {
        var text = new StringBuilder();
        text.Append(Outcome).Append(" (trust: ").Append(Trust.WireDecision).Append(", grant: ").Append(Grant)
            .Append(", identity: ").Append(Identity?.WireDecision ?? "not evaluated")
            .Append(SameAccount ? ", same account" : ", cross-account").AppendLine(")");
        foreach (var statement in Trust.MatchedStatements) text.Append("  trust ").AppendLine(statement.ToString());
        if (Identity is not null)
        {
            foreach (var statement in Identity.MatchedStatements) text.Append("  identity ").AppendLine(statement.ToString());
        }
        return text.ToString();
    }
}

/// <summary>
/// Role trust policies (resource-based policies on the role) and the AssumeRole decision.
/// Combination rule, after the IAM User Guide's policy evaluation logic:
/// <list type="number">
/// <item>a matching Deny in the trust policy, or in the caller's identity policies, denies;</item>
/// <item>without a matching Allow in the trust policy the call is denied;</item>
/// <item>same account, caller named directly (its user ARN, its session ARN, its role ARN, or <c>*</c>): the trust policy alone allows,
/// because a resource-based grant to the principal itself is not limited by an implicit deny in identity policies;</item>
/// <item>caller named only through its account (<c>123456789012</c> or <c>arn:aws:iam::123456789012:root</c>), or caller in another
/// account: the caller's identity policies must also allow <c>sts:AssumeRole</c> on the role ARN;</item>
/// <item>service and federated callers are judged by the trust policy alone (they have no identity policies).</item>
/// </list>
/// Permissions boundaries, session policies and SCPs are not modelled (a role-ARN grant would be limited by those).
/// </summary>
public static class TrustPolicyEvaluator
{
    public const string AssumeRoleAction = "sts:AssumeRole";

    /// <summary>Evaluates the trust policy alone; <paramref name="grant"/> is the strongest way a matching Allow names the caller.</summary>
    public static EvaluationResult EvaluateTrust(CompiledPolicy trustPolicy, TrustCaller caller, RequestContext request, out TrustGrant grant)
    {
        grant = TrustGrant.None;
        List<MatchedStatement>? matched = null;
        List<string>? missing = null;
        var denied = false;
        var allowed = false;
        foreach (var statement in trustPolicy.Statements)
        {
            var named = statement.MatchPrincipal(caller);
            if (named == TrustGrant.None) continue;
            if (!statement.MatchesAction(request.Action)) continue;
            if (!statement.MatchesResource(request.Resource, request.Keys, ref missing)) continue;
            if (!statement.ConditionsHold(request.Keys, ref missing)) continue;
            if (statement.Effect == PolicyEffect.Deny)
            {
                denied = true;
            }
            else
            {
                allowed = true;
                if (named > grant) grant = named;
            }
            (matched ??= []).Add(PolicyEvaluator.Match(trustPolicy, statement));
        }
        var decision = denied ? EvaluationDecision.ExplicitDeny : allowed ? EvaluationDecision.Allowed : EvaluationDecision.ImplicitDeny;
        return new EvaluationResult(decision, (IReadOnlyList<MatchedStatement>?)matched ?? [], (IReadOnlyList<string>?)missing ?? []);
    }

    /// <summary>
    /// Decides an AssumeRole (or AssumeRoleWithWebIdentity/SAML, via <paramref name="action"/>) call on <paramref name="roleArn"/>.
    /// <paramref name="callerIdentityPolicies"/> are the policies of the calling user or of the role behind the calling session.
    /// </summary>
    public static AssumeRoleDecision EvaluateAssumeRole(
        CompiledPolicy trustPolicy,
        string roleArn,
        TrustCaller caller,
        IReadOnlyList<CompiledPolicy> callerIdentityPolicies,
        ContextKeys? keys = null,
        string action = AssumeRoleAction)
    {
        var request = new RequestContext
        {
            Action = action,
            Resource = roleArn,
            PrincipalArn = caller.Principal?.Original,
            PrincipalAccount = caller.Account,
            Keys = keys ?? new ContextKeys(),
        };
        var trust = EvaluateTrust(trustPolicy, caller, request, out var grant);
        var roleAccount = Arn.TryParse(roleArn, out var parsed, out _) ? parsed.Account : "";
        var sameAccount = caller.Account is { } account && account == roleAccount;
        var identity = caller.Principal is null ? null : PolicyEvaluator.Evaluate(request, callerIdentityPolicies);

        AssumeRoleOutcome outcome;
        if (caller.Principal?.Type == PrincipalType.Root) outcome = AssumeRoleOutcome.RootCannotAssumeRole;
        else if (trust.Decision == EvaluationDecision.ExplicitDeny) outcome = AssumeRoleOutcome.TrustExplicitDeny;
        else if (identity?.Decision == EvaluationDecision.ExplicitDeny) outcome = AssumeRoleOutcome.IdentityExplicitDeny;
        else if (trust.Decision != EvaluationDecision.Allowed) outcome = AssumeRoleOutcome.NotTrusted;
        else if (identity is null || (grant == TrustGrant.Direct && sameAccount) || identity.IsAllowed) outcome = AssumeRoleOutcome.Allowed;
        else outcome = AssumeRoleOutcome.IdentityPolicyRequired;

        return new AssumeRoleDecision(outcome, grant, sameAccount, trust, identity);
    }

    /// <summary>STS's AccessDenied text for a refused AssumeRole.</summary>
    public static string AccessDeniedMessage(AssumeRoleDecision decision, string callerArn, string roleArn, string action = AssumeRoleAction) =>
        decision.Outcome == AssumeRoleOutcome.RootCannotAssumeRole
            ? "Roles may not be assumed by root accounts."
            : AccessDeniedMessages.NotAuthorized(callerArn, action, roleArn);
}
