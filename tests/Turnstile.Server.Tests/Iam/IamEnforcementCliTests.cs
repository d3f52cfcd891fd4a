using System.Text.Json;
using Turnstile.Server.Tests.EndToEnd;

namespace Turnstile.Server.Tests.Iam;

/// <summary>
/// Policy enforcement as a least-privileged CLI user meets it: AccessDenied lines for implicit and explicit denials,
/// and conditions evaluated end to end (requested region, source IP, resource and request tags).
/// </summary>
public class IamEnforcementCliTests(IamStsCliFixture aws) : IClassFixture<IamStsCliFixture>
{
    private static string Arn(string resource) => IamStsCliFixture.Arn(resource);

    private static string?[] Names(JsonElement list, string member) => IamStsCliFixture.Names(list, member);

    private const string Ec2Trust =
        """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";

    /// <summary>A new user with only <paramref name="policy"/> (inline) and an access key.</summary>
    private async Task<AwsCliCredentials> UserWith(string name, string policy, string path = "/")
    {
        await aws.Ok("iam", "create-user", "--user-name", name, "--path", path);
        await aws.Ok("iam", "put-user-policy", "--user-name", name, "--policy-name", "only", "--policy-document", policy);
        return IamStsCliFixture.KeyOf(await aws.Ok("iam", "create-access-key", "--user-name", name));
    }

    private static string Denied(string operation, string user, string action, string resource) =>
        $"An error occurred (AccessDenied) when calling the {operation} operation: User: {Arn("user/" + user)} is not authorized to perform: {action} on resource: {resource} because no identity-based policy allows the {action} action";

    [AwsCliFact]
    public async Task A_least_privileged_user_is_denied_everything_else_with_the_resource_named()
    {
        var reader = await UserWith("reader", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GetUser","iam:ListAccessKeys"],"Resource":"arn:aws:iam::*:user/${aws:username}"}]}""");
        Assert.Equal("reader", (await aws.Ok(reader, "iam", "get-user")).GetProperty("User").GetProperty("UserName").GetString());
        Assert.Equal([reader.AccessKeyId], Names((await aws.Ok(reader, "iam", "list-access-keys")).GetProperty("AccessKeyMetadata"), "AccessKeyId"));
        // GetCallerIdentity needs no permission.
        Assert.Equal(Arn("user/reader"), (await aws.Ok(reader, "sts", "get-caller-identity")).GetProperty("Arn").GetString());

        Assert.Equal(Denied("GetUser", "reader", "iam:GetUser", "user admin"), await aws.Fails(reader, "iam", "get-user", "--user-name", "admin"));
        Assert.Equal(Denied("ListUsers", "reader", "iam:ListUsers", Arn("user/")), await aws.Fails(reader, "iam", "list-users"));
        Assert.Equal(Denied("ListRoles", "reader", "iam:ListRoles", Arn("role/eks/")), await aws.Fails(reader, "iam", "list-roles", "--path-prefix", "/eks/"));
        Assert.Equal(Denied("CreateUser", "reader", "iam:CreateUser", "user mallory"), await aws.Fails(reader, "iam", "create-user", "--user-name", "mallory"));
        Assert.Equal(Denied("CreateAccessKey", "reader", "iam:CreateAccessKey", "user reader"), await aws.Fails(reader, "iam", "create-access-key"));
        Assert.Equal(Denied("DeleteRole", "reader", "iam:DeleteRole", "role anything"), await aws.Fails(reader, "iam", "delete-role", "--role-name", "anything"));
        Assert.Equal(Denied("GetInstanceProfile", "reader", "iam:GetInstanceProfile", "instance profile web"),
            await aws.Fails(reader, "iam", "get-instance-profile", "--instance-profile-name", "web"));
        Assert.Equal(Denied("GetPolicy", "reader", "iam:GetPolicy", "policy arn:aws:iam::aws:policy/ReadOnlyAccess"),
            await aws.Fails(reader, "iam", "get-policy", "--policy-arn", "arn:aws:iam::aws:policy/ReadOnlyAccess"));
        Assert.Equal(Denied("ListPolicies", "reader", "iam:ListPolicies", "*"), await aws.Fails(reader, "iam", "list-policies"));
        Assert.Equal(Denied("GetAccountSummary", "reader", "iam:GetAccountSummary", "*"), await aws.Fails(reader, "iam", "get-account-summary"));
        Assert.Equal(Denied("GetAccessKeyInfo", "reader", "sts:GetAccessKeyInfo", "*"),
            await aws.Fails(reader, "sts", "get-access-key-info", "--access-key-id", reader.AccessKeyId));
        // The user cannot widen its own permissions.
        Assert.Equal(Denied("PutUserPolicy", "reader", "iam:PutUserPolicy", "user reader"),
            await aws.Fails(reader, "iam", "put-user-policy", "--user-name", "reader", "--policy-name", "more", "--policy-document",
                """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"""));
    }

    [AwsCliFact]
    public async Task An_explicit_deny_wins_and_names_the_denying_managed_policy()
    {
        var denyArn = (await aws.Ok("iam", "create-policy", "--policy-name", "no-user-deletes", "--policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:DeleteUser","Resource":"*"}]}""")).GetProperty("Policy").GetProperty("Arn").GetString()!;
        await aws.Ok("iam", "create-user", "--user-name", "operator");
        await aws.Ok("iam", "attach-user-policy", "--user-name", "operator", "--policy-arn", "arn:aws:iam::aws:policy/IAMFullAccess");
        await aws.Ok("iam", "attach-user-policy", "--user-name", "operator", "--policy-arn", denyArn);
        await aws.Ok("iam", "put-user-policy", "--user-name", "operator", "--policy-name", "no-group-deletes", "--policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:DeleteGroup","Resource":"*"}]}""");
        var op = IamStsCliFixture.KeyOf(await aws.Ok("iam", "create-access-key", "--user-name", "operator"));

        await aws.Ok(op, "iam", "create-user", "--user-name", "victim");
        await aws.Ok(op, "iam", "create-group", "--group-name", "victims");
        Assert.Equal(
            $"An error occurred (AccessDenied) when calling the DeleteUser operation: User: {Arn("user/operator")} is not authorized to perform: iam:DeleteUser on resource: user victim with an explicit deny in an identity-based policy: {denyArn}",
            await aws.Fails(op, "iam", "delete-user", "--user-name", "victim"));
        Assert.Equal(
            $"An error occurred (AccessDenied) when calling the DeleteGroup operation: User: {Arn("user/operator")} is not authorized to perform: iam:DeleteGroup on resource: group victims with an explicit deny in an identity-based policy",
            await aws.Fails(op, "iam", "delete-group", "--group-name", "victims"));

        await aws.Ok("iam", "detach-user-policy", "--user-name", "operator", "--policy-arn", denyArn);
        await aws.Ok(op, "iam", "delete-user", "--user-name", "victim");
    }

    [AwsCliFact]
    public async Task Requested_region_and_source_ip_conditions_are_evaluated_per_call()
    {
        var regional = await UserWith("regional", """
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":["iam:ListUsers","sts:GetAccessKeyInfo"],"Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-central-1"}}},
              {"Effect":"Allow","Action":"iam:GetUser","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"127.0.0.1/32"}}},
              {"Effect":"Allow","Action":"iam:ListRoles","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"127.0.0.1/32"}}}]}
            """, path: "/regional/");

        // The region the CLI signs for is the requested region.
        Assert.Equal(["regional"],
            Names((await aws.Ok(regional, "iam", "list-users", "--path-prefix", "/regional/", "--region", "eu-central-1")).GetProperty("Users"), "UserName"));
        Assert.Equal(Denied("ListUsers", "regional/regional", "iam:ListUsers", Arn("user/regional/")),
            await aws.Fails(regional, "iam", "list-users", "--path-prefix", "/regional/", "--region", "us-west-2"));
        Assert.Equal(IamStsCliFixture.Account,
            (await aws.Ok(regional, "sts", "get-access-key-info", "--access-key-id", regional.AccessKeyId, "--region", "eu-central-1")).GetProperty("Account").GetString());
        Assert.Equal(Denied("GetAccessKeyInfo", "regional/regional", "sts:GetAccessKeyInfo", "*"),
            await aws.Fails(regional, "sts", "get-access-key-info", "--access-key-id", regional.AccessKeyId, "--region", "ap-south-1"));

        // The CLI connects from loopback.
        Assert.Equal("regional", (await aws.Ok(regional, "iam", "get-user")).GetProperty("User").GetProperty("UserName").GetString());
        Assert.Equal(Denied("ListRoles", "regional/regional", "iam:ListRoles", Arn("role/")), await aws.Fails(regional, "iam", "list-roles"));
    }

    [AwsCliFact]
    public async Task Resource_and_request_tag_conditions_are_evaluated_per_call()
    {
        var tagger = await UserWith("tagger", """
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"iam:GetRole","Resource":"*","Condition":{"StringEquals":{"iam:ResourceTag/team":"blue"}}},
              {"Effect":"Allow","Action":"iam:CreateRole","Resource":"*","Condition":{"StringEquals":{"aws:RequestTag/team":"blue"},"ForAllValues:StringEquals":{"aws:TagKeys":["team"]}}}]}
            """);
        await aws.Ok("iam", "create-role", "--role-name", "blue-role", "--assume-role-policy-document", Ec2Trust, "--tags", "Key=team,Value=blue");
        await aws.Ok("iam", "create-role", "--role-name", "red-role", "--assume-role-policy-document", Ec2Trust, "--tags", "Key=team,Value=red");

        Assert.Equal("blue-role", (await aws.Ok(tagger, "iam", "get-role", "--role-name", "blue-role")).GetProperty("Role").GetProperty("RoleName").GetString());
        Assert.Equal(Denied("GetRole", "tagger", "iam:GetRole", "role red-role"), await aws.Fails(tagger, "iam", "get-role", "--role-name", "red-role"));
        // Retagging the role changes the outcome of the next call.
        await aws.Ok("iam", "tag-role", "--role-name", "red-role", "--tags", "Key=team,Value=blue");
        await aws.Ok(tagger, "iam", "get-role", "--role-name", "red-role");

        await aws.Ok(tagger, "iam", "create-role", "--role-name", "tagged-blue", "--assume-role-policy-document", Ec2Trust, "--tags", "Key=team,Value=blue");
        Assert.Equal(Denied("CreateRole", "tagger", "iam:CreateRole", "role untagged"),
            await aws.Fails(tagger, "iam", "create-role", "--role-name", "untagged", "--assume-role-policy-document", Ec2Trust));
        Assert.Equal(Denied("CreateRole", "tagger", "iam:CreateRole", "role extra-tag"),
            await aws.Fails(tagger, "iam", "create-role", "--role-name", "extra-tag", "--assume-role-policy-document", Ec2Trust,
                "--tags", "Key=team,Value=blue", "Key=cost,Value=1"));
    }
}
