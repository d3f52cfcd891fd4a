using Turnstile.Core.Arns;
using Turnstile.Core.Iam.Policies;
using Turnstile.State;

namespace Turnstile.Aws.Iam;

/// <summary>
/// The IAM and STS state as one call sees it: lookups and writes over the call's optimistic transaction (every read is
/// compared at commit), plus the account's shared caches. Entities are found by key, never by scanning.
/// </summary>
public sealed class IamState(IamAccount account, OptimisticTransaction tx)
{
    public IamAccount Account { get; } = account;
    public OptimisticTransaction Tx { get; } = tx;
    public EmulatorOptions Options => Account.Options;
    public IamArns Arns => Account.Arns;
    public string AccountId => Account.AccountId;
    public string Partition => Account.Partition;

    public DateTimeOffset AccountCreated => Tx.Read<AccountRecord>(IamKeys.Account)?.AccountCreated ?? DateTimeOffset.UnixEpoch;

    public string AwsManagedPolicy(string name) => Account.AwsManagedPolicy(name);

    // ---- lookups -------------------------------------------------------------------------------------------

    public UserRecord? FindUser(string name) => Tx.Read<UserRecord>(IamKeys.User(name));
    public RoleRecord? FindRole(string name) => Tx.Read<RoleRecord>(IamKeys.Role(name));
    public GroupRecord? FindGroup(string name) => Tx.Read<GroupRecord>(IamKeys.Group(name));
    public InstanceProfileRecord? FindInstanceProfile(string name) => Tx.Read<InstanceProfileRecord>(IamKeys.InstanceProfile(name));
    public ManagedPolicyRecord? FindPolicy(string name) => Tx.Read<ManagedPolicyRecord>(IamKeys.Policy(name));
    public AccessKeyRecord? FindAccessKey(string id) => Tx.Read<AccessKeyRecord>(IamKeys.AccessKey(id));
    public SessionRecord? FindSession(string accessKeyId) => Tx.Read<SessionRecord>(IamKeys.Session(accessKeyId));

    public UserRecord GetUser(string name) => FindUser(name) ?? throw IamErrors.NoSuchUser(name);
    public RoleRecord GetRole(string name) => FindRole(name) ?? throw IamErrors.NoSuchRole(name);
    public GroupRecord GetGroup(string name) => FindGroup(name) ?? throw IamErrors.NoSuchGroup(name);
    public InstanceProfileRecord GetInstanceProfile(string name) => FindInstanceProfile(name) ?? throw IamErrors.NoSuchInstanceProfile(name);

    public UserRecord? UserById(string id) => Tx.Read<NameRef>(IamKeys.UserId(id)) is { } name ? FindUser(name.Name) : null;
    public RoleRecord? RoleById(string id) => Tx.Read<NameRef>(IamKeys.RoleId(id)) is { } name ? FindRole(name.Name) : null;
    public GroupRecord? GroupById(string id) => Tx.Read<NameRef>(IamKeys.GroupId(id)) is { } name ? FindGroup(name.Name) : null;
    public InstanceProfileRecord? InstanceProfileById(string id) =>
        Tx.Read<NameRef>(IamKeys.InstanceProfileId(id)) is { } name ? FindInstanceProfile(name.Name) : null;

    public IEnumerable<GroupRecord> GroupsOf(UserRecord user) => user.GroupIds.Select(GroupById).OfType<GroupRecord>();

    /// <summary>A user's access keys, or the root user's when <paramref name="user"/> is null.</summary>
    public IEnumerable<AccessKeyRecord> KeysOf(UserRecord? user) =>
        (user?.AccessKeyIds ?? Tx.Read<AccountRecord>(IamKeys.Account)?.RootAccessKeyIds ?? []).Select(FindAccessKey).OfType<AccessKeyRecord>();

    public IEnumerable<InstanceProfileRecord> ProfilesWithRole(RoleRecord role) =>
        role.InstanceProfileIds.Select(InstanceProfileById).OfType<InstanceProfileRecord>();

    /// <summary>The records under <paramref name="prefix"/> (listings; not guarded, as a listing decides nothing).</summary>
    public IEnumerable<T> All<T>(string prefix) where T : class => Tx.List(prefix).Select(StoredJson.Decode<T>);

    public int Count(string prefix) => Tx.List(prefix).Count();

