using System.Text.Json.Nodes;
using Turnstile.Core.Iam.Policies;

namespace Turnstile.Aws.Iam;

public sealed partial class IamService
{
    /// <summary>
    /// What managed-policy attachment and inline-policy operations need to know about users, roles and groups:
    /// the member naming the entity, lookups, the policy lists and how to store a changed copy.
    /// </summary>
    private sealed record PolicyHolder<T>(
        string Label,
        string Operation,
        string NameMember,
        Func<string, T> Get,
        Func<string, string> ArnOf,
        Func<T, string> Name,
        Func<T, IReadOnlyList<TagRecord>?> Tags,
        Func<T, IReadOnlyList<string>> Attached,
        Func<T, IReadOnlyList<string>, T> WithAttached,
        Func<T, IReadOnlyList<InlinePolicyRecord>> Inline,
        Func<T, IReadOnlyList<InlinePolicyRecord>, T> WithInline,
        Action<T> Save);

    private PolicyHolder<UserRecord> UserHolder => new("user", "User", "UserName", _state.GetUser, _state.UserArn, u => u.UserName, u => u.Tags,
        u => u.AttachedPolicyArns, (u, a) => u with { AttachedPolicyArns = a }, u => u.InlinePolicies, (u, i) => u with { InlinePolicies = i }, Save);

    private PolicyHolder<RoleRecord> RoleHolder => new("role", "Role", "RoleName", _state.GetRole, _state.RoleArn, r => r.RoleName, r => r.Tags,
        r => r.AttachedPolicyArns, (r, a) => r with { AttachedPolicyArns = a }, r => r.InlinePolicies, (r, i) => r with { InlinePolicies = i }, Save);

    private PolicyHolder<GroupRecord> GroupHolder => new("group", "Group", "GroupName", _state.GetGroup, _state.GroupArn, g => g.GroupName, _ => null,
        g => g.AttachedPolicyArns, (g, a) => g with { AttachedPolicyArns = a }, g => g.InlinePolicies, (g, i) => g with { InlinePolicies = i }, Save);

    private void RegisterAttachments()
    {
        RegisterAttachments(UserHolder);
        RegisterAttachments(RoleHolder);
        RegisterAttachments(GroupHolder);
        RegisterBoundaries();
    }

    private void RegisterInlinePolicies()
    {
        RegisterInline(UserHolder);
        RegisterInline(RoleHolder);
        RegisterInline(GroupHolder);
    }

    private void RegisterAttachments<T>(PolicyHolder<T> holder)
    {
        string Resource(OperationInput i, OperationContext _) => holder.ArnOf(i.Required(holder.NameMember));
        IReadOnlyDictionary<string, IReadOnlyList<string>>? Keys(OperationInput i, OperationContext _)
        {
            var keys = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
            if (i.String("PolicyArn") is { } arn) keys[ContextKeyNames.PolicyArn] = [arn];
            return ResourceTagKeys(TagsOf(holder, i), keys);
        }

        Add($"Attach{holder.Operation}Policy", Resource, (i, _) =>
        {
            var entity = holder.Get(i.Required(holder.NameMember));
            var arn = i.Required("PolicyArn");
            if (!_state.TryResolvePolicy(arn, out var policy)) throw IamErrors.NotAttachable(arn);
            var attached = holder.Attached(entity);
            if (IamState.Contains(attached, policy.Arn)) return Empty();
            if (attached.Count >= IamState.ManagedPoliciesPerEntity)
                throw IamErrors.LimitExceeded($"Cannot exceed quota for PoliciesPer{holder.Operation}: {IamState.ManagedPoliciesPerEntity}");
            holder.Save(holder.WithAttached(entity, [.. attached, policy.Arn]));
            return Empty();
        }, Keys);

        Add($"Detach{holder.Operation}Policy", Resource, (i, _) =>
        {
            var entity = holder.Get(i.Required(holder.NameMember));
            var arn = i.Required("PolicyArn");
            var attached = holder.Attached(entity);
            if (!IamState.Contains(attached, arn)) throw IamErrors.NoSuchPolicy(arn);
            holder.Save(holder.WithAttached(entity, attached.Where(a => !IamState.Same(a, arn)).ToArray()));
            return Empty();
        }, Keys);

        Add($"ListAttached{holder.Operation}Policies", Resource, (i, _) =>
        {
            var entity = holder.Get(i.Required(holder.NameMember));
            var prefix = i.String("PathPrefix") ?? "/";
            var policies = holder.Attached(entity)
                .Select(arn => _state.TryResolvePolicy(arn, out var p) ? p : (ManagedPolicyRef?)null)
                .OfType<ManagedPolicyRef>()
                .Where(p => p.Path.StartsWith(prefix, StringComparison.Ordinal));
            return Paging.Page(Empty(), "AttachedPolicies", policies, p => Paging.NameKey(p.Name) + "\u0001" + p.Arn,
                p => new JsonObject { ["PolicyName"] = p.Name, ["PolicyArn"] = p.Arn }, i);
        }, (i, _) => ResourceTagKeys(TagsOf(holder, i)));
    }

