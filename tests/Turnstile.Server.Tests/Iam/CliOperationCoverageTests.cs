using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Turnstile.Aws;
using Turnstile.Aws.Iam;
using Turnstile.State;
using Turnstile.Aws.Sts;
using Turnstile.Server.Tests.Sts;

namespace Turnstile.Server.Tests.Iam;

/// <summary>
/// Keeps the end-to-end suite complete: every operation IamService and StsService implement is listed with the CLI
/// test that drives it through <c>aws iam ...</c> / <c>aws sts ...</c>, and that test's source really runs the command.
/// A new operation fails here until a CLI test covers it.
/// </summary>
public partial class CliOperationCoverageTests
{
    /// <summary>Operation name → the CLI test (method name) that drives it.</summary>
    private static readonly Dictionary<string, string> Iam = new(StringComparer.Ordinal)
    {
        ["AddRoleToInstanceProfile"] = nameof(IamCliTests.Groups_instance_profiles_and_tags),
        ["AddUserToGroup"] = nameof(IamCliTests.Groups_instance_profiles_and_tags),
        ["AttachGroupPolicy"] = nameof(IamCliTests.Groups_instance_profiles_and_tags),
        ["AttachRolePolicy"] = nameof(IamCliTests.Roles_managed_policies_and_versions),
        ["AttachUserPolicy"] = nameof(IamEntityCliTests.Login_profiles_and_every_user_delete_conflict),
        ["CreateAccessKey"] = nameof(IamCliTests.Users_access_keys_and_their_enforcement),
        ["CreateGroup"] = nameof(IamCliTests.Groups_instance_profiles_and_tags),
        ["CreateInstanceProfile"] = nameof(IamEntityCliTests.Role_inline_policies_instance_profiles_and_role_delete_conflicts),
        ["CreateLoginProfile"] = nameof(IamEntityCliTests.Login_profiles_and_every_user_delete_conflict),
        ["CreatePolicy"] = nameof(IamPolicyCliTests.Policy_documents_come_back_as_json_objects_exactly_as_submitted),
        ["CreatePolicyVersion"] = nameof(IamPolicyCliTests.Versions_are_limited_to_five_and_the_default_cannot_be_deleted),
        ["CreateRole"] = nameof(IamCliTests.Roles_managed_policies_and_versions),
        ["CreateUser"] = nameof(IamCliTests.Users_access_keys_and_their_enforcement),
        ["DeleteAccessKey"] = nameof(IamCliTests.Users_access_keys_and_their_enforcement),
        ["DeleteGroup"] = nameof(IamEntityCliTests.Renamed_users_and_groups_keep_their_keys_members_and_policies),
        ["DeleteGroupPolicy"] = nameof(IamEntityCliTests.Renamed_users_and_groups_keep_their_keys_members_and_policies),
        ["DeleteInstanceProfile"] = nameof(IamEntityCliTests.Role_inline_policies_instance_profiles_and_role_delete_conflicts),
        ["DeleteLoginProfile"] = nameof(IamEntityCliTests.Login_profiles_and_every_user_delete_conflict),
        ["DeletePolicy"] = nameof(IamPolicyCliTests.Versions_are_limited_to_five_and_the_default_cannot_be_deleted),
        ["DeletePolicyVersion"] = nameof(IamPolicyCliTests.Versions_are_limited_to_five_and_the_default_cannot_be_deleted),
        ["DeleteRole"] = nameof(IamEntityCliTests.Role_inline_policies_instance_profiles_and_role_delete_conflicts),
        ["DeleteRolePermissionsBoundary"] = nameof(IamPolicyCliTests.Permissions_boundaries_limit_users_and_roles),
        ["DeleteRolePolicy"] = nameof(IamEntityCliTests.Role_inline_policies_instance_profiles_and_role_delete_conflicts),
        ["DeleteUser"] = nameof(IamEntityCliTests.Login_profiles_and_every_user_delete_conflict),
        ["DeleteUserPermissionsBoundary"] = nameof(IamPolicyCliTests.Permissions_boundaries_limit_users_and_roles),
        ["DeleteUserPolicy"] = nameof(IamEntityCliTests.Login_profiles_and_every_user_delete_conflict),
        ["DetachGroupPolicy"] = nameof(IamEntityCliTests.Renamed_users_and_groups_keep_their_keys_members_and_policies),
        ["DetachRolePolicy"] = nameof(IamEntityCliTests.Role_inline_policies_instance_profiles_and_role_delete_conflicts),
        ["DetachUserPolicy"] = nameof(IamEntityCliTests.Login_profiles_and_every_user_delete_conflict),
        ["GetAccessKeyLastUsed"] = nameof(IamCliTests.Users_access_keys_and_their_enforcement),
        ["GetAccountSummary"] = nameof(IamCliTests.Groups_instance_profiles_and_tags),
        ["GetGroup"] = nameof(IamPagingCliTests.Roles_groups_profiles_policies_and_their_members_page_one_item_at_a_time),
        ["GetGroupPolicy"] = nameof(IamCliTests.Groups_instance_profiles_and_tags),
        ["GetInstanceProfile"] = nameof(IamEntityCliTests.Role_inline_policies_instance_profiles_and_role_delete_conflicts),
        ["GetLoginProfile"] = nameof(IamEntityCliTests.Login_profiles_and_every_user_delete_conflict),
        ["GetPolicy"] = nameof(IamPolicyCliTests.Policy_documents_come_back_as_json_objects_exactly_as_submitted),
        ["GetPolicyVersion"] = nameof(IamPolicyCliTests.Policy_documents_come_back_as_json_objects_exactly_as_submitted),
        ["GetRole"] = nameof(IamCliTests.Roles_managed_policies_and_versions),
        ["GetRolePolicy"] = nameof(IamEntityCliTests.Role_inline_policies_instance_profiles_and_role_delete_conflicts),
        ["GetUser"] = nameof(IamCliTests.Users_access_keys_and_their_enforcement),
        ["GetUserPolicy"] = nameof(IamPolicyCliTests.Policy_documents_come_back_as_json_objects_exactly_as_submitted),
        ["ListAccessKeys"] = nameof(IamPagingCliTests.Inline_policies_versions_keys_and_tags_page_one_item_at_a_time),
        ["ListAttachedGroupPolicies"] = nameof(IamPagingCliTests.Inline_policies_versions_keys_and_tags_page_one_item_at_a_time),
        ["ListAttachedRolePolicies"] = nameof(IamPagingCliTests.Roles_groups_profiles_policies_and_their_members_page_one_item_at_a_time),
        ["ListAttachedUserPolicies"] = nameof(IamPagingCliTests.Inline_policies_versions_keys_and_tags_page_one_item_at_a_time),
        ["ListEntitiesForPolicy"] = nameof(IamPagingCliTests.Roles_groups_profiles_policies_and_their_members_page_one_item_at_a_time),
        ["ListGroupPolicies"] = nameof(IamPagingCliTests.Inline_policies_versions_keys_and_tags_page_one_item_at_a_time),
        ["ListGroups"] = nameof(IamPagingCliTests.Roles_groups_profiles_policies_and_their_members_page_one_item_at_a_time),
        ["ListGroupsForUser"] = nameof(IamPagingCliTests.Roles_groups_profiles_policies_and_their_members_page_one_item_at_a_time),
        ["ListInstanceProfileTags"] = nameof(IamEntityCliTests.Tags_merge_case_insensitively_and_are_limited_to_fifty),
        ["ListInstanceProfiles"] = nameof(IamPagingCliTests.Roles_groups_profiles_policies_and_their_members_page_one_item_at_a_time),
        ["ListInstanceProfilesForRole"] = nameof(IamPagingCliTests.Roles_groups_profiles_policies_and_their_members_page_one_item_at_a_time),
        ["ListPolicies"] = nameof(IamPagingCliTests.Roles_groups_profiles_policies_and_their_members_page_one_item_at_a_time),
        ["ListPolicyTags"] = nameof(IamPagingCliTests.Inline_policies_versions_keys_and_tags_page_one_item_at_a_time),
        ["ListPolicyVersions"] = nameof(IamPolicyCliTests.Versions_are_limited_to_five_and_the_default_cannot_be_deleted),
        ["ListRolePolicies"] = nameof(IamEntityCliTests.Role_inline_policies_instance_profiles_and_role_delete_conflicts),
        ["ListRoleTags"] = nameof(IamPagingCliTests.Inline_policies_versions_keys_and_tags_page_one_item_at_a_time),
        ["ListRoles"] = nameof(IamPagingCliTests.Roles_groups_profiles_policies_and_their_members_page_one_item_at_a_time),
        ["ListUserPolicies"] = nameof(IamPagingCliTests.Inline_policies_versions_keys_and_tags_page_one_item_at_a_time),
        ["ListUserTags"] = nameof(IamPagingCliTests.Inline_policies_versions_keys_and_tags_page_one_item_at_a_time),
        ["ListUsers"] = nameof(IamPagingCliTests.Users_page_with_max_items_starting_token_page_size_and_marker),
        ["PutGroupPolicy"] = nameof(IamCliTests.Groups_instance_profiles_and_tags),
        ["PutRolePermissionsBoundary"] = nameof(IamPolicyCliTests.Permissions_boundaries_limit_users_and_roles),
        ["PutRolePolicy"] = nameof(IamEntityCliTests.Role_inline_policies_instance_profiles_and_role_delete_conflicts),
        ["PutUserPermissionsBoundary"] = nameof(IamPolicyCliTests.Permissions_boundaries_limit_users_and_roles),
        ["PutUserPolicy"] = nameof(IamCliTests.Users_access_keys_and_their_enforcement),
        ["RemoveRoleFromInstanceProfile"] = nameof(IamEntityCliTests.Role_inline_policies_instance_profiles_and_role_delete_conflicts),
        ["RemoveUserFromGroup"] = nameof(IamEntityCliTests.Renamed_users_and_groups_keep_their_keys_members_and_policies),
        ["SetDefaultPolicyVersion"] = nameof(IamPolicyCliTests.Versions_are_limited_to_five_and_the_default_cannot_be_deleted),
        ["TagInstanceProfile"] = nameof(IamEntityCliTests.Tags_merge_case_insensitively_and_are_limited_to_fifty),
        ["TagPolicy"] = nameof(IamCliTests.Groups_instance_profiles_and_tags),
        ["TagRole"] = nameof(IamEnforcementCliTests.Resource_and_request_tag_conditions_are_evaluated_per_call),
        ["TagUser"] = nameof(IamEntityCliTests.Tags_merge_case_insensitively_and_are_limited_to_fifty),
        ["UntagInstanceProfile"] = nameof(IamEntityCliTests.Tags_merge_case_insensitively_and_are_limited_to_fifty),
        ["UntagPolicy"] = nameof(IamCliTests.Groups_instance_profiles_and_tags),
        ["UntagRole"] = nameof(IamCliTests.Groups_instance_profiles_and_tags),
        ["UntagUser"] = nameof(IamCliTests.Groups_instance_profiles_and_tags),
        ["UpdateAccessKey"] = nameof(IamCliTests.Users_access_keys_and_their_enforcement),
        ["UpdateAssumeRolePolicy"] = nameof(IamCliTests.Roles_managed_policies_and_versions),
        ["UpdateGroup"] = nameof(IamEntityCliTests.Renamed_users_and_groups_keep_their_keys_members_and_policies),
        ["UpdateLoginProfile"] = nameof(IamEntityCliTests.Login_profiles_and_every_user_delete_conflict),
        ["UpdateRole"] = nameof(IamCliTests.Roles_managed_policies_and_versions),
        ["UpdateRoleDescription"] = nameof(IamCliTests.Roles_managed_policies_and_versions),
        ["UpdateUser"] = nameof(IamEntityCliTests.Renamed_users_and_groups_keep_their_keys_members_and_policies),
    };

