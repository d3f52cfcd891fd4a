using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Turnstile.Aws.Tests.Eks;

public class AccessEntryTests
{
    private const string Cluster = "myeks";
    private readonly EksFixture _f = new();
    private readonly string _testuser;
    private readonly string _devRole;

    public AccessEntryTests()
    {
        _f.CreateCluster(Cluster, "API_AND_CONFIG_MAP");
        _testuser = _f.Iam.AddUser("testuser").Arn;
        _devRole = _f.Iam.AddRole("devToolingOperator", "/teams/tooling/").Arn;
    }

    private JsonObject Create(string principal, string extra = "") =>
        (JsonObject)_f.Call("CreateAccessEntry", $$"""{"clusterName":"{{Cluster}}","principalArn":"{{principal}}"{{extra}}}""")["accessEntry"]!;

    private AwsServiceException CreateFails(string principal, string extra = "") =>
        _f.Fails("CreateAccessEntry", $$"""{"clusterName":"{{Cluster}}","principalArn":"{{principal}}"{{extra}}}""");

    private JsonObject Associate(string principal, string policy, string scope = """{"type":"cluster"}""") =>
        _f.Call("AssociateAccessPolicy", $$"""{"clusterName":"{{Cluster}}","principalArn":"{{principal}}","policyArn":"{{policy}}","accessScope":{{scope}}}""");

    private AwsServiceException AssociateFails(string principal, string policy, string scope = """{"type":"cluster"}""") =>
        _f.Fails("AssociateAccessPolicy", $$"""{"clusterName":"{{Cluster}}","principalArn":"{{principal}}","policyArn":"{{policy}}","accessScope":{{scope}}}""");

    [Fact]
    public void A_STANDARD_user_entry_gets_the_user_ARN_as_username()
    {
        var entry = Create(_testuser);
        Assert.Equal(Cluster, (string?)entry["clusterName"]);
        Assert.Equal(_testuser, (string?)entry["principalArn"]);
        Assert.Equal(_testuser, (string?)entry["username"]);
        Assert.Equal("STANDARD", (string?)entry["type"]);
        Assert.Empty(entry["kubernetesGroups"]!.AsArray());
        Assert.Empty(entry["tags"]!.AsObject());
        Assert.Equal((string?)entry["createdAt"], (string?)entry["modifiedAt"]);
        Assert.Matches(new Regex($"^arn:aws:eks:{EksFixture.Region}:{EksFixture.Account}:access-entry/myeks/user/{EksFixture.Account}/testuser/[0-9a-f]{{8}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{12}}$"),
            (string?)entry["accessEntryArn"]);
        Assert.Equal(entry.ToJsonString(), _f.Entry(Cluster, _testuser).ToJsonString());
    }

    [Fact]
    public void A_role_entry_defaults_to_the_session_username_without_the_role_path()
    {
        var entry = Create(_devRole, ""","kubernetesGroups":["pod-viewer"],"tags":{"team":"tooling"}""");
        Assert.Equal($"arn:aws:sts::{EksFixture.Account}:assumed-role/devToolingOperator/{{{{SessionName}}}}", (string?)entry["username"]);
        Assert.Equal(["pod-viewer"], EksFixture.Strings(entry["kubernetesGroups"]));
        Assert.Equal("tooling", (string?)entry["tags"]!["team"]);
        Assert.Contains($"/role/{EksFixture.Account}/devToolingOperator/", (string?)entry["accessEntryArn"]);
    }

    [Fact]
    public void Access_entries_need_an_API_authentication_mode()
    {
        _f.CreateCluster("legacy");
        const string message = "The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] to perform this operation.";
        foreach (var (op, input) in new[]
                 {
                     ("CreateAccessEntry", $$"""{"clusterName":"legacy","principalArn":"{{_testuser}}"}"""),
                     ("DescribeAccessEntry", $$"""{"clusterName":"legacy","principalArn":"{{_testuser}}"}"""),
                     ("ListAccessEntries", """{"clusterName":"legacy"}"""),
                     ("UpdateAccessEntry", $$"""{"clusterName":"legacy","principalArn":"{{_testuser}}"}"""),
                     ("DeleteAccessEntry", $$"""{"clusterName":"legacy","principalArn":"{{_testuser}}"}"""),
                     ("ListAssociatedAccessPolicies", $$"""{"clusterName":"legacy","principalArn":"{{_testuser}}"}"""),
                     ("AssociateAccessPolicy", $$$"""{"clusterName":"legacy","principalArn":"{{{_testuser}}}","policyArn":"{{{EksFixture.ViewPolicy}}}","accessScope":{"type":"cluster"}}"""),
                     ("DisassociateAccessPolicy", $$"""{"clusterName":"legacy","principalArn":"{{_testuser}}","policyArn":"{{EksFixture.ViewPolicy}}"}"""),
                 })
        {
            var error = _f.Fails(op, input);
            Assert.Equal("InvalidRequestException", error.Code);
            Assert.Equal(message, error.Message);
            Assert.Equal("legacy", error.Fields["clusterName"]);
        }
    }

