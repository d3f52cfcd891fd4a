using System.Text.Json.Nodes;

namespace Turnstile.Aws.Tests.Iam;

public sealed class EnforcementTests
{
    private const string ClusterArn = $"arn:aws:eks:{TestAccount.Region}:{TestAccount.AccountId}:cluster/demo";

    private const string EksReadOnly = """
        {
          "Version": "2012-10-17",
          "Statement": [
            { "Effect": "Allow", "Action": ["eks:Describe*", "eks:List*", "ec2:Describe*"], "Resource": "*" }
          ]
        }
        """;

    private readonly TestAccount _account = new();

    private AuthorizationOutcome Check(Caller caller, string action, string resource, string? region = null, string sourceIp = "127.0.0.1",
        IReadOnlyDictionary<string, IReadOnlyList<string>>? keys = null) =>
        _account.Authorize(new AuthorizationRequest(action, resource, keys), _account.Context(caller, region, sourceIp));

    private Caller ViewerSession()
    {
        var role = _account.CreateRole("eks-viewer", TestAccount.TrustPolicy(TestAccount.Arn("user/admin")));
        return _account.Assume(_account.Admin, role["Arn"]!.GetValue<string>(), "dev");
    }

    [Fact]
    public void A_role_without_eks_permissions_is_denied_until_a_policy_allows_it()
    {
        var session = ViewerSession();

        var denied = Check(session, "eks:DescribeCluster", ClusterArn);
        Assert.False(denied.Allowed);
        Assert.Equal(
            $"User: arn:aws:sts::{TestAccount.AccountId}:assumed-role/eks-viewer/dev is not authorized to perform: eks:DescribeCluster on resource: {ClusterArn} " +
            "because no identity-based policy allows the eks:DescribeCluster action",
            denied.DenialMessage);

        var policy = _account.CreatePolicy("eks-read", EksReadOnly);
        _account.IamCall("AttachRolePolicy", new JsonObject { ["RoleName"] = "eks-viewer", ["PolicyArn"] = policy });

        Assert.True(Check(session, "eks:DescribeCluster", ClusterArn).Allowed);
        Assert.True(Check(session, "eks:ListClusters", "*").Allowed);
        Assert.True(Check(session, "ec2:DescribeSubnets", "*").Allowed);
        Assert.False(Check(session, "eks:DeleteCluster", ClusterArn).Allowed);
    }

