using System.Collections.Concurrent;
using Turnstile.Aws.State;
using Turnstile.Core.Arns;
using Turnstile.Core.Iam.Policies;

namespace Turnstile.Aws.Iam;

/// <summary>
/// The IAM and STS state of the emulated account: its tables (loaded from the store, written through transactions),
/// lookups, and the compiled policies of each principal. Callers hold <see cref="Sync"/> around every read and write.
/// </summary>
public sealed class IamState
{
    public const int AccessKeysPerUser = 2;
    public const int ManagedPoliciesPerEntity = 10;
    public const int GroupsPerUser = 10;
    public const int VersionsPerPolicy = 5;
    public const int TagsPerResource = 50;

    /// <summary>Expired sessions are kept this long so their callers get ExpiredToken rather than InvalidClientTokenId.</summary>
    public static readonly TimeSpan ExpiredSessionRetention = TimeSpan.FromDays(7);

    private readonly ConcurrentDictionary<string, RoleUsage> _roleUsage = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AccessKeyUsage> _keyUsage = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PrincipalPolicies> _policySets = new(StringComparer.Ordinal);
    private Dictionary<string, UserRecord>? _usersById;
    private Dictionary<string, RoleRecord>? _rolesById;

    public EmulatorState Emulator { get; }
    public EmulatorOptions Options => Emulator.Options;
    public Lock Sync => Emulator.Sync;
    public IamArns Arns { get; }
    public string AccountId => Options.AccountId;
    public string Partition => Options.Partition;
    public CompiledPolicyCache Compiled { get; } = new();

    public StateTable<UserRecord> Users { get; }
    public StateTable<AccessKeyRecord> AccessKeys { get; }
    public StateTable<RoleRecord> Roles { get; }
    public StateTable<GroupRecord> Groups { get; }
    public StateTable<ManagedPolicyRecord> Policies { get; }
    public StateTable<InstanceProfileRecord> InstanceProfiles { get; }
    public StateTable<SessionRecord> Sessions { get; }
    private StateTable<BootstrapRecord> Meta { get; }

    /// <summary>Incremented by every commit; cached views of the state are valid for one version.</summary>
    public long Version { get; private set; }

    public DateTimeOffset AccountCreated => Meta.Find(BootstrapKey)?.AccountCreated ?? DateTimeOffset.UnixEpoch;

    private const string BootstrapKey = "bootstrap";

    public IamState(EmulatorState emulator)
    {
        Emulator = emulator;
        Arns = new IamArns(emulator.Options.Partition, emulator.Options.AccountId);
        var store = emulator.Store;
        var names = StringComparer.OrdinalIgnoreCase;
        lock (emulator.Sync)
        {
            Users = new StateTable<UserRecord>("iam-users", store, names);
            AccessKeys = new StateTable<AccessKeyRecord>("iam-access-keys", store);
            Roles = new StateTable<RoleRecord>("iam-roles", store, names);
            Groups = new StateTable<GroupRecord>("iam-groups", store, names);
            Policies = new StateTable<ManagedPolicyRecord>("iam-policies", store, names);
            InstanceProfiles = new StateTable<InstanceProfileRecord>("iam-instance-profiles", store, names);
            Sessions = new StateTable<SessionRecord>("sts-sessions", store);
            Meta = new StateTable<BootstrapRecord>("iam-meta", store);
            Bootstrap();
        }
    }

    public StateTransaction Begin() => Emulator.Begin();

    /// <summary>Commits the call's writes and invalidates every cached view.</summary>
    public void Commit(StateTransaction transaction)
    {
        transaction.Commit();
        Version++;
        _policySets.Clear();
        _usersById = null;
        _rolesById = null;
    }

