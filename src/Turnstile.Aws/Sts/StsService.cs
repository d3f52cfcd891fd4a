using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Turnstile.Aws.Iam;
using Turnstile.Core.Arns;
using Turnstile.Core.Iam.Policies;
using Turnstile.State;

namespace Turnstile.Aws.Sts;

/// <summary>
/// The STS query API: GetCallerIdentity, AssumeRole (trust policy plus the caller's identity policies), GetSessionToken
/// and GetAccessKeyInfo. Sessions are stored with the IAM state, so they survive restarts and resolve through the
/// same credential source; they are kept for a while after expiry so their callers get ExpiredToken.
/// </summary>
public sealed partial class StsService : IAwsService
{
    public const int MinDuration = 900;
    public const int MaxAssumeRoleDuration = 43200;
    public const int DefaultAssumeRoleDuration = 3600;
    public const int ChainedSessionLimit = 3600;
    public const int MaxSessionTokenDuration = 129600;
    public const int DefaultSessionTokenDuration = 43200;
    public const int RootSessionTokenLimit = 3600;
    /// <summary>Session policies and tags are packed into the token; this is the budget PackedPolicySize is a percentage of.</summary>
    public const int PackedPolicyBudget = 2048;
    public const string TagSessionAction = "sts:TagSession";

    private readonly IamAccount _account;
    private readonly Dictionary<string, AwsOperation> _operations = new(StringComparer.Ordinal);

    public StsService(IamService iam) : this(iam.Account)
    {
    }

    public StsService(IamAccount account)
    {
        _account = account;
        // GetCallerIdentity cannot be denied; AssumeRole and GetSessionToken decide inside (trust policy, credential type).
        Add("GetCallerIdentity", null, GetCallerIdentity, readOnly: true);
        Add("AssumeRole", null, AssumeRole);
        Add("GetSessionToken", null, GetSessionToken);
        Add("GetAccessKeyInfo", (_, _, _) => new AuthorizationRequest("sts:GetAccessKeyInfo", "*"), GetAccessKeyInfo, readOnly: true);
    }

    public string SigningName => "sts";
    public IReadOnlyDictionary<string, AwsOperation> Operations => _operations;

    private void Add(string name, OperationAuthorizer? authorize, Func<OperationInput, OperationContext, IamState, JsonObject> handle, bool readOnly = false) =>
        _operations[name] = new AwsOperation(name, authorize ?? ((_, _, _) => null),
            (json, context, tx) => handle(new OperationInput(json), context, new IamState(_account, tx)), readOnly);

    [GeneratedRegex(@"^[\w+=,.@-]*$")]
    private static partial Regex SessionNamePattern();

    private static JsonObject GetCallerIdentity(OperationInput input, OperationContext context, IamState state) => new()
    {
        ["UserId"] = context.Caller.UserId,
        ["Account"] = context.Caller.AccountId,
        ["Arn"] = context.Caller.Arn,
    };

