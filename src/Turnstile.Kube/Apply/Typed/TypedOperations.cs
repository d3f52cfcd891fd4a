using System.Text.Json.Nodes;
using Turnstile.Kube.Apply.FieldPaths;
using Turnstile.Kube.Apply.Schema;

namespace Turnstile.Kube.Apply.Typed;

/// <summary>
/// The set of fields a value sets (structured-merge-diff's <c>ToFieldSet</c>): every scalar, atomic list or map,
/// list item, map key (a struct field only when it holds null or an empty object), and duplicated items once.
/// </summary>
internal static class TypedFieldSet
{
    public static FieldSet Of(JsonNode? value, ApplyType type)
    {
        var set = new FieldSet();
        Collect(Val.Of(value), type, [], set);
        return set;
    }

    private static void Collect(Val value, ApplyType type, List<PathElement> path, FieldSet set)
    {
        switch (Atom.Deduce(type, value).Handler)
        {
            case AtomKind.Scalar:
                set.Insert(path);
                return;
            case AtomKind.List:
                var list = type.List!;
                if (list.Relationship == ListRelationship.Atomic)
                {
                    set.Insert(path);
                    return;
                }
                if (value.AsList is not { } items) return;
                var elements = items.Select(item => ListItems.ElementOf(list, item, out _)).ToArray();
                var seen = new HashSet<PathElement>();
                var duplicates = new HashSet<PathElement>();
                foreach (var element in elements.OfType<PathElement>())
                {
                    if (seen.Add(element) || !duplicates.Add(element)) continue;
                    path.Add(element);
                    set.Insert(path);
                    path.RemoveAt(path.Count - 1);
                }
                for (var i = 0; i < items.Count; i++)
                {
                    if (elements[i] is not { } element || duplicates.Contains(element)) continue;
                    path.Add(element);
                    Collect(Val.Of(items[i]), list.ElementType, path, set);
                    set.Insert(path);
                    path.RemoveAt(path.Count - 1);
                }
                return;
            case AtomKind.Map:
                var map = type.Map!;
                if (map.Relationship == MapRelationship.Atomic)
                {
                    set.Insert(path);
                    return;
                }
                if (value.AsMap is not { } fields) return;
                foreach (var (key, child) in fields)
                {
                    path.Add(PathElement.Field(key));
                    Collect(Val.Of(child), map.TypeOf(key) ?? ApplyType.Deduced, path, set);
                    if (child is null or JsonObject { Count: 0 } || map.Field(key) is null) set.Insert(path);
                    path.RemoveAt(path.Count - 1);
                }
                return;
        }
    }
}

/// <summary>
/// Merges an applied configuration (right) into a live object (left), the right side winning at every leaf
/// (scalars, atomic lists and maps); granular maps merge key by key and associative lists item by item, keeping
/// the live order for items both sides have (structured-merge-diff's <c>Merge</c> with <c>ruleKeepRHS</c>).
/// </summary>
internal static class TypedMerge
{
    public static JsonObject Merge(JsonObject live, JsonObject config, ApplyType type) =>
        MergeNode(Val.Of(live), Val.Of(config), type).Node as JsonObject ?? new JsonObject();

    private static Val MergeNode(Val lhs, Val rhs, ApplyType type) =>
        Atom.Deduce(type, rhs.Present ? rhs : lhs).Handler switch
        {
            AtomKind.List => MergeList(lhs, rhs, type.List!),
            AtomKind.Map => MergeMap(lhs, rhs, type.Map!),
            _ => KeepRight(lhs, rhs),
        };

    private static Val KeepRight(Val lhs, Val rhs) =>
        rhs.Present ? Val.Of(Values.Clone(rhs.Node)) : lhs.Present ? Val.Of(Values.Clone(lhs.Node)) : Val.Absent;