    /// <summary>
    /// A new store gets the admin user with AdministratorAccess and the configured access key, nothing else;
    /// the marker keeps this from happening again after the admin is deleted.
    /// </summary>
    private void Bootstrap()
    {
        if (Meta.Contains(BootstrapKey)) return;
        var now = Emulator.Now;
        var tx = Begin();
        var name = Options.AdminUserName;
        if (!Users.TryGet(name, out var admin))
        {
            admin = new UserRecord
            {
                UserId = IamIds.NewUserId(),
                UserName = name,
                Path = "/",
                CreateDate = now,
                AttachedPolicyArns = [AwsManagedPolicy("AdministratorAccess")],
            };
            tx.Put(Users, name, admin);
        }
        if (!AccessKeys.Contains(Options.AdminAccessKeyId))
        {
            tx.Put(AccessKeys, Options.AdminAccessKeyId, new AccessKeyRecord
            {
                AccessKeyId = Options.AdminAccessKeyId,
                SecretAccessKey = Options.AdminSecretAccessKey,
                UserId = admin.UserId,
                Status = AccessKeyStatus.Active,
                CreateDate = now,
            });
        }
        tx.Put(Meta, BootstrapKey, new BootstrapRecord(now));
        Commit(tx);
    }

    public string AwsManagedPolicy(string name) => $"arn:{Partition}:iam::aws:policy/{name}";

    // ---- lookups -------------------------------------------------------------------------------------------

    public UserRecord? FindUser(string name) => Users.Find(name);
    public RoleRecord? FindRole(string name) => Roles.Find(name);
    public GroupRecord? FindGroup(string name) => Groups.Find(name);
    public InstanceProfileRecord? FindInstanceProfile(string name) => InstanceProfiles.Find(name);

    public UserRecord GetUser(string name) => Users.Find(name) ?? throw IamErrors.NoSuchUser(name);
    public RoleRecord GetRole(string name) => Roles.Find(name) ?? throw IamErrors.NoSuchRole(name);
    public GroupRecord GetGroup(string name) => Groups.Find(name) ?? throw IamErrors.NoSuchGroup(name);
    public InstanceProfileRecord GetInstanceProfile(string name) => InstanceProfiles.Find(name) ?? throw IamErrors.NoSuchInstanceProfile(name);

    public UserRecord? UserById(string id)
    {
        _usersById ??= Users.Values.ToDictionary(u => u.UserId, StringComparer.Ordinal);
        return _usersById.GetValueOrDefault(id);
    }

    public RoleRecord? RoleById(string id)
    {
        _rolesById ??= Roles.Values.ToDictionary(r => r.RoleId, StringComparer.Ordinal);
        return _rolesById.GetValueOrDefault(id);
    }

    public IEnumerable<GroupRecord> GroupsOf(string userId) => Groups.Values.Where(g => g.MemberUserIds.Contains(userId));

    public IEnumerable<AccessKeyRecord> KeysOf(string? userId) => AccessKeys.Values.Where(k => k.UserId == userId);

    public IEnumerable<InstanceProfileRecord> ProfilesWithRole(string roleId) => InstanceProfiles.Values.Where(p => p.RoleIds.Contains(roleId));

