using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Turnstile.Aws;
using Turnstile.Core.Arns;
using Turnstile.State;

namespace Turnstile.Server.Tests.Fakes;

/// <summary>Well-known test identities and their keys.</summary>
public static class TestKeys
{
    public const string Account = "111122223333";
    public const string Region = "eu-west-1";

    public const string AdminKey = "AKIAIOSFODNN7EXAMPLE";
    public const string AdminSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    public const string AdminArn = "arn:aws:iam::111122223333:user/admin";
    public const string AdminUserId = "AIDAEXAMPLEADMIN00001";

    public const string SessionKey = "ASIAEXAMPLESESSION01";
    public const string SessionSecret = "sessionSecretKey0000000000000000000000000";
    public const string SessionToken = "FAKESESSIONTOKEN/with+chars=";
    public const string SessionArn = "arn:aws:sts::111122223333:assumed-role/dev/alice";

    public const string ExpiredKey = "ASIAEXAMPLEEXPIRED01";
    public const string ExpiredToken = "EXPIREDTOKEN";
    public const string InactiveKey = "AKIAEXAMPLEINACTIVE1";
    public const string DeniedKey = "AKIAEXAMPLEDENIED001";
    public const string DeniedArn = "arn:aws:iam::111122223333:user/denied";
}

/// <summary>Resolves a fixed set of keys: admin (long-term), a session, an expired session, an inactive key, a denied user.</summary>
public sealed class FakeCredentialSource(TimeProvider? clock = null) : ICredentialSource
{
    private readonly ConcurrentDictionary<string, ResolvedCredentials> _keys = new(StringComparer.Ordinal);

    public FakeCredentialSource Seed()
    {
        var now = (clock ?? TimeProvider.System).GetUtcNow();
        Add(TestKeys.AdminKey, TestKeys.AdminSecret, null, null, true, User(TestKeys.AdminArn, TestKeys.AdminUserId, TestKeys.AdminKey, "admin"));
        Add(TestKeys.SessionKey, TestKeys.SessionSecret, TestKeys.SessionToken, now.AddHours(1), true, new Caller
        {
            Arn = TestKeys.SessionArn,
            AccountId = TestKeys.Account,
            UserId = "AROAEXAMPLEROLEID0001:alice",
            Type = PrincipalType.AssumedRole,
            AccessKeyId = TestKeys.SessionKey,
            PrincipalName = "dev",
            SessionName = "alice",
        });
        Add(TestKeys.ExpiredKey, TestKeys.SessionSecret, TestKeys.ExpiredToken, now.AddMinutes(-1), true,
            User(TestKeys.SessionArn, "AROAEXAMPLEROLEID0001:old", TestKeys.ExpiredKey, "dev"));
        Add(TestKeys.InactiveKey, TestKeys.AdminSecret, null, null, false, User(TestKeys.AdminArn, TestKeys.AdminUserId, TestKeys.InactiveKey, "admin"));
        Add(TestKeys.DeniedKey, TestKeys.AdminSecret, null, null, true, User(TestKeys.DeniedArn, "AIDAEXAMPLEDENIED0001", TestKeys.DeniedKey, "denied"));
        return this;
    }

    public void Add(string keyId, string secret, string? token, DateTimeOffset? expiration, bool active, Caller caller) =>
        _keys[keyId] = new ResolvedCredentials(secret, token, expiration, active, caller);

    public bool TryResolve(OptimisticTransaction state, string accessKeyId, out ResolvedCredentials credentials) => _keys.TryGetValue(accessKeyId, out credentials!);

    private static Caller User(string arn, string userId, string key, string name) => new()
    {
        Arn = arn,
        AccountId = TestKeys.Account,
        UserId = userId,
        Type = PrincipalType.User,
        AccessKeyId = key,
        PrincipalName = name,
    };
}

/// <summary>Denies every call by <see cref="TestKeys.DeniedArn"/>; records what it was asked.</summary>
public sealed class FakeAuthorizer : IRequestAuthorizer
{
    public ConcurrentQueue<AuthorizationRequest> Requests { get; } = new();