    [Fact]
    public void An_entry_for_a_principal_that_already_has_one_is_in_use()
    {
        Create(_testuser);
        var error = CreateFails(_testuser);
        Assert.Equal("ResourceInUseException", error.Code);
        Assert.Equal("The specified access entry resource is already in use on this cluster.", error.Message);
        Assert.Equal(409, error.StatusCode);
        // The creator's entry was made by EKS, so creating it again collides too.
        Assert.Equal("ResourceInUseException", CreateFails(EksFixture.AdminArn).Code);
    }

    [Fact]
    public void A_role_named_with_its_path_is_bound_to_its_unique_id()
    {
        Create(_devRole);
        var role = _f.Iam.FindPrincipal(_devRole)!;
        Assert.Equal(role.UniqueId, _f.AccessModel(Cluster).AccessEntries.Single(e => e.PrincipalArn == _devRole).PrincipalId);
    }

    [Theory]
    [InlineData("system:masters", "The kubernetes group name system:masters is invalid, it cannot start with system:")]
    [InlineData("system:nodes", "The kubernetes group name system:nodes is invalid, it cannot start with system:")]
    public void System_groups_are_refused(string group, string message)
    {
        var error = CreateFails(_testuser, $$""","kubernetesGroups":["ok","{{group}}"]""");
        Assert.Equal("InvalidParameterException", error.Code);
        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("system:admin", "The username must not begin with system:")]
    [InlineData("eks:me", "The username must not begin with eks:")]
    [InlineData("aws:me", "The username must not begin with aws:")]
    [InlineData("amazon:me", "The username must not begin with amazon:")]
    [InlineData("iam:me", "The username must not begin with iam:")]
    [InlineData("john{{SessionName}}", "colon")]
    public void Reserved_usernames_and_templates_without_a_colon_are_refused(string username, string message)
    {
        var error = CreateFails(_testuser, $$""","username":"{{username}}" """);
        Assert.Equal("InvalidParameterException", error.Code);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void A_custom_username_with_a_template_after_a_colon_is_kept()
    {
        var entry = Create(_devRole, ""","username":"dev:{{SessionName}}" """);
        Assert.Equal("dev:{{SessionName}}", (string?)entry["username"]);
    }

    [Theory]
    [InlineData("arn:aws:sts::111122223333:assumed-role/admin/session")]
    [InlineData("arn:aws:iam::111122223333:root")]
    [InlineData("not-an-arn")]
    [InlineData("arn:aws:iam::111122223333:group/devs")]
    public void Principal_ARNs_that_are_not_users_or_roles_have_an_invalid_format(string principal)
    {
        var error = CreateFails(principal);
        Assert.Equal("InvalidParameterException", error.Code);
        Assert.Equal("The principalArn parameter format is not valid", error.Message);
    }

    [Fact]
    public void Unknown_principals_and_role_ARNs_with_the_path_stripped_are_invalid_principals()
    {
        Assert.Equal("The specified principalArn is invalid: invalid principal.", CreateFails($"arn:aws:iam::{EksFixture.Account}:user/ghost").Message);
        var stripped = $"arn:aws:iam::{EksFixture.Account}:role/devToolingOperator";
        Assert.Equal("The specified principalArn is invalid: invalid principal.", CreateFails(stripped).Message);
    }

    [Fact]
    public void Principals_of_other_accounts_are_accepted_without_binding()
    {
        Create("arn:aws:iam::999988887777:role/partner");
        Assert.Null(_f.AccessModel(Cluster).AccessEntries.Single(e => e.PrincipalArn.Contains("999988887777")).PrincipalId);
    }

    [Fact]
    public void Service_linked_role_entries_cannot_be_changed()
    {
        const string message = "The caller is not allowed to modify access entries with a principalArn value of a Service Linked Role";
        var emr = $"arn:aws:iam::{EksFixture.Account}:role/aws-service-role/emr-containers.amazonaws.com/AWSServiceRoleForAmazonEMRContainers";
        Assert.Equal(message, CreateFails(emr).Message);
        Assert.Equal(message, _f.Fails("DeleteAccessEntry", $$"""{"clusterName":"{{Cluster}}","principalArn":"{{EksFixture.SlrArn}}"}""").Message);
        Assert.Equal(message, _f.Fails("UpdateAccessEntry", $$"""{"clusterName":"{{Cluster}}","principalArn":"{{EksFixture.SlrArn}}","kubernetesGroups":["x"]}""").Message);
        Assert.Equal(message, AssociateFails(EksFixture.SlrArn, EksFixture.ViewPolicy).Message);
        Assert.Equal("STANDARD", (string?)_f.Entry(Cluster, EksFixture.SlrArn)["type"]);
    }

    [Fact]
    public void Node_entries_get_EKS_usernames_and_groups()
    {
        var node = _f.Iam.AddRole("NodeInstanceRole").Arn;
        var fargate = _f.Iam.AddRole("PodExecutionRole").Arn;
        var linux = Create(node, ""","type":"EC2_LINUX" """);
        Assert.Equal("system:node:{{EC2PrivateDNSName}}", (string?)linux["username"]);
        Assert.Equal(["system:nodes"], EksFixture.Strings(linux["kubernetesGroups"]));
        Assert.Equal("EC2_LINUX", (string?)linux["type"]);
        var pods = Create(fargate, ""","type":"FARGATE_LINUX" """);
        Assert.Equal("system:node:{{SessionName}}", (string?)pods["username"]);
    }

    [Fact]
    public void Node_types_take_same_account_roles_without_groups_or_username()
    {
        var role = _f.Iam.AddRole("NodeRole").Arn;
        Assert.Contains("must be an IAM role", CreateFails(_testuser, ""","type":"EC2_LINUX" """).Message);
        Assert.Contains("cluster's account", CreateFails("arn:aws:iam::999988887777:role/x", ""","type":"EC2_WINDOWS" """).Message);
        Assert.Contains("kubernetesGroups can't be specified", CreateFails(role, ""","type":"EC2_LINUX","kubernetesGroups":["a"]""").Message);
        Assert.Contains("username can't be specified", CreateFails(role, ""","type":"EC2_LINUX","username":"node:x" """).Message);
        var unknown = CreateFails(role, ""","type":"LINUX" """);
        Assert.Equal("InvalidParameterException", unknown.Code);
        Assert.Contains("The type LINUX is not supported", unknown.Message);
    }

    [Fact]
    public void UpdateAccessEntry_replaces_groups_and_username_and_bumps_modifiedAt()
    {
        var created = Create(_testuser, ""","kubernetesGroups":["pod-viewer"]""");
        _f.Clock.Advance(TimeSpan.FromMinutes(4));
        var updated = (JsonObject)_f.Call("UpdateAccessEntry", $$"""{"clusterName":"{{Cluster}}","principalArn":"{{_testuser}}","kubernetesGroups":["pod-admin"]}""")["accessEntry"]!;
        Assert.Equal(["pod-admin"], EksFixture.Strings(updated["kubernetesGroups"]));
        Assert.Equal(_testuser, (string?)updated["username"]);
        Assert.Equal((string?)created["createdAt"], (string?)updated["createdAt"]);
        Assert.NotEqual((string?)created["modifiedAt"], (string?)updated["modifiedAt"]);
        var renamed = _f.Call("UpdateAccessEntry", $$"""{"clusterName":"{{Cluster}}","principalArn":"{{_testuser}}","username":"tester"}""")["accessEntry"]!;
        Assert.Equal("tester", (string?)renamed["username"]);
        Assert.Equal(["pod-admin"], EksFixture.Strings(renamed["kubernetesGroups"]));
    }

    [Fact]
    public void Node_entries_refuse_STANDARD_only_changes()
    {
        var node = _f.Iam.AddRole("NodeRole").Arn;
        Create(node, ""","type":"EC2_LINUX" """);
        var groups = _f.Fails("UpdateAccessEntry", $$"""{"clusterName":"{{Cluster}}","principalArn":"{{node}}","kubernetesGroups":["a"]}""");
        Assert.Equal("InvalidParameterException", groups.Code);
        Assert.Equal("This operation can only be performed on Access Entries with a type of \"STANDARD\".", groups.Message);
        // Echoing the generated node username back hits the prefix rule first, as observed.
        var echo = _f.Fails("UpdateAccessEntry", $$$"""{"clusterName":"{{{Cluster}}}","principalArn":"{{{node}}}","username":"system:node:{{EC2PrivateDNSName}}"}""");
        Assert.Equal("The username must not begin with system:", echo.Message);
        Assert.Equal("This operation can only be performed on Access Entries with a type of \"STANDARD\".", AssociateFails(node, EksFixture.ViewPolicy).Message);
        Assert.Empty(_f.Associated(Cluster, node));
    }

    [Fact]
    public void A_missing_entry_is_not_found()
    {
        var error = _f.Fails("DescribeAccessEntry", $$"""{"clusterName":"{{Cluster}}","principalArn":"{{_testuser}}"}""");
        Assert.Equal("ResourceNotFoundException", error.Code);
        Assert.Equal("The specified principalArn could not be found. You can view your available access entries with 'list-access-entries'.", error.Message);
        Assert.Equal(404, error.StatusCode);
        Assert.Equal("ResourceNotFoundException", AssociateFails(_testuser, EksFixture.ViewPolicy).Code);
    }

    [Fact]
    public void DeleteAccessEntry_removes_the_entry_with_its_policies()
    {
        Create(_testuser);
        Associate(_testuser, EksFixture.ViewPolicy);
        Assert.Empty(_f.Call("DeleteAccessEntry", $$"""{"clusterName":"{{Cluster}}","principalArn":"{{_testuser}}"}"""));
        Assert.DoesNotContain(_testuser, _f.ListEntries(Cluster));
        Create(_testuser);
        Assert.Empty(_f.Associated(Cluster, _testuser));
    }

    [Fact]
    public void AssociateAccessPolicy_answers_the_association_and_upserts_its_scope()
    {
        Create(_testuser);
        var first = Associate(_testuser, EksFixture.ClusterAdminPolicy);
        Assert.Equal(Cluster, (string?)first["clusterName"]);
        Assert.Equal(_testuser, (string?)first["principalArn"]);
        var association = first["associatedAccessPolicy"]!;
        Assert.Equal(EksFixture.ClusterAdminPolicy, (string?)association["policyArn"]);
        Assert.Equal("cluster", (string?)association["accessScope"]!["type"]);
        Assert.Empty(association["accessScope"]!["namespaces"]!.AsArray());
        Assert.Equal((string?)association["associatedAt"], (string?)association["modifiedAt"]);

        _f.Clock.Advance(TimeSpan.FromMinutes(1));
        var second = Associate(_testuser, EksFixture.ClusterAdminPolicy, """{"type":"namespace","namespaces":["default","dev-*"]}""")["associatedAccessPolicy"]!;
        Assert.Equal((string?)association["associatedAt"], (string?)second["associatedAt"]);
        Assert.NotEqual((string?)association["modifiedAt"], (string?)second["modifiedAt"]);
        var listed = Assert.Single(_f.Associated(Cluster, _testuser));
        Assert.Equal(["default", "dev-*"], EksFixture.Strings(listed!["accessScope"]!["namespaces"]));
        // Associating a policy does not modify the entry itself.
        var entry = _f.Entry(Cluster, _testuser);
        Assert.Equal((string?)entry["createdAt"], (string?)entry["modifiedAt"]);
    }

    [Fact]
    public void Access_scopes_are_validated()
    {
        Create(_testuser);
        Assert.Contains("can't be specified for an access scope of type cluster", AssociateFails(_testuser, EksFixture.ViewPolicy, """{"type":"cluster","namespaces":["a"]}""").Message);
        Assert.Contains("At least one namespace", AssociateFails(_testuser, EksFixture.ViewPolicy, """{"type":"namespace"}""").Message);
        Assert.Contains("enum value set: [cluster, namespace]", AssociateFails(_testuser, EksFixture.ViewPolicy, """{"type":"global"}""").Message);
        Assert.Contains("not valid", AssociateFails(_testuser, EksFixture.ViewPolicy, """{"type":"namespace","namespaces":["Bad_NS"]}""").Message);
        Assert.Contains("Value null at 'accessScope'", _f.Fails("AssociateAccessPolicy", $$"""{"clusterName":"{{Cluster}}","principalArn":"{{_testuser}}","policyArn":"{{EksFixture.ViewPolicy}}"}""").Message);
    }

    [Fact]
    public void Unknown_and_service_linked_only_policies_cannot_be_associated()
    {
        Create(_testuser);
        var unknown = AssociateFails(_testuser, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSMadeUpPolicy");
        Assert.Equal("ResourceNotFoundException", unknown.Code);
        Assert.Contains("policyArn could not be found", unknown.Message);
        var reserved = AssociateFails(_testuser, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSHybridPolicy");
        Assert.Equal("InvalidParameterException", reserved.Code);
        Assert.Contains("service-linked role", reserved.Message);
    }

    [Fact]
    public void DisassociateAccessPolicy_removes_one_association()
    {
        Create(_testuser);
        Associate(_testuser, EksFixture.ViewPolicy);
        Associate(_testuser, EksFixture.ClusterAdminPolicy);
        Assert.Empty(_f.Call("DisassociateAccessPolicy", $$"""{"clusterName":"{{Cluster}}","principalArn":"{{_testuser}}","policyArn":"{{EksFixture.ViewPolicy}}"}"""));
        Assert.Equal(EksFixture.ClusterAdminPolicy, (string?)Assert.Single(_f.Associated(Cluster, _testuser))!["policyArn"]);
        var again = _f.Fails("DisassociateAccessPolicy", $$"""{"clusterName":"{{Cluster}}","principalArn":"{{_testuser}}","policyArn":"{{EksFixture.ViewPolicy}}"}""");
        Assert.Equal("ResourceNotFoundException", again.Code);
    }

    [Fact]
    public void ListAccessEntries_filters_by_associated_policy_and_pages()
    {
        Create(_testuser);
        Create(_devRole);
        Associate(_devRole, EksFixture.ViewPolicy);
        var admins = _f.Call("ListAccessEntries", $$"""{"clusterName":"{{Cluster}}","associatedPolicyArn":"{{EksFixture.ClusterAdminPolicy}}"}""");
        Assert.Equal([EksFixture.AdminArn], EksFixture.Strings(admins["accessEntries"]));
        var viewers = _f.Call("ListAccessEntries", $$"""{"clusterName":"{{Cluster}}","associatedPolicyArn":"{{EksFixture.ViewPolicy}}"}""");
        Assert.Equal([_devRole], EksFixture.Strings(viewers["accessEntries"]));

        var all = _f.ListEntries(Cluster);
        Assert.Equal(all.Order(StringComparer.Ordinal), all);
        var collected = new List<string>();
        string? token = null;
        do
        {
            var page = _f.Call("ListAccessEntries", token is null
                ? $$"""{"clusterName":"{{Cluster}}","maxResults":1}"""
                : $$"""{"clusterName":"{{Cluster}}","maxResults":1,"nextToken":"{{token}}"}""");
            collected.AddRange(EksFixture.Strings(page["accessEntries"]));
            token = (string?)page["nextToken"];
        } while (token is not null);
        Assert.Equal(all, collected);
    }

    [Fact]
    public void ListAccessPolicies_lists_the_catalogue_by_name()
    {
        var page = _f.Call("ListAccessPolicies")["accessPolicies"]!.AsArray();
        var names = page.Select(p => (string)p!["name"]!).ToArray();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.Contains("AmazonEKSClusterAdminPolicy", names);
        Assert.Contains("AmazonEKSViewPolicy", names);
        Assert.Equal(EksFixture.ClusterAdminPolicy, (string?)page.Single(p => (string)p!["name"]! == "AmazonEKSClusterAdminPolicy")!["arn"]);
        var two = _f.Call("ListAccessPolicies", """{"maxResults":2}""");
        Assert.Equal(2, two["accessPolicies"]!.AsArray().Count);
        Assert.NotNull(two["nextToken"]);
    }

    [Fact]
    public void An_entry_stays_bound_to_the_principal_id_it_was_created_for()
    {
        Create(_testuser);
        var firstId = _f.Iam.FindPrincipal(_testuser)!.UniqueId;
        _f.Iam.Remove(_testuser);
        var recreated = _f.Iam.AddUser("testuser");
        Assert.NotEqual(firstId, recreated.UniqueId);
        Assert.Equal(firstId, _f.AccessModel(Cluster).AccessEntries.Single(e => e.PrincipalArn == _testuser).PrincipalId);
        Assert.Equal("ResourceInUseException", CreateFails(_testuser).Code);
    }
}
