using Turnstile.Core.Arns;
using Turnstile.Core.Iam.Policies;
using Turnstile.State;

namespace Turnstile.Aws.Iam;

/// <summary>
/// Enforces identity-based policies on every signed call, as IAM does within one account: the account root is allowed
/// everything; a user is judged by its attached, inline and group policies; an assumed-role session by its role's
/// policies, further limited by the session policies it was issued with. A permissions boundary, when set, must also
/// allow. Request context: the caller's global keys plus the operation's own keys (resource tags, iam:PolicyARN...).
/// </summary>
public sealed class IamAuthorizer(IamAccount account) : IRequestAuthorizer
{
    /// <summary>Listings authorized against the ARN prefix of their PathPrefix (<c>arn:...:user/team/</c>).</summary>
    private static readonly HashSet<string> PathListings = new(StringComparer.Ordinal) { "iam:ListUsers", "iam:ListRoles", "iam:ListGroups", "iam:ListInstanceProfiles" };

    private static readonly HashSet<string> MultiValuedKeys = new(StringComparer.OrdinalIgnoreCase) { ContextKeyNames.TagKeys };

    public AuthorizationOutcome Authorize(AuthorizationRequest request, OperationContext context, OptimisticTransaction tx)
    {
        var caller = context.Caller;
        var subject = Resolve(new IamState(account, tx), caller, context, request.Action);
        if (subject is null)
            return Deny(caller, request, EvaluationDecision.ImplicitDeny, "identity-based policy", null);
        if (subject.IsRoot) return AuthorizationOutcome.Allow;

        var evaluation = new RequestContext
        {
            Action = request.Action,
            Resource = request.Resource,
            PrincipalArn = caller.Arn,
            PrincipalAccount = caller.AccountId,
            Keys = Keys(subject, request, context),
        };

        var identity = PolicyEvaluator.Evaluate(evaluation, subject.Policies.Identity);
        var boundary = subject.Policies.Boundary is { } b ? PolicyEvaluator.Evaluate(evaluation, b) : null;
        var session = subject.SessionPolicies is { } s ? PolicyEvaluator.Evaluate(evaluation, s) : null;

        if (identity.Decision == EvaluationDecision.ExplicitDeny)
            return Deny(caller, request, EvaluationDecision.ExplicitDeny, "identity-based policy", DenyingManagedPolicy(identity));
        if (boundary?.Decision == EvaluationDecision.ExplicitDeny)
            return Deny(caller, request, EvaluationDecision.ExplicitDeny, "permissions boundary", subject.Policies.Boundary!.Source);
        if (session?.Decision == EvaluationDecision.ExplicitDeny)
            return Deny(caller, request, EvaluationDecision.ExplicitDeny, "session policy", null);
        if (!identity.IsAllowed) return Deny(caller, request, EvaluationDecision.ImplicitDeny, "identity-based policy", null);
        if (boundary is { IsAllowed: false }) return Deny(caller, request, EvaluationDecision.ImplicitDeny, "permissions boundary", null);
        if (session is { IsAllowed: false }) return Deny(caller, request, EvaluationDecision.ImplicitDeny, "session policy", null);
        return AuthorizationOutcome.Allow;
    }

    /// <summary>The caller's policies, tags and unique id, read in the call's transaction; null when its user or role is gone.</summary>
    internal static Subject? Resolve(IamState state, Caller caller, OperationContext context, string? action)
    {
        if (action is not null) RecordUse(state, caller, context, action);
        switch (caller.Type)
        {
            case PrincipalType.Root:
                return Subject.Root;
            case PrincipalType.User:
                if (state.UserById(caller.UserId) is not { } user) return null;
                return new Subject(state.PoliciesOf(user), null, user.UserId, user.Tags, null, null);
            case PrincipalType.AssumedRole:
                var roleId = caller.UserId.Split(':', 2)[0];
                if (state.RoleById(roleId) is not { } role) return null;
                var session = state.FindSession(caller.AccessKeyId);
                var tags = session is { Tags.Count: > 0 } ? MergeTags(role.Tags, session.Tags) : role.Tags;
                return new Subject(state.PoliciesOf(role), session is null ? null : state.SessionPolicies(session), role.RoleId, tags,
                    state.Arns.Role(role.Path, role.RoleName), session);
            default:
                return null;
        }
    }

