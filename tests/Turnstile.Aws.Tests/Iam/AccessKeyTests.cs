using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Turnstile.Aws.Iam;
using Turnstile.Core.Arns;

namespace Turnstile.Aws.Tests.Iam;

public sealed class AccessKeyTests
{
    private readonly TestAccount _account = new();

    [Fact]
    public void CreateAccessKey_returns_an_AKIA_key_with_a_40_character_secret()
    {
        _account.CreateUser("bob");
        var key = _account.IamCall("CreateAccessKey", new JsonObject { ["UserName"] = "bob" })["AccessKey"]!;

        Assert.Equal("bob", key["UserName"]!.GetValue<string>());
        Assert.Matches(new Regex("^AKIA[A-Z2-7]{16}$"), key["AccessKeyId"]!.GetValue<string>());
        Assert.Matches(new Regex("^[A-Za-z0-9+/]{40}$"), key["SecretAccessKey"]!.GetValue<string>());
        Assert.Equal("Active", key["Status"]!.GetValue<string>());
        Assert.True(IamIds.TryDecodeAccount(key["AccessKeyId"]!.GetValue<string>(), out var account));
        Assert.Equal(TestAccount.AccountId, account);
    }

    [Fact]
    public void A_user_may_have_two_access_keys()
    {
        _account.CreateUser("bob");
        var input = new JsonObject { ["UserName"] = "bob" };
        _account.IamCall("CreateAccessKey", input);
        _account.IamCall("CreateAccessKey", input);

        var error = _account.IamFails("CreateAccessKey", input);
        Assert.Equal("LimitExceeded", error.Code);
        Assert.Equal(409, error.StatusCode);
        Assert.Equal("Cannot exceed quota for AccessKeysPerUser: 2", error.Message);
        Assert.Equal(2, _account.IamCall("ListAccessKeys", input)["AccessKeyMetadata"]!.AsArray().Count);
    }

    [Fact]
    public void Without_a_user_name_key_operations_act_on_the_caller()
    {
        var bob = _account.UserWithKey("bob", TestAccount.Allow("\"iam:*AccessKey*\""));
        var second = _account.IamCall("CreateAccessKey", caller: bob)["AccessKey"]!;
        Assert.Equal("bob", second["UserName"]!.GetValue<string>());

        var listed = _account.IamCall("ListAccessKeys", caller: bob)["AccessKeyMetadata"]!.AsArray();
        Assert.Equal(2, listed.Count);
        Assert.All(listed, k => Assert.Equal("bob", k!["UserName"]!.GetValue<string>()));

        var secondId = second["AccessKeyId"]!.GetValue<string>();
        _account.IamCall("UpdateAccessKey", new JsonObject { ["AccessKeyId"] = secondId, ["Status"] = "Inactive" }, bob);
        _account.IamCall("DeleteAccessKey", new JsonObject { ["AccessKeyId"] = secondId }, bob);
        Assert.Single(_account.IamCall("ListAccessKeys", caller: bob)["AccessKeyMetadata"]!.AsArray());
    }

    [Fact]
    public void Another_users_key_is_not_found()
    {
        var bob = _account.UserWithKey("bob", TestAccount.Allow("\"iam:*\""));
        var error = _account.IamFails("DeleteAccessKey", new JsonObject { ["AccessKeyId"] = _account.Options.AdminAccessKeyId }, bob);
        Assert.Equal("NoSuchEntity", error.Code);
        Assert.Equal($"The Access Key with id {_account.Options.AdminAccessKeyId} cannot be found.", error.Message);
    }

    [Fact]
    public void Keys_resolve_to_their_user_and_inactive_keys_resolve_as_inactive()
    {
        var bob = _account.UserWithKey("bob");
        Assert.True(_account.TryResolve(bob.AccessKeyId, out var resolved));
        Assert.True(resolved.Active);
        Assert.Null(resolved.SessionToken);
        Assert.Null(resolved.Expiration);
        Assert.Equal(TestAccount.Arn("user/bob"), resolved.Caller.Arn);
        Assert.Equal(PrincipalType.User, resolved.Caller.Type);
        Assert.StartsWith("AIDA", resolved.Caller.UserId);
        Assert.Equal("bob", resolved.Caller.PrincipalName);

        _account.IamCall("UpdateAccessKey", new JsonObject { ["UserName"] = "bob", ["AccessKeyId"] = bob.AccessKeyId, ["Status"] = "Inactive" });
        Assert.True(_account.TryResolve(bob.AccessKeyId, out var inactive));
        Assert.False(inactive.Active);

        _account.IamCall("DeleteAccessKey", new JsonObject { ["UserName"] = "bob", ["AccessKeyId"] = bob.AccessKeyId });
        Assert.False(_account.TryResolve(bob.AccessKeyId, out _));
        Assert.False(_account.TryResolve("AKIAUNKNOWNUNKNOWN00", out _));
    }