    private JsonObject AssumeRole(OperationInput input, OperationContext context, IamState state)
    {
        var roleArn = input.Required("RoleArn");
        var sessionName = input.Required("RoleSessionName");
        CheckSessionName(sessionName);
        var requested = input.Int("DurationSeconds");
        if (requested is { } r) CheckRange("durationSeconds", r, MinDuration, MaxAssumeRoleDuration);
        var sessionPolicy = input.String("Policy");
        if (sessionPolicy is not null)
        {
            var parsed = PolicyParser.Parse(sessionPolicy, PolicyKind.Identity);
            if (!parsed.IsValid) throw new AwsServiceException(parsed.Error.Code, parsed.Error.Message, 400);
        }
        var policyArns = input.Objects("PolicyArns").Select(o => o["arn"]?.GetValue<string>()).OfType<string>().ToArray();
        var tags = input.Tags();
        var caller = context.Caller;
        var mfa = (input.Has("SerialNumber") && input.Has("TokenCode")) || (caller.Type == PrincipalType.User && caller.MfaPresent);

        var role = FindRole(state, roleArn);
        var subject = IamAuthorizer.Resolve(state, caller, context, TrustPolicyEvaluator.AssumeRoleAction);
        if (role is null || subject is null) throw AccessDenied(caller, roleArn);

        var actualArn = state.Arns.Role(role.Path, role.RoleName);
        var keys = IamAuthorizer.Keys(subject, new AuthorizationRequest(TrustPolicyEvaluator.AssumeRoleAction, actualArn, RequestKeys(input, tags, sessionName)), context);
        if (mfa) keys.Set(GlobalConditionKeys.MultiFactorAuthPresent, ContextValue.Of(true));
        var trust = _account.Trust.Of(role);
        var decision = TrustPolicyEvaluator.EvaluateAssumeRole(trust, actualArn, TrustCaller.ForPrincipal(caller.Arn), subject.Policies.Identity, keys);
        if (!decision.IsAllowed || !LimitsAllow(subject, decision, actualArn, caller, keys))
            throw new AwsServiceException("AccessDenied", TrustPolicyEvaluator.AccessDeniedMessage(decision, caller.Arn, roleArn), 403);
        if (tags.Count > 0)
        {
            // Passing session tags is a separate permission the trust policy must grant as well.
            var tagging = TrustPolicyEvaluator.EvaluateAssumeRole(trust, actualArn, TrustCaller.ForPrincipal(caller.Arn), subject.Policies.Identity, keys, TagSessionAction);
            if (!tagging.IsAllowed)
                throw new AwsServiceException("AccessDenied", TrustPolicyEvaluator.AccessDeniedMessage(tagging, caller.Arn, roleArn, TagSessionAction), 403);
        }

        int duration;
        if (caller.Type == PrincipalType.AssumedRole)
        {
            if (requested > ChainedSessionLimit)
                throw Validation("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.");
            duration = requested ?? DefaultAssumeRoleDuration;
        }
        else
        {
            if (requested > role.MaxSessionDuration) throw Validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
            duration = requested ?? DefaultAssumeRoleDuration;
        }

        var packed = PackedPolicySize(sessionPolicy, policyArns, tags);
        if (packed > 100)
            throw new AwsServiceException("PackedPolicyTooLarge", $"Packed policy consumes {packed}% of allotted space, please use smaller policy.", 400);

        var session = NewSession(context, duration) with
        {
            Kind = SessionKind.AssumedRole,
            PrincipalId = role.RoleId,
            PrincipalName = role.RoleName,
            SessionName = sessionName,
            MfaPresent = mfa,
            SourceIdentity = input.String("SourceIdentity"),
            SessionPolicy = sessionPolicy,
            SessionPolicyArns = policyArns,
            Tags = tags,
        };
        Store(state, session, context.Now);

        var output = new JsonObject
        {
            ["Credentials"] = CredentialsShape(session),
            ["AssumedRoleUser"] = new JsonObject
            {
                ["AssumedRoleId"] = $"{role.RoleId}:{sessionName}",
                ["Arn"] = state.Arns.AssumedRole(role.RoleName, sessionName),
            },
        };
        if (sessionPolicy is not null || policyArns.Length > 0 || tags.Count > 0) output["PackedPolicySize"] = packed;
        if (session.SourceIdentity is { } sourceIdentity) output["SourceIdentity"] = sourceIdentity;
        return output;
    }