    [Fact]
    public void An_explicit_deny_wins_over_an_allow()
    {
        var bob = _account.UserWithKey("bob", EksReadOnly);
        _account.PutUserPolicy("bob", "no-demo", $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"eks:*","Resource":"{{ClusterArn}}"}]}""");

        var denied = Check(bob, "eks:DescribeCluster", ClusterArn);
        Assert.False(denied.Allowed);
        Assert.Equal(
            $"User: {TestAccount.Arn("user/bob")} is not authorized to perform: eks:DescribeCluster on resource: {ClusterArn} with an explicit deny in an identity-based policy",
            denied.DenialMessage);
        Assert.True(Check(bob, "eks:DescribeCluster", ClusterArn.Replace("demo", "other")).Allowed);
    }

    [Fact]
    public void An_explicit_deny_in_a_managed_policy_names_the_policy()
    {
        var bob = _account.UserWithKey("bob", TestAccount.AllowAll);
        var deny = _account.CreatePolicy("deny-eks", """{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"eks:*","Resource":"*"}]}""");
        _account.IamCall("AttachUserPolicy", new JsonObject { ["UserName"] = "bob", ["PolicyArn"] = deny });
        Assert.EndsWith($"with an explicit deny in an identity-based policy: {deny}", Check(bob, "eks:ListClusters", "*").DenialMessage);
    }

    [Fact]
    public void Conditions_on_the_requested_region_and_source_ip_are_evaluated()
    {
        var bob = _account.UserWithKey("bob", """
            {
              "Version": "2012-10-17",
              "Statement": [
                { "Effect": "Allow", "Action": "eks:*", "Resource": "*", "Condition": { "StringEquals": { "aws:RequestedRegion": "ap-northeast-2" } } },
                { "Effect": "Deny", "Action": "*", "Resource": "*", "Condition": { "NotIpAddress": { "aws:SourceIp": ["10.0.0.0/8", "127.0.0.1/32"] } } }
              ]
            }
            """);

        Assert.True(Check(bob, "eks:ListClusters", "*", region: "ap-northeast-2").Allowed);
        var otherRegion = Check(bob, "eks:ListClusters", "*", region: "us-east-1");
        Assert.False(otherRegion.Allowed);
        Assert.EndsWith("because no identity-based policy allows the eks:ListClusters action", otherRegion.DenialMessage);

        Assert.True(Check(bob, "eks:ListClusters", "*", sourceIp: "10.1.2.3").Allowed);
        var outside = Check(bob, "eks:ListClusters", "*", sourceIp: "192.0.2.10");
        Assert.False(outside.Allowed);
        Assert.EndsWith("with an explicit deny in an identity-based policy", outside.DenialMessage);
    }

    [Fact]
    public void Policy_variables_resolve_from_the_caller()
    {
        var bob = _account.UserWithKey("bob", """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*AccessKey*","Resource":"arn:aws:iam::*:user/${aws:username}"}]}
            """);
        _account.IamCall("CreateAccessKey", caller: bob);
        _account.CreateUser("amy");
        var error = _account.IamFails("CreateAccessKey", new JsonObject { ["UserName"] = "amy" }, bob);
        Assert.Equal("AccessDenied", error.Code);
        Assert.Equal(403, error.StatusCode);
        Assert.Equal(
            $"User: {TestAccount.Arn("user/bob")} is not authorized to perform: iam:CreateAccessKey on resource: user amy because no identity-based policy allows the iam:CreateAccessKey action",
            error.Message);
    }

    [Fact]
    public void IAM_denials_name_iam_resources_by_kind_and_name()
    {
        var nobody = _account.UserWithKey("nobody");
        _account.CreateRole("app", TestAccount.TrustPolicy(TestAccount.Arn("root")), "/svc/");
        var policy = _account.CreatePolicy("p", TestAccount.AllowAll);
        _account.IamCall("CreateGroup", new JsonObject { ["GroupName"] = "devs" });
        _account.IamCall("CreateInstanceProfile", new JsonObject { ["InstanceProfileName"] = "web" });

        string Denial(string op, JsonObject input) => _account.IamFails(op, input, nobody).Message;
        Assert.Contains("iam:GetRole on resource: role app because", Denial("GetRole", new JsonObject { ["RoleName"] = "app" }));
        Assert.Contains("iam:GetGroup on resource: group devs because", Denial("GetGroup", new JsonObject { ["GroupName"] = "devs" }));
        Assert.Contains("on resource: instance profile web because", Denial("GetInstanceProfile", new JsonObject { ["InstanceProfileName"] = "web" }));
        Assert.Contains($"on resource: policy {policy} because", Denial("GetPolicy", new JsonObject { ["PolicyArn"] = policy }));
        Assert.Contains($"iam:ListUsers on resource: {TestAccount.Arn("user/")} because", Denial("ListUsers", []));
        Assert.Contains($"iam:ListRoles on resource: {TestAccount.Arn("role/svc/")} because", Denial("ListRoles", new JsonObject { ["PathPrefix"] = "/svc/" }));
    }

    [Fact]
    public void List_operations_authorize_against_the_path_prefix_arn()
    {
        var bob = _account.UserWithKey("bob", TestAccount.Allow("\"iam:ListRoles\"", TestAccount.Arn("role/team/*")));
        _account.IamCall("ListRoles", new JsonObject { ["PathPrefix"] = "/team/" }, bob);
        Assert.Equal("AccessDenied", _account.IamFails("ListRoles", caller: bob).Code);
    }

    [Fact]
    public void Users_get_the_policies_of_their_groups()
    {
        var bob = _account.UserWithKey("bob");
        _account.IamCall("CreateGroup", new JsonObject { ["GroupName"] = "readers" });
        _account.IamCall("AttachGroupPolicy", new JsonObject { ["GroupName"] = "readers", ["PolicyArn"] = "arn:aws:iam::aws:policy/IAMReadOnlyAccess" });
        Assert.False(Check(bob, "iam:ListRoles", "*").Allowed);

        _account.IamCall("AddUserToGroup", new JsonObject { ["GroupName"] = "readers", ["UserName"] = "bob" });
        Assert.True(Check(bob, "iam:ListRoles", "*").Allowed);
        Assert.False(Check(bob, "iam:CreateRole", "*").Allowed);

        _account.IamCall("PutGroupPolicy", new JsonObject { ["GroupName"] = "readers", ["PolicyName"] = "deny", ["PolicyDocument"] =
            """{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:ListRoles","Resource":"*"}]}""" });
        Assert.False(Check(bob, "iam:ListRoles", "*").Allowed);
    }

    [Fact]
    public void A_permissions_boundary_limits_what_identity_policies_allow()
    {
        var bob = _account.UserWithKey("bob", TestAccount.AllowAll);
        _account.IamCall("PutUserPermissionsBoundary", new JsonObject { ["UserName"] = "bob", ["PermissionsBoundary"] = "arn:aws:iam::aws:policy/IAMReadOnlyAccess" });

        Assert.True(Check(bob, "iam:GetRole", TestAccount.Arn("role/x")).Allowed);
        var denied = Check(bob, "eks:ListClusters", "*");
        Assert.False(denied.Allowed);
        Assert.EndsWith("because no permissions boundary allows the eks:ListClusters action", denied.DenialMessage);
    }

    [Fact]
    public void Tag_conditions_see_principal_and_resource_tags()
    {
        var bob = _account.UserWithKey("bob", """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*",
              "Condition":{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}}]}
            """);
        _account.IamCall("TagUser", new JsonObject { ["UserName"] = "bob", ["Tags"] = new JsonArray(new JsonObject { ["Key"] = "team", ["Value"] = "core" }) });
        _account.CreateUser("amy");
        _account.IamCall("TagUser", new JsonObject { ["UserName"] = "amy", ["Tags"] = new JsonArray(new JsonObject { ["Key"] = "team", ["Value"] = "core" }) });
        _account.CreateUser("zed");

        _account.IamCall("GetUser", new JsonObject { ["UserName"] = "amy" }, bob);
        Assert.Equal("AccessDenied", _account.IamFails("GetUser", new JsonObject { ["UserName"] = "zed" }, bob).Code);
    }

    [Fact]
    public void Attach_calls_carry_the_policy_arn_condition_key()
    {
        var bob = _account.UserWithKey("bob", """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:AttachUserPolicy","Resource":"*",
              "Condition":{"ArnEquals":{"iam:PolicyARN":"arn:aws:iam::aws:policy/ReadOnlyAccess"}}}]}
            """);
        _account.IamCall("AttachUserPolicy", new JsonObject { ["UserName"] = "bob", ["PolicyArn"] = "arn:aws:iam::aws:policy/ReadOnlyAccess" }, bob);
        Assert.Equal("AccessDenied", _account.IamFails("AttachUserPolicy", new JsonObject { ["UserName"] = "bob", ["PolicyArn"] = "arn:aws:iam::aws:policy/AdministratorAccess" }, bob).Code);
    }

    [Fact]
    public void The_root_is_allowed_everything_and_a_deleted_user_nothing()
    {
        Assert.True(Check(_account.Root, "eks:DeleteCluster", ClusterArn).Allowed);

        var bob = _account.UserWithKey("bob", TestAccount.AllowAll);
        Assert.True(Check(bob, "eks:DeleteCluster", ClusterArn).Allowed);
        _account.IamCall("DeleteUserPolicy", new JsonObject { ["UserName"] = "bob", ["PolicyName"] = "inline" });
        _account.IamCall("DeleteAccessKey", new JsonObject { ["UserName"] = "bob", ["AccessKeyId"] = bob.AccessKeyId });
        _account.IamCall("DeleteUser", new JsonObject { ["UserName"] = "bob" });
        Assert.False(Check(bob, "eks:DeleteCluster", ClusterArn).Allowed);
    }

    [Fact]
    public void Policy_changes_take_effect_on_the_next_call()
    {
        var bob = _account.UserWithKey("bob");
        Assert.False(Check(bob, "eks:ListClusters", "*").Allowed);
        _account.PutUserPolicy("bob", "p", EksReadOnly);
        Assert.True(Check(bob, "eks:ListClusters", "*").Allowed);
        var arn = _account.CreatePolicy("managed", EksReadOnly);
        _account.IamCall("AttachUserPolicy", new JsonObject { ["UserName"] = "bob", ["PolicyArn"] = arn });
        _account.IamCall("DeleteUserPolicy", new JsonObject { ["UserName"] = "bob", ["PolicyName"] = "p" });
        Assert.True(Check(bob, "eks:ListClusters", "*").Allowed);
        _account.IamCall("CreatePolicyVersion", new JsonObject { ["PolicyArn"] = arn, ["PolicyDocument"] = TestAccount.Allow("\"s3:*\""), ["SetAsDefault"] = true });
        Assert.False(Check(bob, "eks:ListClusters", "*").Allowed);
    }

    [Fact]
    public void Bootstrap_creates_only_the_admin_user_with_its_key_and_AdministratorAccess()
    {
        var users = _account.IamCall("ListUsers", caller: _account.Root)["Users"]!.AsArray();
        Assert.Equal(["admin"], users.Select(u => u!["UserName"]!.GetValue<string>()));
        var attached = _account.IamCall("ListAttachedUserPolicies", new JsonObject { ["UserName"] = "admin" }, _account.Root)["AttachedPolicies"]!.AsArray();
        Assert.Equal(["arn:aws:iam::aws:policy/AdministratorAccess"], attached.Select(p => p!["PolicyArn"]!.GetValue<string>()));

        Assert.True(_account.TryResolve(EmulatorOptions.DefaultAdminAccessKeyId, out var admin));
        Assert.Equal(EmulatorOptions.DefaultAdminSecretAccessKey, admin.SecretAccessKey);
        Assert.Equal(TestAccount.Arn("user/admin"), admin.Caller.Arn);
        Assert.Empty(_account.IamCall("ListRoles")["Roles"]!.AsArray());
        Assert.Empty(_account.IamCall("ListPolicies", new JsonObject { ["Scope"] = "Local" })["Policies"]!.AsArray());
        Assert.Empty(_account.IamCall("ListGroups")["Groups"]!.AsArray());
        Assert.Empty(_account.IamCall("ListAccessKeys", caller: _account.Root)["AccessKeyMetadata"]!.AsArray());
    }

    [Fact]
    public void Authorization_is_fast_once_policies_are_compiled()
    {
        var bob = _account.UserWithKey("bob", EksReadOnly);
        var request = new AuthorizationRequest("eks:DescribeCluster", ClusterArn);
        var context = _account.Context(bob);
        for (var i = 0; i < 200; i++) _account.Authorize(request, context);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        const int calls = 2000;
        for (var i = 0; i < calls; i++) Assert.True(_account.Authorize(request, context).Allowed);
        // A generous bound for a shared CI machine; typical cost is a few microseconds per call.
        Assert.True(watch.Elapsed.TotalMilliseconds / calls < 1.0, $"{watch.Elapsed.TotalMilliseconds / calls:F3} ms per call");
    }
}
