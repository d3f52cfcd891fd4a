using System.Text.Json.Nodes;

namespace Turnstile.Aws.Iam;

public sealed partial class IamService
{
    public const int RolesPerInstanceProfile = 1;

    private void RegisterInstanceProfiles()
    {
        Add("CreateInstanceProfile", (i, _, _) => Arns.InstanceProfile(i.Path(), i.Required("InstanceProfileName")), CreateInstanceProfile,
            (i, _, _) => RequestTagKeys(i.Tags()));
        Add("GetInstanceProfile", ProfileResource, GetInstanceProfile, ProfileTags);
        Add("ListInstanceProfiles", (i, _, _) => Arns.InstanceProfile(i.String("PathPrefix") ?? "/", ""), ListInstanceProfiles);
        Add("AddRoleToInstanceProfile", ProfileResource, AddRoleToInstanceProfile, ProfileTags);
        Add("RemoveRoleFromInstanceProfile", ProfileResource, RemoveRoleFromInstanceProfile, ProfileTags);
        Add("ListInstanceProfilesForRole", RoleResource, ListInstanceProfilesForRole, RoleTags);
        Add("DeleteInstanceProfile", ProfileResource, DeleteInstanceProfile, ProfileTags);
    }

    private static string ProfileResource(OperationInput input, OperationContext context, IamState state) =>
        state.InstanceProfileArn(input.Required("InstanceProfileName"));

    private static IReadOnlyDictionary<string, IReadOnlyList<string>>? ProfileTags(OperationInput input, OperationContext context, IamState state) =>
        ResourceTagKeys(state.FindInstanceProfile(input.Required("InstanceProfileName"))?.Tags);

    private static JsonObject ProfileShape(IamState state, InstanceProfileRecord profile, bool withTags) =>
        IamShapes.InstanceProfile(profile, state.Arns, profile.RoleIds.Select(state.RoleById).OfType<RoleRecord>(), withTags);

    private JsonObject CreateInstanceProfile(OperationInput input, OperationContext context, IamState state)
    {
        var name = input.Required("InstanceProfileName");
        var tags = input.Tags();
        if (state.FindInstanceProfile(name) is not null) throw IamErrors.AlreadyExists($"Instance Profile {name} already exists.");
        var profile = new InstanceProfileRecord
        {
            InstanceProfileId = IamIds.NewInstanceProfileId(),
            InstanceProfileName = name,
            Path = input.Path(),
            CreateDate = context.Now,
            Tags = tags,
        };
        state.CreateInstanceProfile(profile);
        return Result("InstanceProfile", ProfileShape(state, profile, withTags: true));
    }

    private JsonObject GetInstanceProfile(OperationInput input, OperationContext context, IamState state) =>
        Result("InstanceProfile", ProfileShape(state, state.GetInstanceProfile(input.Required("InstanceProfileName")), withTags: true));

    private JsonObject ListInstanceProfiles(OperationInput input, OperationContext context, IamState state)
    {
        var prefix = input.String("PathPrefix") ?? "/";
        var profiles = state.All<InstanceProfileRecord>(IamKeys.InstanceProfiles).Where(p => p.Path.StartsWith(prefix, StringComparison.Ordinal));
        return Paging.Page(Empty(), "InstanceProfiles", profiles, p => Paging.NameKey(p.InstanceProfileName), p => ProfileShape(state, p, withTags: false), input);
    }

    private JsonObject AddRoleToInstanceProfile(OperationInput input, OperationContext context, IamState state)
    {
        var profile = state.GetInstanceProfile(input.Required("InstanceProfileName"));
        var role = state.GetRole(input.Required("RoleName"));
        if (profile.RoleIds.Count >= RolesPerInstanceProfile)
            throw IamErrors.LimitExceeded($"Cannot exceed quota for InstanceSessionsPerInstanceProfile: {RolesPerInstanceProfile}");
        state.SaveInstanceProfile(profile with { RoleIds = [.. profile.RoleIds, role.RoleId] });
        state.SaveRole(role with { InstanceProfileIds = [.. role.InstanceProfileIds, profile.InstanceProfileId] });
        return Empty();
    }

    private JsonObject RemoveRoleFromInstanceProfile(OperationInput input, OperationContext context, IamState state)
    {
        var profile = state.GetInstanceProfile(input.Required("InstanceProfileName"));
        var role = state.GetRole(input.Required("RoleName"));
        if (!profile.RoleIds.Contains(role.RoleId)) throw IamErrors.NoSuchRole(role.RoleName);
        state.SaveInstanceProfile(profile with { RoleIds = profile.RoleIds.Where(id => id != role.RoleId).ToArray() });
        state.SaveRole(role with { InstanceProfileIds = role.InstanceProfileIds.Where(id => id != profile.InstanceProfileId).ToArray() });
        return Empty();
    }

    private JsonObject ListInstanceProfilesForRole(OperationInput input, OperationContext context, IamState state)
    {
        var role = state.GetRole(input.Required("RoleName"));
        return Paging.Page(Empty(), "InstanceProfiles", state.ProfilesWithRole(role), p => Paging.NameKey(p.InstanceProfileName),
            p => ProfileShape(state, p, withTags: false), input);
    }

    private JsonObject DeleteInstanceProfile(OperationInput input, OperationContext context, IamState state)
    {
        var profile = state.GetInstanceProfile(input.Required("InstanceProfileName"));
        if (profile.RoleIds.Count > 0) throw IamErrors.DeleteConflict("Cannot delete entity, must remove roles from instance profile first.");
        state.DeleteInstanceProfile(profile);
        return Empty();
    }
}
