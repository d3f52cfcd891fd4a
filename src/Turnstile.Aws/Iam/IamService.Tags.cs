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
        Func<IamState, string, OperationContext, T> GetForChange,
        Func<IamState, string, IReadOnlyList<TagRecord>> ReadTags,
        Func<IamState, string, string> ArnOf,
        Func<T, IReadOnlyList<TagRecord>> Tags,
        Func<T, IReadOnlyList<TagRecord>, T> WithTags,
        Action<IamState, T> Save);

    private void RegisterTags()
    {
        RegisterTags(new Taggable<UserRecord>("User", "UserName", (s, n, _) => s.GetUser(n), (s, n) => s.GetUser(n).Tags, (s, n) => s.UserArn(n),
            u => u.Tags, (u, t) => u with { Tags = t }, (s, u) => s.SaveUser(u)));
        RegisterTags(new Taggable<RoleRecord>("Role", "RoleName", (s, n, _) => s.GetRole(n), (s, n) => s.GetRole(n).Tags, (s, n) => s.RoleArn(n),
            r => r.Tags, (r, t) => r with { Tags = t }, (s, r) => s.SaveRole(r)));
        RegisterTags(new Taggable<InstanceProfileRecord>("InstanceProfile", "InstanceProfileName", (s, n, _) => s.GetInstanceProfile(n),
            (s, n) => s.GetInstanceProfile(n).Tags, (s, n) => s.InstanceProfileArn(n), p => p.Tags, (p, t) => p with { Tags = t },
            (s, p) => s.SaveInstanceProfile(p)));
        RegisterTags(new Taggable<ManagedPolicyRecord>("Policy", "PolicyArn", (s, arn, c) => ChangeablePolicy(s, arn, "TagPolicy", c),
            (s, arn) => ExistingPolicy(s, arn).Customer?.Tags ?? [], (_, arn) => arn, p => p.Tags, (p, t) => p with { Tags = t },
            (s, p) => s.SavePolicy(p)));
    }

    private void RegisterTags<T>(Taggable<T> kind)
    {
        string Resource(OperationInput i, OperationContext _, IamState s) => kind.ArnOf(s, i.Required(kind.NameMember));
        IReadOnlyList<TagRecord>? Existing(IamState s, OperationInput i)
        {
            try
            {
                return kind.ReadTags(s, i.Required(kind.NameMember));
            }
            catch (AwsServiceException)
            {
                return null;
            }
        }

        Add($"Tag{kind.Operation}", Resource, (i, c, s) =>
        {
            var entity = kind.GetForChange(s, i.Required(kind.NameMember), c);
            var added = i.Tags();
            if (added.Count == 0) throw IamErrors.NotNull("Tags");
            var merged = kind.Tags(entity).Where(t => !added.Any(a => SameName(a.Key, t.Key))).Concat(added).ToArray();
            if (merged.Length > IamAccount.TagsPerResource)
                throw IamErrors.LimitExceeded($"Cannot exceed quota for TagsPer{kind.Operation}: {IamAccount.TagsPerResource}");
            kind.Save(s, kind.WithTags(entity, merged));
            return Empty();
        }, (i, _, s) => ResourceTagKeys(Existing(s, i), RequestTagKeys(i.Tags())));

        Add($"Untag{kind.Operation}", Resource, (i, c, s) =>
        {
            var entity = kind.GetForChange(s, i.Required(kind.NameMember), c);
            var keys = i.Strings("TagKeys");
            var remaining = kind.Tags(entity).Where(t => !keys.Any(k => SameName(k, t.Key))).ToArray();
            if (remaining.Length != kind.Tags(entity).Count) kind.Save(s, kind.WithTags(entity, remaining));
            return Empty();
        }, (i, _, s) => ResourceTagKeys(Existing(s, i), new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase)
        {
            [ContextKeyNames.TagKeys] = i.Strings("TagKeys"),
        }));

        Add($"List{kind.Operation}Tags", Resource, (i, _, s) =>
        {
            var tags = kind.ReadTags(s, i.Required(kind.NameMember));
            var indexed = tags.Select((tag, index) => (tag, index));
            return Paging.Page(Empty(), "Tags", indexed, t => t.index.ToString("D4", CultureInfo.InvariantCulture),
                t => new JsonObject { ["Key"] = t.tag.Key, ["Value"] = t.tag.Value }, i);
        }, (i, _, s) => ResourceTagKeys(Existing(s, i)));
    }

    private void RegisterAccount()
    {
        Add("GetAccountSummary", Everything, (_, _, state) =>
        {
            var usages = state.All<PolicyUsageRecord>(IamKeys.PolicyUsages).ToArray();
            var summary = new JsonObject
            {
                ["Users"] = state.Count(IamKeys.Users),
                ["UsersQuota"] = 5000,
                ["Groups"] = state.Count(IamKeys.Groups),
                ["GroupsQuota"] = 300,
                ["Roles"] = state.Count(IamKeys.Roles),
                ["RolesQuota"] = 1000,
                ["Policies"] = state.Count(IamKeys.Policies),
                ["PoliciesQuota"] = 1500,
                ["InstanceProfiles"] = state.Count(IamKeys.InstanceProfiles),
                ["InstanceProfilesQuota"] = 1000,
                ["AccessKeysPerUserQuota"] = IamAccount.AccessKeysPerUser,
                ["AccountAccessKeysPresent"] = state.KeysOf(null).Any() ? 1 : 0,
                ["AttachedPoliciesPerUserQuota"] = IamAccount.ManagedPoliciesPerEntity,
                ["AttachedPoliciesPerRoleQuota"] = IamAccount.ManagedPoliciesPerEntity,
                ["AttachedPoliciesPerGroupQuota"] = IamAccount.ManagedPoliciesPerEntity,
                ["GroupsPerUserQuota"] = IamAccount.GroupsPerUser,
                ["PolicyVersionsInUseQuota"] = 10000,
                ["PolicyVersionsInUse"] = usages.Sum(u => u.Attached.Count),
                ["PolicySizeQuota"] = PolicyQuotas.ManagedPolicySize,
                ["UserPolicySizeQuota"] = PolicyQuotas.UserInlineAggregate,
                ["RolePolicySizeQuota"] = PolicyQuotas.RoleInlineAggregate,
                ["GroupPolicySizeQuota"] = PolicyQuotas.GroupInlineAggregate,
                ["AssumeRolePolicySizeQuota"] = PolicyQuotas.TrustPolicySize,
                ["VersionsPerPolicyQuota"] = IamAccount.VersionsPerPolicy,
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
