using System.Globalization;
using System.Text.Json.Nodes;
using Turnstile.Core.Iam.Policies;

namespace Turnstile.Aws.Iam;

/// <summary>ARNs of IAM entities; paths are part of the ARN (<c>user/division/alice</c>).</summary>
public sealed record IamArns(string Partition, string AccountId)
{
    public string Root => $"arn:{Partition}:iam::{AccountId}:root";
    public string User(string path, string name) => Entity("user", path, name);
    public string Role(string path, string name) => Entity("role", path, name);
    public string Group(string path, string name) => Entity("group", path, name);
    public string InstanceProfile(string path, string name) => Entity("instance-profile", path, name);
    public string Policy(string path, string name) => Entity("policy", path, name);
    public string AssumedRole(string roleName, string sessionName) => $"arn:{Partition}:sts::{AccountId}:assumed-role/{roleName}/{sessionName}";

    private string Entity(string type, string path, string name) => $"arn:{Partition}:iam::{AccountId}:{type}{path}{name}";
}

/// <summary>Renders IAM records as the model's output structures.</summary>
internal static class IamShapes
{
    public static string Date(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static JsonArray Tags(IEnumerable<TagRecord> tags) =>
        new(tags.Select(t => (JsonNode)new JsonObject { ["Key"] = t.Key, ["Value"] = t.Value }).ToArray());

    public static void AddTags(JsonObject shape, IReadOnlyList<TagRecord> tags)
    {
        if (tags.Count > 0) shape["Tags"] = Tags(tags);
    }

    public static void AddBoundary(JsonObject shape, string? boundaryArn)
    {
        if (boundaryArn is null) return;
        shape["PermissionsBoundary"] = new JsonObject
        {
            ["PermissionsBoundaryType"] = "PermissionsBoundaryPolicy",
            ["PermissionsBoundaryArn"] = boundaryArn,
        };
    }

    /// <summary>The User structure; <paramref name="full"/> adds what Get* returns but List* leaves out (tags, boundary).</summary>
    public static JsonObject User(UserRecord user, IamArns arns, bool full)
    {
        var shape = new JsonObject
        {
            ["Path"] = user.Path,
            ["UserName"] = user.UserName,
            ["UserId"] = user.UserId,
            ["Arn"] = arns.User(user.Path, user.UserName),
            ["CreateDate"] = Date(user.CreateDate),
        };
        if (full)
        {
            AddBoundary(shape, user.PermissionsBoundaryArn);
            AddTags(shape, user.Tags);
        }
        return shape;
    }

    public static JsonObject Role(RoleRecord role, IamArns arns, bool full, RoleUsage? usage = null)
    {
        var shape = new JsonObject
        {
            ["Path"] = role.Path,
            ["RoleName"] = role.RoleName,
            ["RoleId"] = role.RoleId,
            ["Arn"] = arns.Role(role.Path, role.RoleName),
            ["CreateDate"] = Date(role.CreateDate),
            ["AssumeRolePolicyDocument"] = role.AssumeRolePolicyDocument,
        };
        if (role.Description is not null) shape["Description"] = role.Description;
        shape["MaxSessionDuration"] = role.MaxSessionDuration;
        if (full)
        {
            AddBoundary(shape, role.PermissionsBoundaryArn);
            AddTags(shape, role.Tags);
            // GetRole always carries RoleLastUsed, empty for a role never used.
            var lastUsed = new JsonObject();
            if (usage is not null)
            {
                lastUsed["LastUsedDate"] = Date(usage.When);
                lastUsed["Region"] = usage.Region;
            }
            shape["RoleLastUsed"] = lastUsed;
        }
        return shape;
    }

    public static JsonObject Group(GroupRecord group, IamArns arns) => new()
    {
        ["Path"] = group.Path,
        ["GroupName"] = group.GroupName,
        ["GroupId"] = group.GroupId,
        ["Arn"] = arns.Group(group.Path, group.GroupName),
        ["CreateDate"] = Date(group.CreateDate),
    };

    public static JsonObject InstanceProfile(InstanceProfileRecord profile, IamArns arns, IEnumerable<RoleRecord> roles, bool withTags)
    {
        var shape = new JsonObject
        {
            ["Path"] = profile.Path,
            ["InstanceProfileName"] = profile.InstanceProfileName,
            ["InstanceProfileId"] = profile.InstanceProfileId,
            ["Arn"] = arns.InstanceProfile(profile.Path, profile.InstanceProfileName),
            ["CreateDate"] = Date(profile.CreateDate),
            ["Roles"] = new JsonArray(roles.Select(r => (JsonNode)Role(r, arns, full: false)).ToArray()),
        };
        if (withTags) AddTags(shape, profile.Tags);
        return shape;
    }

    /// <summary>The Policy structure for a customer managed policy.</summary>
    public static JsonObject Policy(ManagedPolicyRecord policy, int attachments, int boundaryUses, bool full)
    {
        var shape = new JsonObject
        {
            ["PolicyName"] = policy.PolicyName,
            ["PolicyId"] = policy.PolicyId,
            ["Arn"] = policy.Arn,
            ["Path"] = policy.Path,
            ["DefaultVersionId"] = policy.DefaultVersionId,
            ["AttachmentCount"] = attachments,
            ["PermissionsBoundaryUsageCount"] = boundaryUses,
            ["IsAttachable"] = true,
        };
        if (full && policy.Description is not null) shape["Description"] = policy.Description;
        shape["CreateDate"] = Date(policy.CreateDate);
        shape["UpdateDate"] = Date(policy.UpdateDate);
        if (full) AddTags(shape, policy.Tags);
        return shape;
    }

    public static JsonObject Policy(AwsManagedPolicy policy, string partition, int attachments, int boundaryUses, bool full)
    {
        var shape = new JsonObject
        {
            ["PolicyName"] = policy.Name,
            ["PolicyId"] = policy.PolicyId,
            ["Arn"] = policy.ArnIn(partition),
            ["Path"] = policy.Path,
            ["DefaultVersionId"] = policy.DefaultVersionId,
            ["AttachmentCount"] = attachments,
            ["PermissionsBoundaryUsageCount"] = boundaryUses,
            ["IsAttachable"] = true,
        };
        if (full) shape["Description"] = policy.Description;
        shape["CreateDate"] = Date(policy.CreateDate);
        shape["UpdateDate"] = Date(policy.UpdateDate);
        return shape;
    }

    public static JsonObject PolicyVersion(PolicyVersionRecord version, bool isDefault, bool withDocument)
    {
        var shape = new JsonObject();
        if (withDocument) shape["Document"] = version.Document;
        shape["VersionId"] = version.VersionId;
        shape["IsDefaultVersion"] = isDefault;
        shape["CreateDate"] = Date(version.CreateDate);
        return shape;
    }

    public static JsonObject AccessKeyMetadata(AccessKeyRecord key, string? userName)
    {
        var shape = new JsonObject();
        if (userName is not null) shape["UserName"] = userName;
        shape["AccessKeyId"] = key.AccessKeyId;
        shape["Status"] = key.Status;
        shape["CreateDate"] = Date(key.CreateDate);
        return shape;
    }
}

/// <summary>When and where a role was last used (kept in memory only).</summary>
public sealed record RoleUsage(DateTimeOffset When, string Region);
