using System.Text.RegularExpressions;

namespace Turnstile.Core.Kube;

/// <summary>
/// apimachinery's Kubernetes-aware version ordering (<c>CompareKubeAwareVersionStrings</c>), highest priority first:
/// GA before beta before alpha, higher major then higher minor first; names of another shape sort after, by name.
/// </summary>
public sealed partial class KubeVersionOrder : IComparer<string>
{
    public static readonly KubeVersionOrder Instance = new();

    [GeneratedRegex(@"^v(\d+)(?:(alpha|beta)(\d+))?$")]
    private static partial Regex KubeVersion();

    public int Compare(string? x, string? y)
    {
        var a = Parse(x ?? "");
        var b = Parse(y ?? "");
        if (a is null && b is null) return string.CompareOrdinal(x, y);
        if (a is null) return 1;
        if (b is null) return -1;
        if (a.Value.Stability != b.Value.Stability) return b.Value.Stability.CompareTo(a.Value.Stability);
        if (a.Value.Major != b.Value.Major) return b.Value.Major.CompareTo(a.Value.Major);
        return b.Value.Minor.CompareTo(a.Value.Minor);
    }

    private static (int Stability, long Major, long Minor)? Parse(string version)
    {
        var match = KubeVersion().Match(version);
        if (!match.Success || !long.TryParse(match.Groups[1].Value, out var major)) return null;
        var stability = match.Groups[2].Value switch { "" => 2, "beta" => 1, _ => 0 };
        long.TryParse(match.Groups[3].Value, out var minor);
        return (stability, major, minor);
    }
}