    private static void RecordUse(IamState state, Caller caller, OperationContext context, string action)
    {
        var service = action.Split(':', 2)[0];
        if (caller.CredentialsExpireAt is null) state.Account.RecordKeyUse(caller.AccessKeyId, context.Now, service, context.Region);
        if (caller.Type == PrincipalType.AssumedRole) state.Account.RecordRoleUse(caller.UserId.Split(':', 2)[0], context.Now, context.Region);
    }

    private static IReadOnlyList<TagRecord> MergeTags(IReadOnlyList<TagRecord> principal, IReadOnlyList<TagRecord> session) =>
        principal.Where(t => !session.Any(s => string.Equals(s.Key, t.Key, StringComparison.OrdinalIgnoreCase))).Concat(session).ToArray();

    internal static ContextKeys Keys(Subject subject, AuthorizationRequest request, OperationContext context)
    {
        var caller = context.Caller;
        var principal = PrincipalArn.Parse(caller.Arn);
        bool? mfa = caller.CredentialsExpireAt is not null ? caller.MfaPresent : caller.MfaPresent ? true : null;
        var keys = GlobalConditionKeys.ForCaller(principal, subject.UniqueId, context.Now, context.Region, context.SourceIp, context.SecureTransport, mfa);
        // A session's aws:PrincipalArn is its role's ARN, path included.
        if (subject.RoleArn is not null) keys.Set(GlobalConditionKeys.PrincipalArn, subject.RoleArn);
        if (subject.Session is { } session)
        {
            keys.Set(GlobalConditionKeys.TokenIssueTime, ContextValue.Of(session.CreateDate));
            if (session.SourceIdentity is not null) keys.Set(GlobalConditionKeys.SourceIdentity, session.SourceIdentity);
        }
        foreach (var tag in subject.Tags) keys.Set("aws:PrincipalTag/" + tag.Key, tag.Value);
        if (request.ContextKeys is { } extra)
        {
            foreach (var (key, values) in extra)
            {
                keys.Set(key, values.Count == 1 && !MultiValuedKeys.Contains(key) ? ContextValue.Of(values[0]) : ContextValue.List(values.ToArray()));
            }
        }
        return keys;
    }

    private static string? DenyingManagedPolicy(EvaluationResult result) =>
        result.DecidingStatements.Select(s => s.Source).FirstOrDefault(source => source.StartsWith("arn:", StringComparison.Ordinal));

    private static AuthorizationOutcome Deny(Caller caller, AuthorizationRequest request, EvaluationDecision decision, string policyType, string? policyArn)
    {
        var resource = DisplayResource(request.Action, request.Resource);
        var message = $"User: {caller.Arn} is not authorized to perform: {request.Action} on resource: {resource}";
        message += decision == EvaluationDecision.ExplicitDeny
            ? $" with an explicit deny in {Article(policyType)} {policyType}" + (policyArn is null ? "" : ": " + policyArn)
            : $" because no {policyType} allows the {request.Action} action";
        return new AuthorizationOutcome(false, message);
    }

    private static string Article(string noun) => noun[0] is 'a' or 'e' or 'i' or 'o' or 'u' ? "an" : "a";

    /// <summary>
    /// IAM names its own resources by kind and name in denial messages (<c>user alice</c>, <c>role deployer</c>,
    /// <c>instance profile web</c>, <c>policy arn:...</c>); listings keep the ARN prefix (<c>arn:...:user/</c>), other services the ARN.
    /// </summary>
    internal static string DisplayResource(string action, string resource)
    {
        if (!action.StartsWith("iam:", StringComparison.Ordinal) || !Arn.TryParse(resource, out var arn, out _) || arn.Service != "iam") return resource;
        if (PathListings.Contains(action)) return resource;
        var slash = arn.Resource.IndexOf('/');
        if (slash < 0) return resource;
        var kind = arn.Resource[..slash];
        var name = arn.Resource[(arn.Resource.LastIndexOf('/') + 1)..];
        return kind switch
        {
            "user" => "user " + name,
            "role" => "role " + name,
            "group" => "group " + name,
            "instance-profile" => "instance profile " + name,
            "policy" => "policy " + resource,
            _ => resource,
        };
    }

    internal sealed record Subject(
        PrincipalPolicies Policies,
        IReadOnlyList<CompiledPolicy>? SessionPolicies,
        string? UniqueId,
        IReadOnlyList<TagRecord> Tags,
        string? RoleArn,
        SessionRecord? Session)
    {
        public static Subject Root { get; } = new(new PrincipalPolicies([], null), null, null, [], null, null) { IsRoot = true };
        public bool IsRoot { get; private init; }
    }
}
