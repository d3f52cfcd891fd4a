using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Turnstile.Aws.Tests.Iam;

public sealed class GroupAndProfileTests
{
    private readonly TestAccount _account = new();

    [Fact]
    public void Groups_are_created_listed_and_hold_users()
    {
        var group = _account.IamCall("CreateGroup", new JsonObject { ["GroupName"] = "devs", ["Path"] = "/eng/" })["Group"]!;
        Assert.Matches(new Regex("^AGPA[A-Z2-7]{17}$"), group["GroupId"]!.GetValue<string>());
        Assert.Equal(TestAccount.Arn("group/eng/devs"), group["Arn"]!.GetValue<string>());
        Assert.Equal("Group with name DEVS already exists.", _account.IamFails("CreateGroup", new JsonObject { ["GroupName"] = "DEVS" }).Message);

        _account.CreateUser("bob");
        _account.CreateUser("amy");
        _account.IamCall("AddUserToGroup", new JsonObject { ["GroupName"] = "devs", ["UserName"] = "bob" });
        _account.IamCall("AddUserToGroup", new JsonObject { ["GroupName"] = "devs", ["UserName"] = "amy" });
        _account.IamCall("AddUserToGroup", new JsonObject { ["GroupName"] = "devs", ["UserName"] = "amy" });

        var got = _account.IamCall("GetGroup", new JsonObject { ["GroupName"] = "devs" });
        Assert.Equal("devs", got["Group"]!["GroupName"]!.GetValue<string>());
        Assert.Equal(["amy", "bob"], TestAccount.Strings(got["Users"], "UserName"));
        Assert.False(got["IsTruncated"]!.GetValue<bool>());

        var paged = _account.IamCall("GetGroup", new JsonObject { ["GroupName"] = "devs", ["MaxItems"] = 1 });
        Assert.True(paged["IsTruncated"]!.GetValue<bool>());

        Assert.Equal(["devs"], TestAccount.Strings(_account.IamCall("ListGroupsForUser", new JsonObject { ["UserName"] = "bob" })["Groups"], "GroupName"));
        Assert.Equal(["devs"], TestAccount.Strings(_account.IamCall("ListGroups", new JsonObject { ["PathPrefix"] = "/eng/" })["Groups"], "GroupName"));
        Assert.Empty(_account.IamCall("ListGroups", new JsonObject { ["PathPrefix"] = "/ops/" })["Groups"]!.AsArray());

        _account.IamCall("RemoveUserFromGroup", new JsonObject { ["GroupName"] = "devs", ["UserName"] = "bob" });
        Assert.Equal("NoSuchEntity", _account.IamFails("RemoveUserFromGroup", new JsonObject { ["GroupName"] = "devs", ["UserName"] = "bob" }).Code);
        Assert.Equal("The group with name ops cannot be found.", _account.IamFails("AddUserToGroup", new JsonObject { ["GroupName"] = "ops", ["UserName"] = "bob" }).Message);
    }

    [Fact]
    public void DeleteGroup_requires_an_empty_group_without_policies()
    {
        _account.IamCall("CreateGroup", new JsonObject { ["GroupName"] = "devs" });
        _account.CreateUser("bob");
        _account.IamCall("AddUserToGroup", new JsonObject { ["GroupName"] = "devs", ["UserName"] = "bob" });
        _account.IamCall("AttachGroupPolicy", new JsonObject { ["GroupName"] = "devs", ["PolicyArn"] = "arn:aws:iam::aws:policy/ReadOnlyAccess" });
        _account.IamCall("PutGroupPolicy", new JsonObject { ["GroupName"] = "devs", ["PolicyName"] = "p", ["PolicyDocument"] = TestAccount.AllowAll });

        string Blocker() => _account.IamFails("DeleteGroup", new JsonObject { ["GroupName"] = "devs" }).Message;
        Assert.Equal("Cannot delete entity, must remove users from group first.", Blocker());
        _account.IamCall("RemoveUserFromGroup", new JsonObject { ["GroupName"] = "devs", ["UserName"] = "bob" });
        Assert.Equal("Cannot delete entity, must detach all policies first.", Blocker());
        _account.IamCall("DetachGroupPolicy", new JsonObject { ["GroupName"] = "devs", ["PolicyArn"] = "arn:aws:iam::aws:policy/ReadOnlyAccess" });
        Assert.Equal("Cannot delete entity, must delete policies first.", Blocker());
        _account.IamCall("DeleteGroupPolicy", new JsonObject { ["GroupName"] = "devs", ["PolicyName"] = "p" });
        _account.IamCall("DeleteGroup", new JsonObject { ["GroupName"] = "devs" });
        Assert.Empty(_account.IamCall("ListGroups")["Groups"]!.AsArray());
    }

