using System.Text.Json.Nodes;
using Turnstile.Aws.Iam;
using Turnstile.Aws.Sts;
using Turnstile.State;

namespace Turnstile.Aws.Tests.Iam;

/// <summary>A clock tests move by hand.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}

/// <summary>
/// An emulated account over an in-memory store, driven the way the protocol layer drives it: in one transaction per
/// call, the operation's authorization request goes through the IAM authorizer first, then the handler runs.
/// </summary>
internal sealed class TestAccount
{
    public const string AccountId = EmulatorOptions.DefaultAccountId;
    public const string Region = EmulatorOptions.DefaultRegion;

    public const string AllowAll = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""";

    public IStore Store { get; }
    public StateCache Cache { get; }
    public EmulatorOptions Options { get; }
    public ManualClock Clock { get; }
    public EmulatorState Emulator { get; }
    public IamService Iam { get; }
    public StsService Sts { get; }

    public TestAccount(IStore? store = null, EmulatorOptions? options = null, ManualClock? clock = null)
    {
        Store = store ?? new InMemoryStore();
        Options = options ?? new EmulatorOptions();
        Clock = clock ?? new ManualClock(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        Cache = StateCache.StartAsync(Store).GetAwaiter().GetResult();
        Emulator = new EmulatorState(Cache, Options, Clock);
        Iam = new IamService(Emulator);
        Iam.BootstrapAsync().GetAwaiter().GetResult();
        Sts = new StsService(Iam);
    }

    /// <summary>A second emulator over the same store, as after a restart (or another replica).</summary>
    public TestAccount Reopen() => new(Store, Options, Clock);

    /// <summary>A read-only transaction on the current state.</summary>
    public OptimisticTransaction Read() => new(Cache.Current);

    public bool TryResolve(string accessKeyId, out ResolvedCredentials credentials) => Iam.TryResolve(Read(), accessKeyId, out credentials);

    public AuthorizationOutcome Authorize(AuthorizationRequest request, OperationContext context) => Iam.Authorize(request, context, Read());

    public PrincipalInfo? FindPrincipal(string arn) => Iam.FindPrincipal(Read(), arn);

    public Caller Admin => CallerFor(Options.AdminAccessKeyId);

    public Caller Root { get; } = new()
    {
        Arn = $"arn:aws:iam::{AccountId}:root",
        AccountId = AccountId,
        UserId = AccountId,
        Type = Core.Arns.PrincipalType.Root,
        AccessKeyId = "AKIAROOTROOTROOTROOT",
    };

    public Caller CallerFor(string accessKeyId) =>
        TryResolve(accessKeyId, out var credentials) ? credentials.Caller : throw new InvalidOperationException($"unknown key {accessKeyId}");

    public OperationContext Context(Caller? caller = null, string? region = null, string sourceIp = "127.0.0.1") =>
        new(caller ?? Admin, region ?? Region, Clock.Now, Guid.NewGuid().ToString(), sourceIp);

    public JsonObject Call(IAwsService service, string operation, JsonObject? input = null, Caller? caller = null, string? region = null, string sourceIp = "127.0.0.1")
    {
        input ??= [];
        var context = Context(caller, region, sourceIp);
        var op = service.Operations[operation];
        return Cache.RunOperationAsync(service, op, context.Now, tx =>
        {
            if (op.Authorize(input, context, tx) is { } request)
            {
                var outcome = Iam.Authorize(request, context, tx);
                if (!outcome.Allowed) throw new AwsServiceException("AccessDenied", outcome.DenialMessage!, 403);
            }
            return op.Handle(input, context, tx);
        }).GetAwaiter().GetResult();
    }

    public JsonObject IamCall(string operation, JsonObject? input = null, Caller? caller = null, string? region = null, string sourceIp = "127.0.0.1") =>
        Call(Iam, operation, input, caller, region, sourceIp);

    public JsonObject StsCall(string operation, JsonObject? input = null, Caller? caller = null) => Call(Sts, operation, input, caller);

    public AwsServiceException IamFails(string operation, JsonObject? input = null, Caller? caller = null, string? region = null, string sourceIp = "127.0.0.1") =>
        Assert.Throws<AwsServiceException>(() => IamCall(operation, input, caller, region, sourceIp));

    public AwsServiceException StsFails(string operation, JsonObject? input = null, Caller? caller = null) =>
        Assert.Throws<AwsServiceException>(() => StsCall(operation, input, caller));

    // ---- scenario helpers ---------------------------------------------------------------------------------------

    public JsonObject CreateUser(string name, string path = "/") => IamCall("CreateUser", new JsonObject { ["UserName"] = name, ["Path"] = path })["User"]!.AsObject();

    /// <summary>Creates a user with an access key and, optionally, an inline policy; returns the caller it signs as.</summary>
    public Caller UserWithKey(string name, string? inlinePolicy = null)
    {
        CreateUser(name);
        if (inlinePolicy is not null) PutUserPolicy(name, "inline", inlinePolicy);
        var key = IamCall("CreateAccessKey", new JsonObject { ["UserName"] = name })["AccessKey"]!;
        return CallerFor(key["AccessKeyId"]!.GetValue<string>());
    }

    public void PutUserPolicy(string user, string name, string document) =>
        IamCall("PutUserPolicy", new JsonObject { ["UserName"] = user, ["PolicyName"] = name, ["PolicyDocument"] = document });

    public JsonObject CreateRole(string name, string trustPolicy, string path = "/", int? maxSessionDuration = null)
    {
        var input = new JsonObject { ["RoleName"] = name, ["AssumeRolePolicyDocument"] = trustPolicy, ["Path"] = path };
        if (maxSessionDuration is { } max) input["MaxSessionDuration"] = max;
        return IamCall("CreateRole", input)["Role"]!.AsObject();
    }

    public string CreatePolicy(string name, string document, string path = "/") =>
        IamCall("CreatePolicy", new JsonObject { ["PolicyName"] = name, ["PolicyDocument"] = document, ["Path"] = path })["Policy"]!["Arn"]!.GetValue<string>();

    /// <summary>A trust policy allowing sts:AssumeRole to the given AWS principal(s).</summary>
    public static string TrustPolicy(params string[] principals) =>
        new JsonObject
        {
            ["Version"] = "2012-10-17",
            ["Statement"] = new JsonArray(new JsonObject
            {
                ["Effect"] = "Allow",
                ["Principal"] = new JsonObject { ["AWS"] = new JsonArray(principals.Select(p => (JsonNode)JsonValue.Create(p)!).ToArray()) },
                ["Action"] = "sts:AssumeRole",
            }),
        }.ToJsonString();

    public static string Allow(string actions, string resource = "*") =>
        $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":{{actions}},"Resource":"{{resource}}"}]}""";

    /// <summary>Assumes a role and returns the session caller.</summary>
    public Caller Assume(Caller caller, string roleArn, string session = "test-session", JsonObject? extra = null)
    {
        var input = extra ?? [];
        input["RoleArn"] = roleArn;
        input["RoleSessionName"] = session;
        var result = StsCall("AssumeRole", input, caller);
        return CallerFor(result["Credentials"]!["AccessKeyId"]!.GetValue<string>());
    }

    public static string Arn(string resource) => $"arn:aws:iam::{AccountId}:{resource}";

    public static IEnumerable<string> Strings(JsonNode? array, string member) =>
        array!.AsArray().Select(n => n![member]!.GetValue<string>());
}
