using System.Text.Json.Nodes;
using Turnstile.Core.Arns;

namespace Turnstile.Aws.Tests.Iam;

public sealed class PersistenceTests
{
    [Fact]
    public void A_second_emulator_over_the_same_store_sees_the_same_account()
    {
        var first = new TestAccount();
        var bob = first.UserWithKey("bob", TestAccount.Allow("\"eks:*\""));
        first.IamCall("TagUser", new JsonObject { ["UserName"] = "bob", ["Tags"] = new JsonArray(new JsonObject { ["Key"] = "k", ["Value"] = "v" }) });
        var roleArn = first.CreateRole("deployer", TestAccount.TrustPolicy(TestAccount.Arn("user/bob")), "/ci/")["Arn"]!.GetValue<string>();
        var policyArn = first.CreatePolicy("p", TestAccount.AllowAll);
        first.IamCall("CreatePolicyVersion", new JsonObject { ["PolicyArn"] = policyArn, ["PolicyDocument"] = TestAccount.Allow("\"s3:*\"") });
        first.IamCall("AttachRolePolicy", new JsonObject { ["RoleName"] = "deployer", ["PolicyArn"] = policyArn });
        first.IamCall("CreateGroup", new JsonObject { ["GroupName"] = "devs" });
        first.IamCall("AddUserToGroup", new JsonObject { ["GroupName"] = "devs", ["UserName"] = "bob" });
        first.IamCall("CreateInstanceProfile", new JsonObject { ["InstanceProfileName"] = "web" });
        first.IamCall("AddRoleToInstanceProfile", new JsonObject { ["InstanceProfileName"] = "web", ["RoleName"] = "deployer" });
        var session = first.Assume(bob, roleArn, "persisted");

        var second = first.Reopen();

        Assert.Equal(bob.Arn, second.CallerFor(bob.AccessKeyId).Arn);
        Assert.True(second.TryResolve(session.AccessKeyId, out var restored));
        Assert.Equal(session.Arn, restored.Caller.Arn);
        Assert.Equal(session.UserId, restored.Caller.UserId);
        Assert.Equal(PrincipalType.AssumedRole, restored.Caller.Type);
        Assert.NotNull(restored.SessionToken);

        Assert.Equal(["k"], TestAccount.Strings(second.IamCall("ListUserTags", new JsonObject { ["UserName"] = "bob" })["Tags"], "Key"));
        Assert.Equal(["devs"], TestAccount.Strings(second.IamCall("ListGroupsForUser", new JsonObject { ["UserName"] = "bob" })["Groups"], "GroupName"));
        Assert.Equal(["web"], TestAccount.Strings(second.IamCall("ListInstanceProfilesForRole", new JsonObject { ["RoleName"] = "deployer" })["InstanceProfiles"], "InstanceProfileName"));
        Assert.Equal(2, second.IamCall("ListPolicyVersions", new JsonObject { ["PolicyArn"] = policyArn })["Versions"]!.AsArray().Count);
        Assert.True(second.Authorize(new AuthorizationRequest("eks:ListClusters", "*"), second.Context(bob)).Allowed);
        Assert.True(second.Authorize(new AuthorizationRequest("s3:ListBucket", "*"), second.Context(restored.Caller)).Allowed);
        Assert.Equal(TestAccount.Arn("role/ci/deployer"), second.FindPrincipal(roleArn)!.Arn);
    }

    [Fact]
    public void Bootstrap_happens_once_so_a_deleted_admin_stays_deleted()
    {
        var first = new TestAccount();
        first.IamCall("CreateUser", new JsonObject { ["UserName"] = "other" });
        first.IamCall("AttachUserPolicy", new JsonObject { ["UserName"] = "other", ["PolicyArn"] = "arn:aws:iam::aws:policy/AdministratorAccess" });
        var otherKey = first.IamCall("CreateAccessKey", new JsonObject { ["UserName"] = "other" })["AccessKey"]!["AccessKeyId"]!.GetValue<string>();
        var other = first.CallerFor(otherKey);
        first.IamCall("DeleteAccessKey", new JsonObject { ["UserName"] = "admin", ["AccessKeyId"] = first.Options.AdminAccessKeyId }, other);
        first.IamCall("DetachUserPolicy", new JsonObject { ["UserName"] = "admin", ["PolicyArn"] = "arn:aws:iam::aws:policy/AdministratorAccess" }, other);
        first.IamCall("DeleteUser", new JsonObject { ["UserName"] = "admin" }, other);

        var second = first.Reopen();
        Assert.False(second.TryResolve(first.Options.AdminAccessKeyId, out _));
        Assert.Equal(["other"], TestAccount.Strings(second.IamCall("ListUsers", caller: second.CallerFor(otherKey))["Users"], "UserName"));
    }

    [Fact]
    public void Bootstrap_uses_the_configured_admin_name_and_key()
    {
        var account = new TestAccount(options: new EmulatorOptions
        {
            AccountId = "123456789012",
            AdminUserName = "ops",
            AdminAccessKeyId = "AKIAOPSOPSOPSOPSOPS1",
            AdminSecretAccessKey = "secret",
        });
        Assert.True(account.TryResolve("AKIAOPSOPSOPSOPSOPS1", out var credentials));
        Assert.Equal("arn:aws:iam::123456789012:user/ops", credentials.Caller.Arn);
        Assert.Equal("123456789012", credentials.Caller.AccountId);
        Assert.Equal("secret", credentials.SecretAccessKey);
    }

    [Fact]
    public void FindPrincipal_matches_names_case_insensitively_and_paths_exactly()
    {
        var account = new TestAccount();
        account.CreateUser("Alice", "/eng/");
        var user = account.FindPrincipal(TestAccount.Arn("user/eng/alice"));
        Assert.NotNull(user);
        Assert.Equal(TestAccount.Arn("user/eng/Alice"), user.Arn);
        Assert.Equal(PrincipalType.User, user.Type);
        Assert.StartsWith("AIDA", user.UniqueId);
        Assert.Equal("/eng/", user.Path);
        Assert.Null(account.FindPrincipal(TestAccount.Arn("user/Alice")));
        Assert.Null(account.FindPrincipal("arn:aws:iam::444455556666:user/eng/Alice"));
        Assert.Null(account.FindPrincipal(TestAccount.Arn("role/eng/Alice")));
        Assert.Null(account.FindPrincipal("not an arn"));
    }
}
