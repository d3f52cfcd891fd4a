using System.Text.Json.Nodes;

namespace Turnstile.Aws.Tests.Iam;

public sealed class TagTests
{
    private readonly TestAccount _account = new();

    public TagTests()
    {
        _account.CreateUser("bob");
        _account.CreateRole("app", TestAccount.TrustPolicy(TestAccount.Arn("root")));
        _account.IamCall("CreateInstanceProfile", new JsonObject { ["InstanceProfileName"] = "web" });
    }

    public static TheoryData<string, string> Kinds => new()
    {
        { "User", "UserName" },
        { "Role", "RoleName" },
        { "InstanceProfile", "InstanceProfileName" },
        { "Policy", "PolicyArn" },
    };

    private string Target(string kind) => kind switch
    {
        "User" => "bob",
        "Role" => "app",
        "InstanceProfile" => "web",
        _ => _account.IamCall("ListPolicies", new JsonObject { ["Scope"] = "Local" })["Policies"]!.AsArray().FirstOrDefault()?["Arn"]!.GetValue<string>()
             ?? _account.CreatePolicy("p", TestAccount.AllowAll),
    };

    private static JsonArray Tags(params (string Key, string Value)[] tags) =>
        new(tags.Select(t => (JsonNode)new JsonObject { ["Key"] = t.Key, ["Value"] = t.Value }).ToArray());

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Tags_are_added_replaced_case_insensitively_listed_and_removed(string kind, string member)
    {
        var target = Target(kind);
        _account.IamCall($"Tag{kind}", new JsonObject { [member] = target, ["Tags"] = Tags(("env", "dev"), ("team", "core")) });
        _account.IamCall($"Tag{kind}", new JsonObject { [member] = target, ["Tags"] = Tags(("ENV", "prod")) });

        var listed = _account.IamCall($"List{kind}Tags", new JsonObject { [member] = target });
        Assert.Equal(["team", "ENV"], TestAccount.Strings(listed["Tags"], "Key"));
        Assert.Equal(["core", "prod"], TestAccount.Strings(listed["Tags"], "Value"));
        Assert.False(listed["IsTruncated"]!.GetValue<bool>());

        var paged = _account.IamCall($"List{kind}Tags", new JsonObject { [member] = target, ["MaxItems"] = 1 });
        Assert.True(paged["IsTruncated"]!.GetValue<bool>());
        var rest = _account.IamCall($"List{kind}Tags", new JsonObject { [member] = target, ["MaxItems"] = 1, ["Marker"] = paged["Marker"]!.GetValue<string>() });
        Assert.Equal(["ENV"], TestAccount.Strings(rest["Tags"], "Key"));

        _account.IamCall($"Untag{kind}", new JsonObject { [member] = target, ["TagKeys"] = new JsonArray("env", "missing") });
        Assert.Equal(["team"], TestAccount.Strings(_account.IamCall($"List{kind}Tags", new JsonObject { [member] = target })["Tags"], "Key"));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Duplicate_keys_and_more_than_fifty_tags_are_refused(string kind, string member)
    {
        var target = Target(kind);
        var duplicate = _account.IamFails($"Tag{kind}", new JsonObject { [member] = target, ["Tags"] = Tags(("a", "1"), ("A", "2")) });
        Assert.Equal("InvalidInput", duplicate.Code);
        Assert.Equal("Duplicate tag keys found. Please note that Tag keys are case insensitive.", duplicate.Message);

        _account.IamCall($"Tag{kind}", new JsonObject { [member] = target, ["Tags"] = Tags(Enumerable.Range(0, 50).Select(i => ($"k{i}", "v")).ToArray()) });
        var tooMany = _account.IamFails($"Tag{kind}", new JsonObject { [member] = target, ["Tags"] = Tags(("one-more", "v")) });
        Assert.Equal("LimitExceeded", tooMany.Code);
    }

    [Fact]
    public void Tags_given_at_creation_are_returned_by_get()
    {
        _account.IamCall("CreateUser", new JsonObject { ["UserName"] = "amy", ["Tags"] = Tags(("env", "dev")) });
        Assert.Equal(["env"], TestAccount.Strings(_account.IamCall("GetUser", new JsonObject { ["UserName"] = "amy" })["User"]!["Tags"], "Key"));
        Assert.Equal(["env"], TestAccount.Strings(_account.IamCall("ListUserTags", new JsonObject { ["UserName"] = "amy" })["Tags"], "Key"));
    }

    [Fact]
    public void AWS_managed_policies_cannot_be_tagged()
    {
        var error = _account.IamFails("TagPolicy", new JsonObject { ["PolicyArn"] = "arn:aws:iam::aws:policy/ReadOnlyAccess", ["Tags"] = Tags(("a", "b")) });
        Assert.Equal("AccessDenied", error.Code);
        Assert.Empty(_account.IamCall("ListPolicyTags", new JsonObject { ["PolicyArn"] = "arn:aws:iam::aws:policy/ReadOnlyAccess" })["Tags"]!.AsArray());
    }
}
