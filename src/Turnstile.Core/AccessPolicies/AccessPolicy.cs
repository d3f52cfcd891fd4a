using Turnstile.Core.Rbac;

namespace Turnstile.Core.AccessPolicies;

/// <summary>Who may be associated with an access policy.</summary>
public enum AccessPolicyAudience
{
    /// <summary>Any STANDARD access entry.</summary>
    Any,
    /// <summary>Reserved for EKS service-linked roles; associating a customer principal fails.</summary>
    ServiceLinkedOnly,
    /// <summary>Meant for a specific AWS feature (Auto Mode nodes, EMR, HyperPod...).</summary>
    Feature,
}

/// <summary>
/// An EKS cluster access policy. AWS publishes the rules of only some policies; for the others
/// <see cref="RulesPublished"/> is false and the policy grants nothing here.
/// </summary>
public sealed record AccessPolicy(string Name, AccessPolicyAudience Audience, IReadOnlyList<PolicyRule> Rules, bool RulesPublished)
{
    public string ArnIn(string partition) => $"arn:{partition}:eks::aws:cluster-access-policy/{Name}";
}
