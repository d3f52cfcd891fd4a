using System.Text.Json.Nodes;
using Turnstile.Core.Arns;
using Turnstile.State;

namespace Turnstile.Aws.Iam;

/// <summary>
/// The IAM query API of the emulated account. Every operation runs in one optimistic transaction (see
/// <see cref="OperationRunner"/>): it validates first and stages its writes, so a failed call changes nothing, and its
/// commit compares every key it read. Also the account's credential source, request authorizer and principal
/// directory (each delegating to a small class over the shared <see cref="IamAccount"/>).
/// </summary>
public sealed partial class IamService : IAwsService, ICredentialSource, IRequestAuthorizer, IIamDirectory
{
    private readonly IamAccount _account;
    private readonly Dictionary<string, AwsOperation> _operations = new(StringComparer.Ordinal);
    private readonly IamAuthorizer _authorizer;
    private readonly IamCredentialSource _credentials;
    private readonly IamDirectory _directory;

    public IamService(EmulatorState emulator) : this(new IamAccount(emulator))
    {
    }

    public IamService(IamAccount account)
    {
        _account = account;
        _authorizer = new IamAuthorizer(account);
        _credentials = new IamCredentialSource(account);
        _directory = new IamDirectory(account);
        RegisterUsers();
        RegisterAccessKeys();
        RegisterRoles();
        RegisterPolicies();
        RegisterAttachments();
        RegisterInlinePolicies();
        RegisterGroups();
        RegisterInstanceProfiles();
        RegisterTags();
        RegisterAccount();
    }

    public IamAccount Account => _account;
    public string SigningName => "iam";
    public IReadOnlyDictionary<string, AwsOperation> Operations => _operations;

    public bool TryResolve(OptimisticTransaction state, string accessKeyId, out ResolvedCredentials credentials) =>
        _credentials.TryResolve(state, accessKeyId, out credentials);

    public AuthorizationOutcome Authorize(AuthorizationRequest request, OperationContext context, OptimisticTransaction state) =>
        _authorizer.Authorize(request, context, state);

    public PrincipalInfo? FindPrincipal(OptimisticTransaction state, string arn) => _directory.FindPrincipal(state, arn);

    /// <summary>Creates the account's bootstrap admin in a new store (see <see cref="IamAccount.BootstrapAsync"/>).</summary>
    public Task BootstrapAsync(CancellationToken cancellationToken = default) => _account.BootstrapAsync(cancellationToken);

    private IamArns Arns => _account.Arns;

    // ---- registration helpers ----------------------------------------------------------------------------------

    private delegate string ResourceOf(OperationInput input, OperationContext context, IamState state);
    private delegate JsonObject Handler(OperationInput input, OperationContext context, IamState state);
    private delegate IReadOnlyDictionary<string, IReadOnlyList<string>>? KeysOf(OperationInput input, OperationContext context, IamState state);

    /// <summary>Registers <c>iam:{name}</c> on the resource <paramref name="resource"/> computes (it may look up paths).</summary>
    private void Add(string name, ResourceOf resource, Handler handle, KeysOf? keys = null)
    {
        var action = "iam:" + name;
        _operations[name] = new AwsOperation(
            name,
            (json, context, tx) =>
            {
                RefuseSessionTokenWithoutMfa(context.Caller);
                var input = new OperationInput(json);
                var state = new IamState(_account, tx);
                return new AuthorizationRequest(action, resource(input, context, state), keys?.Invoke(input, context, state));
            },
            (json, context, tx) => handle(new OperationInput(json), context, new IamState(_account, tx)),
            ReadOnly: name.StartsWith("Get", StringComparison.Ordinal) || name.StartsWith("List", StringComparison.Ordinal));
    }

    private static ResourceOf Everything => (_, _, _) => "*";

    /// <summary>
    /// IAM refuses credentials from GetSessionToken unless MFA was given when they were issued; it answers as if the
    /// token were unknown.
    /// </summary>
    private static void RefuseSessionTokenWithoutMfa(Caller caller)
    {
        if (caller.Type is PrincipalType.User or PrincipalType.Root && caller.CredentialsExpireAt is not null && !caller.MfaPresent)
            throw new AwsServiceException("InvalidClientTokenId", "The security token included in the request is invalid.", 403);
    }

    private static JsonObject Empty() => [];

    private static JsonObject Result(string member, JsonNode value) => new() { [member] = value };

    // ---- context keys ----------------------------------------------------------------------------------------------

    private static Dictionary<string, IReadOnlyList<string>> RequestTagKeys(IReadOnlyList<TagRecord> tags, Dictionary<string, IReadOnlyList<string>>? into = null)
    {
        into ??= new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        if (tags.Count == 0) return into;
        foreach (var tag in tags) into["aws:RequestTag/" + tag.Key] = [tag.Value];
        into[ContextKeyNames.TagKeys] = tags.Select(t => t.Key).ToArray();
        return into;
    }

    private static Dictionary<string, IReadOnlyList<string>>? ResourceTagKeys(IReadOnlyList<TagRecord>? tags, Dictionary<string, IReadOnlyList<string>>? into = null)
    {
        if (tags is null || tags.Count == 0) return into;
        into ??= new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var tag in tags)
        {
            into["aws:ResourceTag/" + tag.Key] = [tag.Value];
            into["iam:ResourceTag/" + tag.Key] = [tag.Value];
        }
        return into;
    }

    // ---- caller-relative targets -------------------------------------------------------------------------------

    /// <summary>The ARN an operation with an optional <c>UserName</c> acts on: the named user, else the caller itself.</summary>
    private static string UserOrCaller(OperationInput input, OperationContext context, IamState state) =>
        input.String("UserName") is { } name ? state.UserArn(name) : context.Caller.Arn;

    /// <summary>
    /// The user an operation with an optional <c>UserName</c> acts on. Without a name: the calling user, or null for
    /// the account root (which owns its own access keys); session callers must name a user.
    /// </summary>
    private static UserRecord? TargetUser(OperationInput input, OperationContext context, IamState state)
    {
        if (input.String("UserName") is { } name) return state.GetUser(name);
        var caller = context.Caller;
        return caller.Type switch
        {
            PrincipalType.Root => null,
            PrincipalType.User => state.UserById(caller.UserId) ?? throw IamErrors.NoSuchUser(caller.PrincipalName ?? caller.UserId),
            _ => throw IamErrors.NonUserCredentials(),
        };
    }
}

/// <summary>Names of condition keys the IAM operations add to the request context.</summary>
public static class ContextKeyNames
{
    public const string TagKeys = "aws:TagKeys";
    public const string PolicyArn = "iam:PolicyARN";
    public const string PermissionsBoundary = "iam:PermissionsBoundary";
}
