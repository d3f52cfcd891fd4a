namespace Turnstile.Core.Iam.Policies;

/// <summary>
/// IAM's default size quotas for policy documents. IAM counts characters with all white space removed;
/// inline quotas are per entity, summed over every inline policy the entity has.
/// </summary>
public static class PolicyQuotas
{
    public const int ManagedPolicySize = 6144;
    public const int UserInlineAggregate = 2048;
    public const int GroupInlineAggregate = 5120;
    public const int RoleInlineAggregate = 10240;

    /// <summary>ACLSizePerRole (GetAccountSummary's AssumeRolePolicySizeQuota); raisable on request, hence the parameters below.</summary>
    public const int TrustPolicySize = 2048;

    /// <summary>The API-level length constraint on any <c>policyDocumentType</c> value (a ValidationError, not a quota).</summary>
    public const int DocumentMaxLength = 131072;

    public static int CountNonWhitespace(string text)
    {
        var count = 0;
        foreach (var c in text)
        {
            if (!char.IsWhiteSpace(c)) count++;
        }
        return count;
    }

    /// <summary>The botocore pattern for <c>policyDocumentType</c>: tab, LF, CR and U+0020..U+00FF, at least one character.</summary>
    public static bool HasValidCharacters(string text)
    {
        if (text.Length == 0) return false;
        foreach (var c in text)
        {
            if (c is '\t' or '\n' or '\r') continue;
            if (c < '\u0020' || c > '\u00FF') return false;
        }
        return true;
    }

    public static PolicyError? CheckManaged(string document, int limit = ManagedPolicySize) =>
        CountNonWhitespace(document) > limit ? PolicyError.Limit(PolicyMessages.ManagedPolicySize(limit)) : null;

    public static PolicyError? CheckTrust(string document, int limit = TrustPolicySize) =>
        CountNonWhitespace(document) > limit ? PolicyError.Limit(PolicyMessages.TrustPolicySize(limit)) : null;

    /// <summary>Checks the sum of an entity's inline documents (including the one being put). <paramref name="entityType"/> is <c>user</c>, <c>group</c> or <c>role</c>.</summary>
    public static PolicyError? CheckInlineAggregate(string entityType, string entityName, IEnumerable<string> documents, int? limit = null)
    {
        var max = limit ?? entityType switch
        {
            "user" => UserInlineAggregate,
            "group" => GroupInlineAggregate,
            "role" => RoleInlineAggregate,
            _ => throw new ArgumentOutOfRangeException(nameof(entityType), entityType, "expected user, group or role"),
        };
        var total = 0;
        foreach (var document in documents) total += CountNonWhitespace(document);
        return total > max ? PolicyError.Limit(PolicyMessages.InlinePolicySize(max, entityType, entityName)) : null;
    }
}