    /// <summary>The ARN of a user, or the path-less ARN IAM authorizes against when the user does not exist.</summary>
    public string UserArn(string name) => FindUser(name) is { } user ? Arns.User(user.Path, user.UserName) : Arns.User("/", name);
    public string RoleArn(string name) => FindRole(name) is { } role ? Arns.Role(role.Path, role.RoleName) : Arns.Role("/", name);
    public string GroupArn(string name) => FindGroup(name) is { } group ? Arns.Group(group.Path, group.GroupName) : Arns.Group("/", name);
    public string InstanceProfileArn(string name) =>
        FindInstanceProfile(name) is { } profile ? Arns.InstanceProfile(profile.Path, profile.InstanceProfileName) : Arns.InstanceProfile("/", name);

    // ---- writes --------------------------------------------------------------------------------------------

    public void CreateUser(UserRecord user)
    {
        Tx.Create(IamKeys.User(user.UserName), user);
        Tx.Create(IamKeys.UserId(user.UserId), new NameRef(IamKeys.Fold(user.UserName)));
    }

    public void SaveUser(UserRecord user) => Tx.Write(IamKeys.User(user.UserName), user);

    public void RenameUser(UserRecord before, UserRecord after)
    {
        if (IamKeys.Fold(before.UserName) != IamKeys.Fold(after.UserName))
        {
            Tx.Delete(IamKeys.User(before.UserName));
            Tx.Create(IamKeys.User(after.UserName), after);
            Tx.Write(IamKeys.UserId(after.UserId), new NameRef(IamKeys.Fold(after.UserName)));
        }
        else SaveUser(after);
    }

    public void DeleteUser(UserRecord user)
    {
        Tx.Delete(IamKeys.User(user.UserName));
        Tx.Delete(IamKeys.UserId(user.UserId));
    }

    public void CreateRole(RoleRecord role)
    {
        Tx.Create(IamKeys.Role(role.RoleName), role);
        Tx.Create(IamKeys.RoleId(role.RoleId), new NameRef(IamKeys.Fold(role.RoleName)));
    }

    public void SaveRole(RoleRecord role) => Tx.Write(IamKeys.Role(role.RoleName), role);

    public void DeleteRole(RoleRecord role)
    {
        Tx.Delete(IamKeys.Role(role.RoleName));
        Tx.Delete(IamKeys.RoleId(role.RoleId));
    }

    public void CreateGroup(GroupRecord group)
    {
        Tx.Create(IamKeys.Group(group.GroupName), group);
        Tx.Create(IamKeys.GroupId(group.GroupId), new NameRef(IamKeys.Fold(group.GroupName)));
    }

    public void SaveGroup(GroupRecord group) => Tx.Write(IamKeys.Group(group.GroupName), group);

    public void RenameGroup(GroupRecord before, GroupRecord after)
    {
        if (IamKeys.Fold(before.GroupName) != IamKeys.Fold(after.GroupName))
        {
            Tx.Delete(IamKeys.Group(before.GroupName));
            Tx.Create(IamKeys.Group(after.GroupName), after);
            Tx.Write(IamKeys.GroupId(after.GroupId), new NameRef(IamKeys.Fold(after.GroupName)));
        }
        else SaveGroup(after);
    }

    public void DeleteGroup(GroupRecord group)
    {
        Tx.Delete(IamKeys.Group(group.GroupName));
        Tx.Delete(IamKeys.GroupId(group.GroupId));
    }

    public void CreateInstanceProfile(InstanceProfileRecord profile)
    {
        Tx.Create(IamKeys.InstanceProfile(profile.InstanceProfileName), profile);
        Tx.Create(IamKeys.InstanceProfileId(profile.InstanceProfileId), new NameRef(IamKeys.Fold(profile.InstanceProfileName)));
    }

    public void SaveInstanceProfile(InstanceProfileRecord profile) => Tx.Write(IamKeys.InstanceProfile(profile.InstanceProfileName), profile);

    public void DeleteInstanceProfile(InstanceProfileRecord profile)
    {
        Tx.Delete(IamKeys.InstanceProfile(profile.InstanceProfileName));
        Tx.Delete(IamKeys.InstanceProfileId(profile.InstanceProfileId));
    }

    public void SavePolicy(ManagedPolicyRecord policy) => Tx.Write(IamKeys.Policy(policy.PolicyName), policy);

    public void CreatePolicy(ManagedPolicyRecord policy) => Tx.Create(IamKeys.Policy(policy.PolicyName), policy);

