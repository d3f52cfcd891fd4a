using System.Text.Json.Nodes;

namespace Turnstile.Aws.Tests.Iam;

public sealed class AttachmentTests
{
    private const string ReadS3 = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}""";

    private readonly TestAccount _account = new();

    public AttachmentTests()
    {
        _account.CreateUser("bob");
        _account.CreateRole("app", TestAccount.TrustPolicy(TestAccount.Arn("root")));
        _account.IamCall("CreateGroup", new JsonObject { ["GroupName"] = "devs" });
    }

    public static TheoryData<string, string, string> Entities => new()
    {
        { "User", "UserName", "bob" },
        { "Role", "RoleName", "app" },
        { "Group", "GroupName", "devs" },
    };

    [Theory]
    [MemberData(nameof(Entities))]
    public void Managed_policies_are_attached_listed_and_detached(string kind, string member, string name)
    {
        var local = _account.CreatePolicy("local", ReadS3, "/app/");
        JsonObject Input(string arn) => new() { [member] = name, ["PolicyArn"] = arn };

        _account.IamCall($"Attach{kind}Policy", Input("arn:aws:iam::aws:policy/ReadOnlyAccess"));
        _account.IamCall($"Attach{kind}Policy", Input(local));
        _account.IamCall($"Attach{kind}Policy", Input(local));

        var listed = _account.IamCall($"ListAttached{kind}Policies", new JsonObject { [member] = name })["AttachedPolicies"]!.AsArray();
        Assert.Equal(["local", "ReadOnlyAccess"], listed.Select(p => p!["PolicyName"]!.GetValue<string>()));
        Assert.Equal(local, listed[0]!["PolicyArn"]!.GetValue<string>());
        var byPath = _account.IamCall($"ListAttached{kind}Policies", new JsonObject { [member] = name, ["PathPrefix"] = "/app/" })["AttachedPolicies"]!.AsArray();
        Assert.Single(byPath);

        _account.IamCall($"Detach{kind}Policy", Input(local));
        var notAttached = _account.IamFails($"Detach{kind}Policy", Input(local));
        Assert.Equal("NoSuchEntity", notAttached.Code);
        Assert.Equal($"Policy {local} was not found.", notAttached.Message);
    }

    [Theory]
    [MemberData(nameof(Entities))]
    public void Attaching_an_unknown_policy_or_to_an_unknown_entity_is_NoSuchEntity(string kind, string member, string name)
    {
        var unknownPolicy = _account.IamFails($"Attach{kind}Policy", new JsonObject { [member] = name, ["PolicyArn"] = "arn:aws:iam::aws:policy/NoSuchPolicy" });
        Assert.Equal("NoSuchEntity", unknownPolicy.Code);
        Assert.Equal("Policy arn:aws:iam::aws:policy/NoSuchPolicy does not exist or is not attachable.", unknownPolicy.Message);

        var unknownEntity = _account.IamFails($"Attach{kind}Policy", new JsonObject { [member] = "ghost", ["PolicyArn"] = "arn:aws:iam::aws:policy/ReadOnlyAccess" });
        Assert.Equal($"The {kind.ToLowerInvariant()} with name ghost cannot be found.", unknownEntity.Message);
    }

    [Theory]
    [MemberData(nameof(Entities))]
    public void At_most_ten_managed_policies_attach_to_an_entity(string kind, string member, string name)
    {
        for (var i = 0; i < 10; i++)
            _account.IamCall($"Attach{kind}Policy", new JsonObject { [member] = name, ["PolicyArn"] = _account.CreatePolicy($"p{i}", ReadS3) });
        var error = _account.IamFails($"Attach{kind}Policy", new JsonObject { [member] = name, ["PolicyArn"] = _account.CreatePolicy("p10", ReadS3) });
        Assert.Equal("LimitExceeded", error.Code);
        Assert.Equal($"Cannot exceed quota for PoliciesPer{kind}: 10", error.Message);
    }

    [Theory]
    [MemberData(nameof(Entities))]
    public void Inline_policies_are_put_read_listed_and_deleted(string kind, string member, string name)
    {
        _account.IamCall($"Put{kind}Policy", new JsonObject { [member] = name, ["PolicyName"] = "read", ["PolicyDocument"] = ReadS3 });
        _account.IamCall($"Put{kind}Policy", new JsonObject { [member] = name, ["PolicyName"] = "other", ["PolicyDocument"] = ReadS3 });

        var got = _account.IamCall($"Get{kind}Policy", new JsonObject { [member] = name, ["PolicyName"] = "read" });
        Assert.Equal(name, got[member]!.GetValue<string>());
        Assert.Equal("read", got["PolicyName"]!.GetValue<string>());
        Assert.Equal(ReadS3, got["PolicyDocument"]!.GetValue<string>());
        Assert.Equal(["other", "read"], _account.IamCall($"List{kind}Policies", new JsonObject { [member] = name })["PolicyNames"]!.AsArray().Select(n => n!.GetValue<string>()));

        _account.IamCall($"Delete{kind}Policy", new JsonObject { [member] = name, ["PolicyName"] = "read" });
        var missing = _account.IamFails($"Get{kind}Policy", new JsonObject { [member] = name, ["PolicyName"] = "read" });
        Assert.Equal("NoSuchEntity", missing.Code);
        Assert.Equal($"The {kind.ToLowerInvariant()} policy with name read cannot be found.", missing.Message);
        Assert.Equal("NoSuchEntity", _account.IamFails($"Delete{kind}Policy", new JsonObject { [member] = name, ["PolicyName"] = "read" }).Code);

        var malformed = _account.IamFails($"Put{kind}Policy", new JsonObject { [member] = name, ["PolicyName"] = "bad", ["PolicyDocument"] = "{\"Statement\":[]}" });
        Assert.Equal("MalformedPolicyDocument", malformed.Code);
    }

    [Theory]
    [InlineData("User", "UserName", "bob", "user", 2048)]
    [InlineData("Role", "RoleName", "app", "role", 10240)]
    [InlineData("Group", "GroupName", "devs", "group", 5120)]
    public void Inline_policies_share_an_aggregate_size_quota(string kind, string member, string name, string label, int limit)
    {
        var document = TestAccount.Allow("[" + string.Join(",", Enumerable.Range(0, 40).Select(i => $"\"s3:GetObject{i}\"")) + "]");
        var size = document.Count(c => !char.IsWhiteSpace(c));
        var fits = limit / size;
        for (var i = 0; i < fits; i++)
            _account.IamCall($"Put{kind}Policy", new JsonObject { [member] = name, ["PolicyName"] = $"p{i}", ["PolicyDocument"] = document });
        // Replacing a policy does not count it twice.
        _account.IamCall($"Put{kind}Policy", new JsonObject { [member] = name, ["PolicyName"] = "p0", ["PolicyDocument"] = document });

        var error = _account.IamFails($"Put{kind}Policy", new JsonObject { [member] = name, ["PolicyName"] = "one-too-many", ["PolicyDocument"] = document });
        Assert.Equal("LimitExceeded", error.Code);
        Assert.Equal($"Maximum policy size of {limit} bytes exceeded for {label} {name}", error.Message);
    }
}
