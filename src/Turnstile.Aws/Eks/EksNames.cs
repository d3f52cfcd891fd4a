using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Turnstile.Core.Arns;

namespace Turnstile.Aws.Eks;

/// <summary>EKS resource ARNs and the random identifiers EKS hands out.</summary>
internal static partial class EksNames
{
    public const string ServiceLinkedRolePath = "aws-service-role/eks.amazonaws.com/";
    public const string ServiceLinkedRoleName = "AWSServiceRoleForAmazonEKS";

    [GeneratedRegex(@"^[0-9A-Za-z][A-Za-z0-9\-_]*$")]
    public static partial Regex NamePattern();

    public static string ClusterArn(EmulatorOptions o, string cluster) =>
        $"arn:{o.Partition}:eks:{o.Region}:{o.AccountId}:cluster/{cluster}";

    public static string NodegroupArn(EmulatorOptions o, string cluster, string nodegroup, string uuid) =>
        $"arn:{o.Partition}:eks:{o.Region}:{o.AccountId}:nodegroup/{cluster}/{nodegroup}/{uuid}";

    /// <summary><c>access-entry/&lt;cluster&gt;/&lt;user|role&gt;/&lt;principal account&gt;/&lt;name&gt;/&lt;uuid&gt;</c>; a role path is dropped.</summary>
    public static string AccessEntryArn(EmulatorOptions o, string cluster, string principalArn, string uuid)
    {
        var (kind, account, name) = AccessEntryIdentity(principalArn);
        return $"arn:{o.Partition}:eks:{o.Region}:{o.AccountId}:access-entry/{cluster}/{kind}/{account}/{name}/{uuid}";
    }

    /// <summary>The three principal segments of an access-entry ARN.</summary>
    public static (string Kind, string Account, string Name) AccessEntryIdentity(string principalArn)
    {
        if (PrincipalArn.TryParse(principalArn, out var p, out _))
            return (p.IsRoleLike ? "role" : "user", p.Account, p.Type == PrincipalType.Root ? "root" : p.Name);
        return ("user", "", principalArn);
    }

    public static string ServiceLinkedRoleArn(EmulatorOptions o) =>
        $"arn:{o.Partition}:iam::{o.AccountId}:role/{ServiceLinkedRolePath}{ServiceLinkedRoleName}";

    public static bool IsServiceLinkedRole(string principalArn) =>
        Arn.TryParse(principalArn, out var arn, out _) && arn.Service == "iam" &&
        arn.Resource.StartsWith("role/aws-service-role/", StringComparison.Ordinal);

    public static string Uuid() => Guid.NewGuid().ToString();

    /// <summary>Upper-case hex of <paramref name="bytes"/> random bytes.</summary>
    public static string Hex(int bytes) => Convert.ToHexString(RandomNumberGenerator.GetBytes(bytes));

    public static string ClusterId() => Hex(16);

    public static string InstanceId() => "i-" + Hex(9).ToLowerInvariant()[..17];

    public static string ResourceId(string prefix) => prefix + "-" + Hex(9).ToLowerInvariant()[..17];

    /// <summary>EC2's private DNS domain: <c>ec2.internal</c> in us-east-1, <c>&lt;region&gt;.compute.internal</c> elsewhere.</summary>
    public static string PrivateDnsDomain(string region) => region == "us-east-1" ? "ec2.internal" : $"{region}.compute.internal";

    public static DateTimeOffset Millis(DateTimeOffset at) =>
        new(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
}
