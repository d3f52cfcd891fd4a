using System.Globalization;

namespace Turnstile.Kube.Registry;

/// <summary>What the registry takes from its environment: the clock, uid and name randomness, the cluster network.</summary>
public sealed class RegistryOptions
{
    /// <summary>kube's <c>utilrand</c> alphabet for generated name suffixes (no vowels, no confusable digits).</summary>
    private const string SuffixAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public Func<string> NewUid { get; init; } = () => Guid.NewGuid().ToString();

    public Random Random { get; init; } = Random.Shared;

    /// <summary>The service CIDR of every emulated cluster (EKS's default for IPv4 clusters).</summary>
    public string ServiceCidr { get; init; } = "10.100.0.0/16";

    /// <summary>An RFC 3339 timestamp with second precision, as metav1.Time serializes.</summary>
    public string Now() => Time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>kube's SimpleNameGenerator: the base cut to 58 characters plus 5 random characters.</summary>
    public string GenerateName(string prefix)
    {
        const int maxBase = 63 - 5;
        var name = prefix.Length > maxBase ? prefix[..maxBase] : prefix;
        Span<char> suffix = stackalloc char[5];
        for (var i = 0; i < suffix.Length; i++) suffix[i] = SuffixAlphabet[Random.Next(SuffixAlphabet.Length)];
        return name + new string(suffix);
    }
}
