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
        Func<IamState, string, T> Get,
        Func<IamState, string, string> ArnOf,
        Func<T, string> Name,
        Func<T, EntityRef> Ref,
        Func<T, IReadOnlyList<TagRecord>?> Tags,
        Func<T, IReadOnlyList<string>> Attached,
        Func<T, IReadOnlyList<string>, T> WithAttached,
        Func<T, IReadOnlyList<InlinePolicyRecord>> Inline,
        Func<T, IReadOnlyList<InlinePolicyRecord>, T> WithInline,
        Action<IamState, T> Save);

    private static PolicyHolder<UserRecord> UserHolder { get; } = new("user", "User", "UserName", (s, n) => s.GetUser(n), (s, n) => s.UserArn(n),
        u => u.UserName, u => new EntityRef(EntityKinds.User, u.UserId), u => u.Tags,
        u => u.AttachedPolicyArns, (u, a) => u with { AttachedPolicyArns = a }, u => u.InlinePolicies, (u, i) => u with { InlinePolicies = i },
        (s, u) => s.SaveUser(u));

    private static PolicyHolder<RoleRecord> RoleHolder { get; } = new("role", "Role", "RoleName", (s, n) => s.GetRole(n), (s, n) => s.RoleArn(n),
        r => r.RoleName, r => new EntityRef(EntityKinds.Role, r.RoleId), r => r.Tags,
        r => r.AttachedPolicyArns, (r, a) => r with { AttachedPolicyArns = a }, r => r.InlinePolicies, (r, i) => r with { InlinePolicies = i },
        (s, r) => s.SaveRole(r));

    private static PolicyHolder<GroupRecord> GroupHolder { get; } = new("group", "Group", "GroupName", (s, n) => s.GetGroup(n), (s, n) => s.GroupArn(n),
        g => g.GroupName, g => new EntityRef(EntityKinds.Group, g.GroupId), _ => null,
        g => g.AttachedPolicyArns, (g, a) => g with { AttachedPolicyArns = a }, g => g.InlinePolicies, (g, i) => g with { InlinePolicies = i },
        (s, g) => s.SaveGroup(g));

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
        string Resource(OperationInput i, OperationContext _, IamState s) => holder.ArnOf(s, i.Required(holder.NameMember));
        IReadOnlyDictionary<string, IReadOnlyList<string>>? Keys(OperationInput i, OperationContext _, IamState s)
        {
            var keys = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
            if (i.String("PolicyArn") is { } arn) keys[ContextKeyNames.PolicyArn] = [arn];
            return ResourceTagKeys(TagsOf(holder, s, i), keys);
        }

        Add($"Attach{holder.Operation}Policy", Resource, (i, _, s) =>
        {
            var entity = holder.Get(s, i.Required(holder.NameMember));
            var arn = i.Required("PolicyArn");
            if (!s.TryResolvePolicy(arn, out var policy)) throw IamErrors.NotAttachable(arn);
            var attached = holder.Attached(entity);
            if (IamState.Contains(attached, policy.Arn)) return Empty();
            if (attached.Count >= IamAccount.ManagedPoliciesPerEntity)
                throw IamErrors.LimitExceeded($"Cannot exceed quota for PoliciesPer{holder.Operation}: {IamAccount.ManagedPoliciesPerEntity}");
            holder.Save(s, holder.WithAttached(entity, [.. attached, policy.Arn]));
            s.Attach(policy.Arn, holder.Ref(entity));
            return Empty();
        }, Keys);

        Add($"Detach{holder.Operation}Policy", Resource, (i, _, s) =>
        {
            var entity = holder.Get(s, i.Required(holder.NameMember));
            var arn = i.Required("PolicyArn");
            var attached = holder.Attached(entity);
            if (attached.FirstOrDefault(a => IamState.Same(a, arn)) is not { } stored) throw IamErrors.NoSuchPolicy(arn);
            holder.Save(s, holder.WithAttached(entity, attached.Where(a => !IamState.Same(a, arn)).ToArray()));
            s.Detach(stored, holder.Ref(entity));
            return Empty();
        }, Keys);

        Add($"ListAttached{holder.Operation}Policies", Resource, (i, _, s) =>
        {
            var entity = holder.Get(s, i.Required(holder.NameMember));
            var prefix = i.String("PathPrefix") ?? "/";
            var policies = holder.Attached(entity)
                .Select(arn => s.TryResolvePolicy(arn, out var p) ? p : (ManagedPolicyRef?)null)
                .OfType<ManagedPolicyRef>()
                .Where(p => p.Path.StartsWith(prefix, StringComparison.Ordinal));
            return Paging.Page(Empty(), "AttachedPolicies", policies, p => Paging.NameKey(p.Name) + "\u0001" + p.Arn,
                p => new JsonObject { ["PolicyName"] = p.Name, ["PolicyArn"] = p.Arn }, i);
        }, (i, _, s) => ResourceTagKeys(TagsOf(holder, s, i)));
    }

    private static IReadOnlyList<TagRecord>? TagsOf<T>(PolicyHolder<T> holder, IamState state, OperationInput input)
    {
        try
        {
            return holder.Tags(holder.Get(state, input.Required(holder.NameMember)));
        }
        catch (AwsServiceException)
        {
            return null;
        }
    }

    private void RegisterInline<T>(PolicyHolder<T> holder)
    {
        string Resource(OperationInput i, OperationContext _, IamState s) => holder.ArnOf(s, i.Required(holder.NameMember));
        IReadOnlyDictionary<string, IReadOnlyList<string>>? Keys(OperationInput i, OperationContext _, IamState s) => ResourceTagKeys(TagsOf(holder, s, i));

        Add($"Put{holder.Operation}Policy", Resource, (i, _, s) =>
        {
            var entity = holder.Get(s, i.Required(holder.NameMember));
            var name = i.Required("PolicyName");
            var document = CheckIdentityDocument(i.Required("PolicyDocument"));
            var others = holder.Inline(entity).Where(p => !SameName(p.Name, name)).ToList();
            if (PolicyQuotas.CheckInlineAggregate(holder.Label, holder.Name(entity), others.Select(p => p.Document).Append(document)) is { } quota)
                throw IamErrors.From(quota);
            holder.Save(s, holder.WithInline(entity, [.. others, new InlinePolicyRecord(name, document)]));
            return Empty();
        }, Keys);

        Add($"Get{holder.Operation}Policy", Resource, (i, _, s) =>
        {
            var entity = holder.Get(s, i.Required(holder.NameMember));
            var name = i.Required("PolicyName");
            var policy = holder.Inline(entity).FirstOrDefault(p => SameName(p.Name, name)) ?? throw IamErrors.NoSuchInlinePolicy(holder.Label, name);
            return new JsonObject
            {
                [holder.NameMember] = holder.Name(entity),
                ["PolicyName"] = policy.Name,
                ["PolicyDocument"] = policy.Document,
            };
        }, Keys);

        Add($"Delete{holder.Operation}Policy", Resource, (i, _, s) =>
        {
            var entity = holder.Get(s, i.Required(holder.NameMember));
            var name = i.Required("PolicyName");
            var inline = holder.Inline(entity);
            if (!inline.Any(p => SameName(p.Name, name))) throw IamErrors.NoSuchInlinePolicy(holder.Label, name);
            holder.Save(s, holder.WithInline(entity, inline.Where(p => !SameName(p.Name, name)).ToArray()));
            return Empty();
        }, Keys);

        Add($"List{holder.Operation}Policies", Resource, (i, _, s) =>
        {
            var entity = holder.Get(s, i.Required(holder.NameMember));
            return Paging.Page(Empty(), "PolicyNames", holder.Inline(entity), p => Paging.NameKey(p.Name), p => JsonValue.Create(p.Name), i);
        }, Keys);
    }

    private static bool SameName(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private void RegisterBoundaries()
    {
        Add("PutUserPermissionsBoundary", (i, _, s) => s.UserArn(i.Required("UserName")), (i, _, s) =>
        {
            var user = s.GetUser(i.Required("UserName"));
            var boundary = ResolveBoundary(s, i.Required("PermissionsBoundary"));
            s.SaveUser(user with { PermissionsBoundaryArn = boundary });
            s.ChangeBoundary(user.PermissionsBoundaryArn, boundary, new EntityRef(EntityKinds.User, user.UserId));
            return Empty();
        }, (i, _, _) => BoundaryKeys(i));
        Add("DeleteUserPermissionsBoundary", (i, _, s) => s.UserArn(i.Required("UserName")), (i, _, s) =>
        {
            var user = s.GetUser(i.Required("UserName"));
            s.SaveUser(user with { PermissionsBoundaryArn = null });
            s.ChangeBoundary(user.PermissionsBoundaryArn, null, new EntityRef(EntityKinds.User, user.UserId));
            return Empty();
        });
        Add("PutRolePermissionsBoundary", RoleResource, (i, _, s) =>
        {
            var role = s.GetRole(i.Required("RoleName"));
            var boundary = ResolveBoundary(s, i.Required("PermissionsBoundary"));
            s.SaveRole(role with { PermissionsBoundaryArn = boundary });
            s.ChangeBoundary(role.PermissionsBoundaryArn, boundary, new EntityRef(EntityKinds.Role, role.RoleId));
            return Empty();
        }, (i, _, _) => BoundaryKeys(i));
        Add("DeleteRolePermissionsBoundary", RoleResource, (i, _, s) =>
        {
            var role = s.GetRole(i.Required("RoleName"));
            s.SaveRole(role with { PermissionsBoundaryArn = null });
            s.ChangeBoundary(role.PermissionsBoundaryArn, null, new EntityRef(EntityKinds.Role, role.RoleId));
            return Empty();
        });
    }

    private static IReadOnlyDictionary<string, IReadOnlyList<string>>? BoundaryKeys(OperationInput input) =>
        input.String("PermissionsBoundary") is { } arn
            ? new Dictionary<string, IReadOnlyList<string>> { [ContextKeyNames.PermissionsBoundary] = [arn] }
            : null;
}