    /// <summary>
    /// Permissions boundaries and session policies of the caller also limit AssumeRole, except that a trust policy
    /// naming the caller directly (same account) is not held back by their implicit deny; an explicit deny always wins.
    /// </summary>
    private static bool LimitsAllow(IamAuthorizer.Subject subject, AssumeRoleDecision decision, string roleArn, Caller caller, ContextKeys keys)
    {
        var request = new RequestContext
        {
            Action = TrustPolicyEvaluator.AssumeRoleAction,
            Resource = roleArn,
            PrincipalArn = caller.Arn,
            PrincipalAccount = caller.AccountId,
            Keys = keys,
        };
        var direct = decision is { Grant: TrustGrant.Direct, SameAccount: true };
        var limits = new List<EvaluationResult>();
        if (subject.Policies.Boundary is { } boundary) limits.Add(PolicyEvaluator.Evaluate(request, boundary));
        if (subject.SessionPolicies is { } session) limits.Add(PolicyEvaluator.Evaluate(request, session));
        return limits.All(l => l.Decision != EvaluationDecision.ExplicitDeny && (direct || l.IsAllowed));
    }

    private static Dictionary<string, IReadOnlyList<string>> RequestKeys(OperationInput input, IReadOnlyList<TagRecord> tags, string sessionName)
    {
        var keys = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase)
        {
            ["sts:RoleSessionName"] = [sessionName],
        };
        if (input.String("ExternalId") is { } externalId) keys["sts:ExternalId"] = [externalId];
        if (input.String("SourceIdentity") is { } sourceIdentity) keys["sts:SourceIdentity"] = [sourceIdentity];
        if (tags.Count > 0)
        {
            foreach (var tag in tags) keys["aws:RequestTag/" + tag.Key] = [tag.Value];
            keys[ContextKeyNames.TagKeys] = tags.Select(t => t.Key).ToArray();
        }
        var transitive = input.Strings("TransitiveTagKeys");
        if (transitive.Count > 0) keys["sts:TransitiveTagKeys"] = transitive;
        return keys;
    }

    /// <summary>The role a RoleArn names in this account (name case-insensitive, path exact), or null.</summary>
    private static RoleRecord? FindRole(IamState state, string roleArn)
    {
        if (!PrincipalArn.TryParse(roleArn, out var principal, out _) || principal.Type != PrincipalType.Role) return null;
        if (principal.Account != state.AccountId || principal.Partition != state.Partition) return null;
        return state.FindRole(principal.Name) is { } role && role.Path == principal.Path ? role : null;
    }

    private static AwsServiceException AccessDenied(Caller caller, string roleArn) =>
        caller.Type == PrincipalType.Root
            ? new AwsServiceException("AccessDenied", "Roles may not be assumed by root accounts.", 403)
            : new AwsServiceException("AccessDenied", AccessDeniedMessages.NotAuthorized(caller.Arn, TrustPolicyEvaluator.AssumeRoleAction, roleArn), 403);

    private JsonObject GetSessionToken(OperationInput input, OperationContext context, IamState state)
    {
        var caller = context.Caller;
        var requested = input.Int("DurationSeconds");
        if (requested is { } r) CheckRange("durationSeconds", r, MinDuration, MaxSessionTokenDuration);
        if (caller.Type is not (PrincipalType.User or PrincipalType.Root) || caller.CredentialsExpireAt is not null)
            throw new AwsServiceException("AccessDenied", "Cannot call GetSessionToken with session credentials", 403);

        // Root sessions last at most an hour, whatever is asked for.
        var duration = caller.Type == PrincipalType.Root
            ? Math.Min(requested ?? RootSessionTokenLimit, RootSessionTokenLimit)
            : requested ?? DefaultSessionTokenDuration;
        var mfa = input.Has("SerialNumber") && input.Has("TokenCode");

        string? userId = null;
        if (caller.Type == PrincipalType.User)
        {
            var user = state.UserById(caller.UserId) ?? throw new AwsServiceException("InvalidClientTokenId", "The security token included in the request is invalid.", 403);
            userId = user.UserId;
        }
        var session = NewSession(context, duration) with
        {
            Kind = caller.Type == PrincipalType.Root ? SessionKind.Root : SessionKind.User,
            PrincipalId = userId,
            PrincipalName = caller.PrincipalName,
            MfaPresent = mfa,
        };
        Store(state, session, context.Now);
        return new JsonObject { ["Credentials"] = CredentialsShape(session) };
    }

    private static JsonObject GetAccessKeyInfo(OperationInput input, OperationContext context, IamState state)
    {
        var id = input.Required("AccessKeyId");
        if (state.FindAccessKey(id) is not null || state.FindSession(id) is not null) return new JsonObject { ["Account"] = state.AccountId };
        return IamIds.TryDecodeAccount(id, out var account)
            ? new JsonObject { ["Account"] = account }
            : throw Validation("The specified value for accessKeyId is invalid.");
    }

    private SessionRecord NewSession(OperationContext context, int durationSeconds) => new()
    {
        AccessKeyId = IamIds.NewTemporaryAccessKeyId(_account.AccountId),
        SecretAccessKey = IamIds.NewSecretAccessKey(),
        SessionToken = IamIds.NewSessionToken(),
        CreateDate = context.Now,
        Expiration = TruncateToSeconds(context.Now.AddSeconds(durationSeconds)),
        Kind = SessionKind.AssumedRole,
    };

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset value) => value.AddTicks(-(value.Ticks % TimeSpan.TicksPerSecond));

    /// <summary>
    /// Saves a new session with its expiry index entry, and drops sessions long expired: the expiry index lists them
    /// first, so only those are read.
    /// </summary>
    private static void Store(IamState state, SessionRecord session, DateTimeOffset now)
    {
        var tx = state.Tx;
        foreach (var expired in tx.List(IamKeys.SessionExpiryPrefix))
        {
            if (IamKeys.ExpiryOf(expired.Key) + IamAccount.ExpiredSessionRetention >= now) break;
            tx.Delete(expired.Key);
            tx.Delete(IamKeys.SessionPrefix + expired.Key[(expired.Key.LastIndexOf('/') + 1)..]);
        }
        tx.Create(IamKeys.Session(session.AccessKeyId), session);
        tx.Create(IamKeys.SessionExpiry(session.Expiration, session.AccessKeyId), new NameRef(session.AccessKeyId));
    }

    private static JsonObject CredentialsShape(SessionRecord session) => new()
    {
        ["AccessKeyId"] = session.AccessKeyId,
        ["SecretAccessKey"] = session.SecretAccessKey,
        ["SessionToken"] = session.SessionToken,
        ["Expiration"] = IamShapes.Date(session.Expiration),
    };

    /// <summary>
    /// An estimate of how much of the packed-policy budget session policies and tags use, in percent (STS compresses
    /// them into the token in an undocumented format; this counts their non-blank characters).
    /// </summary>
    public static int PackedPolicySize(string? policy, IReadOnlyCollection<string> policyArns, IReadOnlyList<TagRecord> tags)
    {
        var size = (policy is null ? 0 : PolicyQuotas.CountNonWhitespace(policy)) + policyArns.Sum(a => a.Length) + tags.Sum(t => t.Key.Length + t.Value.Length + 2);
        return (int)Math.Ceiling(size * 100.0 / PackedPolicyBudget);
    }

    private static void CheckSessionName(string name)
    {
        if (name.Length < 2)
            throw Validation($"1 validation error detected: Value '{name}' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2");
        if (name.Length > 64)
            throw Validation($"1 validation error detected: Value '{name}' at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64");
        if (!SessionNamePattern().IsMatch(name))
            throw Validation($"1 validation error detected: Value '{name}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*");
    }

    private static void CheckRange(string member, int value, int min, int max)
    {
        var text = value.ToString(CultureInfo.InvariantCulture);
        if (value < min)
            throw Validation($"1 validation error detected: Value '{text}' at '{member}' failed to satisfy constraint: Member must have value greater than or equal to {min}");
        if (value > max)
            throw Validation($"1 validation error detected: Value '{text}' at '{member}' failed to satisfy constraint: Member must have value less than or equal to {max}");
    }

    private static AwsServiceException Validation(string message) => new("ValidationError", message, 400);
}