    /// <summary>The ARN of a user, or the path-less ARN IAM authorizes against when the user does not exist.</summary>
    public string UserArn(string name) => FindUser(name) is { } user ? Arns.User(user.Path, user.UserName) : Arns.User("/", name);
    public string RoleArn(string name) => FindRole(name) is { } role ? Arns.Role(role.Path, role.RoleName) : Arns.Role("/", name);
    public string GroupArn(string name) => FindGroup(name) is { } group ? Arns.Group(group.Path, group.GroupName) : Arns.Group("/", name);
    public string InstanceProfileArn(string name) =>
        FindInstanceProfile(name) is { } profile ? Arns.InstanceProfile(profile.Path, profile.InstanceProfileName) : Arns.InstanceProfile("/", name);

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
        if (Policies.Find(name) is not { } record || !string.Equals(record.Arn, arn, StringComparison.OrdinalIgnoreCase)) return false;
        policy = new ManagedPolicyRef(record.Arn, null, record);
        return true;
    }

    public int AttachmentCount(string policyArn) =>
        Users.Values.Count(u => Contains(u.AttachedPolicyArns, policyArn)) +
        Roles.Values.Count(r => Contains(r.AttachedPolicyArns, policyArn)) +
        Groups.Values.Count(g => Contains(g.AttachedPolicyArns, policyArn));

    public int BoundaryUseCount(string policyArn) =>
        Users.Values.Count(u => Same(u.PermissionsBoundaryArn, policyArn)) + Roles.Values.Count(r => Same(r.PermissionsBoundaryArn, policyArn));

    public static bool Contains(IReadOnlyList<string> arns, string arn) => arns.Any(a => Same(a, arn));

    public static bool Same(string? a, string? b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    /// <summary>The compiled default version of an attached managed policy, labelled with its ARN.</summary>
    public CompiledPolicy? CompileManaged(string arn)
    {
        if (!TryResolvePolicySafe(arn, out var policy)) return null;
        if (policy.Aws is { } aws) return AwsManagedPolicies.Compiled(aws);
        var record = policy.Customer!;
        return Compiled.GetOrCompile(record.DefaultVersion.Document, PolicyKind.Identity, record.Arn, PolicySourceType.UserManaged);
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
        if (_policySets.TryGetValue(user.UserId, out var cached)) return cached;
        var policies = new List<CompiledPolicy>();
        AddManaged(policies, user.AttachedPolicyArns);
        AddInline(policies, user.InlinePolicies, PolicySourceType.User);
        foreach (var group in GroupsOf(user.UserId))
        {
            AddManaged(policies, group.AttachedPolicyArns);
            AddInline(policies, group.InlinePolicies, PolicySourceType.Group);
        }
        var set = new PrincipalPolicies(policies, Boundary(user.PermissionsBoundaryArn));
        _policySets[user.UserId] = set;
        return set;
    }

    public PrincipalPolicies PoliciesOf(RoleRecord role)
    {
        if (_policySets.TryGetValue(role.RoleId, out var cached)) return cached;
        var policies = new List<CompiledPolicy>();
        AddManaged(policies, role.AttachedPolicyArns);
        AddInline(policies, role.InlinePolicies, PolicySourceType.Role);
        var set = new PrincipalPolicies(policies, Boundary(role.PermissionsBoundaryArn));
        _policySets[role.RoleId] = set;
        return set;
    }

    /// <summary>The session policies of an AssumeRole session (inline and managed), null when it has none.</summary>
    public IReadOnlyList<CompiledPolicy>? SessionPolicies(SessionRecord session)
    {
        if (!session.HasSessionPolicies) return null;
        var key = "session:" + session.AccessKeyId;
        if (_policySets.TryGetValue(key, out var cached)) return cached.Identity;
        var policies = new List<CompiledPolicy>();
        if (session.SessionPolicy is { } inline)
            policies.Add(Compiled.GetOrCompile(inline, PolicyKind.Identity, "session policy", PolicySourceType.None));
        AddManaged(policies, session.SessionPolicyArns);
        _policySets[key] = new PrincipalPolicies(policies, null);
        return policies;
    }

    private CompiledPolicy? Boundary(string? arn) => arn is null ? null : CompileManaged(arn);

    private void AddManaged(List<CompiledPolicy> into, IEnumerable<string> arns)
    {
        foreach (var arn in arns)
        {
            if (CompileManaged(arn) is { } compiled) into.Add(compiled);
        }
    }

    private void AddInline(List<CompiledPolicy> into, IEnumerable<InlinePolicyRecord> inline, PolicySourceType type)
    {
        foreach (var policy in inline) into.Add(Compiled.GetOrCompile(policy.Document, PolicyKind.Identity, policy.Name, type));
    }

    // ---- usage (memory only) -------------------------------------------------------------------------------

    public void RecordKeyUse(string accessKeyId, DateTimeOffset when, string service, string region) =>
        _keyUsage[accessKeyId] = new AccessKeyUsage(when, service, region);

    public AccessKeyUsage? KeyUsage(string accessKeyId) => _keyUsage.GetValueOrDefault(accessKeyId);

    public void RecordRoleUse(string roleId, DateTimeOffset when, string region) => _roleUsage[roleId] = new RoleUsage(when, region);

    public RoleUsage? RoleUsage(string roleId) => _roleUsage.GetValueOrDefault(roleId);

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

public sealed record AccessKeyUsage(DateTimeOffset When, string Service, string Region);
