using System.Text.Json.Nodes;
using Turnstile.Core.Arns;

namespace Turnstile.Aws.Iam;

/// <summary>
/// The IAM query API of the emulated account. Every operation takes the state lock for its whole run: it validates
/// first and writes one transaction at the end, so a failed call changes nothing. Also the account's credential
/// source, request authorizer and principal directory (each delegating to a small class over the shared <see cref="IamState"/>).
/// </summary>
public sealed partial class IamService : IAwsService, ICredentialSource, IRequestAuthorizer, IIamDirectory
{
    private readonly IamState _state;
    private readonly Dictionary<string, AwsOperation> _operations = new(StringComparer.Ordinal);
    private readonly IamAuthorizer _authorizer;
    private readonly IamCredentialSource _credentials;
    private readonly IamDirectory _directory;

    public IamService(EmulatorState emulator) : this(new IamState(emulator))
    {
    }

    public IamService(IamState state)
    {
        _state = state;
        _authorizer = new IamAuthorizer(state);
        _credentials = new IamCredentialSource(state);
        _directory = new IamDirectory(state);
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

    public IamState State => _state;
    public string SigningName => "iam";
    public IReadOnlyDictionary<string, AwsOperation> Operations => _operations;

    public bool TryResolve(string accessKeyId, out ResolvedCredentials credentials) => _credentials.TryResolve(accessKeyId, out credentials);
    public AuthorizationOutcome Authorize(AuthorizationRequest request, OperationContext context) => _authorizer.Authorize(request, context);
    public PrincipalInfo? FindPrincipal(string arn) => _directory.FindPrincipal(arn);

    private IamArns Arns => _state.Arns;

    // ---- registration helpers ----------------------------------------------------------------------------------

    private delegate string ResourceOf(OperationInput input, OperationContext context);
    private delegate JsonObject Handler(OperationInput input, OperationContext context);
    private delegate IReadOnlyDictionary<string, IReadOnlyList<string>>? KeysOf(OperationInput input, OperationContext context);

    /// <summary>Registers <c>iam:{name}</c> on the resource <paramref name="resource"/> computes (under the lock: it may look up paths).</summary>
    private void Add(string name, ResourceOf resource, Handler handle, KeysOf? keys = null)
    {
        var action = "iam:" + name;
        _operations[name] = new AwsOperation(
            name,
            (json, context) =>
            {
                RefuseSessionTokenWithoutMfa(context.Caller);
                var input = new OperationInput(json);
                lock (_state.Sync) return new AuthorizationRequest(action, resource(input, context), keys?.Invoke(input, context));
            },
            (json, context) =>
            {
                lock (_state.Sync) return handle(new OperationInput(json), context);
            });
    }

    private static ResourceOf Everything => (_, _) => "*";

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
    private string UserOrCaller(OperationInput input, OperationContext context) =>
        input.String("UserName") is { } name ? _state.UserArn(name) : context.Caller.Arn;

    /// <summary>
    /// The user an operation with an optional <c>UserName</c> acts on. Without a name: the calling user, or null for
    /// the account root (which owns its own access keys); session callers must name a user.
    /// </summary>
    private UserRecord? TargetUser(OperationInput input, OperationContext context)
    {
        if (input.String("UserName") is { } name) return _state.GetUser(name);
        var caller = context.Caller;
        return caller.Type switch
        {
            PrincipalType.Root => null,
            PrincipalType.User => _state.UserById(caller.UserId) ?? throw IamErrors.NoSuchUser(caller.PrincipalName ?? caller.UserId),
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
