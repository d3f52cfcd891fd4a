using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Turnstile.Aws.Tests.Iam;

public sealed class RoleTests
{
    private const string Ec2Trust = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";

    private readonly TestAccount _account = new();

    [Fact]
    public void CreateRole_returns_the_role_with_its_trust_policy_as_submitted()
    {
        var role = _account.IamCall("CreateRole", new JsonObject
        {
            ["RoleName"] = "node",
            ["Path"] = "/eks/",
            ["AssumeRolePolicyDocument"] = Ec2Trust,
            ["Description"] = "worker nodes",
            ["MaxSessionDuration"] = 7200,
        })["Role"]!;

        Assert.Equal(TestAccount.Arn("role/eks/node"), role["Arn"]!.GetValue<string>());
        Assert.Matches(new Regex("^AROA[A-Z2-7]{17}$"), role["RoleId"]!.GetValue<string>());
        Assert.Equal(7200, role["MaxSessionDuration"]!.GetValue<int>());
        Assert.Equal("worker nodes", role["Description"]!.GetValue<string>());
        var encoded = role["AssumeRolePolicyDocument"]!.GetValue<string>();
        // Documents are returned as submitted; the query protocol layer percent-encodes them on the wire.
        Assert.Equal(Ec2Trust, encoded);
    }