    public void DeletePolicy(ManagedPolicyRecord policy)
    {
        Tx.Delete(IamKeys.Policy(policy.PolicyName));
        Tx.Delete(IamKeys.PolicyUsage(policy.Arn));
    }

    /// <summary>Stores a new access key and lists it on its owner (the user, or the account for the root user).</summary>
    public void CreateAccessKey(AccessKeyRecord key, UserRecord? owner)
    {
        Tx.Create(IamKeys.AccessKey(key.AccessKeyId), key);
        if (owner is not null) SaveUser(owner with { AccessKeyIds = [.. owner.AccessKeyIds, key.AccessKeyId] });
        else SaveRootKeys(ids => [.. ids, key.AccessKeyId]);
    }

    public void DeleteAccessKey(AccessKeyRecord key, UserRecord? owner)
    {
        Tx.Delete(IamKeys.AccessKey(key.AccessKeyId));
        if (owner is not null) SaveUser(owner with { AccessKeyIds = owner.AccessKeyIds.Where(id => id != key.AccessKeyId).ToArray() });
        else SaveRootKeys(ids => ids.Where(id => id != key.AccessKeyId).ToArray());
    }

    public void SaveAccessKey(AccessKeyRecord key) => Tx.Write(IamKeys.AccessKey(key.AccessKeyId), key);

    private void SaveRootKeys(Func<IReadOnlyList<string>, IReadOnlyList<string>> change)
    {
        var account = Tx.Read<AccountRecord>(IamKeys.Account) ?? new AccountRecord { AccountCreated = Account.Emulator.Now };
        Tx.Write(IamKeys.Account, account with { RootAccessKeyIds = change(account.RootAccessKeyIds) });
    }

    // ---- managed policies ----------------------------------------------------------------------------------

    /// <summary>
    /// Resolves a managed policy ARN: an AWS managed policy from the catalogue, or a customer managed policy of this
    /// account. Returns false for well-formed ARNs naming nothing; throws InvalidInput for text that is not a policy ARN.
    /// </summary>
    public bool TryResolvePolicy(string arn, out ManagedPolicyRef policy)
    {
        policy = default;
        if (!Arn.TryParse(arn, out var parsed, out _) || parsed.Service != "iam" || !parsed.Resource.StartsWith("policy/", StringComparison.Ordinal))
            throw IamErrors.InvalidArn(arn);
        if (parsed.Partition != Partition) return false;
        if (parsed.Account == "aws")
        {
            if (!AwsManagedPolicies.TryGet(arn, out var aws)) return false;
            policy = new ManagedPolicyRef(aws.ArnIn(Partition), aws, null);
            return true;
        }
        if (parsed.Account != AccountId) return false;
        var name = parsed.Resource[(parsed.Resource.LastIndexOf('/') + 1)..];
        if (FindPolicy(name) is not { } record || !string.Equals(record.Arn, arn, StringComparison.OrdinalIgnoreCase)) return false;
        policy = new ManagedPolicyRef(record.Arn, null, record);
        return true;
    }

    public PolicyUsageRecord UsageOf(string policyArn) => Tx.Read<PolicyUsageRecord>(IamKeys.PolicyUsage(policyArn)) ?? new PolicyUsageRecord();

    public int AttachmentCount(string policyArn) => UsageOf(policyArn).Attached.Count;

    public int BoundaryUseCount(string policyArn) => UsageOf(policyArn).Boundary.Count;

    public void Attach(string policyArn, EntityRef entity) => ChangeUsage(policyArn, u => u with { Attached = [.. u.Attached, entity] });

    public void Detach(string policyArn, EntityRef entity) => ChangeUsage(policyArn, u => u with { Attached = u.Attached.Where(e => e != entity).ToArray() });

    /// <summary>Moves <paramref name="entity"/>'s permissions boundary from one policy to another (either may be null).</summary>
    public void ChangeBoundary(string? from, string? to, EntityRef entity)
    {
        if (Same(from, to)) return;
        if (from is not null) ChangeUsage(from, u => u with { Boundary = u.Boundary.Where(e => e != entity).ToArray() });
        if (to is not null) ChangeUsage(to, u => u with { Boundary = [.. u.Boundary, entity] });
    }

    private void ChangeUsage(string policyArn, Func<PolicyUsageRecord, PolicyUsageRecord> change)
    {
        var usage = change(UsageOf(policyArn));
        if (usage.IsEmpty) Tx.Delete(IamKeys.PolicyUsage(policyArn));
        else Tx.Write(IamKeys.PolicyUsage(policyArn), usage);
    }