    private static Val MergeMap(Val lhs, Val rhs, ApplyMap map)
    {
        var (left, right) = (lhs.AsMap, rhs.AsMap);
        // Both empty or null: a leaf, so that {} and null stay as given.
        if (map.Relationship == MapRelationship.Atomic || (left is not { Count: > 0 } && right is not { Count: > 0 })) return KeepRight(lhs, rhs);
        var output = new JsonObject();
        foreach (var (key, value) in left ?? [])
            Put(output, key, MergeNode(Val.Of(value), Val.Child(right, key), map.TypeOf(key) ?? ApplyType.Deduced));
        foreach (var (key, value) in right ?? [])
            if (left is null || !left.ContainsKey(key))
                Put(output, key, MergeNode(Val.Absent, Val.Of(value), map.TypeOf(key) ?? ApplyType.Deduced));
        return output.Count > 0 ? Val.Of(output) : Val.Absent;

        static void Put(JsonObject output, string key, Val merged)
        {
            if (merged.Present) output[key] = merged.Node;
        }
    }

    private static Val MergeList(Val lhs, Val rhs, ApplyList list)
    {
        var (left, right) = (lhs.AsList, rhs.AsList);
        if (list.Relationship == ListRelationship.Atomic || (left is not { Count: > 0 } && right is not { Count: > 0 })) return KeepRight(lhs, rhs);

        var (rightElements, rightItems) = Index(list, right);
        var (leftElements, leftItems) = Index(list, left);
        var output = new JsonArray();
        void Add(PathElement element, Val l, Val r)
        {
            var merged = MergeNode(l, r, list.ElementType);
            if (merged.Present) output.Add(merged.Node);
        }

        // Items both sides have keep the order the right side gives them, interleaved with the left's own items.
        var shared = new Queue<PathElement>(rightElements.Where(leftItems.ContainsKey));
        var nextShared = shared.Count > 0 ? shared.Dequeue() : null;
        var mergedRight = new HashSet<PathElement>();
        int li = 0, ri = 0;
        while (li < leftElements.Count || ri < rightElements.Count)
        {
            if (li < leftElements.Count && ri < rightElements.Count)
            {
                var element = leftElements[li];
                if (element.Equals(rightElements[ri]))
                {
                    mergedRight.Add(element);
                    Add(element, leftItems[element], rightItems[element]);
                    li++;
                    ri++;
                    nextShared = shared.Count > 0 ? shared.Dequeue() : null;
                    continue;
                }
                if (rightItems.ContainsKey(element) && nextShared is not null && !nextShared.Equals(element))
                {
                    li++;
                    continue;
                }
            }
            if (li < leftElements.Count)
            {
                var element = leftElements[li];
                if (!rightItems.ContainsKey(element))
                {
                    Add(element, Val.Of(left![li]), Val.Absent);
                    li++;
                    continue;
                }
                if (mergedRight.Contains(element)) li++;
            }
            if (ri < rightElements.Count)
            {
                var element = rightElements[ri];
                mergedRight.Add(element);
                Add(element, leftItems.GetValueOrDefault(element, Val.Absent), rightItems[element]);
                ri++;
                if (nextShared is not null && nextShared.Equals(element)) nextShared = shared.Count > 0 ? shared.Dequeue() : null;
            }
        }
        return output.Count > 0 ? Val.Of(output) : Val.Absent;
    }

    /// <summary>
    /// The items' elements in order, and each element's item. An element that repeats (allowed in a live object) maps
    /// to null, so duplicates are replaced rather than merged.
    /// </summary>
    private static (List<PathElement>, Dictionary<PathElement, Val>) Index(ApplyList list, JsonArray? items)
    {
        var elements = new List<PathElement>();
        var byElement = new Dictionary<PathElement, Val>();
        foreach (var item in items ?? [])
        {
            if (ListItems.ElementOf(list, item, out _) is not { } element) continue;
            byElement[element] = byElement.ContainsKey(element) ? Val.Of(null) : Val.Of(item);
            elements.Add(element);
        }
        return (elements, byElement);
    }
}

