using System.Globalization;
using System.Text.Json.Nodes;
using Turnstile.Core.Iam.Policies;

namespace Turnstile.Aws.Iam;

public sealed partial class IamService
{
    public const int MinMaxSessionDuration = 3600;
    public const int MaxMaxSessionDuration = 43200;

    private void RegisterRoles()
    {
        Add("CreateRole", (i, _) => Arns.Role(i.Path(), i.Required("RoleName")), CreateRole, (i, _) => CreateKeys(i));
        Add("GetRole", RoleResource, GetRole, RoleTags);
        Add("ListRoles", (i, _) => Arns.Role(i.String("PathPrefix") ?? "/", ""), ListRoles);
        Add("UpdateRole", RoleResource, UpdateRole, RoleTags);
        Add("UpdateRoleDescription", RoleResource, UpdateRoleDescription, RoleTags);
        Add("UpdateAssumeRolePolicy", RoleResource, UpdateAssumeRolePolicy, RoleTags);
        Add("DeleteRole", RoleResource, DeleteRole, RoleTags);
    }

    private string RoleResource(OperationInput input, OperationContext context) => _state.RoleArn(input.Required("RoleName"));

    private IReadOnlyDictionary<string, IReadOnlyList<string>>? RoleTags(OperationInput input, OperationContext context) =>
        ResourceTagKeys(_state.FindRole(input.Required("RoleName"))?.Tags);

    /// <summary>Validates a trust policy as IAM does when it is stored: grammar, named principals exist, size quota.</summary>
    private string CheckTrustPolicy(string document)
    {
        var parsed = PolicyParser.Parse(document, PolicyKind.Trust, _state.TrustValidation);
        if (!parsed.IsValid) throw IamErrors.From(parsed.Error);
        if (PolicyQuotas.CheckTrust(document) is { } quota) throw IamErrors.From(quota);
        return document;
    }

    private static int CheckMaxSessionDuration(int value)
    {
        var text = value.ToString(CultureInfo.InvariantCulture);
        if (value < MinMaxSessionDuration)
            throw IamErrors.Validation($"1 validation error detected: Value '{text}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to {MinMaxSessionDuration}");
        if (value > MaxMaxSessionDuration)
            throw IamErrors.Validation($"1 validation error detected: Value '{text}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to {MaxMaxSessionDuration}");
        return value;
    }

    private JsonObject CreateRole(OperationInput input, OperationContext context)
    {
        var name = input.Required("RoleName");
        var path = input.Path();
        var document = CheckTrustPolicy(input.Required("AssumeRolePolicyDocument"));
        var maxSession = CheckMaxSessionDuration(input.Int("MaxSessionDuration") ?? MinMaxSessionDuration);
        var tags = input.Tags();
        var boundary = ResolveBoundary(input.String("PermissionsBoundary"));
        if (_state.FindRole(name) is not null) throw IamErrors.AlreadyExists($"Role with name {name} already exists.");

        var role = new RoleRecord
        {
            RoleId = IamIds.NewRoleId(),
            RoleName = name,
            Path = path,
            CreateDate = context.Now,
            AssumeRolePolicyDocument = document,
            Description = input.String("Description"),
            MaxSessionDuration = maxSession,
            PermissionsBoundaryArn = boundary,
            Tags = tags,
        };
        var tx = _state.Begin();
        tx.Put(_state.Roles, name, role);
        _state.Commit(tx);
        return Result("Role", IamShapes.Role(role, Arns, full: true));
    }

    private JsonObject GetRole(OperationInput input, OperationContext context)
    {
        var role = _state.GetRole(input.Required("RoleName"));
        return Result("Role", IamShapes.Role(role, Arns, full: true, _state.RoleUsage(role.RoleId)));
    }

    private JsonObject ListRoles(OperationInput input, OperationContext context)
    {
        var prefix = input.String("PathPrefix") ?? "/";
        var roles = _state.Roles.Values.Where(r => r.Path.StartsWith(prefix, StringComparison.Ordinal));
        return Paging.Page(Empty(), "Roles", roles, r => Paging.NameKey(r.RoleName), r => IamShapes.Role(r, Arns, full: false), input);
    }

    private JsonObject UpdateRole(OperationInput input, OperationContext context)
    {
        var role = _state.GetRole(input.Required("RoleName"));
        var updated = role with
        {
            Description = input.String("Description") ?? role.Description,
            MaxSessionDuration = input.Int("MaxSessionDuration") is { } max ? CheckMaxSessionDuration(max) : role.MaxSessionDuration,
        };
        Save(updated);
        return Empty();
    }

    private JsonObject UpdateRoleDescription(OperationInput input, OperationContext context)
    {
        var role = _state.GetRole(input.Required("RoleName"));
        var updated = role with { Description = input.Required("Description") };
        Save(updated);
        return Result("Role", IamShapes.Role(updated, Arns, full: true, _state.RoleUsage(role.RoleId)));
    }

    private JsonObject UpdateAssumeRolePolicy(OperationInput input, OperationContext context)
    {
        var role = _state.GetRole(input.Required("RoleName"));
        var document = CheckTrustPolicy(input.Required("PolicyDocument"));
        Save(role with { AssumeRolePolicyDocument = document });
        return Empty();
    }

    private JsonObject DeleteRole(OperationInput input, OperationContext context)
    {
        var role = _state.GetRole(input.Required("RoleName"));
        if (_state.ProfilesWithRole(role.RoleId).Any()) throw IamErrors.DeleteConflict("Cannot delete entity, must remove roles from instance profile first.");
        if (role.AttachedPolicyArns.Count > 0) throw IamErrors.DeleteConflict("Cannot delete entity, must detach all policies first.");
        if (role.InlinePolicies.Count > 0) throw IamErrors.DeleteConflict("Cannot delete entity, must delete policies first.");
        var tx = _state.Begin();
        tx.Delete(_state.Roles, role.RoleName);
        _state.Commit(tx);
        return Empty();
    }

    private void Save(RoleRecord role)
    {
        var tx = _state.Begin();
        tx.Put(_state.Roles, role.RoleName, role);
        _state.Commit(tx);
    }

    private void Save(UserRecord user)
    {
        var tx = _state.Begin();
        tx.Put(_state.Users, user.UserName, user);
        _state.Commit(tx);
    }

    private void Save(GroupRecord group)
    {
        var tx = _state.Begin();
        tx.Put(_state.Groups, group.GroupName, group);
        _state.Commit(tx);
    }
}
