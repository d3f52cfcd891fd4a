namespace Turnstile.State;

/// <summary>
/// The paging rules every backend follows, after kube-apiserver over etcd: the first page is read at the store's
/// current revision, and every later page of the same list is read at that same revision (the one in the continue
/// token), so a paged list is one consistent snapshot. A backend rebuilds the state at an older revision from its
/// change history: a key unchanged since then has its current value; a key changed since then has the value before
/// its first later change. A token older than the history answers "too old".
/// </summary>
internal static class ListPaging
{
    /// <summary>The revision to read at and the key to start after, from the request's continue token (if any).</summary>
    /// <exception cref="InvalidContinueTokenException">A token this store cannot have issued.</exception>
    /// <exception cref="RevisionCompactedException">A token whose revision is no longer in the history.</exception>
    public static (long Revision, string? After) Resolve(ListRequest request, long head, long compacted)
    {
        var (revision, after) = Decode(request);
        return (Check(revision, head, compacted), after);
    }

    /// <summary>The continue token's revision and last key (nulls for a first page), not yet checked against the store.</summary>
    public static (long? Revision, string? After) Decode(ListRequest request)
    {
        if (request.Limit < 0) throw new ArgumentOutOfRangeException(nameof(request), request.Limit, "limit must not be negative");
        if (request.Continue is not { } token) return (null, null);
        var decoded = ContinueToken.Decode(token, request.Prefix);
        return (decoded.Revision, decoded.LastKey);
    }

    /// <summary>The revision a page is read at: the token's, if the history still covers it, or the head.</summary>
    public static long Check(long? tokenRevision, long head, long compacted)
    {
        if (tokenRevision is not { } revision) return head;
        if (revision > head)
            throw new InvalidContinueTokenException("continue key is not valid: the token's revision is newer than the store");
        if (revision < compacted) throw new RevisionCompactedException(revision, compacted);
        return revision;
    }

    /// <summary>
    /// A page from <paramref name="items"/> (the values at <paramref name="revision"/> in key order, at most
    /// limit + 1 of them); <paramref name="countAfter"/> (when the backend counts cheaply) counts the values after a
    /// key, asked only when more follow.
    /// </summary>
    public static ListResult Page(List<KeyValue> items, int limit, long revision, Func<string, long>? countAfter = null)
    {
        if (limit <= 0 || items.Count <= limit) return new ListResult(items, revision, null);
        items.RemoveRange(limit, items.Count - limit);
        var last = items[^1].Key;
        return new ListResult(items, revision, new ContinueToken(revision, last).Encode(), countAfter?.Invoke(last));
    }

    /// <summary>
    /// Merges two key-ordered sequences without common keys: the values unchanged since the revision and the
    /// older values of the keys changed since.
    /// </summary>
    public static IEnumerable<KeyValue> Merge(IEnumerable<KeyValue> unchanged, IEnumerable<KeyValue> older)
    {
        using var a = unchanged.GetEnumerator();
        using var b = older.GetEnumerator();
        bool hasA = a.MoveNext(), hasB = b.MoveNext();
        while (hasA || hasB)
        {
            if (!hasB || (hasA && StateKey.Comparer.Compare(a.Current.Key, b.Current.Key) < 0))
            {
                yield return a.Current;
                hasA = a.MoveNext();
            }
            else
            {
                yield return b.Current;
                hasB = b.MoveNext();
            }
        }
    }
}