/// <summary>What changed between two values of a type: fields removed, modified, and added by the right side.</summary>
internal sealed record Comparison(FieldSet Removed, FieldSet Modified, FieldSet Added)
{
    /// <summary>Without the fields a strategy resets (structured-merge-diff's ignore filter).</summary>
    public Comparison Without(FieldSet? reset) => reset is null
        ? this
        : new(Removed.RecursiveDifference(reset), Modified.RecursiveDifference(reset), Added.RecursiveDifference(reset));
}

/// <summary>structured-merge-diff's <c>Compare</c>: leaves compared by value, maps by key, associative lists by item.</summary>
internal sealed class TypedCompare
{
    private readonly FieldSet _removed = new(), _modified = new(), _added = new();
    private readonly List<PathElement> _path = [];

    public static Comparison Compare(JsonNode? lhs, JsonNode? rhs, ApplyType type)
    {
        var walk = new TypedCompare();
        walk.CompareNode(Val.Of(lhs), Val.Of(rhs), type);
        return new Comparison(walk._removed, walk._modified, walk._added);
    }

    private void CompareNode(Val lhs, Val rhs, ApplyType type)
    {
        var (left, right) = (Atom.Deduce(type, lhs), Atom.Deduce(type, rhs));
        bool leaf;
        if (!rhs.Present) leaf = Handle(left, lhs, rhs, type);
        else if (!lhs.Present || left == right) leaf = Handle(right, lhs, rhs, type);
        else
        {
            // The value changed shape: both readings record what they find, as structured-merge-diff does.
            Handle(left, lhs, rhs, type);
            leaf = Handle(right, lhs, rhs, type);
        }
        if (leaf) return;
        if (!lhs.Present) _added.Insert(_path);
        else if (!rhs.Present) _removed.Insert(_path);
    }

    /// <summary>Compares through one alternative; true when that made the node a leaf.</summary>
    private bool Handle(Atom atom, Val lhs, Val rhs, ApplyType type)
    {
        switch (atom.Handler)
        {
            case AtomKind.Scalar:
                Leaf(lhs, rhs);
                return true;
            case AtomKind.List:
                var list = type.List!;
                var (leftList, rightList) = (lhs.AsList, rhs.AsList);
                if (list.Relationship == ListRelationship.Atomic || (leftList is not { Count: > 0 } && rightList is not { Count: > 0 }))
                {
                    Leaf(lhs, rhs);
                    return true;
                }
                CompareItems(list, leftList, rightList);
                return false;
            case AtomKind.Map:
                var map = type.Map!;
                var (leftMap, rightMap) = (lhs.AsMap, rhs.AsMap);
                if (map.Relationship == MapRelationship.Atomic || (leftMap is not { Count: > 0 } && rightMap is not { Count: > 0 }))
                {
                    Leaf(lhs, rhs);
                    return true;
                }
                foreach (var (key, value) in leftMap ?? [])
                    Descend(PathElement.Field(key), Val.Of(value), Val.Child(rightMap, key), map.TypeOf(key) ?? ApplyType.Deduced);
                foreach (var (key, value) in rightMap ?? [])
                    if (leftMap is null || !leftMap.ContainsKey(key))
                        Descend(PathElement.Field(key), Val.Absent, Val.Of(value), map.TypeOf(key) ?? ApplyType.Deduced);
                return false;
            default:
                return false;
        }
    }

    private void Leaf(Val lhs, Val rhs)
    {
        if (!lhs.Present) _added.Insert(_path);
        else if (!rhs.Present) _removed.Insert(_path);
        else if (!Values.Equal(lhs.Node, rhs.Node)) _modified.Insert(_path);
    }