    [Fact]
    public void UpdateGroup_renames_and_keeps_members()
    {
        _account.IamCall("CreateGroup", new JsonObject { ["GroupName"] = "devs" });
        _account.CreateUser("bob");
        _account.IamCall("AddUserToGroup", new JsonObject { ["GroupName"] = "devs", ["UserName"] = "bob" });
        _account.IamCall("UpdateGroup", new JsonObject { ["GroupName"] = "devs", ["NewGroupName"] = "engineers", ["NewPath"] = "/eng/" });
        var got = _account.IamCall("GetGroup", new JsonObject { ["GroupName"] = "engineers" });
        Assert.Equal(TestAccount.Arn("group/eng/engineers"), got["Group"]!["Arn"]!.GetValue<string>());
        Assert.Equal(["bob"], TestAccount.Strings(got["Users"], "UserName"));
    }

    [Fact]
    public void A_user_belongs_to_at_most_ten_groups()
    {
        _account.CreateUser("bob");
        for (var i = 0; i <= 10; i++) _account.IamCall("CreateGroup", new JsonObject { ["GroupName"] = $"g{i}" });
        for (var i = 0; i < 10; i++) _account.IamCall("AddUserToGroup", new JsonObject { ["GroupName"] = $"g{i}", ["UserName"] = "bob" });
        var error = _account.IamFails("AddUserToGroup", new JsonObject { ["GroupName"] = "g10", ["UserName"] = "bob" });
        Assert.Equal("LimitExceeded", error.Code);
        Assert.Equal("Cannot exceed quota for GroupsPerUser: 10", error.Message);
    }

    [Fact]
    public void Instance_profiles_hold_one_role()
    {
        var profile = _account.IamCall("CreateInstanceProfile", new JsonObject { ["InstanceProfileName"] = "web", ["Path"] = "/eks/" })["InstanceProfile"]!;
        Assert.Matches(new Regex("^AIPA[A-Z2-7]{17}$"), profile["InstanceProfileId"]!.GetValue<string>());
        Assert.Equal(TestAccount.Arn("instance-profile/eks/web"), profile["Arn"]!.GetValue<string>());
        Assert.Empty(profile["Roles"]!.AsArray());
        Assert.Equal("Instance Profile WEB already exists.", _account.IamFails("CreateInstanceProfile", new JsonObject { ["InstanceProfileName"] = "WEB" }).Message);

        var trust = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";
        _account.CreateRole("node", trust);
        _account.CreateRole("other", trust);
        _account.IamCall("AddRoleToInstanceProfile", new JsonObject { ["InstanceProfileName"] = "web", ["RoleName"] = "node" });
        var limit = _account.IamFails("AddRoleToInstanceProfile", new JsonObject { ["InstanceProfileName"] = "web", ["RoleName"] = "other" });
        Assert.Equal("LimitExceeded", limit.Code);
        Assert.Equal("Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1", limit.Message);

        var got = _account.IamCall("GetInstanceProfile", new JsonObject { ["InstanceProfileName"] = "web" })["InstanceProfile"]!;
        Assert.Equal(["node"], TestAccount.Strings(got["Roles"], "RoleName"));
        Assert.Equal(trust, got["Roles"]![0]!["AssumeRolePolicyDocument"]!.GetValue<string>());
        Assert.Equal(["web"], TestAccount.Strings(_account.IamCall("ListInstanceProfilesForRole", new JsonObject { ["RoleName"] = "node" })["InstanceProfiles"], "InstanceProfileName"));
        Assert.Equal(["web"], TestAccount.Strings(_account.IamCall("ListInstanceProfiles")["InstanceProfiles"], "InstanceProfileName"));

        var conflict = _account.IamFails("DeleteInstanceProfile", new JsonObject { ["InstanceProfileName"] = "web" });
        Assert.Equal("DeleteConflict", conflict.Code);
        Assert.Equal("Cannot delete entity, must remove roles from instance profile first.", conflict.Message);

        Assert.Equal("NoSuchEntity", _account.IamFails("RemoveRoleFromInstanceProfile", new JsonObject { ["InstanceProfileName"] = "web", ["RoleName"] = "other" }).Code);
        _account.IamCall("RemoveRoleFromInstanceProfile", new JsonObject { ["InstanceProfileName"] = "web", ["RoleName"] = "node" });
        _account.IamCall("DeleteInstanceProfile", new JsonObject { ["InstanceProfileName"] = "web" });
        Assert.Equal("Instance Profile web cannot be found.", _account.IamFails("GetInstanceProfile", new JsonObject { ["InstanceProfileName"] = "web" }).Message);
    }
}
