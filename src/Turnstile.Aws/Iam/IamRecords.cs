namespace Turnstile.Aws.Iam;

// Persisted IAM state. Every record is immutable; a change writes a new copy through a StateTransaction.
// References between entities use unique ids (AIDA/AROA/AGPA...) so that renames do not touch other records.

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

/// <summary>Marks a store the emulator has already bootstrapped, so a deleted admin user is not recreated.</summary>
public sealed record BootstrapRecord(DateTimeOffset AccountCreated);