    [Fact]
    public void A_key_resolves_to_its_users_new_name_and_path_as_soon_as_the_user_is_renamed()
    {
        var bob = _account.UserWithKey("bob");
        Assert.True(_account.TryResolve(bob.AccessKeyId, out var before));
        Assert.True(_account.TryResolve(bob.AccessKeyId, out var again));
        Assert.Same(before, again);

        _account.IamCall("UpdateUser", new JsonObject { ["UserName"] = "bob", ["NewUserName"] = "robert", ["NewPath"] = "/ops/" });

        Assert.True(_account.TryResolve(bob.AccessKeyId, out var after));
        Assert.Equal(TestAccount.Arn("user/ops/robert"), after.Caller.Arn);
        Assert.Equal("robert", after.Caller.PrincipalName);
        Assert.Equal(before.Caller.UserId, after.Caller.UserId);
    }

    [Fact]
    public void UpdateAccessKey_rejects_other_statuses()
    {
        var error = _account.IamFails("UpdateAccessKey", new JsonObject
        {
            ["UserName"] = "admin", ["AccessKeyId"] = _account.Options.AdminAccessKeyId, ["Status"] = "Expired",
        });
        Assert.Equal("ValidationError", error.Code);
    }

    [Fact]
    public void GetAccessKeyLastUsed_reports_use_after_an_authorized_call()
    {
        var bob = _account.UserWithKey("bob", TestAccount.Allow("\"iam:ListUsers\""));
        var before = _account.IamCall("GetAccessKeyLastUsed", new JsonObject { ["AccessKeyId"] = bob.AccessKeyId });
        Assert.Equal("bob", before["UserName"]!.GetValue<string>());
        Assert.Equal("N/A", before["AccessKeyLastUsed"]!["ServiceName"]!.GetValue<string>());
        Assert.Null(before["AccessKeyLastUsed"]!["LastUsedDate"]);

        _account.IamCall("ListUsers", caller: bob);
        var after = _account.IamCall("GetAccessKeyLastUsed", new JsonObject { ["AccessKeyId"] = bob.AccessKeyId })["AccessKeyLastUsed"]!;
        Assert.Equal("iam", after["ServiceName"]!.GetValue<string>());
        Assert.Equal(TestAccount.Region, after["Region"]!.GetValue<string>());
        Assert.Equal("2026-03-01T12:00:00Z", after["LastUsedDate"]!.GetValue<string>());
    }

    [Fact]
    public void The_root_can_create_its_own_access_keys()
    {
        var key = _account.IamCall("CreateAccessKey", caller: _account.Root)["AccessKey"]!;
        Assert.Null(key["UserName"]);
        var root = _account.CallerFor(key["AccessKeyId"]!.GetValue<string>());
        Assert.Equal(PrincipalType.Root, root.Type);
        Assert.Equal($"arn:aws:iam::{TestAccount.AccountId}:root", root.Arn);
        Assert.Equal(TestAccount.AccountId, root.UserId);
        Assert.Single(_account.IamCall("ListAccessKeys", caller: root)["AccessKeyMetadata"]!.AsArray());
    }

    [Fact]
    public void Key_ids_encode_the_account_like_AWS()
    {
        Assert.True(IamIds.TryDecodeAccount("AKIARZPUZDIKGB2VALC4", out var account));
        Assert.Equal("123456789012", account);
        Assert.True(IamIds.TryDecodeAccount("ASIAQAAAAAAAGMKEM7X5", out account));
        Assert.Equal("000000000000", account);
        for (var i = 0; i < 50; i++)
        {
            Assert.True(IamIds.TryDecodeAccount(IamIds.NewTemporaryAccessKeyId("999999999999"), out account));
            Assert.Equal("999999999999", account);
        }
    }
}
