namespace Turnstile.Aws.Iam;

// Persisted IAM state, one record per key (see IamKeys). Every record is immutable; a change writes a new copy.
// References between entities use unique ids (AIDA/AROA/AGPA...) so that renames do not touch other records. A parent
// lists its children where a decision depends on the set (a user's access keys for the quota and DeleteConflict), so a
// compare on the parent guards it.

public sealed record TagRecord(string Key, string Value);

/// <summary>An inline policy: its name and the document exactly as submitted.</summary>
public sealed record InlinePolicyRecord(string Name, string Document);

public sealed record UserRecord
{
    public required string UserId { get; init; }
    public required string UserName { get; init; }
    public required string Path { get; init; }
    public required DateTimeOffset CreateDate { get; init; }
    public string? PermissionsBoundaryArn { get; init; }
    public IReadOnlyList<TagRecord> Tags { get; init; } = [];
    public IReadOnlyList<string> AttachedPolicyArns { get; init; } = [];
    public IReadOnlyList<InlinePolicyRecord> InlinePolicies { get; init; } = [];
    /// <summary>Set while the user has a console password (the password itself is never stored).</summary>
    public LoginProfileRecord? LoginProfile { get; init; }
    /// <summary>The user's access key ids, oldest first.</summary>
    public IReadOnlyList<string> AccessKeyIds { get; init; } = [];
    /// <summary>Ids of the groups the user is in, in the order it joined them.</summary>
    public IReadOnlyList<string> GroupIds { get; init; } = [];
}

public sealed record LoginProfileRecord(DateTimeOffset CreateDate, bool PasswordResetRequired);

/// <summary>A long-term access key. <see cref="UserId"/> is null for the account root's keys.</summary>
public sealed record AccessKeyRecord
{
    public required string AccessKeyId { get; init; }
    public required string SecretAccessKey { get; init; }
    public string? UserId { get; init; }
    public required string Status { get; init; }
    public required DateTimeOffset CreateDate { get; init; }

    public bool IsActive => Status == AccessKeyStatus.Active;
    public bool IsRootKey => UserId is null;
}

public static class AccessKeyStatus
{
    public const string Active = "Active";
    public const string Inactive = "Inactive";
}

public sealed record RoleRecord
{
    /// <summary>Ids of the instance profiles that hold the role.</summary>
    public IReadOnlyList<string> InstanceProfileIds { get; init; } = [];
    public required string RoleId { get; init; }
    public required string RoleName { get; init; }
    public required string Path { get; init; }
    public required DateTimeOffset CreateDate { get; init; }
    public required string AssumeRolePolicyDocument { get; init; }
    public string? Description { get; init; }
    public int MaxSessionDuration { get; init; } = 3600;
    public string? PermissionsBoundaryArn { get; init; }
    public IReadOnlyList<TagRecord> Tags { get; init; } = [];
    public IReadOnlyList<string> AttachedPolicyArns { get; init; } = [];
    public IReadOnlyList<InlinePolicyRecord> InlinePolicies { get; init; } = [];
}

public sealed record GroupRecord
{
    public required string GroupId { get; init; }
    public required string GroupName { get; init; }
    public required string Path { get; init; }
    public required DateTimeOffset CreateDate { get; init; }
    /// <summary>Member user ids, in the order they were added.</summary>
    public IReadOnlyList<string> MemberUserIds { get; init; } = [];
    public IReadOnlyList<string> AttachedPolicyArns { get; init; } = [];
    public IReadOnlyList<InlinePolicyRecord> InlinePolicies { get; init; } = [];
}

public sealed record PolicyVersionRecord(string VersionId, string Document, DateTimeOffset CreateDate);

/// <summary>A customer managed policy with all its versions.</summary>
public sealed record ManagedPolicyRecord
{
    public required string PolicyId { get; init; }
    public required string PolicyName { get; init; }
    public required string Path { get; init; }
    public required string Arn { get; init; }
    public string? Description { get; init; }
    public required DateTimeOffset CreateDate { get; init; }
    public required DateTimeOffset UpdateDate { get; init; }
    public required string DefaultVersionId { get; init; }
    /// <summary>Number the next version gets (IAM never reuses version ids).</summary>
    public int NextVersion { get; init; } = 2;
    public IReadOnlyList<PolicyVersionRecord> Versions { get; init; } = [];
    public IReadOnlyList<TagRecord> Tags { get; init; } = [];

    public PolicyVersionRecord DefaultVersion => Versions.First(v => v.VersionId == DefaultVersionId);
}

public sealed record InstanceProfileRecord
{
    public required string InstanceProfileId { get; init; }
    public required string InstanceProfileName { get; init; }
    public required string Path { get; init; }
    public required DateTimeOffset CreateDate { get; init; }
    /// <summary>Role ids; IAM allows at most one.</summary>
    public IReadOnlyList<string> RoleIds { get; init; } = [];
    public IReadOnlyList<TagRecord> Tags { get; init; } = [];
}

public enum SessionKind
{
    /// <summary>AssumeRole: the session acts as the role.</summary>
    AssumedRole,

    /// <summary>GetSessionToken by an IAM user: the session acts as the user.</summary>
    User,

    /// <summary>GetSessionToken with root credentials.</summary>
    Root,
}

/// <summary>Temporary credentials issued by STS; kept until some time after they expire so callers get ExpiredToken.</summary>
public sealed record SessionRecord
{
    public required string AccessKeyId { get; init; }
    public required string SecretAccessKey { get; init; }
    public required string SessionToken { get; init; }
    public required DateTimeOffset CreateDate { get; init; }
    public required DateTimeOffset Expiration { get; init; }
    public required SessionKind Kind { get; init; }
    /// <summary>Role id (AssumedRole) or user id (User); null for root.</summary>
    public string? PrincipalId { get; init; }
    /// <summary>Role name or user name when the session was issued.</summary>
    public string? PrincipalName { get; init; }
    public string? SessionName { get; init; }
    public bool MfaPresent { get; init; }
    public string? SourceIdentity { get; init; }
    /// <summary>Inline session policy (AssumeRole <c>Policy</c>).</summary>
    public string? SessionPolicy { get; init; }
    /// <summary>Managed session policies (AssumeRole <c>PolicyArns</c>).</summary>
    public IReadOnlyList<string> SessionPolicyArns { get; init; } = [];
    public IReadOnlyList<TagRecord> Tags { get; init; } = [];

    public bool HasSessionPolicies => SessionPolicy is not null || SessionPolicyArns.Count > 0;
}

/// <summary>
/// The account itself: when it was bootstrapped (its presence keeps a deleted admin user from being recreated) and the
/// root user's access keys.
/// </summary>
public sealed record AccountRecord
{
    public required DateTimeOffset AccountCreated { get; init; }
    public IReadOnlyList<string> RootAccessKeyIds { get; init; } = [];
}

/// <summary>An index entry: the folded name of the entity an id (or other secondary key) names.</summary>
public sealed record NameRef(string Name);

/// <summary>An IAM entity a managed policy is attached to: <see cref="Kind"/> is user, role or group; <see cref="Id"/> its unique id.</summary>
public sealed record EntityRef(string Kind, string Id);

/// <summary>Who uses a managed policy (AWS or customer): attachments and permissions boundaries, in the order they were made.</summary>
public sealed record PolicyUsageRecord
{
    public IReadOnlyList<EntityRef> Attached { get; init; } = [];
    public IReadOnlyList<EntityRef> Boundary { get; init; } = [];

    public bool IsEmpty => Attached.Count == 0 && Boundary.Count == 0;
}
