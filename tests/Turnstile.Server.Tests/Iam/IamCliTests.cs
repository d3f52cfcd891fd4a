using System.Text.Json;
using Turnstile.Server.Tests.EndToEnd;

namespace Turnstile.Server.Tests.Iam;

/// <summary>The unmodified aws CLI against the real IAM service: every operation family, errors as users see them.</summary>
public class IamCliTests(IamStsCliFixture aws) : IClassFixture<IamStsCliFixture>
{
    private static string Arn(string resource) => IamStsCliFixture.Arn(resource);

    private static string?[] Names(JsonElement list, string member) => IamStsCliFixture.Names(list, member);

    [AwsCliFact]
    public async Task Users_access_keys_and_their_enforcement()
    {
        var created = await aws.Ok("iam", "create-user", "--user-name", "alice", "--path", "/eng/", "--tags", "Key=team,Value=blue");
        Assert.Equal(Arn("user/eng/alice"), created.GetProperty("User").GetProperty("Arn").GetString());
        Assert.StartsWith("AIDA", created.GetProperty("User").GetProperty("UserId").GetString());

        Assert.Equal("An error occurred (EntityAlreadyExists) when calling the CreateUser operation: User with name ALICE already exists.",
            await aws.Fails("iam", "create-user", "--user-name", "ALICE"));
        Assert.Equal("An error occurred (NoSuchEntity) when calling the GetUser operation: The user with name nobody cannot be found.",
            await aws.Fails("iam", "get-user", "--user-name", "nobody"));

        var self = await aws.Ok("iam", "get-user");
        Assert.Equal("admin", self.GetProperty("User").GetProperty("UserName").GetString());
        var fetched = await aws.Ok("iam", "get-user", "--user-name", "Alice");
        Assert.Equal("blue", fetched.GetProperty("User").GetProperty("Tags")[0].GetProperty("Value").GetString());
        Assert.Equal(["alice"], Names((await aws.Ok("iam", "list-users", "--path-prefix", "/eng/")).GetProperty("Users"), "UserName"));

        var alice = IamStsCliFixture.KeyOf(await aws.Ok("iam", "create-access-key", "--user-name", "alice"));
        Assert.Matches("^AKIA[A-Z2-7]{16}$", alice.AccessKeyId);
        var identity = await aws.Ok(alice, "sts", "get-caller-identity");
        Assert.Equal(Arn("user/eng/alice"), identity.GetProperty("Arn").GetString());

        Assert.Equal(
            $"An error occurred (AccessDenied) when calling the ListUsers operation: User: {Arn("user/eng/alice")} is not authorized to perform: iam:ListUsers on resource: {Arn("user/")} because no identity-based policy allows the iam:ListUsers action",
            await aws.Fails(alice, "iam", "list-users"));

        await aws.Ok("iam", "put-user-policy", "--user-name", "alice", "--policy-name", "self-keys", "--policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*AccessKey*","iam:GetUser"],"Resource":"arn:aws:iam::*:user/eng/${aws:username}"}]}""");
        var policy = await aws.Ok("iam", "get-user-policy", "--user-name", "alice", "--policy-name", "self-keys");
        Assert.Equal(JsonValueKind.Object, policy.GetProperty("PolicyDocument").ValueKind);
        Assert.Equal(["self-keys"], (await aws.Ok("iam", "list-user-policies", "--user-name", "alice")).GetProperty("PolicyNames").EnumerateArray().Select(e => e.GetString()));

        var second = IamStsCliFixture.KeyOf(await aws.Ok(alice, "iam", "create-access-key"));
        Assert.Equal("An error occurred (LimitExceeded) when calling the CreateAccessKey operation: Cannot exceed quota for AccessKeysPerUser: 2",
            await aws.Fails(alice, "iam", "create-access-key"));
        var keys = await aws.Ok(alice, "iam", "list-access-keys");
        Assert.Equal(2, keys.GetProperty("AccessKeyMetadata").GetArrayLength());
        var lastUsed = await aws.Ok("iam", "get-access-key-last-used", "--access-key-id", alice.AccessKeyId);
        Assert.Equal("alice", lastUsed.GetProperty("UserName").GetString());
        Assert.Equal("iam", lastUsed.GetProperty("AccessKeyLastUsed").GetProperty("ServiceName").GetString());
        Assert.Equal(aws.Region, lastUsed.GetProperty("AccessKeyLastUsed").GetProperty("Region").GetString());
        var unused = (await aws.Ok("iam", "get-access-key-last-used", "--access-key-id", second.AccessKeyId)).GetProperty("AccessKeyLastUsed");
        Assert.Equal("N/A", unused.GetProperty("ServiceName").GetString());
        Assert.Equal("N/A", unused.GetProperty("Region").GetString());
        Assert.False(unused.TryGetProperty("LastUsedDate", out _));

        await aws.Ok(alice, "iam", "update-access-key", "--access-key-id", second.AccessKeyId, "--status", "Inactive");
        Assert.Equal("An error occurred (InvalidClientTokenId) when calling the GetCallerIdentity operation: The security token included in the request is invalid.",
            await aws.Fails(second, "sts", "get-caller-identity"));

        Assert.Equal("An error occurred (DeleteConflict) when calling the DeleteUser operation: Cannot delete entity, must delete policies first.",
            await aws.Fails("iam", "delete-user", "--user-name", "alice"));
        await aws.Ok("iam", "delete-user-policy", "--user-name", "alice", "--policy-name", "self-keys");
        Assert.Equal("An error occurred (DeleteConflict) when calling the DeleteUser operation: Cannot delete entity, must delete access keys first.",
            await aws.Fails("iam", "delete-user", "--user-name", "alice"));
        await aws.Ok("iam", "delete-access-key", "--user-name", "alice", "--access-key-id", alice.AccessKeyId);
        await aws.Ok("iam", "delete-access-key", "--user-name", "alice", "--access-key-id", second.AccessKeyId);
        await aws.Ok("iam", "update-user", "--user-name", "alice", "--new-user-name", "alicia");
        await aws.Ok("iam", "delete-user", "--user-name", "alicia");
        Assert.Equal("An error occurred (NoSuchEntity) when calling the GetUser operation: The user with name alicia cannot be found.",
            await aws.Fails("iam", "get-user", "--user-name", "alicia"));
    }

    [AwsCliFact]
    public async Task Roles_managed_policies_and_versions()
    {
        var trust = IamStsCliFixture.TrustPolicy(Arn("root"));
        var role = await aws.Ok("iam", "create-role", "--role-name", "node", "--path", "/eks/", "--assume-role-policy-document", trust,
            "--description", "nodes", "--max-session-duration", "7200");
        Assert.Equal(Arn("role/eks/node"), role.GetProperty("Role").GetProperty("Arn").GetString());

        // botocore url-decodes and parses policy documents: the CLI prints objects, not strings.
        var got = (await aws.Ok("iam", "get-role", "--role-name", "node")).GetProperty("Role");
        Assert.Equal("sts:AssumeRole", got.GetProperty("AssumeRolePolicyDocument").GetProperty("Statement")[0].GetProperty("Action").GetString());
        Assert.Equal(7200, got.GetProperty("MaxSessionDuration").GetInt32());
        Assert.Equal(["node"], Names((await aws.Ok("iam", "list-roles", "--path-prefix", "/eks/")).GetProperty("Roles"), "RoleName"));

        Assert.Equal("An error occurred (MalformedPolicyDocument) when calling the CreateRole operation: Missing required field Principal",
            await aws.Fails("iam", "create-role", "--role-name", "bad", "--assume-role-policy-document",
                """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}"""));

        await aws.Ok("iam", "update-role", "--role-name", "node", "--max-session-duration", "3600");
        var described = await aws.Ok("iam", "update-role-description", "--role-name", "node", "--description", "worker nodes");
        Assert.Equal("worker nodes", described.GetProperty("Role").GetProperty("Description").GetString());
        Assert.Equal(3600, described.GetProperty("Role").GetProperty("MaxSessionDuration").GetInt32());
        const string ec2Trust = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";
        await aws.Ok("iam", "update-assume-role-policy", "--role-name", "node", "--policy-document", ec2Trust);
        IamStsCliFixture.AssertJson(ec2Trust, (await aws.Ok("iam", "get-role", "--role-name", "node")).GetProperty("Role").GetProperty("AssumeRolePolicyDocument"));
        Assert.Equal("An error occurred (ValidationError) when calling the UpdateRole operation: 1 validation error detected: Value '43201' at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200",
            await aws.Fails("iam", "update-role", "--role-name", "node", "--max-session-duration", "43201"));

        var policy = (await aws.Ok("iam", "create-policy", "--policy-name", "eks-read", "--policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["eks:Describe*","eks:List*"],"Resource":"*"}]}""")).GetProperty("Policy");
        var policyArn = policy.GetProperty("Arn").GetString()!;
        Assert.Equal(Arn("policy/eks-read"), policyArn);
        Assert.StartsWith("ANPA", policy.GetProperty("PolicyId").GetString());

        await aws.Ok("iam", "attach-role-policy", "--role-name", "node", "--policy-arn", policyArn);
        await aws.Ok("iam", "attach-role-policy", "--role-name", "node", "--policy-arn", "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy");
        Assert.Equal(["AmazonEKSWorkerNodePolicy", "eks-read"],
            Names((await aws.Ok("iam", "list-attached-role-policies", "--role-name", "node")).GetProperty("AttachedPolicies"), "PolicyName"));
        Assert.Equal("An error occurred (NoSuchEntity) when calling the AttachRolePolicy operation: Policy arn:aws:iam::aws:policy/Nope does not exist or is not attachable.",
            await aws.Fails("iam", "attach-role-policy", "--role-name", "node", "--policy-arn", "arn:aws:iam::aws:policy/Nope"));
        Assert.Equal(1, (await aws.Ok("iam", "get-policy", "--policy-arn", policyArn)).GetProperty("Policy").GetProperty("AttachmentCount").GetInt32());
        Assert.Equal(["eks-read"], Names((await aws.Ok("iam", "list-policies", "--scope", "Local", "--only-attached")).GetProperty("Policies"), "PolicyName"));

        await aws.Ok("iam", "create-policy-version", "--policy-arn", policyArn, "--set-as-default", "--policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"eks:Describe*","Resource":"*"}]}""");
        var versions = (await aws.Ok("iam", "list-policy-versions", "--policy-arn", policyArn)).GetProperty("Versions");
        Assert.Equal(["v2", "v1"], Names(versions, "VersionId"));
        var v2 = (await aws.Ok("iam", "get-policy-version", "--policy-arn", policyArn, "--version-id", "v2")).GetProperty("PolicyVersion");
        Assert.Equal("eks:Describe*", v2.GetProperty("Document").GetProperty("Statement")[0].GetProperty("Action").GetString());
        Assert.Equal("An error occurred (DeleteConflict) when calling the DeletePolicyVersion operation: Cannot delete the default version of a policy.",
            await aws.Fails("iam", "delete-policy-version", "--policy-arn", policyArn, "--version-id", "v2"));
        await aws.Ok("iam", "set-default-policy-version", "--policy-arn", policyArn, "--version-id", "v1");
        await aws.Ok("iam", "delete-policy-version", "--policy-arn", policyArn, "--version-id", "v2");

        Assert.Equal("An error occurred (DeleteConflict) when calling the DeleteRole operation: Cannot delete entity, must detach all policies first.",
            await aws.Fails("iam", "delete-role", "--role-name", "node"));
        Assert.Equal("An error occurred (DeleteConflict) when calling the DeletePolicy operation: Cannot delete a policy attached to entities.",
            await aws.Fails("iam", "delete-policy", "--policy-arn", policyArn));
        await aws.Ok("iam", "detach-role-policy", "--role-name", "node", "--policy-arn", policyArn);
        await aws.Ok("iam", "detach-role-policy", "--role-name", "node", "--policy-arn", "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy");
        await aws.Ok("iam", "delete-policy", "--policy-arn", policyArn);
        await aws.Ok("iam", "delete-role", "--role-name", "node");
        Assert.Equal("An error occurred (NoSuchEntity) when calling the GetRole operation: The role with name node cannot be found.",
            await aws.Fails("iam", "get-role", "--role-name", "node"));
    }

    [AwsCliFact]
    public async Task Groups_instance_profiles_and_tags()
    {
        await aws.Ok("iam", "create-user", "--user-name", "gina");
        var group = await aws.Ok("iam", "create-group", "--group-name", "ops", "--path", "/teams/");
        Assert.StartsWith("AGPA", group.GetProperty("Group").GetProperty("GroupId").GetString());
        await aws.Ok("iam", "add-user-to-group", "--group-name", "ops", "--user-name", "gina");
        await aws.Ok("iam", "attach-group-policy", "--group-name", "ops", "--policy-arn", "arn:aws:iam::aws:policy/IAMReadOnlyAccess");
        await aws.Ok("iam", "put-group-policy", "--group-name", "ops", "--policy-name", "extra", "--policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"eks:List*","Resource":"*"}]}""");
        Assert.Equal(JsonValueKind.Object, (await aws.Ok("iam", "get-group-policy", "--group-name", "ops", "--policy-name", "extra")).GetProperty("PolicyDocument").ValueKind);
        Assert.Equal(["extra"], (await aws.Ok("iam", "list-group-policies", "--group-name", "ops")).GetProperty("PolicyNames").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["IAMReadOnlyAccess"], Names((await aws.Ok("iam", "list-attached-group-policies", "--group-name", "ops")).GetProperty("AttachedPolicies"), "PolicyName"));
        var members = await aws.Ok("iam", "get-group", "--group-name", "ops");
        Assert.Equal(["gina"], Names(members.GetProperty("Users"), "UserName"));
        Assert.Equal(["ops"], Names((await aws.Ok("iam", "list-groups-for-user", "--user-name", "gina")).GetProperty("Groups"), "GroupName"));
        Assert.Equal(["ops"], Names((await aws.Ok("iam", "list-groups")).GetProperty("Groups"), "GroupName"));

        // Group policies reach the member: IAMReadOnlyAccess lets gina list roles.
        var gina = IamStsCliFixture.KeyOf(await aws.Ok("iam", "create-access-key", "--user-name", "gina"));
        await aws.Ok(gina, "iam", "list-roles");
        Assert.Equal(
            $"An error occurred (AccessDenied) when calling the CreateGroup operation: User: {Arn("user/gina")} is not authorized to perform: iam:CreateGroup on resource: group x because no identity-based policy allows the iam:CreateGroup action",
            await aws.Fails(gina, "iam", "create-group", "--group-name", "x"));

        Assert.Equal("An error occurred (DeleteConflict) when calling the DeleteGroup operation: Cannot delete entity, must remove users from group first.",
            await aws.Fails("iam", "delete-group", "--group-name", "ops"));
        await aws.Ok("iam", "remove-user-from-group", "--group-name", "ops", "--user-name", "gina");
        await aws.Ok("iam", "detach-group-policy", "--group-name", "ops", "--policy-arn", "arn:aws:iam::aws:policy/IAMReadOnlyAccess");
        await aws.Ok("iam", "delete-group-policy", "--group-name", "ops", "--policy-name", "extra");
        await aws.Ok("iam", "delete-group", "--group-name", "ops");

        await aws.Ok("iam", "create-role", "--role-name", "web", "--assume-role-policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}""");
        var profile = await aws.Ok("iam", "create-instance-profile", "--instance-profile-name", "web");
        Assert.StartsWith("AIPA", profile.GetProperty("InstanceProfile").GetProperty("InstanceProfileId").GetString());
        await aws.Ok("iam", "add-role-to-instance-profile", "--instance-profile-name", "web", "--role-name", "web");
        Assert.Equal("An error occurred (LimitExceeded) when calling the AddRoleToInstanceProfile operation: Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1",
            await aws.Fails("iam", "add-role-to-instance-profile", "--instance-profile-name", "web", "--role-name", "web"));
        var gotProfile = (await aws.Ok("iam", "get-instance-profile", "--instance-profile-name", "web")).GetProperty("InstanceProfile");
        Assert.Equal(JsonValueKind.Object, gotProfile.GetProperty("Roles")[0].GetProperty("AssumeRolePolicyDocument").ValueKind);
        Assert.Equal(["web"], Names((await aws.Ok("iam", "list-instance-profiles-for-role", "--role-name", "web")).GetProperty("InstanceProfiles"), "InstanceProfileName"));
        Assert.Equal(["web"], Names((await aws.Ok("iam", "list-instance-profiles")).GetProperty("InstanceProfiles"), "InstanceProfileName"));
        Assert.Equal("An error occurred (DeleteConflict) when calling the DeleteInstanceProfile operation: Cannot delete entity, must remove roles from instance profile first.",
            await aws.Fails("iam", "delete-instance-profile", "--instance-profile-name", "web"));
        await aws.Ok("iam", "remove-role-from-instance-profile", "--instance-profile-name", "web", "--role-name", "web");
        await aws.Ok("iam", "delete-instance-profile", "--instance-profile-name", "web");

        await aws.Ok("iam", "tag-role", "--role-name", "web", "--tags", "Key=env,Value=dev", "Key=team,Value=core");
        await aws.Ok("iam", "untag-role", "--role-name", "web", "--tag-keys", "env");
        Assert.Equal(["team"], Names((await aws.Ok("iam", "list-role-tags", "--role-name", "web")).GetProperty("Tags"), "Key"));
        await aws.Ok("iam", "tag-user", "--user-name", "gina", "--tags", "Key=env,Value=dev");
        await aws.Ok("iam", "untag-user", "--user-name", "gina", "--tag-keys", "env");
        Assert.Equal(0, (await aws.Ok("iam", "list-user-tags", "--user-name", "gina")).GetProperty("Tags").GetArrayLength());
        var tagged = (await aws.Ok("iam", "create-policy", "--policy-name", "tagged", "--tags", "Key=k,Value=v", "--policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}""")).GetProperty("Policy").GetProperty("Arn").GetString()!;
        await aws.Ok("iam", "tag-policy", "--policy-arn", tagged, "--tags", "Key=k2,Value=v2");
        await aws.Ok("iam", "untag-policy", "--policy-arn", tagged, "--tag-keys", "k");
        Assert.Equal(["k2"], Names((await aws.Ok("iam", "list-policy-tags", "--policy-arn", tagged)).GetProperty("Tags"), "Key"));

        var summary = (await aws.Ok("iam", "get-account-summary")).GetProperty("SummaryMap");
        Assert.Equal(2, summary.GetProperty("AccessKeysPerUserQuota").GetInt32());
    }
}
