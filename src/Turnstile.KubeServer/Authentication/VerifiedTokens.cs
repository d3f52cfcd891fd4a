using System.Collections.Concurrent;
using Turnstile.Aws.Iam;
using Turnstile.Core.Arns;
using Turnstile.Core.Authn;
using Turnstile.State;

namespace Turnstile.KubeServer.Authentication;

/// <summary>
/// Tokens STS has already vouched for, so that a client reusing its token (kubectl does, for up to 15 minutes) is not
/// sent through SigV4 verification on every request; kube-apiserver caches webhook token reviews for the same reason.
/// Unlike that time-based cache, an entry here lives only while the IAM records STS read are unchanged: the access key
/// (deactivated or deleted: the next request goes to STS and gets 401) and its user's id record (renamed or deleted).
/// Only long-term user keys are remembered; session credentials expire on their own clock and always go to STS.
/// The token's own 15 minutes are checked on every request before this cache is asked.
/// </summary>
public sealed class VerifiedTokens(StateCache state, int capacity)
{
    private readonly ConcurrentDictionary<(string Cluster, string Token), Entry> _entries = new();

    private sealed record Entry(AwsIdentity Identity, long KeyRevision, long UserRevision);

    /// <summary>
    /// The state to take the key's and user's revisions from, read before STS is asked, so that a change STS did not
    /// see leaves the entry stale; null when the token is not one to remember.
    /// </summary>
    public IStateView? Before(string accessKeyId) => capacity > 0 && IsLongTermKey(accessKeyId) ? state.Current : null;

    public AwsIdentity? Find(string cluster, string token)
    {
        if (capacity <= 0 || !_entries.TryGetValue((cluster, token), out var entry)) return null;
        var view = state.Current;
        if (view.Get(IamKeys.AccessKey(entry.Identity.AccessKeyId))?.ModRevision == entry.KeyRevision &&
            view.Get(IamKeys.UserId(entry.Identity.UserId))?.ModRevision == entry.UserRevision)
            return entry.Identity;
        _entries.TryRemove((cluster, token), out _);
        return null;
    }

    /// <summary>Remembers what STS answered, with the revisions <paramref name="before"/> holds.</summary>
    public void Add(string cluster, string token, AwsIdentity identity, IStateView? before)
    {
        if (before is null || identity.Type != PrincipalType.User || identity.AccessKeyId.Length == 0) return;
        if (before.Get(IamKeys.AccessKey(identity.AccessKeyId)) is not { } key || before.Get(IamKeys.UserId(identity.UserId)) is not { } user) return;
        if (_entries.Count >= capacity) _entries.Clear(); // tokens live 15 minutes: starting over costs one STS call per client
        _entries[(cluster, token)] = new Entry(identity, key.ModRevision, user.ModRevision);
    }

    private static bool IsLongTermKey(string accessKeyId) => accessKeyId.StartsWith("AKIA", StringComparison.Ordinal);
}
