namespace Turnstile.Core.AccessPolicies;

/// <summary>An access policy associated with an access entry, with its scope.</summary>
public sealed record AssociatedAccessPolicy(string PolicyArn, AccessScope Scope)
{
    public DateTimeOffset AssociatedAt { get; init; }
    public DateTimeOffset ModifiedAt { get; init; }

    /// <summary>The catalogue entry, resolved once; null for an ARN that names no known policy.</summary>
    public AccessPolicy? Policy { get; } = AccessPolicyCatalog.FindByArn(PolicyArn);
}
