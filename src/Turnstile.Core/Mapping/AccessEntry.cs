using Turnstile.Core.AccessPolicies;

namespace Turnstile.Core.Mapping;

public static class AccessEntryTypes
{
    public const string Standard = "STANDARD";
    public const string Ec2Linux = "EC2_LINUX";
    public const string Ec2Windows = "EC2_WINDOWS";
    public const string FargateLinux = "FARGATE_LINUX";
    public const string Ec2 = "EC2";
    public const string HybridLinux = "HYBRID_LINUX";
    public const string HyperpodLinux = "HYPERPOD_LINUX";

    public static readonly IReadOnlyList<string> All = [Standard, Ec2Linux, Ec2Windows, FargateLinux, Ec2, HybridLinux, HyperpodLinux];

    public static bool IsKnown(string type) => All.Contains(type);

    public static bool IsNode(string type) => type != Standard;
}

/// <summary>
/// An EKS access entry. <see cref="Username"/> is the stored (possibly templated) username and
/// <see cref="KubernetesGroups"/> the groups EKS reports; <see cref="PrincipalId"/> is the IAM unique id the
/// entry was bound to at creation, when known (a recreated principal with the same ARN no longer matches).
/// </summary>
public sealed record AccessEntry
{
    public required string ClusterName { get; init; }
    public required string PrincipalArn { get; init; }
    public string? PrincipalId { get; init; }
    public string Type { get; init; } = AccessEntryTypes.Standard;
    public required string Username { get; init; }
    public IReadOnlyList<string> KubernetesGroups { get; init; } = [];
    public IReadOnlyList<AssociatedAccessPolicy> AccessPolicies { get; init; } = [];
    public string AccessEntryArn { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ModifiedAt { get; init; }
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
}
