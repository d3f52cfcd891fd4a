using System.Collections.Concurrent;
using Turnstile.Core.Iam.Policies;
using Turnstile.State;

namespace Turnstile.Aws.Iam;

/// <summary>
/// What the IAM and STS services of one replica share across calls: the account's options and ARNs, compiled policies
/// (kept per stored version of the record that holds them, never recompiled per request) and last-used data (kept in
/// the replica's memory, as it is only informational).
/// </summary>
public sealed class IamAccount
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

    public IamAccount(EmulatorState emulator)
    {
        Emulator = emulator;
        Arns = new IamArns(emulator.Options.Partition, emulator.Options.AccountId);
        Trust = new(r => CompiledPolicy.Parse(r.AssumeRolePolicyDocument, PolicyKind.Trust, "trust policy of " + Arns.Role(r.Path, r.RoleName),
            PolicySourceType.Resource));
    }

    public EmulatorState Emulator { get; }
    public EmulatorOptions Options => Emulator.Options;
    public StateCache Cache => Emulator.Cache;
    public IamArns Arns { get; }
    public string AccountId => Options.AccountId;
    public string Partition => Options.Partition;

    internal PerRecord<UserRecord, IReadOnlyList<CompiledPolicy>> UserInline { get; } =
        new(u => CompileInline(u.InlinePolicies, PolicySourceType.User));
    internal PerRecord<RoleRecord, IReadOnlyList<CompiledPolicy>> RoleInline { get; } =
        new(r => CompileInline(r.InlinePolicies, PolicySourceType.Role));
    internal PerRecord<GroupRecord, IReadOnlyList<CompiledPolicy>> GroupInline { get; } =
        new(g => CompileInline(g.InlinePolicies, PolicySourceType.Group));
    internal PerRecord<ManagedPolicyRecord, CompiledPolicy> CustomerDefault { get; } =
        new(p => CompiledPolicy.Parse(p.DefaultVersion.Document, PolicyKind.Identity, p.Arn, PolicySourceType.UserManaged));
    internal PerRecord<SessionRecord, IReadOnlyList<CompiledPolicy>> SessionInline { get; } =
        new(s => s.SessionPolicy is { } inline ? [CompiledPolicy.Parse(inline, PolicyKind.Identity, "session policy")] : []);
    internal PerRecord<RoleRecord, CompiledPolicy> Trust { get; }

    private static IReadOnlyList<CompiledPolicy> CompileInline(IEnumerable<InlinePolicyRecord> inline, PolicySourceType type) =>
        inline.Select(p => CompiledPolicy.Parse(p.Document, PolicyKind.Identity, p.Name, type)).ToArray();

    public string AwsManagedPolicy(string name) => $"arn:{Partition}:iam::aws:policy/{name}";

    /// <summary>
    /// A new store gets the account record, the admin user with AdministratorAccess and the configured access key, in
    /// one commit guarded by the account key's absence, so replicas starting together bootstrap once. The record keeps
    /// this from happening again after the admin is deleted.
    /// </summary>
    public Task BootstrapAsync(CancellationToken cancellationToken = default) => Cache.RunAsync(tx =>
    {
        if (tx.Get(IamKeys.Account) is not null) return false;
        var state = new IamState(this, tx);
        var now = Emulator.Now;
        var admin = state.FindUser(Options.AdminUserName);
        if (admin is null)
        {
            admin = new UserRecord
            {
                UserId = IamIds.NewUserId(),
                UserName = Options.AdminUserName,
                Path = "/",
                CreateDate = now,
            };
            state.CreateUser(admin);
            state.Attach(AwsManagedPolicy("AdministratorAccess"), new EntityRef(EntityKinds.User, admin.UserId));
            admin = admin with { AttachedPolicyArns = [AwsManagedPolicy("AdministratorAccess")] };
        }
        tx.Create(IamKeys.Account, new AccountRecord { AccountCreated = now });
        if (tx.Get(IamKeys.AccessKey(Options.AdminAccessKeyId)) is null)
        {
            state.CreateAccessKey(new AccessKeyRecord
            {
                AccessKeyId = Options.AdminAccessKeyId,
                SecretAccessKey = Options.AdminSecretAccessKey,
                UserId = admin.UserId,
                Status = AccessKeyStatus.Active,
                CreateDate = now,
            }, admin);
        }
        else
        {
            state.SaveUser(admin);
        }
        return true;
    }, cancellationToken: cancellationToken);

    // ---- usage (memory only) -------------------------------------------------------------------------------

    public void RecordKeyUse(string accessKeyId, DateTimeOffset when, string service, string region) =>
        _keyUsage[accessKeyId] = new AccessKeyUsage(when, service, region);

    public AccessKeyUsage? KeyUsage(string accessKeyId) => _keyUsage.GetValueOrDefault(accessKeyId);

    public void RecordRoleUse(string roleId, DateTimeOffset when, string region) => _roleUsage[roleId] = new RoleUsage(when, region);

    public RoleUsage? RoleUsage(string roleId) => _roleUsage.GetValueOrDefault(roleId);
}

/// <summary>The kinds of <see cref="EntityRef"/>.</summary>
public static class EntityKinds
{
    public const string User = "user";
    public const string Role = "role";
    public const string Group = "group";
}