    public static bool Contains(IReadOnlyList<string> arns, string arn) => arns.Any(a => Same(a, arn));

    public static bool Same(string? a, string? b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    /// <summary>The compiled default version of an attached managed policy, labelled with its ARN.</summary>
    public CompiledPolicy? CompileManaged(string arn)
    {
        // An AWS managed policy named by its exact ARN in the account's partition (most attachments, checked on every
        // signed call) needs neither parsing nor state.
        if (Partition == Partitions.Aws && AwsManagedPolicies.TryGet(arn, out var known) && string.Equals(known.Arn, arn, StringComparison.Ordinal))
            return AwsManagedPolicies.Compiled(known);
        if (!TryResolvePolicySafe(arn, out var policy)) return null;
        return policy.Aws is { } aws ? AwsManagedPolicies.Compiled(aws) : Account.CustomerDefault.Of(policy.Customer!);
    }

    private bool TryResolvePolicySafe(string arn, out ManagedPolicyRef policy)
    {
        try
        {
            return TryResolvePolicy(arn, out policy);
        }
        catch (AwsServiceException)
        {
            policy = default;
            return false;
        }
    }

    // ---- identity policies -----------------------------------------------------------------------------------

    /// <summary>The identity policies and permissions boundary of a user (its own and its groups').</summary>
    public PrincipalPolicies PoliciesOf(UserRecord user)
    {
        var policies = new List<CompiledPolicy>();
        AddManaged(policies, user.AttachedPolicyArns);
        policies.AddRange(Account.UserInline.Of(user));
        foreach (var group in GroupsOf(user))
        {
            AddManaged(policies, group.AttachedPolicyArns);
            policies.AddRange(Account.GroupInline.Of(group));
        }
        return new PrincipalPolicies(policies, Boundary(user.PermissionsBoundaryArn));
    }

    public PrincipalPolicies PoliciesOf(RoleRecord role)
    {
        var policies = new List<CompiledPolicy>();
        AddManaged(policies, role.AttachedPolicyArns);
        policies.AddRange(Account.RoleInline.Of(role));
        return new PrincipalPolicies(policies, Boundary(role.PermissionsBoundaryArn));
    }

    /// <summary>The session policies of an AssumeRole session (inline and managed), null when it has none.</summary>
    public IReadOnlyList<CompiledPolicy>? SessionPolicies(SessionRecord session)
    {
        if (!session.HasSessionPolicies) return null;
        var policies = new List<CompiledPolicy>(Account.SessionInline.Of(session));
        AddManaged(policies, session.SessionPolicyArns);
        return policies;
    }

    private CompiledPolicy? Boundary(string? arn) => arn is null ? null : CompileManaged(arn);

    private void AddManaged(List<CompiledPolicy> into, IEnumerable<string> arns)
    {
        foreach (var arn in arns)
            if (CompileManaged(arn) is { } compiled) into.Add(compiled);
    }

    /// <summary>Checks a trust or identity document's text the way IAM does before parsing: the principals it names must exist.</summary>
    public PolicyValidationOptions TrustValidation => new() { PrincipalExists = PrincipalExists };

    private bool PrincipalExists(string arn)
    {
        if (!PrincipalArn.TryParse(arn, out var principal, out _) || principal.Account != AccountId || principal.Partition != Partition) return true;
        return principal.Type switch
        {
            PrincipalType.User => FindUser(principal.Name) is { } user && user.Path == principal.Path,
            PrincipalType.Role => FindRole(principal.Name) is { } role && role.Path == principal.Path,
            _ => true,
        };
    }
}

/// <summary>A resolved managed policy: either an AWS managed one from the catalogue or a customer managed record.</summary>
public readonly record struct ManagedPolicyRef(string Arn, AwsManagedPolicy? Aws, ManagedPolicyRecord? Customer)
{
    public string Name => Aws?.Name ?? Customer!.PolicyName;
    public string Path => Aws?.Path ?? Customer!.Path;
}

/// <summary>A principal's identity policies and its permissions boundary (null when none is set).</summary>
public sealed record PrincipalPolicies(IReadOnlyList<CompiledPolicy> Identity, CompiledPolicy? Boundary);

/// <summary>When, for which service and where an access key was last used (kept in memory only).</summary>
public sealed record AccessKeyUsage(DateTimeOffset When, string Service, string Region);
