using System.Text;

namespace Turnstile.Core.Iam.Policies;

/// <summary>SimulatePrincipalPolicy's <c>EvalDecision</c> values.</summary>
public enum EvaluationDecision
{
    Allowed,
    ExplicitDeny,
    ImplicitDeny,
}

/// <summary>A statement whose action, resource (and principal, for trust policies) and conditions all matched the request.</summary>
public sealed record MatchedStatement(string Source, PolicySourceType SourceType, string? Sid, int Index, PolicyEffect Effect)
{
    /// <summary>The Sid, or <c>Statement[n]</c> (1-based) for statements without one.</summary>
    public string Label => string.IsNullOrEmpty(Sid) ? $"Statement[{Index + 1}]" : Sid;

    public override string ToString() => $"{Effect} {Source} {Label}";
}

public sealed record EvaluationResult(
    EvaluationDecision Decision,
    IReadOnlyList<MatchedStatement> MatchedStatements,
    IReadOnlyList<string> MissingContextKeys)
{
    internal static EvaluationResult NothingMatched { get; } = new(EvaluationDecision.ImplicitDeny, [], []);

    public bool IsAllowed => Decision == EvaluationDecision.Allowed;

    /// <summary>The statements that produced the decision: the denies for an explicit deny, the allows for an allow.</summary>
    public IEnumerable<MatchedStatement> DecidingStatements => Decision switch
    {
        EvaluationDecision.ExplicitDeny => MatchedStatements.Where(s => s.Effect == PolicyEffect.Deny),
        EvaluationDecision.Allowed => MatchedStatements.Where(s => s.Effect == PolicyEffect.Allow),
        _ => [],
    };

    /// <summary><c>allowed</c>, <c>explicitDeny</c> or <c>implicitDeny</c>, as the IAM API spells them.</summary>
    public string WireDecision => Decision switch
    {
        EvaluationDecision.Allowed => "allowed",
        EvaluationDecision.ExplicitDeny => "explicitDeny",
        _ => "implicitDeny",
    };

    /// <summary>A human-readable account of the decision, for an <c>explain</c> command or debug log.</summary>
    public string Explain(RequestContext request)
    {
        var text = new StringBuilder();
        text.Append(WireDecision).Append(": ").Append(request.Action).Append(" on ").Append(request.Resource);
        if (request.PrincipalArn is not null) text.Append(" by ").Append(request.PrincipalArn);
        text.AppendLine();
        switch (Decision)
        {
            case EvaluationDecision.ExplicitDeny:
                text.AppendLine("  denied explicitly by:");
                break;
            case EvaluationDecision.Allowed:
                text.AppendLine("  allowed by:");
                break;
            default:
                text.AppendLine("  no statement allows this request (implicit deny)");
                break;
        }
        foreach (var statement in DecidingStatements) text.Append("    ").Append(statement.Source).Append(" / ").AppendLine(statement.Label);
        if (MissingContextKeys.Count > 0) text.Append("  context keys referenced but absent: ").AppendLine(string.Join(", ", MissingContextKeys.Distinct(StringComparer.OrdinalIgnoreCase)));
        return text.ToString();
    }
}

/// <summary>
/// Evaluates identity-based policies the way IAM does within one account: an explicit Deny in any statement wins,
/// otherwise any matching Allow allows, otherwise the request is implicitly denied. A statement matches when its
/// Action/NotAction covers the action (case-insensitive wildcards), its Resource/NotResource covers the resource
/// (ARN-part wildcards, case-sensitive, policy variables resolved from the context) and all its conditions hold.
/// Policy types not modelled here (SCPs, permissions boundaries, session policies) must be combined by the caller.
/// </summary>
public static class PolicyEvaluator
{
    public static EvaluationResult Evaluate(RequestContext request, IReadOnlyList<CompiledPolicy> policies)
    {
        List<MatchedStatement>? matched = null;
        List<string>? missing = null;
        var denied = false;
        var allowed = false;
        var keys = request.Keys;
        foreach (var policy in policies)
        {
            foreach (var statement in policy.Statements)
            {
                if (!statement.MatchesAction(request.Action)) continue;
                if (!statement.MatchesResource(request.Resource, keys, ref missing)) continue;
                if (!statement.ConditionsHold(keys, ref missing)) continue;
                if (statement.Effect == PolicyEffect.Deny) denied = true;
                else allowed = true;
                (matched ??= []).Add(Match(policy, statement));
            }
        }
        if (matched is null && missing is null) return EvaluationResult.NothingMatched;
        var decision = denied ? EvaluationDecision.ExplicitDeny : allowed ? EvaluationDecision.Allowed : EvaluationDecision.ImplicitDeny;
        return new EvaluationResult(decision, (IReadOnlyList<MatchedStatement>?)matched ?? [], (IReadOnlyList<string>?)missing ?? []);
    }

    public static EvaluationResult Evaluate(RequestContext request, params CompiledPolicy[] policies) =>
        Evaluate(request, (IReadOnlyList<CompiledPolicy>)policies);

    internal static MatchedStatement Match(CompiledPolicy policy, CompiledStatement statement) =>
        new(policy.Source, policy.SourceType, statement.Statement.Sid, statement.Statement.Index, statement.Effect);
}

/// <summary>The texts AWS services put in AccessDenied errors for a denied IAM authorization.</summary>
public static class AccessDeniedMessages
{
    /// <summary>
    /// <c>User: ARN is not authorized to perform: ACTION on resource: RESOURCE</c>, optionally followed by the reason clause
    /// newer AWS APIs add (<c>because no identity-based policy allows the ACTION action</c> / <c>with an explicit deny in an identity-based policy</c>).
    /// </summary>
    public static string NotAuthorized(string callerArn, string action, string resource, EvaluationDecision? decision = null, string policyType = "identity-based")
    {
        var message = $"User: {callerArn} is not authorized to perform: {action} on resource: {resource}";
        return decision switch
        {
            EvaluationDecision.ExplicitDeny => $"{message} with an explicit deny in an {policyType} policy",
            EvaluationDecision.ImplicitDeny => $"{message} because no {policyType} policy allows the {action} action",
            _ => message,
        };
    }
}
