using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Turnstile.Aws.Tests.Iam;

public sealed class UserTests
{
    private readonly TestAccount _account = new();

    [Fact]
    public void CreateUser_returns_the_user_with_an_AIDA_id_and_path_in_the_arn()
    {
        var result = _account.IamCall("CreateUser", new JsonObject
        {
            ["UserName"] = "alice",
            ["Path"] = "/engineering/",
            ["Tags"] = new JsonArray(new JsonObject { ["Key"] = "team", ["Value"] = "core" }),
        });

        var user = result["User"]!;
        Assert.Equal("alice", user["UserName"]!.GetValue<string>());
        Assert.Equal("/engineering/", user["Path"]!.GetValue<string>());
        Assert.Equal(TestAccount.Arn("user/engineering/alice"), user["Arn"]!.GetValue<string>());
        Assert.Matches(new Regex("^AIDA[A-Z2-7]{17}$"), user["UserId"]!.GetValue<string>());
        Assert.Equal("2026-03-01T12:00:00Z", user["CreateDate"]!.GetValue<string>());
        Assert.Equal("team", user["Tags"]![0]!["Key"]!.GetValue<string>());
    }

    [Fact]
    public void User_names_are_unique_case_insensitively_and_looked_up_case_insensitively()
    {
        _account.CreateUser("alice");

        var error = _account.IamFails("CreateUser", new JsonObject { ["UserName"] = "ALICE" });
        Assert.Equal("EntityAlreadyExists", error.Code);
        Assert.Equal(409, error.StatusCode);
        Assert.Equal("User with name ALICE already exists.", error.Message);

        var found = _account.IamCall("GetUser", new JsonObject { ["UserName"] = "Alice" })["User"]!;
        Assert.Equal("alice", found["UserName"]!.GetValue<string>());
    }

    [Fact]
    public void GetUser_of_an_unknown_user_is_NoSuchEntity()
    {
        var error = _account.IamFails("GetUser", new JsonObject { ["UserName"] = "nobody" });
        Assert.Equal("NoSuchEntity", error.Code);
        Assert.Equal(404, error.StatusCode);
        Assert.Equal("The user with name nobody cannot be found.", error.Message);
    }

    [Fact]
    public void GetUser_without_a_name_describes_the_caller()
    {
        var bob = _account.UserWithKey("bob", TestAccount.Allow("\"iam:GetUser\""));
        var self = _account.IamCall("GetUser", caller: bob)["User"]!;
        Assert.Equal("bob", self["UserName"]!.GetValue<string>());

        var root = _account.IamCall("GetUser", caller: _account.Root)["User"]!;
        Assert.Equal(TestAccount.AccountId, root["UserId"]!.GetValue<string>());
        Assert.Equal($"arn:aws:iam::{TestAccount.AccountId}:root", root["Arn"]!.GetValue<string>());
        Assert.Null(root["UserName"]);
    }

    [Fact]
    public void GetUser_without_a_name_from_a_role_session_needs_a_name()
    {
        var role = _account.CreateRole("reader", TestAccount.TrustPolicy(TestAccount.Arn("user/admin")));
        _account.IamCall("PutRolePolicy", new JsonObject { ["RoleName"] = "reader", ["PolicyName"] = "p", ["PolicyDocument"] = TestAccount.AllowAll });
        var session = _account.Assume(_account.Admin, role["Arn"]!.GetValue<string>());

        var error = _account.IamFails("GetUser", caller: session);
        Assert.Equal("ValidationError", error.Code);
        Assert.Equal("Must specify userName when calling with non-User credentials", error.Message);
    }

    [Fact]
    public void ListUsers_filters_by_path_prefix_and_pages_with_markers()
    {
        foreach (var name in new[] { "carol", "Bob", "dave", "erin" }) _account.CreateUser(name, "/team/");
        _account.CreateUser("frank", "/other/");

        var first = _account.IamCall("ListUsers", new JsonObject { ["PathPrefix"] = "/team/", ["MaxItems"] = 3 });
        Assert.Equal(["Bob", "carol", "dave"], TestAccount.Strings(first["Users"], "UserName"));
        Assert.True(first["IsTruncated"]!.GetValue<bool>());
        var marker = first["Marker"]!.GetValue<string>();

        var second = _account.IamCall("ListUsers", new JsonObject { ["PathPrefix"] = "/team/", ["MaxItems"] = 3, ["Marker"] = marker });
        Assert.Equal(["erin"], TestAccount.Strings(second["Users"], "UserName"));
        Assert.False(second["IsTruncated"]!.GetValue<bool>());
        Assert.Null(second["Marker"]);

        var all = _account.IamCall("ListUsers");
        Assert.Equal(["admin", "Bob", "carol", "dave", "erin", "frank"], TestAccount.Strings(all["Users"], "UserName"));
        Assert.Null(all["Users"]![0]!["Tags"]);
    }