    private void CompareItems(ApplyList list, JsonArray? left, JsonArray? right)
    {
        var order = new List<PathElement>();
        var ordered = new HashSet<PathElement>();
        var leftItems = Group(list, left, order, ordered);
        var rightItems = Group(list, right, order, ordered);
        foreach (var element in order)
        {
            var l = leftItems.GetValueOrDefault(element) ?? [];
            var r = rightItems.GetValueOrDefault(element) ?? [];
            if (l.Count <= 1 && r.Count <= 1)
            {
                Descend(element, l.Count == 1 ? Val.Of(l[0]) : Val.Absent, r.Count == 1 ? Val.Of(r[0]) : Val.Absent, list.ElementType);
            }
            else if (l.Count >= 2 && r.Count >= 2)
            {
                // Duplicates on both sides compare as one atomic value.
                if (l.Count != r.Count || l.Zip(r).Any(p => !Values.Equal(p.First, p.Second))) InsertAt(_modified, element);
            }
            else if (l.Count >= 2)
            {
                if (r.Count == 1) Descend(element, Val.Absent, Val.Of(r[0]), list.ElementType);
                InsertAt(_removed, element);
            }
            else
            {
                if (l.Count == 1) Descend(element, Val.Of(l[0]), Val.Absent, list.ElementType);
                InsertAt(_added, element);
            }
        }
    }

    /// <summary>The items by element; <paramref name="order"/> collects each element once, in first-seen order.</summary>
    private static Dictionary<PathElement, List<JsonNode?>> Group(ApplyList list, JsonArray? items, List<PathElement> order, HashSet<PathElement> ordered)
    {
        var groups = new Dictionary<PathElement, List<JsonNode?>>();
        foreach (var item in items ?? [])
        {
            if (ListItems.ElementOf(list, item, out _) is not { } element) continue;
            if (!groups.TryGetValue(element, out var group))
            {
                groups[element] = group = [];
                if (ordered.Add(element)) order.Add(element);
            }
            group.Add(item);
        }
        return groups;
    }

    private void Descend(PathElement element, Val lhs, Val rhs, ApplyType type)
    {
        _path.Add(element);
        CompareNode(lhs, rhs, type);
        _path.RemoveAt(_path.Count - 1);
    }

    private void InsertAt(FieldSet set, PathElement element)
    {
        _path.Add(element);
        set.Insert(_path);
        _path.RemoveAt(_path.Count - 1);
    }
}

/// <summary>
/// A copy of a value without the given fields (structured-merge-diff's <c>RemoveItems</c>). A map or list left
/// empty by the removal is dropped with its key; kube's typed conversion drops the null such a node becomes.
/// </summary>
internal static class TypedRemove
{
    public static JsonObject Remove(JsonObject value, ApplyType type, FieldSet fields) =>
        RemoveNode(Val.Of(value), type, fields).Node as JsonObject ?? new JsonObject();

    private static Val RemoveNode(Val value, ApplyType type, FieldSet fields)
    {
        switch (Atom.Deduce(type, value).Handler)
        {
            case AtomKind.List when value.AsList is { Count: > 0 } items:
                var list = type.List!;
                if (list.Relationship == ListRelationship.Atomic) return Val.Absent;
                var keptItems = new JsonArray();
                foreach (var item in items)
                {
                    var kept = Val.Of(item);
                    if (ListItems.ElementOf(list, item, out _) is { } element)
                    {
                        if (fields.Has(new FieldPath([element]))) continue;
                        var below = fields.WithPrefix(element);
                        if (!below.IsEmpty) kept = RemoveNode(kept, list.ElementType, below);
                    }
                    if (kept.Present) keptItems.Add(kept.Node == item ? Values.Clone(item) : kept.Node);
                }
                return keptItems.Count > 0 ? Val.Of(keptItems) : Val.Absent;
            case AtomKind.Map when value.AsMap is { Count: > 0 } entries:
                var map = type.Map!;
                if (map.Relationship == MapRelationship.Atomic) return Val.Absent;
                var keptEntries = new JsonObject();
                foreach (var (key, child) in entries)
                {
                    var element = PathElement.Field(key);
                    if (fields.Has(new FieldPath([element]))) continue;
                    var below = fields.WithPrefix(element);
                    var kept = below.IsEmpty ? Val.Of(Values.Clone(child)) : RemoveNode(Val.Of(child), map.TypeOf(key) ?? ApplyType.Deduced, below);
                    if (kept.Present) keptEntries[key] = kept.Node;
                }
                return keptEntries.Count > 0 ? Val.Of(keptEntries) : Val.Absent;
            default:
                return Val.Of(Values.Clone(value.Node));
        }
    }
}