    public AuthorizationOutcome Authorize(AuthorizationRequest request, OperationContext context, OptimisticTransaction state)
    {
        Requests.Enqueue(request);
        return context.Caller.Arn == TestKeys.DeniedArn
            ? new AuthorizationOutcome(false,
                $"User: {context.Caller.Arn} is not authorized to perform: {request.Action} on resource: {request.Resource} because no identity-based policy allows the {request.Action} action")
            : AuthorizationOutcome.Allow;
    }
}

/// <summary>Minimal service built from a dictionary of operations.</summary>
public sealed class FakeService(string signingName, params AwsOperation[] operations) : IAwsService
{
    public string SigningName { get; } = signingName;
    public IReadOnlyDictionary<string, AwsOperation> Operations { get; } = operations.ToDictionary(o => o.Name);

    /// <summary>Inputs the operations received, newest last.</summary>
    public ConcurrentQueue<(string Operation, JsonObject Input, OperationContext Context)> Calls { get; } = new();
}

public static class FakeServices
{
    public static readonly DateTimeOffset Created = new(2024, 5, 6, 7, 8, 9, 123, TimeSpan.Zero);

    public static FakeService Sts()
    {
        FakeService? service = null;
        service = new FakeService("sts",
            new AwsOperation("GetCallerIdentity", (_, _, _) => null, (input, ctx, _) =>
            {
                service!.Calls.Enqueue(("GetCallerIdentity", input, ctx));
                return new JsonObject
                {
                    ["Arn"] = ctx.Caller.Arn,
                    ["UserId"] = ctx.Caller.UserId,
                    ["Account"] = ctx.Caller.AccountId,
                };
            }),
            new AwsOperation("GetAccessKeyInfo", (_, _, _) => new AuthorizationRequest("sts:GetAccessKeyInfo", "*"), (input, ctx, _) =>
                new JsonObject { ["Account"] = TestKeys.Account }),
            new AwsOperation("GetSessionToken", (_, _, _) => null, (_, _, _) => throw new InvalidOperationException("boom")),
            new AwsOperation("AssumeRoleWithWebIdentity", (_, _, _) => null, (input, ctx, _) =>
            {
                service!.Calls.Enqueue(("AssumeRoleWithWebIdentity", input, ctx));
                return new JsonObject
                {
                    ["Credentials"] = new JsonObject
                    {
                        ["AccessKeyId"] = "ASIAEXAMPLEWEBIDENT1",
                        ["SecretAccessKey"] = "secret",
                        ["SessionToken"] = "token",
                        ["Expiration"] = JsonValue.Create(Created.AddHours(1)),
                    },
                };
            }));
        return service;
    }

