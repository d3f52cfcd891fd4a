namespace Turnstile.State;

/// <summary>
/// What a transaction does, computed the same way by every backend from the current values of the keys it touches:
/// whether its compares hold, and the events of its commit (from which the backend updates its rows and its history).
/// </summary>
internal static class TxnPlanner
{
    /// <summary>The keys whose current values the plan needs (compares, puts and deletes), each once.</summary>
    public static IEnumerable<string> PointKeys(TxnRequest request)
    {
        var seen = new HashSet<string>(StateKey.Comparer);
        foreach (var compare in request.Compares)
            if (seen.Add(compare.Key)) yield return compare.Key;
        foreach (var operation in request.Operations)
        {
            var key = operation switch { Put put => put.Key, Delete delete => delete.Key, _ => null };
            if (key is not null && seen.Add(key)) yield return key;
        }
    }

    /// <summary>The prefixes of the transaction's DeletePrefix operations.</summary>
    public static IEnumerable<string> Prefixes(TxnRequest request) => request.Operations.OfType<DeletePrefix>().Select(d => d.Prefix);

    /// <summary>The first compare that does not hold, or null when all hold.</summary>
    public static Compare? FirstFailed(TxnRequest request, Func<string, KeyValue?> current)
    {
        foreach (var compare in request.Compares)
        {
            var value = current(compare.Key);
            var holds = compare switch
            {
                KeyAbsent => value is null,
                KeyAtRevision { ModRevision: 0 } => value is null,
                KeyAtRevision at => value?.ModRevision == at.ModRevision,
                _ => throw new ArgumentException("unknown compare " + compare.GetType().Name),
            };
            if (!holds) return compare;
        }
        return null;
    }

    /// <summary>
    /// The events of the commit at <paramref name="revision"/>, in operation order; empty when the transaction
    /// changes nothing. <paramref name="underPrefix"/> returns the current values under a prefix in key order.
    /// </summary>
    public static List<WatchEvent> Events(TxnRequest request, long revision, Func<string, KeyValue?> current, Func<string, IEnumerable<KeyValue>> underPrefix)
    {
        var events = new List<WatchEvent>(request.Operations.Count);
        // Two DeletePrefix of one transaction may overlap; a key is deleted (and reported) once.
        var deleted = new HashSet<string>(StateKey.Comparer);
        foreach (var operation in request.Operations)
        {
            switch (operation)
            {
                case Put put:
                    var previous = current(put.Key);
                    events.Add(new WatchEvent(WatchEventType.Put, put.Key, revision,
                        new KeyValue(put.Key, put.Value, previous?.CreateRevision ?? revision, revision), previous));
                    break;
                case Delete delete:
                    if (current(delete.Key) is { } existing && deleted.Add(delete.Key))
                        events.Add(new WatchEvent(WatchEventType.Delete, delete.Key, revision, null, existing));
                    break;
                case DeletePrefix range:
                    foreach (var value in underPrefix(range.Prefix))
                        if (deleted.Add(value.Key))
                            events.Add(new WatchEvent(WatchEventType.Delete, value.Key, revision, null, value));
                    break;
                default:
                    throw new ArgumentException("unknown operation " + operation.GetType().Name);
            }
        }
        return events;
    }
}
