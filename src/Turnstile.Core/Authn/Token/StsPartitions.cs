using System.Text.RegularExpressions;

namespace Turnstile.Core.Authn.Token;

/// <summary>
/// One AWS partition as STS endpoint resolution sees it: the SDK partition table (region pattern, DNS suffixes,
/// FIPS/dual-stack support) plus the STS domains aws-iam-authenticator accepts for a verifier in that partition.
/// </summary>
public sealed record StsPartition(
    string Name,
    Regex RegionPattern,
    IReadOnlyList<string> Regions,
    string DnsSuffix,
    string DualStackDnsSuffix,
    bool SupportsFips,
    bool SupportsDualStack,
    string StsDomain,
    string? StsDualStackDomain);

public static class StsPartitions
{
    // Go's \w is ASCII-only, hence the explicit classes.
    private static Regex Pattern(string prefix) =>
        new($"^{prefix}-[A-Za-z0-9_]+-[0-9]+$", RegexOptions.CultureInvariant | RegexOptions.Compiled);

    public static IReadOnlyList<StsPartition> All { get; } =
    [
        new("aws", Pattern("(us|eu|ap|sa|ca|me|af|il|mx)"), ["aws-global"], "amazonaws.com", "api.aws", true, true,
            "amazonaws.com", "api.aws"),
        new("aws-cn", Pattern("cn"), ["aws-cn-global"], "amazonaws.com.cn", "api.amazonwebservices.com.cn", true, true,
            "amazonaws.com.cn", "api.amazonwebservices.com.cn"),
        new("aws-us-gov", Pattern("us-gov"), ["aws-us-gov-global"], "amazonaws.com", "api.aws", true, true,
            "amazonaws.com", "api.aws"),
        new("aws-iso", Pattern("us-iso"), ["aws-iso-global"], "c2s.ic.gov", "api.aws.ic.gov", true, false,
            "c2s.ic.gov", null),
        new("aws-iso-b", Pattern("us-isob"), ["aws-iso-b-global"], "sc2s.sgov.gov", "api.aws.scloud", true, false,
            "sc2s.sgov.gov", null),
        new("aws-iso-e", Pattern("eu-isoe"), ["aws-iso-e-global"], "cloud.adc-e.uk", "api.cloud-aws.adc-e.uk", true, false,
            "cloud.adc-e.uk", null),
        new("aws-iso-f", Pattern("us-isof"), ["aws-iso-f-global"], "csp.hci.ic.gov", "api.aws.hci.ic.gov", true, false,
            "csp.hci.ic.gov", null),
        new("aws-eusc", Pattern("eusc-(de)"), ["aws-eusc-global"], "amazonaws.eu", "api.amazonwebservices.eu", true, true,
            "amazonaws.eu", "api.amazonwebservices.eu"),
    ];

    public static StsPartition? Find(string name)
    {
        foreach (var p in All)
            if (p.Name == name) return p;
        return null;
    }

    /// <summary>The partition listing the region, else the first whose pattern matches, else <c>aws</c> (SDK rule).</summary>
    public static StsPartition ForRegion(string region)
    {
        foreach (var p in All)
            foreach (var r in p.Regions)
                if (r == region) return p;
        foreach (var p in All)
            if (p.RegionPattern.IsMatch(region)) return p;
        return All[0];
    }

    /// <summary>The regional STS endpoint an SDK resolves without FIPS/dual-stack (<c>aws-global</c> → the global one).</summary>
    public static string DefaultEndpoint(string region) =>
        region == "aws-global" ? "https://sts.amazonaws.com" : $"https://sts.{region}.{ForRegion(region).DnsSuffix}";
}
