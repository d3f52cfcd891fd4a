using System.Text.Json;
using Turnstile.Server.Tests.EndToEnd;

namespace Turnstile.Server.Tests.Iam;

/// <summary>
/// Users, groups, roles and instance profiles through the aws CLI: login profiles, renames, inline and attached
/// policies, tags and their quota, and every DeleteConflict a deletion can run into, as the CLI prints them.
/// </summary>
public class IamEntityCliTests(IamStsCliFixture aws) : IClassFixture<IamStsCliFixture>
{
    private static string Arn(string resource) => IamStsCliFixture.Arn(resource);

    private static string?[] Names(JsonElement list, string member) => IamStsCliFixture.Names(list, member);

    private const string S3Read = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}""";

    private const string Ec2Trust =
        """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";

    private const string ReadOnly = "arn:aws:iam::aws:policy/ReadOnlyAccess";

    [AwsCliFact]
    public async Task Login_profiles_and_every_user_delete_conflict()
    {
        await aws.Ok("iam", "create-user", "--user-name", "lou");
        var profile = (await aws.Ok("iam", "create-login-profile", "--user-name", "lou", "--password", "Correct-Horse-9", "--password-reset-required"))
            .GetProperty("LoginProfile");
        Assert.Equal("lou", profile.GetProperty("UserName").GetString());
        Assert.True(profile.GetProperty("PasswordResetRequired").GetBoolean());
        Assert.Equal("An error occurred (EntityAlreadyExists) when calling the CreateLoginProfile operation: Login Profile for user lou already exists.",
            await aws.Fails("iam", "create-login-profile", "--user-name", "lou", "--password", "Another-Horse-9"));

        await aws.Ok("iam", "update-login-profile", "--user-name", "lou", "--no-password-reset-required");
        var updated = (await aws.Ok("iam", "get-login-profile", "--user-name", "lou")).GetProperty("LoginProfile");
        Assert.False(updated.GetProperty("PasswordResetRequired").GetBoolean());
        Assert.Equal(profile.GetProperty("CreateDate").GetString(), updated.GetProperty("CreateDate").GetString());

        // One blocker at a time: inline policies, attached policies, access keys, login profile, group membership.
        await aws.Ok("iam", "put-user-policy", "--user-name", "lou", "--policy-name", "inline", "--policy-document", S3Read);
        await aws.Ok("iam", "attach-user-policy", "--user-name", "lou", "--policy-arn", ReadOnly);
        var key = IamStsCliFixture.KeyOf(await aws.Ok("iam", "create-access-key", "--user-name", "lou"));
        await aws.Ok("iam", "create-group", "--group-name", "lou-group");
        await aws.Ok("iam", "add-user-to-group", "--group-name", "lou-group", "--user-name", "lou");
        Assert.Equal(["ReadOnlyAccess"], Names((await aws.Ok("iam", "list-attached-user-policies", "--user-name", "lou")).GetProperty("AttachedPolicies"), "PolicyName"));

        async Task<string> DeleteLou() => await aws.Fails("iam", "delete-user", "--user-name", "lou");
        Assert.Equal("An error occurred (DeleteConflict) when calling the DeleteUser operation: Cannot delete entity, must delete policies first.", await DeleteLou());
        await aws.Ok("iam", "delete-user-policy", "--user-name", "lou", "--policy-name", "inline");
        Assert.Equal("An error occurred (DeleteConflict) when calling the DeleteUser operation: Cannot delete entity, must detach all policies first.", await DeleteLou());
        await aws.Ok("iam", "detach-user-policy", "--user-name", "lou", "--policy-arn", ReadOnly);
        Assert.Equal($"An error occurred (NoSuchEntity) when calling the DetachUserPolicy operation: Policy {ReadOnly} was not found.",
            await aws.Fails("iam", "detach-user-policy", "--user-name", "lou", "--policy-arn", ReadOnly));
        Assert.Equal("An error occurred (DeleteConflict) when calling the DeleteUser operation: Cannot delete entity, must delete access keys first.", await DeleteLou());
        await aws.Ok("iam", "delete-access-key", "--user-name", "lou", "--access-key-id", key.AccessKeyId);
        Assert.Equal("An error occurred (DeleteConflict) when calling the DeleteUser operation: Cannot delete entity, must delete login profile first.", await DeleteLou());
        await aws.Ok("iam", "delete-login-profile", "--user-name", "lou");
        Assert.Equal("An error occurred (DeleteConflict) when calling the DeleteUser operation: Cannot delete entity, must remove users from group first.", await DeleteLou());
        await aws.Ok("iam", "remove-user-from-group", "--group-name", "lou-group", "--user-name", "lou");
        await aws.Ok("iam", "delete-user", "--user-name", "lou");

        Assert.Equal("An error occurred (NoSuchEntity) when calling the GetLoginProfile operation: Login Profile for User admin cannot be found.",
            await aws.Fails("iam", "get-login-profile"));
        Assert.Equal("An error occurred (NoSuchEntity) when calling the DeleteLoginProfile operation: The user with name lou cannot be found.",
            await aws.Fails("iam", "delete-login-profile", "--user-name", "lou"));
        Assert.Equal("An error occurred (NoSuchEntity) when calling the DeleteUserPolicy operation: The user with name lou cannot be found.",
            await aws.Fails("iam", "delete-user-policy", "--user-name", "lou", "--policy-name", "inline"));
    }

    [AwsCliFact]
    public async Task Renamed_users_and_groups_keep_their_keys_members_and_policies()
    {
        await aws.Ok("iam", "create-user", "--user-name", "old-name", "--path", "/a/");
        await aws.Ok("iam", "attach-user-policy", "--user-name", "old-name", "--policy-arn", "arn:aws:iam::aws:policy/IAMReadOnlyAccess");
        var key = IamStsCliFixture.KeyOf(await aws.Ok("iam", "create-access-key", "--user-name", "old-name"));
        await aws.Ok("iam", "create-group", "--group-name", "old-group");
        await aws.Ok("iam", "add-user-to-group", "--group-name", "old-group", "--user-name", "old-name");
        await aws.Ok("iam", "put-group-policy", "--group-name", "old-group", "--policy-name", "keep", "--policy-document", S3Read);

        await aws.Ok("iam", "update-user", "--user-name", "old-name", "--new-user-name", "new-name", "--new-path", "/b/");
        await aws.Ok("iam", "update-group", "--group-name", "old-group", "--new-group-name", "new-group", "--new-path", "/teams/");
        Assert.Equal(Arn("user/b/new-name"), (await aws.Ok(key, "sts", "get-caller-identity")).GetProperty("Arn").GetString());
        Assert.Equal(Arn("user/b/new-name"), (await aws.Ok(key, "iam", "get-user")).GetProperty("User").GetProperty("Arn").GetString());

        var group = await aws.Ok("iam", "get-group", "--group-name", "new-group");
        Assert.Equal(Arn("group/teams/new-group"), group.GetProperty("Group").GetProperty("Arn").GetString());
        Assert.Equal(["new-name"], Names(group.GetProperty("Users"), "UserName"));
        Assert.Equal(["keep"], IamStsCliFixture.Strings((await aws.Ok("iam", "list-group-policies", "--group-name", "new-group")).GetProperty("PolicyNames")));
        Assert.Equal(["new-group"], Names((await aws.Ok("iam", "list-groups-for-user", "--user-name", "new-name")).GetProperty("Groups"), "GroupName"));

        Assert.Equal("An error occurred (NoSuchEntity) when calling the GetGroup operation: The group with name old-group cannot be found.",
            await aws.Fails("iam", "get-group", "--group-name", "old-group"));
        await aws.Ok("iam", "create-user", "--user-name", "taken");
        Assert.Equal("An error occurred (EntityAlreadyExists) when calling the UpdateUser operation: User with name Taken already exists.",
            await aws.Fails("iam", "update-user", "--user-name", "new-name", "--new-user-name", "Taken"));
        await aws.Ok("iam", "create-group", "--group-name", "other-group");
        Assert.Equal("An error occurred (EntityAlreadyExists) when calling the UpdateGroup operation: Group with name OTHER-GROUP already exists.",
            await aws.Fails("iam", "update-group", "--group-name", "new-group", "--new-group-name", "OTHER-GROUP"));
        Assert.Equal("An error occurred (EntityAlreadyExists) when calling the CreateGroup operation: Group with name New-Group already exists.",
            await aws.Fails("iam", "create-group", "--group-name", "New-Group"));

        // Group delete conflicts, one at a time.
        async Task<string> DeleteGroup() => await aws.Fails("iam", "delete-group", "--group-name", "new-group");
        await aws.Ok("iam", "attach-group-policy", "--group-name", "new-group", "--policy-arn", ReadOnly);
        Assert.Equal("An error occurred (DeleteConflict) when calling the DeleteGroup operation: Cannot delete entity, must remove users from group first.", await DeleteGroup());
        await aws.Ok("iam", "remove-user-from-group", "--group-name", "new-group", "--user-name", "new-name");
        Assert.Equal("An error occurred (NoSuchEntity) when calling the RemoveUserFromGroup operation: The user with name new-name cannot be found.",
            await aws.Fails("iam", "remove-user-from-group", "--group-name", "new-group", "--user-name", "new-name"));
        Assert.Equal("An error occurred (DeleteConflict) when calling the DeleteGroup operation: Cannot delete entity, must detach all policies first.", await DeleteGroup());
        await aws.Ok("iam", "detach-group-policy", "--group-name", "new-group", "--policy-arn", ReadOnly);
        Assert.Equal("An error occurred (DeleteConflict) when calling the DeleteGroup operation: Cannot delete entity, must delete policies first.", await DeleteGroup());
        await aws.Ok("iam", "delete-group-policy", "--group-name", "new-group", "--policy-name", "keep");
        await aws.Ok("iam", "delete-group", "--group-name", "new-group");
        Assert.Equal("An error occurred (NoSuchEntity) when calling the AddUserToGroup operation: The group with name new-group cannot be found.",
            await aws.Fails("iam", "add-user-to-group", "--group-name", "new-group", "--user-name", "new-name"));
    }

    [AwsCliFact]
    public async Task Role_inline_policies_instance_profiles_and_role_delete_conflicts()
    {
        await aws.Ok("iam", "create-role", "--role-name", "worker", "--path", "/svc/", "--assume-role-policy-document", Ec2Trust);
        Assert.Equal("An error occurred (EntityAlreadyExists) when calling the CreateRole operation: Role with name WORKER already exists.",
            await aws.Fails("iam", "create-role", "--role-name", "WORKER", "--assume-role-policy-document", Ec2Trust));
        await aws.Ok("iam", "put-role-policy", "--role-name", "worker", "--policy-name", "s3", "--policy-document", S3Read);
        var inline = await aws.Ok("iam", "get-role-policy", "--role-name", "worker", "--policy-name", "S3");
        Assert.Equal("worker", inline.GetProperty("RoleName").GetString());
        Assert.Equal("s3", inline.GetProperty("PolicyName").GetString());
        IamStsCliFixture.AssertJson(S3Read, inline.GetProperty("PolicyDocument"));
        Assert.Equal(["s3"], IamStsCliFixture.Strings((await aws.Ok("iam", "list-role-policies", "--role-name", "worker")).GetProperty("PolicyNames")));
        Assert.Equal("An error occurred (NoSuchEntity) when calling the GetRolePolicy operation: The role policy with name nope cannot be found.",
            await aws.Fails("iam", "get-role-policy", "--role-name", "worker", "--policy-name", "nope"));
        Assert.Equal("An error occurred (MalformedPolicyDocument) when calling the PutRolePolicy operation: Syntax errors in policy.",
            await aws.Fails("iam", "put-role-policy", "--role-name", "worker", "--policy-name", "bad", "--policy-document",
                """{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"s3:*","Resource":"*"}]}"""));

        var profile = (await aws.Ok("iam", "create-instance-profile", "--instance-profile-name", "worker", "--path", "/svc/",
            "--tags", "Key=tier,Value=batch")).GetProperty("InstanceProfile");
        Assert.Equal(Arn("instance-profile/svc/worker"), profile.GetProperty("Arn").GetString());
        Assert.Equal(0, profile.GetProperty("Roles").GetArrayLength());
        Assert.Equal(["tier=batch"], IamStsCliFixture.Tags(profile.GetProperty("Tags")));
        Assert.Equal("An error occurred (EntityAlreadyExists) when calling the CreateInstanceProfile operation: Instance Profile Worker already exists.",
            await aws.Fails("iam", "create-instance-profile", "--instance-profile-name", "Worker"));
        await aws.Ok("iam", "add-role-to-instance-profile", "--instance-profile-name", "worker", "--role-name", "worker");
        var withRole = (await aws.Ok("iam", "get-instance-profile", "--instance-profile-name", "worker")).GetProperty("InstanceProfile");
        Assert.Equal([Arn("role/svc/worker")], Names(withRole.GetProperty("Roles"), "Arn"));
        IamStsCliFixture.AssertJson(Ec2Trust, withRole.GetProperty("Roles")[0].GetProperty("AssumeRolePolicyDocument"));

        // Role delete conflicts, one at a time: instance profiles, attached policies, inline policies.
        async Task<string> DeleteRole() => await aws.Fails("iam", "delete-role", "--role-name", "worker");
        await aws.Ok("iam", "attach-role-policy", "--role-name", "worker", "--policy-arn", ReadOnly);
        Assert.Equal("An error occurred (DeleteConflict) when calling the DeleteRole operation: Cannot delete entity, must remove roles from instance profile first.", await DeleteRole());
        await aws.Ok("iam", "remove-role-from-instance-profile", "--instance-profile-name", "worker", "--role-name", "worker");
        Assert.Equal("An error occurred (NoSuchEntity) when calling the RemoveRoleFromInstanceProfile operation: The role with name worker cannot be found.",
            await aws.Fails("iam", "remove-role-from-instance-profile", "--instance-profile-name", "worker", "--role-name", "worker"));
        Assert.Equal("An error occurred (DeleteConflict) when calling the DeleteRole operation: Cannot delete entity, must detach all policies first.", await DeleteRole());
        await aws.Ok("iam", "detach-role-policy", "--role-name", "worker", "--policy-arn", ReadOnly);
        Assert.Equal("An error occurred (DeleteConflict) when calling the DeleteRole operation: Cannot delete entity, must delete policies first.", await DeleteRole());
        await aws.Ok("iam", "delete-role-policy", "--role-name", "worker", "--policy-name", "s3");
        Assert.Equal("An error occurred (NoSuchEntity) when calling the DeleteRolePolicy operation: The role policy with name s3 cannot be found.",
            await aws.Fails("iam", "delete-role-policy", "--role-name", "worker", "--policy-name", "s3"));
        await aws.Ok("iam", "delete-role", "--role-name", "worker");
        await aws.Ok("iam", "delete-instance-profile", "--instance-profile-name", "worker");
        Assert.Equal("An error occurred (NoSuchEntity) when calling the GetInstanceProfile operation: Instance Profile worker cannot be found.",
            await aws.Fails("iam", "get-instance-profile", "--instance-profile-name", "worker"));
        Assert.Equal("An error occurred (NoSuchEntity) when calling the ListRolePolicies operation: The role with name worker cannot be found.",
            await aws.Fails("iam", "list-role-policies", "--role-name", "worker"));
    }

    [AwsCliFact]
    public async Task Tags_merge_case_insensitively_and_are_limited_to_fifty()
    {
        await aws.Ok("iam", "create-instance-profile", "--instance-profile-name", "tagged", "--tags", "Key=env,Value=dev");
        await aws.Ok("iam", "tag-instance-profile", "--instance-profile-name", "tagged", "--tags", "Key=team,Value=core", "Key=ENV,Value=prod");
        Assert.Equal(["team=core", "ENV=prod"],
            IamStsCliFixture.Tags((await aws.Ok("iam", "list-instance-profile-tags", "--instance-profile-name", "tagged")).GetProperty("Tags")));
        await aws.Ok("iam", "untag-instance-profile", "--instance-profile-name", "tagged", "--tag-keys", "Team", "missing");
        Assert.Equal(["ENV=prod"],
            IamStsCliFixture.Tags((await aws.Ok("iam", "list-instance-profile-tags", "--instance-profile-name", "tagged")).GetProperty("Tags")));
        Assert.Equal("An error occurred (InvalidInput) when calling the TagInstanceProfile operation: Duplicate tag keys found. Please note that Tag keys are case insensitive.",
            await aws.Fails("iam", "tag-instance-profile", "--instance-profile-name", "tagged", "--tags", "Key=a,Value=1", "Key=A,Value=2"));
        Assert.Equal("An error occurred (NoSuchEntity) when calling the TagInstanceProfile operation: Instance Profile ghost cannot be found.",
            await aws.Fails("iam", "tag-instance-profile", "--instance-profile-name", "ghost", "--tags", "Key=a,Value=1"));
        Assert.Equal("An error occurred (NoSuchEntity) when calling the ListRoleTags operation: The role with name ghost cannot be found.",
            await aws.Fails("iam", "list-role-tags", "--role-name", "ghost"));

        // Values with XML-special and non-ASCII characters, and empty values, round-trip through the query protocol.
        await aws.Ok("iam", "create-role", "--role-name", "xml-chars", "--assume-role-policy-document", Ec2Trust,
            "--description", "d <b>&amp; \"q\" 's' é", "--tags", """[{"Key":"k:=+@","Value":"värde ü 日本"},{"Key":"empty","Value":""}]""");
        var xmlRole = (await aws.Ok("iam", "get-role", "--role-name", "xml-chars")).GetProperty("Role");
        Assert.Equal("d <b>&amp; \"q\" 's' é", xmlRole.GetProperty("Description").GetString());
        Assert.Equal(["k:=+@=värde ü 日本", "empty="], IamStsCliFixture.Tags(xmlRole.GetProperty("Tags")));
        Assert.Equal("An error occurred (ValidationError) when calling the TagRole operation: 1 validation error detected: Value 'a<b' at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+",
            await aws.Fails("iam", "tag-role", "--role-name", "xml-chars", "--tags", "Key=a<b,Value=1"));

        // 30 + 30 tags: the second call would leave 60 on the user.
        string[] Tags(string prefix) => Enumerable.Range(1, 30).Select(i => $"Key={prefix}{i},Value=v").ToArray();
        await aws.Ok(["iam", "create-user", "--user-name", "many-tags", "--tags", .. Tags("a")]);
        Assert.Equal("An error occurred (LimitExceeded) when calling the TagUser operation: Cannot exceed quota for TagsPerUser: 50",
            await aws.Fails(["iam", "tag-user", "--user-name", "many-tags", "--tags", .. Tags("b")]));
        Assert.Equal(30, (await aws.Ok("iam", "list-user-tags", "--user-name", "many-tags")).GetProperty("Tags").GetArrayLength());
        // Replacing existing keys does not count twice.
        await aws.Ok(["iam", "tag-user", "--user-name", "many-tags", "--tags", .. Tags("A")]);
        Assert.Equal(30, (await aws.Ok("iam", "list-user-tags", "--user-name", "many-tags")).GetProperty("Tags").GetArrayLength());
    }
}
