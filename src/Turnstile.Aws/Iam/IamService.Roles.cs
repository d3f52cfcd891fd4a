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
        Add("CreateRole", (i, _, _) => Arns.Role(i.Path(), i.Required("RoleName")), CreateRole, (i, _, _) => CreateKeys(i));
        Add("GetRole", RoleResource, GetRole, RoleTags);
        Add("ListRoles", (i, _, _) => Arns.Role(i.String("PathPrefix") ?? "/", ""), ListRoles);
        Add("UpdateRole", RoleResource, UpdateRole, RoleTags);
        Add("UpdateRoleDescription", RoleResource, UpdateRoleDescription, RoleTags);
        Add("UpdateAssumeRolePolicy", RoleResource, UpdateAssumeRolePolicy, RoleTags);
        Add("DeleteRole", RoleResource, DeleteRole, RoleTags);
    }

    private static string RoleResource(OperationInput input, OperationContext context, IamState state) => state.RoleArn(input.Required("RoleName"));

    private static IReadOnlyDictionary<string, IReadOnlyList<string>>? RoleTags(OperationInput input, OperationContext context, IamState state) =>
        ResourceTagKeys(state.FindRole(input.Required("RoleName"))?.Tags);

    /// <summary>Validates a trust policy as IAM does when it is stored: grammar, named principals exist, size quota.</summary>
    private static string CheckTrustPolicy(IamState state, string document)
    {
        var parsed = PolicyParser.Parse(document, PolicyKind.Trust, state.TrustValidation);
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

    private JsonObject CreateRole(OperationInput input, OperationContext context, IamState state)
    {
        var name = input.Required("RoleName");
        var path = input.Path();
        var document = CheckTrustPolicy(state, input.Required("AssumeRolePolicyDocument"));
        var maxSession = CheckMaxSessionDuration(input.Int("MaxSessionDuration") ?? MinMaxSessionDuration);
        var tags = input.Tags();
        var boundary = ResolveBoundary(state, input.String("PermissionsBoundary"));
        if (state.FindRole(name) is not null) throw IamErrors.AlreadyExists($"Role with name {name} already exists.");

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
        state.CreateRole(role);
        state.ChangeBoundary(null, boundary, new EntityRef(EntityKinds.Role, role.RoleId));
        return Result("Role", IamShapes.Role(role, Arns, full: true));
    }

    private JsonObject GetRole(OperationInput input, OperationContext context, IamState state)
    {
        var role = state.GetRole(input.Required("RoleName"));
        return Result("Role", IamShapes.Role(role, Arns, full: true, _account.RoleUsage(role.RoleId)));
    }

    private JsonObject ListRoles(OperationInput input, OperationContext context, IamState state)
    {
        var prefix = input.String("PathPrefix") ?? "/";
        var roles = state.All<RoleRecord>(IamKeys.Roles).Where(r => r.Path.StartsWith(prefix, StringComparison.Ordinal));
        return Paging.Page(Empty(), "Roles", roles, r => Paging.NameKey(r.RoleName), r => IamShapes.Role(r, Arns, full: false), input);
    }

    private JsonObject UpdateRole(OperationInput input, OperationContext context, IamState state)
    {
        var role = state.GetRole(input.Required("RoleName"));
        var updated = role with
        {
            Description = input.String("Description") ?? role.Description,
            MaxSessionDuration = input.Int("MaxSessionDuration") is { } max ? CheckMaxSessionDuration(max) : role.MaxSessionDuration,
        };
        state.SaveRole(updated);
        return Empty();
    }

    private JsonObject UpdateRoleDescription(OperationInput input, OperationContext context, IamState state)
    {
        var role = state.GetRole(input.Required("RoleName"));
        var updated = role with { Description = input.Required("Description") };
        state.SaveRole(updated);
        return Result("Role", IamShapes.Role(updated, Arns, full: true, _account.RoleUsage(role.RoleId)));
    }

    private JsonObject UpdateAssumeRolePolicy(OperationInput input, OperationContext context, IamState state)
    {
        var role = state.GetRole(input.Required("RoleName"));
        var document = CheckTrustPolicy(state, input.Required("PolicyDocument"));
        state.SaveRole(role with { AssumeRolePolicyDocument = document });
        return Empty();
    }

    private JsonObject DeleteRole(OperationInput input, OperationContext context, IamState state)
    {
        var role = state.GetRole(input.Required("RoleName"));
        if (role.InstanceProfileIds.Count > 0) throw IamErrors.DeleteConflict("Cannot delete entity, must remove roles from instance profile first.");
        if (role.AttachedPolicyArns.Count > 0) throw IamErrors.DeleteConflict("Cannot delete entity, must detach all policies first.");
        if (role.InlinePolicies.Count > 0) throw IamErrors.DeleteConflict("Cannot delete entity, must delete policies first.");
        state.ChangeBoundary(role.PermissionsBoundaryArn, null, new EntityRef(EntityKinds.Role, role.RoleId));
        state.DeleteRole(role);
        return Empty();
    }
}
