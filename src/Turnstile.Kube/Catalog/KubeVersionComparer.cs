using System.Text.RegularExpressions;

namespace Turnstile.Kube.Catalog;

/// <summary>
/// apimachinery's <c>CompareKubeAwareVersionStrings</c> as an ordering, highest priority first: GA versions
/// (<c>v2</c> before <c>v1</c>), then betas, then alphas (higher major, then higher minor first), then any other string
/// alphabetically.
/// </summary>
public sealed partial class KubeVersionComparer : IComparer<string>
{
    public static readonly KubeVersionComparer Instance = new();

    public int Compare(string? x, string? y)
    {
        var a = Parse(x ?? "");
        var b = Parse(y ?? "");
        if (a.Rank != b.Rank) return a.Rank.CompareTo(b.Rank);
        if (a.Rank == 3) return string.CompareOrdinal(x, y);
        if (a.Major != b.Major) return b.Major.CompareTo(a.Major);
        return b.Minor.CompareTo(a.Minor);
    }

    // Rank 0 = GA, 1 = beta, 2 = alpha, 3 = not a Kubernetes version.
    private static (int Rank, long Major, long Minor) Parse(string v)
    {
        var m = VersionPattern().Match(v);
        if (!m.Success || !long.TryParse(m.Groups[1].Value, out var major) || major == 0) return (3, 0, 0);
        if (!m.Groups[2].Success) return (0, major, 0);
        var minor = long.Parse(m.Groups[3].Value);
        return (m.Groups[2].Value == "beta" ? 1 : 2, major, minor);
    }

    [GeneratedRegex(@"^v(\d+)(?:(alpha|beta)(\d+))?$")]
    private static partial Regex VersionPattern();
}
