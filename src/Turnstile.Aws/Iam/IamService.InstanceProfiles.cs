using System.Text.Json.Nodes;

namespace Turnstile.Aws.Iam;

public sealed partial class IamService
{
    public const int RolesPerInstanceProfile = 1;

    private void RegisterInstanceProfiles()
    {
        Add("CreateInstanceProfile", (i, _) => Arns.InstanceProfile(i.Path(), i.Required("InstanceProfileName")), CreateInstanceProfile,
            (i, _) => RequestTagKeys(i.Tags()));
        Add("GetInstanceProfile", ProfileResource, GetInstanceProfile, ProfileTags);
        Add("ListInstanceProfiles", (i, _) => Arns.InstanceProfile(i.String("PathPrefix") ?? "/", ""), ListInstanceProfiles);
        Add("AddRoleToInstanceProfile", ProfileResource, AddRoleToInstanceProfile, ProfileTags);
        Add("RemoveRoleFromInstanceProfile", ProfileResource, RemoveRoleFromInstanceProfile, ProfileTags);
        Add("ListInstanceProfilesForRole", RoleResource, ListInstanceProfilesForRole, RoleTags);
        Add("DeleteInstanceProfile", ProfileResource, DeleteInstanceProfile, ProfileTags);
    }

    private string ProfileResource(OperationInput input, OperationContext context) => _state.InstanceProfileArn(input.Required("InstanceProfileName"));

    private IReadOnlyDictionary<string, IReadOnlyList<string>>? ProfileTags(OperationInput input, OperationContext context) =>
        ResourceTagKeys(_state.FindInstanceProfile(input.Required("InstanceProfileName"))?.Tags);

    private JsonObject ProfileShape(InstanceProfileRecord profile, bool withTags) =>
        IamShapes.InstanceProfile(profile, Arns, profile.RoleIds.Select(_state.RoleById).OfType<RoleRecord>(), withTags);

    private JsonObject CreateInstanceProfile(OperationInput input, OperationContext context)
    {
        var name = input.Required("InstanceProfileName");
        var tags = input.Tags();
        if (_state.FindInstanceProfile(name) is not null) throw IamErrors.AlreadyExists($"Instance Profile {name} already exists.");
        var profile = new InstanceProfileRecord
        {
            InstanceProfileId = IamIds.NewInstanceProfileId(),
            InstanceProfileName = name,
            Path = input.Path(),
            CreateDate = context.Now,
            Tags = tags,
        };
        Save(profile);
        return Result("InstanceProfile", ProfileShape(profile, withTags: true));
    }

    private JsonObject GetInstanceProfile(OperationInput input, OperationContext context) =>
        Result("InstanceProfile", ProfileShape(_state.GetInstanceProfile(input.Required("InstanceProfileName")), withTags: true));

    private JsonObject ListInstanceProfiles(OperationInput input, OperationContext context)
    {
        var prefix = input.String("PathPrefix") ?? "/";
        var profiles = _state.InstanceProfiles.Values.Where(p => p.Path.StartsWith(prefix, StringComparison.Ordinal));
        return Paging.Page(Empty(), "InstanceProfiles", profiles, p => Paging.NameKey(p.InstanceProfileName), p => ProfileShape(p, withTags: false), input);
    }

    private JsonObject AddRoleToInstanceProfile(OperationInput input, OperationContext context)
    {
        var profile = _state.GetInstanceProfile(input.Required("InstanceProfileName"));
        var role = _state.GetRole(input.Required("RoleName"));
        if (profile.RoleIds.Count >= RolesPerInstanceProfile)
            throw IamErrors.LimitExceeded($"Cannot exceed quota for InstanceSessionsPerInstanceProfile: {RolesPerInstanceProfile}");
        Save(profile with { RoleIds = [.. profile.RoleIds, role.RoleId] });
        return Empty();
    }

    private JsonObject RemoveRoleFromInstanceProfile(OperationInput input, OperationContext context)
    {
        var profile = _state.GetInstanceProfile(input.Required("InstanceProfileName"));
        var role = _state.GetRole(input.Required("RoleName"));
        if (!profile.RoleIds.Contains(role.RoleId)) throw IamErrors.NoSuchRole(role.RoleName);
        Save(profile with { RoleIds = profile.RoleIds.Where(id => id != role.RoleId).ToArray() });
        return Empty();
    }

    private JsonObject ListInstanceProfilesForRole(OperationInput input, OperationContext context)
    {
        var role = _state.GetRole(input.Required("RoleName"));
        return Paging.Page(Empty(), "InstanceProfiles", _state.ProfilesWithRole(role.RoleId), p => Paging.NameKey(p.InstanceProfileName),
            p => ProfileShape(p, withTags: false), input);
    }

    private JsonObject DeleteInstanceProfile(OperationInput input, OperationContext context)
    {
        var profile = _state.GetInstanceProfile(input.Required("InstanceProfileName"));
        if (profile.RoleIds.Count > 0) throw IamErrors.DeleteConflict("Cannot delete entity, must remove roles from instance profile first.");
        var tx = _state.Begin();
        tx.Delete(_state.InstanceProfiles, profile.InstanceProfileName);
        _state.Commit(tx);
        return Empty();
    }

    private void Save(InstanceProfileRecord profile)
    {
        var tx = _state.Begin();
        tx.Put(_state.InstanceProfiles, profile.InstanceProfileName, profile);
        _state.Commit(tx);
    }
}