    private static readonly Dictionary<string, string> Sts = new(StringComparer.Ordinal)
    {
        ["AssumeRole"] = nameof(StsCliTests.Assume_role_validation_external_id_session_policies_and_chaining),
        ["GetAccessKeyInfo"] = nameof(StsCliTests.Session_token_and_access_key_info_errors),
        ["GetCallerIdentity"] = nameof(StsCliTests.Caller_identity_of_the_bootstrap_admin),
        ["GetSessionToken"] = nameof(StsCliTests.Session_token_and_access_key_info_errors),
    };

    [Fact]
    public async Task Every_iam_and_sts_operation_is_listed_with_a_cli_test()
    {
        await using var cache = await StateCache.StartAsync(new InMemoryStore());
        var iam = new IamService(new EmulatorState(cache, new EmulatorOptions()));
        var sts = new StsService(iam);
        AssertSameNames(iam.Operations.Keys, Iam.Keys, "IamService");
        AssertSameNames(sts.Operations.Keys, Sts.Keys, "StsService");
    }

    [Fact]
    public void Each_listed_test_runs_its_operation_through_the_cli()
    {
        var sources = TestSources();
        var missing = Iam.Select(p => ("iam", p.Key, p.Value)).Concat(Sts.Select(p => ("sts", p.Key, p.Value)))
            .Where(c => !Drives(sources, c.Item3, c.Item1, CliName(c.Item2)))
            .Select(c => $"{c.Item3} does not run `aws {c.Item1} {CliName(c.Item2)}`")
            .ToList();
        Assert.True(missing.Count == 0, string.Join("\n", missing));
    }

