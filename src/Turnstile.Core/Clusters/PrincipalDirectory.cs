using Turnstile.Core.Analysis;
using Turnstile.Core.Arns;

namespace Turnstile.Core.Clusters;

public enum PrincipalExistence
{
    /// <summary>The source has no list of principals to check against.</summary>
    Unknown,
    Exists,
    Missing,
}

/// <summary>
/// Which IAM principals exist, and their unique ids: a snapshot answers from its SnapshotContext's <c>principalIds</c>;
/// a running emulator can answer from its IAM.
/// </summary>
public interface IPrincipalDirectory
{
    /// <summary>What the answers come from, for messages (e.g. <c>the snapshot's principalIds</c>).</summary>
    string Source { get; }

    PrincipalExistence Find(string principalArn, out string? uniqueId);
}

/// <summary>A directory over a table of principal ARN to unique id; an empty table knows nothing. Role paths are ignored, as STS ignores them.</summary>
public sealed class PrincipalIdTable(IReadOnlyDictionary<string, string> ids, string source) : IPrincipalDirectory
{
    private readonly Dictionary<string, string> _byKey = ids
        .GroupBy(p => KnownPrincipal.KeyOf(p.Key), StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal);

    public string Source { get; } = source;

    public PrincipalExistence Find(string principalArn, out string? uniqueId)
    {
        uniqueId = null;
        if (_byKey.Count == 0 || !PrincipalArn.TryParse(principalArn, out _, out _)) return PrincipalExistence.Unknown;
        return _byKey.TryGetValue(KnownPrincipal.KeyOf(principalArn), out uniqueId) ? PrincipalExistence.Exists : PrincipalExistence.Missing;
    }
}
