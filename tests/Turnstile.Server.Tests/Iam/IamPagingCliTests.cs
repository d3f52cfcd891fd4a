using System.Text.Json;
using Turnstile.Server.Tests.EndToEnd;

namespace Turnstile.Server.Tests.Iam;

/// <summary>
/// IAM's Marker/MaxItems paging as the aws CLI drives it: <c>--max-items</c>/<c>--starting-token</c> (botocore's
/// NextToken), <c>--page-size</c> (one request per page, seen through <c>--debug</c>) and <c>--no-paginate</c> with the
/// raw <c>--max-items</c>/<c>--marker</c> parameters.
/// </summary>
public class IamPagingCliTests(IamStsCliFixture aws) : IClassFixture<IamStsCliFixture>
{
    private static string Arn(string resource) => IamStsCliFixture.Arn(resource);

    private static string?[] Names(JsonElement list, string member) => IamStsCliFixture.Names(list, member);

    private const string Policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}""";

    private static readonly string Ec2Trust =
        """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";

    [AwsCliFact]
    public async Task Users_page_with_max_items_starting_token_page_size_and_marker()
    {
        foreach (var name in new[] { "pg-c", "pg-a", "PG-e", "pg-b", "pg-d" })
            await aws.Ok("iam", "create-user", "--user-name", name, "--path", "/paging/");

        // --max-items: the CLI stops after N items and prints a NextToken to resume from.
        var first = await aws.Ok("iam", "list-users", "--path-prefix", "/paging/", "--max-items", "2");
        Assert.Equal(["pg-a", "pg-b"], Names(first.GetProperty("Users"), "UserName"));
        var second = await aws.Ok("iam", "list-users", "--path-prefix", "/paging/", "--max-items", "2",
            "--starting-token", first.GetProperty("NextToken").GetString()!);
        Assert.Equal(["pg-c", "pg-d"], Names(second.GetProperty("Users"), "UserName"));
        var last = await aws.Ok("iam", "list-users", "--path-prefix", "/paging/", "--max-items", "2",
            "--starting-token", second.GetProperty("NextToken").GetString()!);
        Assert.Equal(["PG-e"], Names(last.GetProperty("Users"), "UserName"));
        Assert.False(last.TryGetProperty("NextToken", out _));

        // --page-size: the CLI asks for pages of 2 (MaxItems=2, then Marker) and joins them: three requests.
        var paged = (await aws.RunAsync("iam", "list-users", "--path-prefix", "/paging/", "--page-size", "2", "--debug")).EnsureSuccess();
        Assert.Equal(["pg-a", "pg-b", "pg-c", "pg-d", "PG-e"], Names(paged.Json.GetProperty("Users"), "UserName"));
        Assert.Equal(3, IamStsCliFixture.Requests(paged, "ListUsers"));
        Assert.False(paged.Json.TryGetProperty("NextToken", out _));

        // Both: a token taken in the middle of a server page resumes at the right item.
        var mixed = await aws.Ok("iam", "list-users", "--path-prefix", "/paging/", "--page-size", "2", "--max-items", "3");
        Assert.Equal(["pg-a", "pg-b", "pg-c"], Names(mixed.GetProperty("Users"), "UserName"));
        var rest = await aws.Ok("iam", "list-users", "--path-prefix", "/paging/", "--page-size", "2",
            "--starting-token", mixed.GetProperty("NextToken").GetString()!);
        Assert.Equal(["pg-d", "PG-e"], Names(rest.GetProperty("Users"), "UserName"));

        // --no-paginate passes MaxItems and Marker through and prints IAM's own IsTruncated/Marker.
        var raw = await aws.Ok("iam", "list-users", "--path-prefix", "/paging/", "--no-paginate", "--max-items", "2");
        Assert.Equal(["pg-a", "pg-b"], Names(raw.GetProperty("Users"), "UserName"));
        Assert.True(raw.GetProperty("IsTruncated").GetBoolean());
        var marker = raw.GetProperty("Marker").GetString()!;
        var next = await aws.Ok("iam", "list-users", "--path-prefix", "/paging/", "--no-paginate", "--max-items", "3", "--marker", marker);
        Assert.Equal(["pg-c", "pg-d", "PG-e"], Names(next.GetProperty("Users"), "UserName"));
        Assert.False(next.GetProperty("IsTruncated").GetBoolean());
        Assert.False(next.TryGetProperty("Marker", out _));

        // A page stays consistent when an earlier item is deleted in between.
        await aws.Ok("iam", "delete-user", "--user-name", "pg-a");
        var afterDelete = await aws.Ok("iam", "list-users", "--path-prefix", "/paging/", "--no-paginate", "--marker", marker);
        Assert.Equal(["pg-c", "pg-d", "PG-e"], Names(afterDelete.GetProperty("Users"), "UserName"));

        Assert.Equal("An error occurred (ValidationError) when calling the ListUsers operation: Invalid Marker.",
            await aws.Fails("iam", "list-users", "--no-paginate", "--marker", "not-a-marker!"));
        Assert.Equal("Parameter validation failed:\nInvalid value for parameter MaxItems, value: 0, valid min value: 1",
            await aws.Fails("iam", "list-users", "--no-paginate", "--max-items", "0"));
    }

    [AwsCliFact]
    public async Task Roles_groups_profiles_policies_and_their_members_page_one_item_at_a_time()
    {
        await aws.Ok("iam", "create-user", "--user-name", "member-1");
        await aws.Ok("iam", "create-user", "--user-name", "member-2");
        await aws.Ok("iam", "create-role", "--role-name", "pager", "--assume-role-policy-document", Ec2Trust);
        foreach (var n in new[] { "2", "1" })
        {
            await aws.Ok("iam", "create-role", "--role-name", "role-" + n, "--path", "/paging/", "--assume-role-policy-document", Ec2Trust);
            await aws.Ok("iam", "create-group", "--group-name", "group-" + n, "--path", "/paging/");
            await aws.Ok("iam", "add-user-to-group", "--group-name", "group-" + n, "--user-name", "member-1");
            await aws.Ok("iam", "create-instance-profile", "--instance-profile-name", "profile-" + n, "--path", "/paging/");
            await aws.Ok("iam", "add-role-to-instance-profile", "--instance-profile-name", "profile-" + n, "--role-name", "pager");
            await aws.Ok("iam", "create-policy", "--policy-name", "policy-" + n, "--path", "/paging/", "--policy-document", Policy);
            await aws.Ok("iam", "attach-role-policy", "--role-name", "pager", "--policy-arn", Arn("policy/paging/policy-" + n));
        }
        await aws.Ok("iam", "add-user-to-group", "--group-name", "group-1", "--user-name", "member-2");

        // --page-size 1: one request per item; the CLI joins the pages in IAM's order.
        await AssertPaged(["role-1", "role-2"], "Roles", "RoleName", "ListRoles", "iam", "list-roles", "--path-prefix", "/paging/");
        await AssertPaged(["group-1", "group-2"], "Groups", "GroupName", "ListGroups", "iam", "list-groups", "--path-prefix", "/paging/");
        await AssertPaged(["group-1", "group-2"], "Groups", "GroupName", "ListGroupsForUser", "iam", "list-groups-for-user", "--user-name", "member-1");
        await AssertPaged(["member-1", "member-2"], "Users", "UserName", "GetGroup", "iam", "get-group", "--group-name", "group-1");
        await AssertPaged(["profile-1", "profile-2"], "InstanceProfiles", "InstanceProfileName", "ListInstanceProfiles",
            "iam", "list-instance-profiles", "--path-prefix", "/paging/");
        await AssertPaged(["profile-1", "profile-2"], "InstanceProfiles", "InstanceProfileName", "ListInstanceProfilesForRole",
            "iam", "list-instance-profiles-for-role", "--role-name", "pager");
        await AssertPaged(["policy-1", "policy-2"], "Policies", "PolicyName", "ListPolicies",
            "iam", "list-policies", "--scope", "Local", "--path-prefix", "/paging/");
        await AssertPaged(["policy-1", "policy-2"], "AttachedPolicies", "PolicyName", "ListAttachedRolePolicies",
            "iam", "list-attached-role-policies", "--role-name", "pager");

        // GetGroup pages its Users but repeats the Group on every page; the CLI prints it once.
        var group = await aws.Ok("iam", "get-group", "--group-name", "group-1", "--max-items", "1");
        Assert.Equal(Arn("group/paging/group-1"), group.GetProperty("Group").GetProperty("Arn").GetString());
        Assert.Equal(["member-1"], Names(group.GetProperty("Users"), "UserName"));
        var restOfGroup = await aws.Ok("iam", "get-group", "--group-name", "group-1", "--starting-token", group.GetProperty("NextToken").GetString()!);
        Assert.Equal(["member-2"], Names(restOfGroup.GetProperty("Users"), "UserName"));

        // ListEntitiesForPolicy pages groups, users and roles with one marker.
        await aws.Ok("iam", "attach-group-policy", "--group-name", "group-2", "--policy-arn", Arn("policy/paging/policy-1"));
        await aws.Ok("iam", "attach-user-policy", "--user-name", "member-2", "--policy-arn", Arn("policy/paging/policy-1"));
        var entities = (await aws.RunAsync("iam", "list-entities-for-policy", "--policy-arn", Arn("policy/paging/policy-1"), "--page-size", "1", "--debug"))
            .EnsureSuccess();
        Assert.Equal(3, IamStsCliFixture.Requests(entities, "ListEntitiesForPolicy"));
        Assert.Equal(["group-2"], Names(entities.Json.GetProperty("PolicyGroups"), "GroupName"));
        Assert.Equal(["member-2"], Names(entities.Json.GetProperty("PolicyUsers"), "UserName"));
        Assert.Equal(["pager"], Names(entities.Json.GetProperty("PolicyRoles"), "RoleName"));
        var roles = await aws.Ok("iam", "list-entities-for-policy", "--policy-arn", Arn("policy/paging/policy-1"), "--entity-filter", "Role");
        Assert.Equal(0, roles.GetProperty("PolicyGroups").GetArrayLength());
        Assert.Equal(0, roles.GetProperty("PolicyUsers").GetArrayLength());
        Assert.Equal(["pager"], Names(roles.GetProperty("PolicyRoles"), "RoleName"));
    }

    [AwsCliFact]
    public async Task Inline_policies_versions_keys_and_tags_page_one_item_at_a_time()
    {
        await aws.Ok("iam", "create-user", "--user-name", "lister", "--tags", "Key=k1,Value=v1", "Key=k2,Value=v2", "Key=k3,Value=v3");
        await aws.Ok("iam", "create-role", "--role-name", "lister", "--assume-role-policy-document", Ec2Trust,
            "--tags", "Key=k1,Value=v1", "Key=k2,Value=v2", "Key=k3,Value=v3");
        await aws.Ok("iam", "create-group", "--group-name", "lister");
        await aws.Ok("iam", "create-instance-profile", "--instance-profile-name", "lister", "--tags", "Key=k1,Value=v1", "Key=k2,Value=v2");
        var policyArn = (await aws.Ok("iam", "create-policy", "--policy-name", "lister", "--policy-document", Policy,
            "--tags", "Key=k1,Value=v1", "Key=k2,Value=v2", "Key=k3,Value=v3")).GetProperty("Policy").GetProperty("Arn").GetString()!;
        foreach (var n in new[] { "b", "a" })
        {
            await aws.Ok("iam", "put-user-policy", "--user-name", "lister", "--policy-name", "inline-" + n, "--policy-document", Policy);
            await aws.Ok("iam", "put-role-policy", "--role-name", "lister", "--policy-name", "inline-" + n, "--policy-document", Policy);
            await aws.Ok("iam", "put-group-policy", "--group-name", "lister", "--policy-name", "inline-" + n, "--policy-document", Policy);
        }
        await aws.Ok("iam", "create-policy-version", "--policy-arn", policyArn, "--policy-document", Policy);
        await aws.Ok("iam", "create-policy-version", "--policy-arn", policyArn, "--policy-document", Policy, "--set-as-default");
        foreach (var managed in new[] { "IAMReadOnlyAccess", "AmazonEKSClusterPolicy" })
        {
            await aws.Ok("iam", "attach-user-policy", "--user-name", "lister", "--policy-arn", "arn:aws:iam::aws:policy/" + managed);
            await aws.Ok("iam", "attach-group-policy", "--group-name", "lister", "--policy-arn", "arn:aws:iam::aws:policy/" + managed);
        }
        var key1 = (await aws.Ok("iam", "create-access-key", "--user-name", "lister")).GetProperty("AccessKey").GetProperty("AccessKeyId").GetString();
        var key2 = (await aws.Ok("iam", "create-access-key", "--user-name", "lister")).GetProperty("AccessKey").GetProperty("AccessKeyId").GetString();

        string[] inline = ["inline-a", "inline-b"];
        await AssertPagedStrings(inline, "PolicyNames", "ListUserPolicies", "iam", "list-user-policies", "--user-name", "lister");
        await AssertPagedStrings(inline, "PolicyNames", "ListRolePolicies", "iam", "list-role-policies", "--role-name", "lister");
        await AssertPagedStrings(inline, "PolicyNames", "ListGroupPolicies", "iam", "list-group-policies", "--group-name", "lister");
        await AssertPaged(["AmazonEKSClusterPolicy", "IAMReadOnlyAccess"], "AttachedPolicies", "PolicyName", "ListAttachedUserPolicies",
            "iam", "list-attached-user-policies", "--user-name", "lister");
        await AssertPaged(["AmazonEKSClusterPolicy", "IAMReadOnlyAccess"], "AttachedPolicies", "PolicyName", "ListAttachedGroupPolicies",
            "iam", "list-attached-group-policies", "--group-name", "lister");
        // Newest version first, as IAM lists them.
        await AssertPaged(["v3", "v2", "v1"], "Versions", "VersionId", "ListPolicyVersions", "iam", "list-policy-versions", "--policy-arn", policyArn);
        // Keys list by creation time; two created within the same second have no defined order.
        var keys = (await aws.RunAsync("iam", "list-access-keys", "--user-name", "lister", "--page-size", "1", "--debug")).EnsureSuccess();
        Assert.Equal(2, IamStsCliFixture.Requests(keys, "ListAccessKeys"));
        var metadata = keys.Json.GetProperty("AccessKeyMetadata");
        Assert.Equal(new[] { key1, key2 }.Order(), Names(metadata, "AccessKeyId").Order());
        Assert.Equal(["lister", "lister"], Names(metadata, "UserName"));
        Assert.Equal(["Active", "Active"], Names(metadata, "Status"));

        // Tags keep the order they were added in.
        string[] tagKeys = ["k1", "k2", "k3"];
        await AssertPaged(tagKeys, "Tags", "Key", "ListUserTags", "iam", "list-user-tags", "--user-name", "lister");
        await AssertPaged(tagKeys, "Tags", "Key", "ListRoleTags", "iam", "list-role-tags", "--role-name", "lister");
        await AssertPaged(tagKeys, "Tags", "Key", "ListPolicyTags", "iam", "list-policy-tags", "--policy-arn", policyArn);
        await AssertPaged(["k1", "k2"], "Tags", "Key", "ListInstanceProfileTags", "iam", "list-instance-profile-tags", "--instance-profile-name", "lister");
        var tags = await aws.Ok("iam", "list-user-tags", "--user-name", "lister", "--max-items", "2");
        Assert.Equal(["k1=v1", "k2=v2"], IamStsCliFixture.Tags(tags.GetProperty("Tags")));
        var moreTags = await aws.Ok("iam", "list-user-tags", "--user-name", "lister", "--starting-token", tags.GetProperty("NextToken").GetString()!);
        Assert.Equal(["k3=v3"], IamStsCliFixture.Tags(moreTags.GetProperty("Tags")));
    }

    /// <summary>
    /// Lists with <c>--page-size 1 --debug</c> and asserts the items, in order, and that the CLI made one request per
    /// item (the last page is the one that says IsTruncated=false).
    /// </summary>
    private async Task AssertPaged(string?[] expected, string listMember, string itemMember, string operation, params string[] args)
    {
        var run = (await aws.RunAsync([.. args, "--page-size", "1", "--debug"])).EnsureSuccess();
        Assert.Equal(expected, Names(run.Json.GetProperty(listMember), itemMember));
        Assert.Equal(expected.Length, IamStsCliFixture.Requests(run, operation));
    }

    private async Task AssertPagedStrings(string?[] expected, string listMember, string operation, params string[] args)
    {
        var run = (await aws.RunAsync([.. args, "--page-size", "1", "--debug"])).EnsureSuccess();
        Assert.Equal(expected, IamStsCliFixture.Strings(run.Json.GetProperty(listMember)));
        Assert.Equal(expected.Length, IamStsCliFixture.Requests(run, operation));
    }
}