    [Fact]
    public void UpdateUser_renames_and_moves_and_keeps_keys_working()
    {
        var bob = _account.UserWithKey("bob");
        _account.IamCall("UpdateUser", new JsonObject { ["UserName"] = "bob", ["NewUserName"] = "robert", ["NewPath"] = "/ops/" });

        Assert.Equal("NoSuchEntity", _account.IamFails("GetUser", new JsonObject { ["UserName"] = "bob" }).Code);
        var user = _account.IamCall("GetUser", new JsonObject { ["UserName"] = "robert" })["User"]!;
        Assert.Equal(TestAccount.Arn("user/ops/robert"), user["Arn"]!.GetValue<string>());
        Assert.Equal(bob.UserId, user["UserId"]!.GetValue<string>());
        Assert.Equal(TestAccount.Arn("user/ops/robert"), _account.CallerFor(bob.AccessKeyId).Arn);

        _account.CreateUser("carol");
        var clash = _account.IamFails("UpdateUser", new JsonObject { ["UserName"] = "robert", ["NewUserName"] = "Carol" });
        Assert.Equal("User with name Carol already exists.", clash.Message);
    }

    [Fact]
    public void DeleteUser_reports_each_dependency_until_none_is_left()
    {
        _account.CreateUser("bob");
        _account.PutUserPolicy("bob", "inline", TestAccount.AllowAll);
        _account.IamCall("AttachUserPolicy", new JsonObject { ["UserName"] = "bob", ["PolicyArn"] = "arn:aws:iam::aws:policy/ReadOnlyAccess" });
        var key = _account.IamCall("CreateAccessKey", new JsonObject { ["UserName"] = "bob" })["AccessKey"]!["AccessKeyId"]!.GetValue<string>();
        _account.IamCall("CreateLoginProfile", new JsonObject { ["UserName"] = "bob", ["Password"] = "Secret-123" });
        _account.IamCall("CreateGroup", new JsonObject { ["GroupName"] = "devs" });
        _account.IamCall("AddUserToGroup", new JsonObject { ["GroupName"] = "devs", ["UserName"] = "bob" });

        void Blocked(string message)
        {
            var error = _account.IamFails("DeleteUser", new JsonObject { ["UserName"] = "bob" });
            Assert.Equal("DeleteConflict", error.Code);
            Assert.Equal(409, error.StatusCode);
            Assert.Equal(message, error.Message);
        }

        Blocked("Cannot delete entity, must delete policies first.");
        _account.IamCall("DeleteUserPolicy", new JsonObject { ["UserName"] = "bob", ["PolicyName"] = "inline" });
        Blocked("Cannot delete entity, must detach all policies first.");
        _account.IamCall("DetachUserPolicy", new JsonObject { ["UserName"] = "bob", ["PolicyArn"] = "arn:aws:iam::aws:policy/ReadOnlyAccess" });
        Blocked("Cannot delete entity, must delete access keys first.");
        _account.IamCall("DeleteAccessKey", new JsonObject { ["UserName"] = "bob", ["AccessKeyId"] = key });
        Blocked("Cannot delete entity, must delete login profile first.");
        _account.IamCall("DeleteLoginProfile", new JsonObject { ["UserName"] = "bob" });
        Blocked("Cannot delete entity, must remove users from group first.");
        _account.IamCall("RemoveUserFromGroup", new JsonObject { ["GroupName"] = "devs", ["UserName"] = "bob" });

        _account.IamCall("DeleteUser", new JsonObject { ["UserName"] = "bob" });
        Assert.Equal("NoSuchEntity", _account.IamFails("GetUser", new JsonObject { ["UserName"] = "bob" }).Code);
    }

    [Fact]
    public void A_failed_call_writes_nothing()
    {
        _account.CreateUser("bob");
        var before = _account.Store.GetRevisionAsync().AsTask().Result;
        _account.IamFails("CreateUser", new JsonObject { ["UserName"] = "BOB" });
        _account.IamFails("DeleteUser", new JsonObject { ["UserName"] = "admin" });
        Assert.Equal(before, _account.Store.GetRevisionAsync().AsTask().Result);
    }

    [Fact]
    public void Login_profiles_are_created_read_updated_and_deleted()
    {
        _account.CreateUser("bob");
        var missing = _account.IamFails("GetLoginProfile", new JsonObject { ["UserName"] = "bob" });
        Assert.Equal("Login Profile for User bob cannot be found.", missing.Message);

        var created = _account.IamCall("CreateLoginProfile", new JsonObject { ["UserName"] = "bob", ["Password"] = "pw", ["PasswordResetRequired"] = true });
        Assert.True(created["LoginProfile"]!["PasswordResetRequired"]!.GetValue<bool>());
        Assert.Equal("EntityAlreadyExists", _account.IamFails("CreateLoginProfile", new JsonObject { ["UserName"] = "bob", ["Password"] = "pw" }).Code);

        _account.IamCall("UpdateLoginProfile", new JsonObject { ["UserName"] = "bob", ["PasswordResetRequired"] = false });
        Assert.False(_account.IamCall("GetLoginProfile", new JsonObject { ["UserName"] = "bob" })["LoginProfile"]!["PasswordResetRequired"]!.GetValue<bool>());
        _account.IamCall("DeleteLoginProfile", new JsonObject { ["UserName"] = "bob" });
        Assert.Equal("NoSuchEntity", _account.IamFails("DeleteLoginProfile", new JsonObject { ["UserName"] = "bob" }).Code);
    }

    [Fact]
    public void A_missing_required_member_is_a_validation_error()
    {
        var error = _account.IamFails("CreateUser", []);
        Assert.Equal("ValidationError", error.Code);
        Assert.Equal("1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null", error.Message);
    }
}
