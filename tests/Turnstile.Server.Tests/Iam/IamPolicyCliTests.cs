using System.Text.Json;
using Turnstile.Server.Tests.EndToEnd;

namespace Turnstile.Server.Tests.Iam;

/// <summary>Managed policies through the aws CLI: documents as printed, versions and their quota, permissions boundaries, errors.</summary>
public class IamPolicyCliTests(IamStsCliFixture aws) : IClassFixture<IamStsCliFixture>
{
    private static string Arn(string resource) => IamStsCliFixture.Arn(resource);

    private static string?[] Names(JsonElement list, string member) => IamStsCliFixture.Names(list, member);

    private static string Statement(string action) =>
        $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"{{action}}","Resource":"*"}]}""";

    [AwsCliFact]
    public async Task Policy_documents_come_back_as_json_objects_exactly_as_submitted()
    {
        // Spaces, '+', '%', '&', '=' and non-ASCII survive the query protocol's percent-encoding and botocore's decoding.
        const string document = """
            {
              "Version": "2012-10-17",
              "Statement": [{"Sid": "Odd1", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
                "Resource": "arn:aws:s3:::bucket/a+b c%20d/é*",
                "Condition": {"StringEquals": {"aws:PrincipalTag/team": "blue team & co=1"}}}]
            }
            """;
        var created = (await aws.Ok("iam", "create-policy", "--policy-name", "odd", "--path", "/docs/", "--description", "odd characters",
            "--policy-document", document)).GetProperty("Policy");
        var arn = created.GetProperty("Arn").GetString()!;
        Assert.Equal(Arn("policy/docs/odd"), arn);
        Assert.Equal("v1", created.GetProperty("DefaultVersionId").GetString());
        Assert.Equal(0, created.GetProperty("AttachmentCount").GetInt32());
        Assert.True(created.GetProperty("IsAttachable").GetBoolean());

        var version = (await aws.Ok("iam", "get-policy-version", "--policy-arn", arn, "--version-id", "v1")).GetProperty("PolicyVersion");
        Assert.Equal(JsonValueKind.Object, version.GetProperty("Document").ValueKind);
        IamStsCliFixture.AssertJson(document, version.GetProperty("Document"));
        Assert.Equal("v1", version.GetProperty("VersionId").GetString());
        Assert.True(version.GetProperty("IsDefaultVersion").GetBoolean());

        var policy = (await aws.Ok("iam", "get-policy", "--policy-arn", arn)).GetProperty("Policy");
        Assert.Equal("odd characters", policy.GetProperty("Description").GetString());
        Assert.Equal("/docs/", policy.GetProperty("Path").GetString());
        Assert.StartsWith("ANPA", policy.GetProperty("PolicyId").GetString());

        // The same for inline policies and trust policies.
        await aws.Ok("iam", "create-user", "--user-name", "doc-user");
        await aws.Ok("iam", "put-user-policy", "--user-name", "doc-user", "--policy-name", "odd", "--policy-document", document);
        IamStsCliFixture.AssertJson(document,
            (await aws.Ok("iam", "get-user-policy", "--user-name", "doc-user", "--policy-name", "odd")).GetProperty("PolicyDocument"));
        const string trust = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringLike":{"aws:userid":"A B+C%*"}}}]}""";
        await aws.Ok("iam", "create-role", "--role-name", "doc-role", "--assume-role-policy-document", trust);
        IamStsCliFixture.AssertJson(trust, (await aws.Ok("iam", "get-role", "--role-name", "doc-role")).GetProperty("Role").GetProperty("AssumeRolePolicyDocument"));

        // AWS managed policies print their catalogue document.
        var admin = (await aws.Ok("iam", "get-policy-version", "--policy-arn", "arn:aws:iam::aws:policy/AdministratorAccess", "--version-id", "v1"))
            .GetProperty("PolicyVersion");
        IamStsCliFixture.AssertJson("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""", admin.GetProperty("Document"));
    }

    [AwsCliFact]
    public async Task Versions_are_limited_to_five_and_the_default_cannot_be_deleted()
    {
        var arn = (await aws.Ok("iam", "create-policy", "--policy-name", "versioned", "--policy-document", Statement("s3:GetObject")))
            .GetProperty("Policy").GetProperty("Arn").GetString()!;
        for (var n = 2; n <= 5; n++)
        {
            var created = (await aws.Ok("iam", "create-policy-version", "--policy-arn", arn, "--policy-document", Statement($"s3:Get{n}"))).GetProperty("PolicyVersion");
            Assert.Equal($"v{n}", created.GetProperty("VersionId").GetString());
            Assert.False(created.GetProperty("IsDefaultVersion").GetBoolean());
            Assert.False(created.TryGetProperty("Document", out _));
        }
        Assert.Equal("An error occurred (LimitExceeded) when calling the CreatePolicyVersion operation: A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.",
            await aws.Fails("iam", "create-policy-version", "--policy-arn", arn, "--policy-document", Statement("s3:Get6")));

        var versions = (await aws.Ok("iam", "list-policy-versions", "--policy-arn", arn)).GetProperty("Versions");
        Assert.Equal(["v5", "v4", "v3", "v2", "v1"], Names(versions, "VersionId"));
        Assert.Equal([false, false, false, false, true], versions.EnumerateArray().Select(v => v.GetProperty("IsDefaultVersion").GetBoolean()));

        await aws.Ok("iam", "set-default-policy-version", "--policy-arn", arn, "--version-id", "v4");
        Assert.Equal("v4", (await aws.Ok("iam", "get-policy", "--policy-arn", arn)).GetProperty("Policy").GetProperty("DefaultVersionId").GetString());
        var v4 = (await aws.Ok("iam", "get-policy-version", "--policy-arn", arn, "--version-id", "v4")).GetProperty("PolicyVersion");
        Assert.True(v4.GetProperty("IsDefaultVersion").GetBoolean());
        IamStsCliFixture.AssertJson(Statement("s3:Get4"), v4.GetProperty("Document"));

        Assert.Equal("An error occurred (DeleteConflict) when calling the DeletePolicyVersion operation: Cannot delete the default version of a policy.",
            await aws.Fails("iam", "delete-policy-version", "--policy-arn", arn, "--version-id", "v4"));
        Assert.Equal($"An error occurred (NoSuchEntity) when calling the DeletePolicyVersion operation: Policy {arn} version v9 does not exist or is not attachable.",
            await aws.Fails("iam", "delete-policy-version", "--policy-arn", arn, "--version-id", "v9"));
        Assert.Equal($"An error occurred (NoSuchEntity) when calling the SetDefaultPolicyVersion operation: Policy {arn} version v9 does not exist or is not attachable.",
            await aws.Fails("iam", "set-default-policy-version", "--policy-arn", arn, "--version-id", "v9"));
        Assert.Equal($"An error occurred (NoSuchEntity) when calling the GetPolicyVersion operation: Policy {arn} version v9 does not exist or is not attachable.",
            await aws.Fails("iam", "get-policy-version", "--policy-arn", arn, "--version-id", "v9"));

        // Deleting one makes room; numbering continues after the highest number ever used.
        await aws.Ok("iam", "delete-policy-version", "--policy-arn", arn, "--version-id", "v1");
        var v6 = (await aws.Ok("iam", "create-policy-version", "--policy-arn", arn, "--policy-document", Statement("s3:Get6"), "--set-as-default"))
            .GetProperty("PolicyVersion");
        Assert.Equal("v6", v6.GetProperty("VersionId").GetString());
        Assert.True(v6.GetProperty("IsDefaultVersion").GetBoolean());

        Assert.Equal("An error occurred (DeleteConflict) when calling the DeletePolicy operation: This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
            await aws.Fails("iam", "delete-policy", "--policy-arn", arn));
        foreach (var old in new[] { "v2", "v3", "v4", "v5" })
            await aws.Ok("iam", "delete-policy-version", "--policy-arn", arn, "--version-id", old);
        await aws.Ok("iam", "delete-policy", "--policy-arn", arn);
        Assert.Equal($"An error occurred (NoSuchEntity) when calling the GetPolicy operation: Policy {arn} was not found.",
            await aws.Fails("iam", "get-policy", "--policy-arn", arn));
        Assert.Equal($"An error occurred (NoSuchEntity) when calling the ListPolicyVersions operation: Policy {arn} was not found.",
            await aws.Fails("iam", "list-policy-versions", "--policy-arn", arn));
    }

    [AwsCliFact]
    public async Task Malformed_duplicate_and_aws_managed_policies_are_refused()
    {
        Assert.Equal("An error occurred (MalformedPolicyDocument) when calling the CreatePolicy operation: Syntax errors in policy.",
            await aws.Fails("iam", "create-policy", "--policy-name", "bad", "--policy-document", "{not json"));
        Assert.Equal("An error occurred (MalformedPolicyDocument) when calling the CreatePolicy operation: Policy statement must contain resources.",
            await aws.Fails("iam", "create-policy", "--policy-name", "bad", "--policy-document",
                """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*"}]}"""));
        Assert.Equal("An error occurred (InvalidInput) when calling the GetPolicy operation: ARN not-an-arn-at-all-really is not valid.",
            await aws.Fails("iam", "get-policy", "--policy-arn", "not-an-arn-at-all-really"));

        var unique = (await aws.Ok("iam", "create-policy", "--policy-name", "unique", "--policy-document", Statement("s3:GetObject")))
            .GetProperty("Policy").GetProperty("Arn").GetString()!;
        Assert.Equal("An error occurred (EntityAlreadyExists) when calling the CreatePolicy operation: A policy called UNIQUE already exists. Duplicate names are not allowed.",
            await aws.Fails("iam", "create-policy", "--policy-name", "UNIQUE", "--policy-document", Statement("s3:GetObject")));
        Assert.Equal("An error occurred (MalformedPolicyDocument) when calling the CreatePolicyVersion operation: Syntax errors in policy.",
            await aws.Fails("iam", "create-policy-version", "--policy-arn", unique, "--policy-document", "[]"));

        // AWS managed policies belong to AWS: the account cannot change or delete them.
        const string readOnly = "arn:aws:iam::aws:policy/ReadOnlyAccess";
        Assert.Equal($"An error occurred (AccessDenied) when calling the DeletePolicy operation: User: {Arn("user/admin")} is not authorized to perform: iam:DeletePolicy on resource: policy {readOnly}",
            await aws.Fails("iam", "delete-policy", "--policy-arn", readOnly));
        Assert.Equal($"An error occurred (AccessDenied) when calling the CreatePolicyVersion operation: User: {Arn("user/admin")} is not authorized to perform: iam:CreatePolicyVersion on resource: policy {readOnly}",
            await aws.Fails("iam", "create-policy-version", "--policy-arn", readOnly, "--policy-document", Statement("s3:GetObject")));
        Assert.Equal($"An error occurred (AccessDenied) when calling the TagPolicy operation: User: {Arn("user/admin")} is not authorized to perform: iam:TagPolicy on resource: policy {readOnly}",
            await aws.Fails("iam", "tag-policy", "--policy-arn", readOnly, "--tags", "Key=k,Value=v"));
        var aws1 = (await aws.Ok("iam", "list-policy-versions", "--policy-arn", readOnly)).GetProperty("Versions");
        Assert.Equal(1, aws1.GetArrayLength());
        Assert.True(aws1[0].GetProperty("IsDefaultVersion").GetBoolean());
        var awsPolicy = (await aws.Ok("iam", "get-policy", "--policy-arn", readOnly)).GetProperty("Policy");
        Assert.Equal("ReadOnlyAccess", awsPolicy.GetProperty("PolicyName").GetString());
        Assert.Equal("/", awsPolicy.GetProperty("Path").GetString());
        Assert.Equal(0, (await aws.Ok("iam", "list-policy-tags", "--policy-arn", readOnly)).GetProperty("Tags").GetArrayLength());
    }

    [AwsCliFact]
    public async Task Permissions_boundaries_limit_users_and_roles()
    {
        var boundary = (await aws.Ok("iam", "create-policy", "--policy-name", "read-iam-users", "--policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:ListUsers","iam:GetUser","sts:AssumeRole"],"Resource":"*"}]}"""))
            .GetProperty("Policy").GetProperty("Arn").GetString()!;
        await aws.Ok("iam", "create-user", "--user-name", "bounded", "--permissions-boundary", boundary);
        await aws.Ok("iam", "attach-user-policy", "--user-name", "bounded", "--policy-arn", "arn:aws:iam::aws:policy/IAMFullAccess");
        var user = (await aws.Ok("iam", "get-user", "--user-name", "bounded")).GetProperty("User");
        IamStsCliFixture.AssertJson($$"""{"PermissionsBoundaryType":"PermissionsBoundaryPolicy","PermissionsBoundaryArn":"{{boundary}}"}""",
            user.GetProperty("PermissionsBoundary"));
        var bounded = IamStsCliFixture.KeyOf(await aws.Ok("iam", "create-access-key", "--user-name", "bounded"));
        var listRolesDenied =
            $"An error occurred (AccessDenied) when calling the ListRoles operation: User: {Arn("user/bounded")} is not authorized to perform: iam:ListRoles on resource: {Arn("role/")} because no permissions boundary allows the iam:ListRoles action";

        // IAMFullAccess allows ListRoles, the boundary does not; both allow ListUsers.
        await aws.Ok(bounded, "iam", "list-users");
        Assert.Equal(listRolesDenied, await aws.Fails(bounded, "iam", "list-roles"));

        var entities = await aws.Ok("iam", "list-entities-for-policy", "--policy-arn", boundary, "--policy-usage-filter", "PermissionsBoundary");
        Assert.Equal(["bounded"], Names(entities.GetProperty("PolicyUsers"), "UserName"));
        Assert.Equal(0, (await aws.Ok("iam", "list-entities-for-policy", "--policy-arn", boundary)).GetProperty("PolicyUsers").GetArrayLength());
        var used = (await aws.Ok("iam", "get-policy", "--policy-arn", boundary)).GetProperty("Policy");
        Assert.Equal(1, used.GetProperty("PermissionsBoundaryUsageCount").GetInt32());
        Assert.Equal(0, used.GetProperty("AttachmentCount").GetInt32());
        Assert.Equal("An error occurred (DeleteConflict) when calling the DeletePolicy operation: Cannot delete a policy attached to entities.",
            await aws.Fails("iam", "delete-policy", "--policy-arn", boundary));

        await aws.Ok("iam", "delete-user-permissions-boundary", "--user-name", "bounded");
        Assert.False((await aws.Ok("iam", "get-user", "--user-name", "bounded")).GetProperty("User").TryGetProperty("PermissionsBoundary", out _));
        await aws.Ok(bounded, "iam", "list-roles");
        await aws.Ok("iam", "put-user-permissions-boundary", "--user-name", "bounded", "--permissions-boundary", boundary);
        Assert.Equal(listRolesDenied, await aws.Fails(bounded, "iam", "list-roles"));

        // Roles: the boundary also limits the role's sessions.
        await aws.Ok("iam", "create-role", "--role-name", "bounded-role", "--assume-role-policy-document", IamStsCliFixture.TrustPolicy(Arn("user/bounded")));
        await aws.Ok("iam", "attach-role-policy", "--role-name", "bounded-role", "--policy-arn", "arn:aws:iam::aws:policy/IAMReadOnlyAccess");
        await aws.Ok("iam", "put-role-permissions-boundary", "--role-name", "bounded-role", "--permissions-boundary", boundary);
        Assert.Equal(boundary, (await aws.Ok("iam", "get-role", "--role-name", "bounded-role")).GetProperty("Role")
            .GetProperty("PermissionsBoundary").GetProperty("PermissionsBoundaryArn").GetString());
        var session = IamStsCliFixture.SessionOf(await aws.Ok(bounded, "sts", "assume-role", "--role-arn", Arn("role/bounded-role"), "--role-session-name", "b1"));
        await aws.Ok(session, "iam", "list-users");
        Assert.Equal(
            $"An error occurred (AccessDenied) when calling the ListRoles operation: User: {IamStsCliFixture.AssumedRoleArn("bounded-role", "b1")} is not authorized to perform: iam:ListRoles on resource: {Arn("role/")} because no permissions boundary allows the iam:ListRoles action",
            await aws.Fails(session, "iam", "list-roles"));
        await aws.Ok("iam", "delete-role-permissions-boundary", "--role-name", "bounded-role");
        await aws.Ok(session, "iam", "list-roles");
        Assert.False((await aws.Ok("iam", "get-role", "--role-name", "bounded-role")).GetProperty("Role").TryGetProperty("PermissionsBoundary", out _));

        Assert.Equal($"An error occurred (NoSuchEntity) when calling the PutRolePermissionsBoundary operation: Policy {Arn("policy/nope")} does not exist or is not attachable.",
            await aws.Fails("iam", "put-role-permissions-boundary", "--role-name", "bounded-role", "--permissions-boundary", Arn("policy/nope")));
        Assert.Equal("An error occurred (NoSuchEntity) when calling the PutUserPermissionsBoundary operation: The user with name ghost cannot be found.",
            await aws.Fails("iam", "put-user-permissions-boundary", "--user-name", "ghost", "--permissions-boundary", boundary));
    }
}