    [Fact]
    public void Cli_command_names_follow_botocore()
    {
        Assert.Equal("get-access-key-last-used", CliName("GetAccessKeyLastUsed"));
        Assert.Equal("list-instance-profiles-for-role", CliName("ListInstanceProfilesForRole"));
        Assert.Equal("list-mfa-devices", CliName("ListMFADevices"));
        Assert.Equal("create-saml-provider", CliName("CreateSAMLProvider"));
    }

    private static void AssertSameNames(IEnumerable<string> implemented, IEnumerable<string> listed, string service)
    {
        var notListed = implemented.Except(listed).Order().ToList();
        var notImplemented = listed.Except(implemented).Order().ToList();
        Assert.True(notListed.Count == 0, $"{service} operations without a CLI test: {string.Join(", ", notListed)}");
        Assert.True(notImplemented.Count == 0, $"listed but not implemented by {service}: {string.Join(", ", notImplemented)}");
    }

    /// <summary>Whether the body of test method <paramref name="test"/> contains the literal arguments <c>"iam", "create-user"</c>.</summary>
    private static bool Drives(IReadOnlyList<string> sources, string test, string service, string command)
    {
        var literal = $"\"{service}\", \"{command}\"";
        foreach (var source in sources)
        {
            var start = source.IndexOf($" Task {test}(", StringComparison.Ordinal);
            if (start < 0) continue;
            var next = TestAttribute().Match(source, start);
            var body = next.Success ? source[start..next.Index] : source[start..];
            if (body.Contains(literal, StringComparison.Ordinal)) return true;
        }
        return false;
    }

    /// <summary>The C# sources of the IAM and STS end-to-end tests (this folder and its sibling Sts).</summary>
    private static IReadOnlyList<string> TestSources([CallerFilePath] string thisFile = "")
    {
        var iamFolder = Path.GetDirectoryName(thisFile)!;
        var stsFolder = Path.Combine(Path.GetDirectoryName(iamFolder)!, "Sts");
        Assert.True(Directory.Exists(iamFolder) && Directory.Exists(stsFolder), $"test sources not found next to {thisFile}");
        return Directory.GetFiles(iamFolder, "*.cs").Concat(Directory.GetFiles(stsFolder, "*.cs")).Select(File.ReadAllText).ToList();
    }

    /// <summary>botocore's <c>xform_name</c> with '-': <c>ListMFADevices</c> → <c>list-mfa-devices</c>.</summary>
    private static string CliName(string operation) => WordBoundary().Replace(operation, "-").ToLowerInvariant();

    [GeneratedRegex("(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")]
    private static partial Regex WordBoundary();

    [GeneratedRegex(@"\[(AwsCliFact|Fact)\]")]
    private static partial Regex TestAttribute();
}
