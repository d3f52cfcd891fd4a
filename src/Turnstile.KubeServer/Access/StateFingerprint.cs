using Turnstile.State;

namespace Turnstile.KubeServer.Access;

/// <summary>
/// What a derived value (an access engine, a served catalogue) was built from: for each key or prefix, the highest
/// ModRevision and the number of keys. Any put raises a maximum; a delete lowers a count (or, with a put in the same
/// commit, raises the maximum), so equal fingerprints mean the inputs are unchanged.
/// </summary>
internal readonly record struct StateFingerprint(long MaxRevision, long Count)
{
    public static StateFingerprint Of(IStateView view, IReadOnlyList<string> keys, IReadOnlyList<string> prefixes)
    {
        long max = 0, count = 0;
        foreach (var key in keys)
            if (view.Get(key) is { } kv)
            {
                max = Math.Max(max, kv.ModRevision);
                count++;
            }
        foreach (var prefix in prefixes)
            foreach (var kv in view.List(prefix))
            {
                max = Math.Max(max, kv.ModRevision);
                count++;
            }
        return new StateFingerprint(max, count);
    }
}