    public static FakeService Iam()
    {
        FakeService? service = null;
        service = new FakeService("iam",
            new AwsOperation("CreateUser", (input, ctx, _) => new AuthorizationRequest("iam:CreateUser",
                $"arn:aws:iam::{ctx.Caller.AccountId}:user/{input["UserName"]}"), (input, ctx, _) =>
            {
                service!.Calls.Enqueue(("CreateUser", input, ctx));
                var name = input["UserName"]!.GetValue<string>();
                return new JsonObject
                {
                    ["User"] = new JsonObject
                    {
                        ["Path"] = "/",
                        ["UserName"] = name,
                        ["UserId"] = "AIDAEXAMPLEUSER000001",
                        ["Arn"] = $"arn:aws:iam::{TestKeys.Account}:user/{name}",
                        ["CreateDate"] = JsonValue.Create(Created),
                        ["Tags"] = input["Tags"]?.DeepClone(),
                    },
                };
            }),
            new AwsOperation("ListUsers", (_, _, _) => new AuthorizationRequest("iam:ListUsers", "*"), (_, _, _) => new JsonObject
            {
                ["Users"] = new JsonArray(
                    new JsonObject { ["Path"] = "/", ["UserName"] = "a", ["UserId"] = "AIDAEXAMPLEUSER00000A", ["Arn"] = "arn:aws:iam::111122223333:user/a", ["CreateDate"] = JsonValue.Create(Created) },
                    new JsonObject { ["Path"] = "/x/", ["UserName"] = "b", ["UserId"] = "AIDAEXAMPLEUSER00000B", ["Arn"] = "arn:aws:iam::111122223333:user/x/b", ["CreateDate"] = "2013-06-08T03:20:41Z" }),
                ["IsTruncated"] = false,
            }),
            new AwsOperation("GetRole", (_, _, _) => new AuthorizationRequest("iam:GetRole", "*"), (input, _, _) => new JsonObject
            {
                ["Role"] = new JsonObject
                {
                    ["Path"] = "/",
                    ["RoleName"] = input["RoleName"]!.GetValue<string>(),
                    ["RoleId"] = "AROAEXAMPLEROLEID0001",
                    ["Arn"] = $"arn:aws:iam::{TestKeys.Account}:role/{input["RoleName"]}",
                    ["CreateDate"] = JsonValue.Create(Created),
                    ["AssumeRolePolicyDocument"] = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"eks.amazonaws.com"},"Action":"sts:AssumeRole"}]}""",
                    ["MaxSessionDuration"] = 3600,
                },
            }),
            new AwsOperation("TagUser", (_, _, _) => new AuthorizationRequest("iam:TagUser", "*"), (input, ctx, _) =>
            {
                service!.Calls.Enqueue(("TagUser", input, ctx));
                return new JsonObject();
            }));
        return service;
    }

    public static FakeService Eks()
    {
        FakeService? service = null;
        service = new FakeService("eks",
            new AwsOperation("DescribeCluster", (input, ctx, _) => new AuthorizationRequest("eks:DescribeCluster",
                $"arn:aws:eks:{ctx.Region}:{ctx.Caller.AccountId}:cluster/{input["name"]}"), (input, ctx, _) =>
            {
                var name = input["name"]!.GetValue<string>();
                if (name == "missing")
                    throw new AwsServiceException("ResourceNotFoundException", $"No cluster found for name: {name}.", 404,
                        fields: new Dictionary<string, string> { ["clusterName"] = name });
                return new JsonObject
                {
                    ["cluster"] = new JsonObject
                    {
                        ["name"] = name,
                        ["arn"] = $"arn:aws:eks:{ctx.Region}:{ctx.Caller.AccountId}:cluster/{name}",
                        ["createdAt"] = JsonValue.Create(Created),
                        ["version"] = "1.31",
                        ["endpoint"] = "https://127.0.0.1:6443",
                        ["status"] = "ACTIVE",
                        ["certificateAuthority"] = new JsonObject { ["data"] = "Q0E=" },
                        ["accessConfig"] = new JsonObject { ["authenticationMode"] = "API_AND_CONFIG_MAP" },
                        ["tags"] = new JsonObject { ["team"] = "blue" },
                    },
                };
            }),
            new AwsOperation("DescribeAccessEntry", (_, _, _) => new AuthorizationRequest("eks:DescribeAccessEntry", "*"), (input, ctx, _) =>
            {
                service!.Calls.Enqueue(("DescribeAccessEntry", input, ctx));
                return new JsonObject
                {
                    ["accessEntry"] = new JsonObject
                    {
                        ["clusterName"] = input["clusterName"]!.DeepClone(),
                        ["principalArn"] = input["principalArn"]!.DeepClone(),
                        ["kubernetesGroups"] = new JsonArray("viewers"),
                        ["createdAt"] = JsonValue.Create(Created),
                        ["modifiedAt"] = JsonValue.Create(Created),
                        ["username"] = "alice",
                        ["type"] = "STANDARD",
                    },
                };
            }),
            new AwsOperation("CreateAccessEntry", (_, _, _) => new AuthorizationRequest("eks:CreateAccessEntry", "*"), (input, ctx, _) =>
            {
                service!.Calls.Enqueue(("CreateAccessEntry", input, ctx));
                return new JsonObject
                {
                    ["accessEntry"] = new JsonObject
                    {
                        ["clusterName"] = input["clusterName"]!.DeepClone(),
                        ["principalArn"] = input["principalArn"]!.DeepClone(),
                        ["kubernetesGroups"] = input["kubernetesGroups"]?.DeepClone(),
                        ["createdAt"] = JsonValue.Create(Created),
                    },
                };
            }),
            new AwsOperation("ListClusters", (_, _, _) => new AuthorizationRequest("eks:ListClusters", "*"), (input, ctx, _) =>
            {
                service!.Calls.Enqueue(("ListClusters", input, ctx));
                return new JsonObject { ["clusters"] = new JsonArray("demo") };
            }));
        return service;
    }
}
