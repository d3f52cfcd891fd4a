using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Turnstile.Core.Authn.Token;

/// <summary>
/// aws-iam-authenticator's check that a presigned URL points at a real STS endpoint of the verifier's partition
/// (v0.7 <c>verifyHost</c>). Accepted hosts are cached; rejections are not.
/// </summary>
public sealed class StsHostValidator(string partition = "aws", string verifierRegion = "")
{
    public const string GlobalRegion = "global";

    private static readonly Regex RegionIdentifier =
        new("^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$", RegexOptions.CultureInvariant | RegexOptions.Compiled);

    private readonly ConcurrentDictionary<string, bool> _accepted = new(StringComparer.Ordinal);

    public string Partition { get; } = partition;
    public string VerifierRegion { get; } = verifierRegion;

    public bool IsCached(string host) => _accepted.ContainsKey(host);

    /// <summary>Validates the URL host (a <c>:port</c> suffix makes it fail). Errors come without the format-error prefix.</summary>
    public bool TryValidate(string host, [NotNullWhen(false)] out string? error)
    {
        if (_accepted.ContainsKey(host))
        {
            error = null;
            return true;
        }
        error = Check(host);
        if (error is null) _accepted.TryAdd(host, true);
        return error is null;
    }

    private string? Check(string host)
    {
        if (!TryGetStsRegion(host, out var region, out var regionError))
            return $"could not parse region for pre-signed URL {host}, {regionError}";
        if (region == GlobalRegion)
            return Partition == "aws" ? null : $"global endpoint unsupported in partition {Partition}";
        if (!IsValidRegionIdentifier(region)) return $"invalid region identifier format provided: {region}";

        if (!ResolvedStsHosts(region).Contains(host))
        {
            var verifierPartition = StsPartitions.Find(Partition);
            if (verifierPartition is not null && IsValidRegionIdentifier(VerifierRegion))
            {
                foreach (var fallback in FallbackHosts(verifierPartition, VerifierRegion, "sts"))
                    if (fallback == host) return null;
            }
            return $"unexpected hostname \"{host}\" in pre-signed URL";
        }

        var labels = host.Split('.');
        if (labels.Length < 4) return $"invalid host format, too few labels: {host}";
        var domain = string.Join('.', labels[2..]);
        var p = StsPartitions.Find(Partition);
        if (p is null) return $"partition {Partition} not valid";
        return domain == p.StsDomain || domain == p.StsDualStackDomain
            ? null
            : $"partition {{{Partition}}} does not support hostname {host}";
    }

    /// <summary>STS "region label" of a host: <c>global</c> for <c>sts.amazonaws.com</c>, else the second DNS label.</summary>
    public static bool TryGetStsRegion(string host, out string region, [NotNullWhen(false)] out string? error)
    {
        region = "";
        if (host.Length == 0)
        {
            error = "host is empty";
            return false;
        }
        var labels = host.Split('.');
        if (labels.Length < 3)
        {
            error = $"invalid host format: {host}";
            return false;
        }
        region = host == "sts.amazonaws.com" ? GlobalRegion : labels[1];
        error = null;
        return true;
    }

    public static bool IsValidRegionIdentifier(string region) => RegionIdentifier.IsMatch(region);

    /// <summary>
    /// The hosts the SDK's STS endpoint rules give for <paramref name="region"/> over every (FIPS, dual-stack)
    /// combination its partition supports.
    /// </summary>
    public static IReadOnlySet<string> ResolvedStsHosts(string region)
    {
        var p = StsPartitions.ForRegion(region);
        var hosts = new HashSet<string>(StringComparer.Ordinal);
        if (p.SupportsFips && p.SupportsDualStack) hosts.Add($"sts-fips.{region}.{p.DualStackDnsSuffix}");
        if (p.SupportsFips)
            hosts.Add(p.Name == "aws-us-gov" ? $"sts.{region}.amazonaws.com" : $"sts-fips.{region}.{p.DnsSuffix}");
        if (p.SupportsDualStack) hosts.Add($"sts.{region}.{p.DualStackDnsSuffix}");
        hosts.Add(region == "aws-global" ? "sts.amazonaws.com" : $"sts.{region}.{p.DnsSuffix}");
        return hosts;
    }

    /// <summary><c>service.region.domain</c> for the partition's STS domain and, when it has one, its dual-stack domain.</summary>
    public static IReadOnlyList<string> DefaultHostNames(string partition, string region, string service)
    {
        var p = StsPartitions.Find(partition) ?? throw new ArgumentException($"partition {partition} not valid", nameof(partition));
        if (!IsValidRegionIdentifier(region))
            throw new ArgumentException($"invalid region identifier format provided: {region}", nameof(region));
        return FallbackHosts(p, region, service);
    }

    private static List<string> FallbackHosts(StsPartition p, string region, string service)
    {
        var hosts = new List<string>(2) { $"{service}.{region}.{p.StsDomain}" };
        if (p.StsDualStackDomain is not null) hosts.Add($"{service}.{region}.{p.StsDualStackDomain}");
        return hosts;
    }
}
