namespace Turnstile.Core.Arns;

/// <summary>The AWS partitions an identity ARN may name (aws-iam-authenticator's list).</summary>
public static class Partitions
{
    public const string Aws = "aws";
    public const string AwsCn = "aws-cn";
    public const string AwsUsGov = "aws-us-gov";

    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal)
    {
        Aws, AwsCn, AwsUsGov, "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc",
    };

    public static bool IsKnown(string partition) => Known.Contains(partition);
}
