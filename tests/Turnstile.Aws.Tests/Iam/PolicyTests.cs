using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Turnstile.Aws.Tests.Iam;

public sealed class PolicyTests
{
    private const string ReadS3 = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}""";
    private const string WriteS3 = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}""";

    private readonly TestAccount _account = new();

    [Fact]
    public void CreatePolicy_makes_a_v1_customer_managed_policy()
    {
        var policy = _account.IamCall("CreatePolicy", new JsonObject
        {
            ["PolicyName"] = "read-s3",
            ["Path"] = "/app/",
            ["PolicyDocument"] = ReadS3,
            ["Description"] = "reads",
        })["Policy"]!;

        Assert.Equal(TestAccount.Arn("policy/app/read-s3"), policy["Arn"]!.GetValue<string>());
        Assert.Matches(new Regex("^ANPA[A-Z2-7]{17}$"), policy["PolicyId"]!.GetValue<string>());
        Assert.Equal("v1", policy["DefaultVersionId"]!.GetValue<string>());
        Assert.Equal(0, policy["AttachmentCount"]!.GetValue<int>());
        Assert.True(policy["IsAttachable"]!.GetValue<bool>());

        var version = _account.IamCall("GetPolicyVersion", new JsonObject { ["PolicyArn"] = TestAccount.Arn("policy/app/read-s3"), ["VersionId"] = "v1" })["PolicyVersion"]!;
        Assert.True(version["IsDefaultVersion"]!.GetValue<bool>());
        Assert.Equal(ReadS3, version["Document"]!.GetValue<string>());
    }

    [Fact]
    public void Policy_documents_are_validated_and_names_are_unique()
    {
        var malformed = _account.IamFails("CreatePolicy", new JsonObject
        {
            ["PolicyName"] = "bad",
            ["PolicyDocument"] = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}""",
        });
        Assert.Equal("MalformedPolicyDocument", malformed.Code);
        Assert.Equal("Policy statement must contain resources.", malformed.Message);

        _account.CreatePolicy("p", ReadS3);
        var duplicate = _account.IamFails("CreatePolicy", new JsonObject { ["PolicyName"] = "P", ["Path"] = "/x/", ["PolicyDocument"] = ReadS3 });
        Assert.Equal("EntityAlreadyExists", duplicate.Code);
        Assert.Equal("A policy called P already exists. Duplicate names are not allowed.", duplicate.Message);
    }

    [Fact]
    public void GetPolicy_finds_aws_managed_and_customer_policies()
    {
        var aws = _account.IamCall("GetPolicy", new JsonObject { ["PolicyArn"] = "arn:aws:iam::aws:policy/AdministratorAccess" })["Policy"]!;
        Assert.Equal("AdministratorAccess", aws["PolicyName"]!.GetValue<string>());
        Assert.Equal(1, aws["AttachmentCount"]!.GetValue<int>());

        var missing = _account.IamFails("GetPolicy", new JsonObject { ["PolicyArn"] = TestAccount.Arn("policy/none") });
        Assert.Equal("NoSuchEntity", missing.Code);
        Assert.Equal($"Policy {TestAccount.Arn("policy/none")} was not found.", missing.Message);

        var invalid = _account.IamFails("GetPolicy", new JsonObject { ["PolicyArn"] = "not-an-arn" });
        Assert.Equal("InvalidInput", invalid.Code);
        Assert.Equal("ARN not-an-arn is not valid.", invalid.Message);
    }

    [Fact]
    public void ListPolicies_honours_scope_only_attached_and_path_prefix()
    {
        _account.CreatePolicy("local-a", ReadS3, "/app/");
        _account.CreatePolicy("local-b", ReadS3);

        var local = TestAccount.Strings(_account.IamCall("ListPolicies", new JsonObject { ["Scope"] = "Local" })["Policies"], "PolicyName");
        Assert.Equal(["local-a", "local-b"], local);

        var aws = TestAccount.Strings(_account.IamCall("ListPolicies", new JsonObject { ["Scope"] = "AWS", ["MaxItems"] = 1000 })["Policies"], "PolicyName").ToList();
        Assert.Contains("AdministratorAccess", aws);
        Assert.DoesNotContain("local-a", aws);

        var attached = TestAccount.Strings(_account.IamCall("ListPolicies", new JsonObject { ["OnlyAttached"] = true })["Policies"], "PolicyName");
        Assert.Equal(["AdministratorAccess"], attached);

        var byPath = TestAccount.Strings(_account.IamCall("ListPolicies", new JsonObject { ["PathPrefix"] = "/app/" })["Policies"], "PolicyName");
        Assert.Equal(["local-a"], byPath);

        var paged = _account.IamCall("ListPolicies", new JsonObject { ["MaxItems"] = 2 });
        Assert.True(paged["IsTruncated"]!.GetValue<bool>());
        Assert.Equal(2, paged["Policies"]!.AsArray().Count);
    }

    [Fact]
    public void Policy_versions_are_created_listed_defaulted_and_deleted()
    {
        var arn = _account.CreatePolicy("p", ReadS3);
        var v2 = _account.IamCall("CreatePolicyVersion", new JsonObject { ["PolicyArn"] = arn, ["PolicyDocument"] = WriteS3, ["SetAsDefault"] = true })["PolicyVersion"]!;
        Assert.Equal("v2", v2["VersionId"]!.GetValue<string>());
        Assert.True(v2["IsDefaultVersion"]!.GetValue<bool>());
        Assert.Equal("v2", _account.IamCall("GetPolicy", new JsonObject { ["PolicyArn"] = arn })["Policy"]!["DefaultVersionId"]!.GetValue<string>());

        for (var i = 3; i <= 5; i++) _account.IamCall("CreatePolicyVersion", new JsonObject { ["PolicyArn"] = arn, ["PolicyDocument"] = ReadS3 });
        var limit = _account.IamFails("CreatePolicyVersion", new JsonObject { ["PolicyArn"] = arn, ["PolicyDocument"] = ReadS3 });
        Assert.Equal("LimitExceeded", limit.Code);
        Assert.Equal("A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.", limit.Message);

        var versions = _account.IamCall("ListPolicyVersions", new JsonObject { ["PolicyArn"] = arn })["Versions"]!.AsArray();
        Assert.Equal(["v5", "v4", "v3", "v2", "v1"], versions.Select(v => v!["VersionId"]!.GetValue<string>()));
        Assert.All(versions, v => Assert.Null(v!["Document"]));

        var deleteDefault = _account.IamFails("DeletePolicyVersion", new JsonObject { ["PolicyArn"] = arn, ["VersionId"] = "v2" });
        Assert.Equal("DeleteConflict", deleteDefault.Code);
        Assert.Equal("Cannot delete the default version of a policy.", deleteDefault.Message);

        _account.IamCall("SetDefaultPolicyVersion", new JsonObject { ["PolicyArn"] = arn, ["VersionId"] = "v1" });
        _account.IamCall("DeletePolicyVersion", new JsonObject { ["PolicyArn"] = arn, ["VersionId"] = "v5" });
        var v6 = _account.IamCall("CreatePolicyVersion", new JsonObject { ["PolicyArn"] = arn, ["PolicyDocument"] = ReadS3 })["PolicyVersion"]!;
        Assert.Equal("v6", v6["VersionId"]!.GetValue<string>());

        var missing = _account.IamFails("GetPolicyVersion", new JsonObject { ["PolicyArn"] = arn, ["VersionId"] = "v5" });
        Assert.Equal($"Policy {arn} version v5 does not exist or is not attachable.", missing.Message);
        Assert.Equal("NoSuchEntity", _account.IamFails("SetDefaultPolicyVersion", new JsonObject { ["PolicyArn"] = arn, ["VersionId"] = "v9" }).Code);
    }

    [Fact]
    public void DeletePolicy_refuses_attached_policies_and_policies_with_versions()
    {
        var arn = _account.CreatePolicy("p", ReadS3);
        _account.IamCall("AttachUserPolicy", new JsonObject { ["UserName"] = "admin", ["PolicyArn"] = arn });
        var attached = _account.IamFails("DeletePolicy", new JsonObject { ["PolicyArn"] = arn });
        Assert.Equal("DeleteConflict", attached.Code);
        Assert.Equal("Cannot delete a policy attached to entities.", attached.Message);
        _account.IamCall("DetachUserPolicy", new JsonObject { ["UserName"] = "admin", ["PolicyArn"] = arn });

        _account.IamCall("CreatePolicyVersion", new JsonObject { ["PolicyArn"] = arn, ["PolicyDocument"] = WriteS3 });
        var versions = _account.IamFails("DeletePolicy", new JsonObject { ["PolicyArn"] = arn });
        Assert.Equal(
            "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
            versions.Message);
        _account.IamCall("DeletePolicyVersion", new JsonObject { ["PolicyArn"] = arn, ["VersionId"] = "v2" });

        _account.IamCall("DeletePolicy", new JsonObject { ["PolicyArn"] = arn });
        Assert.Equal("NoSuchEntity", _account.IamFails("GetPolicy", new JsonObject { ["PolicyArn"] = arn }).Code);
    }

    [Fact]
    public void AWS_managed_policies_are_readable_but_not_changeable()
    {
        const string arn = "arn:aws:iam::aws:policy/ReadOnlyAccess";
        var versions = _account.IamCall("ListPolicyVersions", new JsonObject { ["PolicyArn"] = arn })["Versions"]!.AsArray();
        var defaultVersion = Assert.Single(versions)!["VersionId"]!.GetValue<string>();
        var document = _account.IamCall("GetPolicyVersion", new JsonObject { ["PolicyArn"] = arn, ["VersionId"] = defaultVersion })["PolicyVersion"]!["Document"]!;
        Assert.Contains("Statement", document.GetValue<string>());

        var error = _account.IamFails("DeletePolicy", new JsonObject { ["PolicyArn"] = arn });
        Assert.Equal("AccessDenied", error.Code);
        Assert.Equal($"User: {TestAccount.Arn("user/admin")} is not authorized to perform: iam:DeletePolicy on resource: policy {arn}", error.Message);
    }

    [Fact]
    public void ListEntitiesForPolicy_names_users_roles_and_groups()
    {
        var arn = _account.CreatePolicy("p", ReadS3);
        _account.CreateUser("bob");
        _account.IamCall("CreateGroup", new JsonObject { ["GroupName"] = "devs" });
        _account.CreateRole("r", TestAccount.TrustPolicy(TestAccount.Arn("root")));
        _account.IamCall("AttachUserPolicy", new JsonObject { ["UserName"] = "bob", ["PolicyArn"] = arn });
        _account.IamCall("AttachGroupPolicy", new JsonObject { ["GroupName"] = "devs", ["PolicyArn"] = arn });
        _account.IamCall("AttachRolePolicy", new JsonObject { ["RoleName"] = "r", ["PolicyArn"] = arn });

        var entities = _account.IamCall("ListEntitiesForPolicy", new JsonObject { ["PolicyArn"] = arn });
        Assert.Equal(["bob"], TestAccount.Strings(entities["PolicyUsers"], "UserName"));
        Assert.Equal(["devs"], TestAccount.Strings(entities["PolicyGroups"], "GroupName"));
        Assert.Equal(["r"], TestAccount.Strings(entities["PolicyRoles"], "RoleName"));
        Assert.Equal(3, _account.IamCall("GetPolicy", new JsonObject { ["PolicyArn"] = arn })["Policy"]!["AttachmentCount"]!.GetValue<int>());
    }

    [Fact]
    public void Managed_policy_documents_have_a_size_quota()
    {
        var big = TestAccount.Allow("[" + string.Join(",", Enumerable.Range(0, 400).Select(i => $"\"s3:GetObject{i}\"")) + "]");
        var error = _account.IamFails("CreatePolicy", new JsonObject { ["PolicyName"] = "big", ["PolicyDocument"] = big });
        Assert.Equal("LimitExceeded", error.Code);
        Assert.Equal("Cannot exceed quota for PolicySize: 6144", error.Message);
    }
}