    private IReadOnlyList<TagRecord>? TagsOf<T>(PolicyHolder<T> holder, OperationInput input)
    {
        try
        {
            return holder.Tags(holder.Get(input.Required(holder.NameMember)));
        }
        catch (AwsServiceException)
        {
            return null;
        }
    }

    private void RegisterInline<T>(PolicyHolder<T> holder)
    {
        string Resource(OperationInput i, OperationContext _) => holder.ArnOf(i.Required(holder.NameMember));
        IReadOnlyDictionary<string, IReadOnlyList<string>>? Keys(OperationInput i, OperationContext _) => ResourceTagKeys(TagsOf(holder, i));

        Add($"Put{holder.Operation}Policy", Resource, (i, _) =>
        {
            var entity = holder.Get(i.Required(holder.NameMember));
            var name = i.Required("PolicyName");
            var document = CheckIdentityDocument(i.Required("PolicyDocument"));
            var others = holder.Inline(entity).Where(p => !SameName(p.Name, name)).ToList();
            if (PolicyQuotas.CheckInlineAggregate(holder.Label, holder.Name(entity), others.Select(p => p.Document).Append(document)) is { } quota)
                throw IamErrors.From(quota);
            holder.Save(holder.WithInline(entity, [.. others, new InlinePolicyRecord(name, document)]));
            return Empty();
        }, Keys);

        Add($"Get{holder.Operation}Policy", Resource, (i, _) =>
        {
            var entity = holder.Get(i.Required(holder.NameMember));
            var name = i.Required("PolicyName");
            var policy = holder.Inline(entity).FirstOrDefault(p => SameName(p.Name, name)) ?? throw IamErrors.NoSuchInlinePolicy(holder.Label, name);
            return new JsonObject
            {
                [holder.NameMember] = holder.Name(entity),
                ["PolicyName"] = policy.Name,
                ["PolicyDocument"] = policy.Document,
            };
        }, Keys);

        Add($"Delete{holder.Operation}Policy", Resource, (i, _) =>
        {
            var entity = holder.Get(i.Required(holder.NameMember));
            var name = i.Required("PolicyName");
            var inline = holder.Inline(entity);
            if (!inline.Any(p => SameName(p.Name, name))) throw IamErrors.NoSuchInlinePolicy(holder.Label, name);
            holder.Save(holder.WithInline(entity, inline.Where(p => !SameName(p.Name, name)).ToArray()));
            return Empty();
        }, Keys);

        Add($"List{holder.Operation}Policies", Resource, (i, _) =>
        {
            var entity = holder.Get(i.Required(holder.NameMember));
            return Paging.Page(Empty(), "PolicyNames", holder.Inline(entity), p => Paging.NameKey(p.Name), p => JsonValue.Create(p.Name), i);
        }, Keys);
    }

    private static bool SameName(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private void RegisterBoundaries()
    {
        Add("PutUserPermissionsBoundary", (i, _) => _state.UserArn(i.Required("UserName")), (i, _) =>
        {
            var user = _state.GetUser(i.Required("UserName"));
            Save(user with { PermissionsBoundaryArn = ResolveBoundary(i.Required("PermissionsBoundary")) });
            return Empty();
        }, (i, _) => BoundaryKeys(i));
        Add("DeleteUserPermissionsBoundary", (i, _) => _state.UserArn(i.Required("UserName")), (i, _) =>
        {
            var user = _state.GetUser(i.Required("UserName"));
            Save(user with { PermissionsBoundaryArn = null });
            return Empty();
        });
        Add("PutRolePermissionsBoundary", RoleResource, (i, _) =>
        {
            var role = _state.GetRole(i.Required("RoleName"));
            Save(role with { PermissionsBoundaryArn = ResolveBoundary(i.Required("PermissionsBoundary")) });
            return Empty();
        }, (i, _) => BoundaryKeys(i));
        Add("DeleteRolePermissionsBoundary", RoleResource, (i, _) =>
        {
            var role = _state.GetRole(i.Required("RoleName"));
            Save(role with { PermissionsBoundaryArn = null });
            return Empty();
        });
    }

    private static IReadOnlyDictionary<string, IReadOnlyList<string>>? BoundaryKeys(OperationInput input) =>
        input.String("PermissionsBoundary") is { } arn
            ? new Dictionary<string, IReadOnlyList<string>> { [ContextKeyNames.PermissionsBoundary] = [arn] }
            : null;
}
