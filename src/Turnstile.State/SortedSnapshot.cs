using System.Collections.Immutable;

namespace Turnstile.State;

/// <summary>
/// An immutable, key-ordered set of values at one revision: an <see cref="ImmutableList{T}"/> kept sorted, which
/// gives O(log n) point reads, range seeks and updates that share structure with the previous version.
/// </summary>
public sealed class SortedSnapshot : IStateView
{
    private static readonly IComparer<KeyValue> ByKey = Comparer<KeyValue>.Create((a, b) => StateKey.Comparer.Compare(a.Key, b.Key));

    private readonly ImmutableList<KeyValue> _items;

    public static SortedSnapshot Empty { get; } = new(ImmutableList<KeyValue>.Empty, 0);

    private SortedSnapshot(ImmutableList<KeyValue> items, long revision)
    {
        _items = items;
        Revision = revision;
    }

    /// <summary>A snapshot of <paramref name="items"/> (any order) at <paramref name="revision"/>.</summary>
    public static SortedSnapshot Create(IEnumerable<KeyValue> items, long revision)
    {
        var sorted = items.ToList();
        sorted.Sort(ByKey);
        return new SortedSnapshot(ImmutableList.CreateRange(sorted), revision);
    }

    public long Revision { get; }

    public int Count => _items.Count;

    public KeyValue? Get(string key)
    {
        var index = _items.BinarySearch(Probe(key), ByKey);
        return index >= 0 ? _items[index] : null;
    }

    public IEnumerable<KeyValue> List(string prefix)
    {
        var index = _items.BinarySearch(Probe(prefix), ByKey);
        if (index < 0) index = ~index;
        for (; index < _items.Count; index++)
        {
            var item = _items[index];
            if (!item.Key.StartsWith(prefix, StringComparison.Ordinal)) yield break;
            yield return item;
        }
    }

    /// <summary>The snapshot after one commit.</summary>
    public SortedSnapshot Apply(WatchBatch batch)
    {
        var builder = _items.ToBuilder();
        foreach (var e in batch.Events)
        {
            var index = builder.BinarySearch(Probe(e.Key), ByKey);
            switch (e.Type)
            {
                case WatchEventType.Put when index >= 0: builder[index] = e.Current!; break;
                case WatchEventType.Put: builder.Insert(~index, e.Current!); break;
                case WatchEventType.Delete when index >= 0: builder.RemoveAt(index); break;
            }
        }
        return new SortedSnapshot(builder.ToImmutable(), batch.Revision);
    }

    private static KeyValue Probe(string key) => new(key, [], 0, 0);
}
