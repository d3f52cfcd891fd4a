using System.Globalization;
using System.Text.Json.Nodes;
using Turnstile.Core.Iam.Policies;

namespace Turnstile.Aws.Iam;

public sealed partial class IamService
{
    /// <summary>A taggable IAM resource kind: how to find it (for changes and for listing), its ARN, and how to store new tags.</summary>
    private sealed record Taggable<T>(
        string Operation,
        string NameMember,
        Func<string, OperationContext, T> GetForChange,
        Func<string, IReadOnlyList<TagRecord>> ReadTags,
        Func<string, string> ArnOf,
        Func<T, IReadOnlyList<TagRecord>> Tags,
        Func<T, IReadOnlyList<TagRecord>, T> WithTags,
        Action<T> Save);

    private void RegisterTags()
    {
        RegisterTags(new Taggable<UserRecord>("User", "UserName", (n, _) => _state.GetUser(n), n => _state.GetUser(n).Tags, _state.UserArn,
            u => u.Tags, (u, t) => u with { Tags = t }, Save));
        RegisterTags(new Taggable<RoleRecord>("Role", "RoleName", (n, _) => _state.GetRole(n), n => _state.GetRole(n).Tags, _state.RoleArn,
            r => r.Tags, (r, t) => r with { Tags = t }, Save));
        RegisterTags(new Taggable<InstanceProfileRecord>("InstanceProfile", "InstanceProfileName", (n, _) => _state.GetInstanceProfile(n),
            n => _state.GetInstanceProfile(n).Tags, _state.InstanceProfileArn, p => p.Tags, (p, t) => p with { Tags = t }, Save));
        RegisterTags(new Taggable<ManagedPolicyRecord>("Policy", "PolicyArn", (arn, c) => ChangeablePolicy(arn, "TagPolicy", c),
            arn => ExistingPolicy(arn).Customer?.Tags ?? [], arn => arn, p => p.Tags, (p, t) => p with { Tags = t }, Save));
    }

    private void RegisterTags<T>(Taggable<T> kind)
    {
        string Resource(OperationInput i, OperationContext _) => kind.ArnOf(i.Required(kind.NameMember));
        IReadOnlyList<TagRecord>? Existing(OperationInput i)
        {
            try
            {
                return kind.ReadTags(i.Required(kind.NameMember));
            }
            catch (AwsServiceException)
            {
                return null;
            }
        }

        Add($"Tag{kind.Operation}", Resource, (i, c) =>
        {
            var entity = kind.GetForChange(i.Required(kind.NameMember), c);
            var added = i.Tags();
            if (added.Count == 0) throw IamErrors.NotNull("Tags");
            var merged = kind.Tags(entity).Where(t => !added.Any(a => SameName(a.Key, t.Key))).Concat(added).ToArray();
            if (merged.Length > IamState.TagsPerResource)
                throw IamErrors.LimitExceeded($"Cannot exceed quota for TagsPer{kind.Operation}: {IamState.TagsPerResource}");
            kind.Save(kind.WithTags(entity, merged));
            return Empty();
        }, (i, _) => ResourceTagKeys(Existing(i), RequestTagKeys(i.Tags())));

        Add($"Untag{kind.Operation}", Resource, (i, c) =>
        {
            var entity = kind.GetForChange(i.Required(kind.NameMember), c);
            var keys = i.Strings("TagKeys");
            var remaining = kind.Tags(entity).Where(t => !keys.Any(k => SameName(k, t.Key))).ToArray();
            if (remaining.Length != kind.Tags(entity).Count) kind.Save(kind.WithTags(entity, remaining));
            return Empty();
        }, (i, _) => ResourceTagKeys(Existing(i), new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase)
        {
            [ContextKeyNames.TagKeys] = i.Strings("TagKeys"),
        }));

        Add($"List{kind.Operation}Tags", Resource, (i, _) =>
        {
            var tags = kind.ReadTags(i.Required(kind.NameMember));
            var indexed = tags.Select((tag, index) => (tag, index));
            return Paging.Page(Empty(), "Tags", indexed, t => t.index.ToString("D4", CultureInfo.InvariantCulture),
                t => new JsonObject { ["Key"] = t.tag.Key, ["Value"] = t.tag.Value }, i);
        }, (i, _) => ResourceTagKeys(Existing(i)));
    }

    private void RegisterAccount()
    {
        Add("GetAccountSummary", Everything, (_, _) =>
        {
            var summary = new JsonObject
            {
                ["Users"] = _state.Users.Count,
                ["UsersQuota"] = 5000,
                ["Groups"] = _state.Groups.Count,
                ["GroupsQuota"] = 300,
                ["Roles"] = _state.Roles.Count,
                ["RolesQuota"] = 1000,
                ["Policies"] = _state.Policies.Count,
                ["PoliciesQuota"] = 1500,
                ["InstanceProfiles"] = _state.InstanceProfiles.Count,
                ["InstanceProfilesQuota"] = 1000,
                ["AccessKeysPerUserQuota"] = IamState.AccessKeysPerUser,
                ["AccountAccessKeysPresent"] = _state.KeysOf(null).Any() ? 1 : 0,
                ["AttachedPoliciesPerUserQuota"] = IamState.ManagedPoliciesPerEntity,
                ["AttachedPoliciesPerRoleQuota"] = IamState.ManagedPoliciesPerEntity,
                ["AttachedPoliciesPerGroupQuota"] = IamState.ManagedPoliciesPerEntity,
                ["GroupsPerUserQuota"] = IamState.GroupsPerUser,
                ["PolicyVersionsInUseQuota"] = 10000,
                ["PolicyVersionsInUse"] = _state.Users.Values.Sum(u => u.AttachedPolicyArns.Count)
                                          + _state.Roles.Values.Sum(r => r.AttachedPolicyArns.Count)
                                          + _state.Groups.Values.Sum(g => g.AttachedPolicyArns.Count),
                ["PolicySizeQuota"] = PolicyQuotas.ManagedPolicySize,
                ["UserPolicySizeQuota"] = PolicyQuotas.UserInlineAggregate,
                ["RolePolicySizeQuota"] = PolicyQuotas.RoleInlineAggregate,
                ["GroupPolicySizeQuota"] = PolicyQuotas.GroupInlineAggregate,
                ["AssumeRolePolicySizeQuota"] = PolicyQuotas.TrustPolicySize,
                ["VersionsPerPolicyQuota"] = IamState.VersionsPerPolicy,
                ["MFADevices"] = 0,
                ["MFADevicesInUse"] = 0,
                ["AccountMFAEnabled"] = 0,
                ["ServerCertificates"] = 0,
                ["ServerCertificatesQuota"] = 20,
                ["SigningCertificatesPerUserQuota"] = 2,
                ["Providers"] = 0,
                ["GlobalEndpointTokenVersion"] = 1,
            };
            return Result("SummaryMap", summary);
        });
    }
}