    [Fact]
    public void Trust_policies_are_validated_when_stored()
    {
        var malformed = _account.IamFails("CreateRole", new JsonObject
        {
            ["RoleName"] = "r",
            ["AssumeRolePolicyDocument"] = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}""",
        });
        Assert.Equal("MalformedPolicyDocument", malformed.Code);
        Assert.Equal("Missing required field Principal", malformed.Message);

        var unknownPrincipal = _account.IamFails("CreateRole", new JsonObject
        {
            ["RoleName"] = "r",
            ["AssumeRolePolicyDocument"] = TestAccount.TrustPolicy(TestAccount.Arn("user/ghost")),
        });
        Assert.Equal("MalformedPolicyDocument", unknownPrincipal.Code);
        Assert.Equal($"Invalid principal in policy: \"AWS\":\"{TestAccount.Arn("user/ghost")}\"", unknownPrincipal.Message);

        var tooBig = _account.IamFails("CreateRole", new JsonObject
        {
            ["RoleName"] = "r",
            ["AssumeRolePolicyDocument"] = TestAccount.TrustPolicy(Enumerable.Range(0, 150).Select(i => $"{100000000000 + i}").ToArray()),
        });
        Assert.Equal("LimitExceeded", tooBig.Code);
        Assert.Equal("Cannot exceed quota for ACLSizePerRole: 2048", tooBig.Message);
        Assert.Empty(_account.IamCall("ListRoles")["Roles"]!.AsArray());
    }

    [Theory]
    [InlineData(3599, "Member must have value greater than or equal to 3600")]
    [InlineData(43201, "Member must have value less than or equal to 43200")]
    public void MaxSessionDuration_must_be_between_one_and_twelve_hours(int value, string constraint)
    {
        var error = _account.IamFails("CreateRole", new JsonObject { ["RoleName"] = "r", ["AssumeRolePolicyDocument"] = Ec2Trust, ["MaxSessionDuration"] = value });
        Assert.Equal("ValidationError", error.Code);
        Assert.Equal($"1 validation error detected: Value '{value}' at 'maxSessionDuration' failed to satisfy constraint: {constraint}", error.Message);
    }

    [Fact]
    public void Role_names_are_unique_case_insensitively()
    {
        _account.CreateRole("node", Ec2Trust);
        var error = _account.IamFails("CreateRole", new JsonObject { ["RoleName"] = "NODE", ["AssumeRolePolicyDocument"] = Ec2Trust });
        Assert.Equal("Role with name NODE already exists.", error.Message);
        Assert.Equal("The role with name nope cannot be found.", _account.IamFails("GetRole", new JsonObject { ["RoleName"] = "nope" }).Message);
    }

    [Fact]
    public void GetRole_has_an_empty_RoleLastUsed_and_ListRoles_leaves_it_out()
    {
        _account.CreateRole("node", Ec2Trust);
        var role = _account.IamCall("GetRole", new JsonObject { ["RoleName"] = "node" })["Role"]!;
        Assert.Empty(role["RoleLastUsed"]!.AsObject());
        Assert.Equal(3600, role["MaxSessionDuration"]!.GetValue<int>());

        var listed = _account.IamCall("ListRoles")["Roles"]!.AsArray();
        Assert.Single(listed);
        Assert.Null(listed[0]!["RoleLastUsed"]);
        Assert.NotNull(listed[0]!["AssumeRolePolicyDocument"]);
    }

    [Fact]
    public void ListRoles_filters_by_path_prefix()
    {
        _account.CreateRole("a", Ec2Trust, "/eks/");
        _account.CreateRole("b", Ec2Trust, "/eks/nodes/");
        _account.CreateRole("c", Ec2Trust);
        Assert.Equal(["a", "b"], TestAccount.Strings(_account.IamCall("ListRoles", new JsonObject { ["PathPrefix"] = "/eks/" })["Roles"], "RoleName"));
    }

    [Fact]
    public void UpdateRole_UpdateRoleDescription_and_UpdateAssumeRolePolicy_change_the_role()
    {
        _account.CreateRole("node", Ec2Trust);
        _account.IamCall("UpdateRole", new JsonObject { ["RoleName"] = "node", ["MaxSessionDuration"] = 43200, ["Description"] = "one" });
        var described = _account.IamCall("UpdateRoleDescription", new JsonObject { ["RoleName"] = "node", ["Description"] = "two" })["Role"]!;
        Assert.Equal("two", described["Description"]!.GetValue<string>());
        Assert.Equal(43200, described["MaxSessionDuration"]!.GetValue<int>());

        var trust = TestAccount.TrustPolicy(TestAccount.Arn("root"));
        _account.IamCall("UpdateAssumeRolePolicy", new JsonObject { ["RoleName"] = "node", ["PolicyDocument"] = trust });
        var role = _account.IamCall("GetRole", new JsonObject { ["RoleName"] = "node" })["Role"]!;
        Assert.Equal(trust, role["AssumeRolePolicyDocument"]!.GetValue<string>());

        var bad = _account.IamFails("UpdateAssumeRolePolicy", new JsonObject { ["RoleName"] = "node", ["PolicyDocument"] = "{" });
        Assert.Equal("MalformedPolicyDocument", bad.Code);
    }

    [Fact]
    public void DeleteRole_reports_instance_profiles_attached_and_inline_policies()
    {
        _account.CreateRole("node", Ec2Trust);
        _account.IamCall("CreateInstanceProfile", new JsonObject { ["InstanceProfileName"] = "node" });
        _account.IamCall("AddRoleToInstanceProfile", new JsonObject { ["InstanceProfileName"] = "node", ["RoleName"] = "node" });
        _account.IamCall("AttachRolePolicy", new JsonObject { ["RoleName"] = "node", ["PolicyArn"] = "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy" });
        _account.IamCall("PutRolePolicy", new JsonObject { ["RoleName"] = "node", ["PolicyName"] = "extra", ["PolicyDocument"] = TestAccount.AllowAll });

        string Blocker() => _account.IamFails("DeleteRole", new JsonObject { ["RoleName"] = "node" }).Message;

        Assert.Equal("Cannot delete entity, must remove roles from instance profile first.", Blocker());
        _account.IamCall("RemoveRoleFromInstanceProfile", new JsonObject { ["InstanceProfileName"] = "node", ["RoleName"] = "node" });
        Assert.Equal("Cannot delete entity, must detach all policies first.", Blocker());
        _account.IamCall("DetachRolePolicy", new JsonObject { ["RoleName"] = "node", ["PolicyArn"] = "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy" });
        Assert.Equal("Cannot delete entity, must delete policies first.", Blocker());
        _account.IamCall("DeleteRolePolicy", new JsonObject { ["RoleName"] = "node", ["PolicyName"] = "extra" });
        _account.IamCall("DeleteRole", new JsonObject { ["RoleName"] = "node" });
        Assert.Equal("NoSuchEntity", _account.IamFails("GetRole", new JsonObject { ["RoleName"] = "node" }).Code);
    }

    [Fact]
    public void Permissions_boundaries_are_set_and_removed()
    {
        _account.CreateRole("node", Ec2Trust);
        var missing = _account.IamFails("PutRolePermissionsBoundary", new JsonObject { ["RoleName"] = "node", ["PermissionsBoundary"] = TestAccount.Arn("policy/none") });
        Assert.Equal($"Policy {TestAccount.Arn("policy/none")} does not exist or is not attachable.", missing.Message);

        _account.IamCall("PutRolePermissionsBoundary", new JsonObject { ["RoleName"] = "node", ["PermissionsBoundary"] = "arn:aws:iam::aws:policy/ReadOnlyAccess" });
        var role = _account.IamCall("GetRole", new JsonObject { ["RoleName"] = "node" })["Role"]!;
        Assert.Equal("arn:aws:iam::aws:policy/ReadOnlyAccess", role["PermissionsBoundary"]!["PermissionsBoundaryArn"]!.GetValue<string>());
        Assert.Equal("PermissionsBoundaryPolicy", role["PermissionsBoundary"]!["PermissionsBoundaryType"]!.GetValue<string>());

        _account.IamCall("DeleteRolePermissionsBoundary", new JsonObject { ["RoleName"] = "node" });
        Assert.Null(_account.IamCall("GetRole", new JsonObject { ["RoleName"] = "node" })["Role"]!["PermissionsBoundary"]);
    }
}
