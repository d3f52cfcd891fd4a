using System.Text.Json.Nodes;
using Turnstile.Server.Model;
using Turnstile.Server.Protocols;

namespace Turnstile.Server.Tests.Protocols;

public class InputValidatorTests
{
    private static readonly ServiceModel Iam = ServiceModel.Load("iam");
    private static readonly ServiceModel Sts = ServiceModel.Load("sts");
    private static readonly ServiceModel Eks = ServiceModel.Load("eks");

    private static string? Validate(ServiceModel model, string operation, JsonObject input) =>
        InputValidator.Validate(model.Operations[operation].Input, input);

    [Fact]
    public void Valid_input_passes() =>
        Assert.Null(Validate(Iam, "CreateUser", new JsonObject { ["UserName"] = "alice", ["Path"] = "/team/" }));

    [Fact]
    public void Pattern_violation_is_phrased_like_aws() =>
        Assert.Equal(
            @"1 validation error detected: Value 'bad name' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+",
            Validate(Iam, "CreateUser", new JsonObject { ["UserName"] = "bad name" }));

    [Fact]
    public void Missing_required_member_is_null()
    {
        Assert.Equal(
            "1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null",
            Validate(Iam, "CreateUser", new JsonObject()));
    }

    [Fact]
    public void Several_violations_are_joined()
    {
        var message = Validate(Iam, "CreateUser", new JsonObject { ["UserName"] = new string('a', 65), ["Path"] = "nopath" });
        Assert.Equal(
            "2 validation errors detected: Value 'nopath' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F); " +
            $"Value '{new string('a', 65)}' at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64",
            message);
    }

    [Fact]
    public void Empty_string_breaks_length_and_pattern()
    {
        var message = Validate(Iam, "CreateUser", new JsonObject { ["UserName"] = "" });
        Assert.StartsWith("2 validation errors detected: Value '' at 'userName' failed to satisfy constraint: Member must have length greater than or equal to 1; ", message);
    }

    [Fact]
    public void Nested_list_members_use_index_member_paths()
    {
        var input = new JsonObject
        {
            ["UserName"] = "alice",
            ["Tags"] = new JsonArray(
                new JsonObject { ["Key"] = "ok", ["Value"] = "v" },
                new JsonObject { ["Key"] = "bad#key", ["Value"] = "v" }),
        };
        Assert.Equal(
            @"1 validation error detected: Value 'bad#key' at 'tags.2.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+",
            Validate(Iam, "CreateUser", input));
    }

    [Fact]
    public void Missing_member_inside_a_list_element()
    {
        var input = new JsonObject { ["UserName"] = "alice", ["Tags"] = new JsonArray(new JsonObject { ["Key"] = "k" }) };
        Assert.Equal(
            "1 validation error detected: Value null at 'tags.1.member.value' failed to satisfy constraint: Member must not be null",
            Validate(Iam, "TagUser", input));
    }

    [Fact]
    public void Integer_range_is_checked()
    {
        Assert.Equal(
            "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1",
            Validate(Iam, "ListUsers", new JsonObject { ["MaxItems"] = 0 }));
        Assert.Equal(
            "1 validation error detected: Value '100' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
            Validate(Sts, "GetSessionToken", new JsonObject { ["DurationSeconds"] = 100 }));
    }

    [Fact]
    public void Enum_is_checked()
    {
        var message = Validate(Iam, "UpdateAccessKey", new JsonObject { ["AccessKeyId"] = "AKIAIOSFODNN7EXAMPLE", ["Status"] = "Sleeping" });
        Assert.Equal(
            "1 validation error detected: Value 'Sleeping' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive, Expired]",
            message);
    }

    [Fact]
    public void Sensitive_values_are_not_echoed()
    {
        var message = Validate(Iam, "CreateLoginProfile", new JsonObject { ["UserName"] = "alice", ["Password"] = "" });
        Assert.Contains("Value at 'password' failed to satisfy constraint: Member must have length greater than or equal to 1", message);
    }

    [Fact]
    public void List_of_scalars_reports_one_violation()
    {
        var message = Validate(Iam, "UntagUser", new JsonObject { ["UserName"] = "alice", ["TagKeys"] = new JsonArray("ok", "bad#") });
        Assert.Equal(
            @"1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+, Member must not be null]",
            message);
    }

    [Fact]
    public void Rest_json_members_keep_their_names()
    {
        var message = Validate(Eks, "ListClusters", new JsonObject { ["maxResults"] = 101 });
        Assert.Equal(
            "1 validation error detected: Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100",
            message);
    }
}
