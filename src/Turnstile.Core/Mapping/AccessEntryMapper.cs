using Turnstile.Core.Authn;

namespace Turnstile.Core.Mapping;

/// <summary>EKS access entries (API modes), found by the caller's canonical ARN and bound to its unique id when known.</summary>
public sealed class AccessEntryMapper : IIdentityMapper
{
    private readonly Dictionary<string, AccessEntry> _entries = new(StringComparer.OrdinalIgnoreCase);
    private readonly IInstanceDnsResolver _instances;

    public AccessEntryMapper(IReadOnlyList<AccessEntry> entries, IInstanceDnsResolver instances)
    {
        foreach (var entry in entries) _entries[AccessEntryRules.MatchKey(entry.PrincipalArn)] = entry;
        _instances = instances;
    }

    /// <summary>The access entry for a canonical ARN (role paths ignored), if any.</summary>
    public AccessEntry? Find(string canonicalArn) => _entries.GetValueOrDefault(canonicalArn);

    public MappingResult? Map(AwsIdentity identity, List<string>? trace)
    {
        if (!_entries.TryGetValue(identity.CanonicalArn, out var entry))
        {
            trace?.Add("no access entry for " + identity.CanonicalArn);
            return null;
        }
        if (entry.PrincipalId is { } boundId && identity.UserId.Length > 0 && !string.Equals(boundId, identity.UserId, StringComparison.Ordinal))
        {
            trace?.Add($"access entry for {entry.PrincipalArn} is bound to principal id {boundId}, but the caller is {identity.UserId} (the IAM principal was deleted and recreated); the entry does not match");
            return null;
        }
        trace?.Add($"access entry {entry.PrincipalArn} (type {entry.Type}) matches");
        return MappedUsers.Render(identity, entry.Username, entry.KubernetesGroups, MappingSource.AccessEntry, _instances, trace) with { AccessEntry = entry };
    }
}
