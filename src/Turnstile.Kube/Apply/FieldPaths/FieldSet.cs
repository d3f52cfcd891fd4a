using Turnstile.Kube.Apply.Schema;

namespace Turnstile.Kube.Apply.FieldPaths;

/// <summary>
/// A set of field paths as structured-merge-diff keeps it (<c>fieldpath.Set</c>): a tree whose nodes list the
/// <see cref="Members"/> (paths that end here) and the <see cref="Children"/> (elements with deeper members),
/// both sorted. A path being in the set does not put its parents in the set. Operations return new sets that may
/// share subtrees with their inputs; a set is only built up (<see cref="Insert"/>) before anyone else sees it.
/// </summary>
public sealed class FieldSet : IEquatable<FieldSet>
{
    private readonly List<PathElement> _members;
    private readonly List<FieldSetChild> _children;

    public FieldSet() : this([], []) { }

    private FieldSet(List<PathElement> members, List<FieldSetChild> children)
    {
        _members = members;
        _children = children;
    }

    public static FieldSet Of(params FieldPath[] paths)
    {
        var set = new FieldSet();
        foreach (var p in paths) set.Insert(p.Elements);
        return set;
    }

    public IReadOnlyList<PathElement> Members => _members;
    public IReadOnlyList<FieldSetChild> Children => _children;

    /// <summary>True when no path is in the set (children without members do not count).</summary>
    public bool IsEmpty => _members.Count == 0 && _children.All(c => c.Set.IsEmpty);

    /// <summary>The number of paths in the set.</summary>
    public int Size => _members.Count + _children.Sum(c => c.Set.Size);

    /// <summary>Adds a path (not its parents). The empty path (the whole object) is never tracked.</summary>
    internal void Insert(IReadOnlyList<PathElement> path)
    {
        if (path.Count == 0) return;
        var set = this;
        for (var i = 0; i < path.Count - 1; i++) set = set.Descend(path[i]);
        set.InsertMember(path[^1]);
    }

    internal void InsertMember(PathElement element)
    {
        var at = _members.BinarySearch(element);
        if (at < 0) _members.Insert(~at, element);
    }

    /// <summary>The child set under <paramref name="element"/>, created when missing.</summary>
    internal FieldSet Descend(PathElement element)
    {
        var at = FindChild(element);
        if (at >= 0) return _children[at].Set;
        var child = new FieldSet();
        _children.Insert(~at, new FieldSetChild(element, child));
        return child;
    }

    /// <summary>Replaces (or adds) the subtree under <paramref name="element"/>.</summary>
    internal void SetChild(PathElement element, FieldSet child)
    {
        var at = FindChild(element);
        if (at >= 0) _children[at] = new FieldSetChild(element, child);
        else _children.Insert(~at, new FieldSetChild(element, child));
    }

    private int FindChild(PathElement element)
    {
        int lo = 0, hi = _children.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var c = _children[mid].Element.CompareTo(element);
            if (c == 0) return mid;
            if (c < 0) lo = mid + 1;
            else hi = mid - 1;
        }
        return ~lo;
    }

    public bool Has(FieldPath path)
    {
        var elements = path.Elements;
        if (elements.Count == 0) return false;
        var set = this;
        for (var i = 0; i < elements.Count - 1; i++)
        {
            var at = set.FindChild(elements[i]);
            if (at < 0) return false;
            set = set._children[at].Set;
        }
        return set._members.BinarySearch(elements[^1]) >= 0;
    }

    /// <summary>The paths under <paramref name="element"/>, without it.</summary>
    public FieldSet WithPrefix(PathElement element)
    {
        var at = FindChild(element);
        return at >= 0 ? _children[at].Set : new FieldSet();
    }

    public FieldSet Union(FieldSet other)
    {
        var members = MergeSorted(_members, other._members, keepLeft: true, keepRight: true, keepBoth: true);
        var children = new List<FieldSetChild>();
        int i = 0, j = 0;
        while (i < _children.Count && j < other._children.Count)
        {
            var c = _children[i].Element.CompareTo(other._children[j].Element);
            if (c < 0) children.Add(_children[i++]);
            else if (c > 0) children.Add(other._children[j++]);
            else children.Add(new FieldSetChild(_children[i].Element, _children[i++].Set.Union(other._children[j++].Set)));
        }
        children.AddRange(_children.Skip(i));
        children.AddRange(other._children.Skip(j));
        return new FieldSet(members, children);
    }

    /// <summary>The paths in both sets.</summary>
    public FieldSet Intersection(FieldSet other)
    {
        var members = MergeSorted(_members, other._members, keepLeft: false, keepRight: false, keepBoth: true);
        var children = new List<FieldSetChild>();
        int i = 0, j = 0;
        while (i < _children.Count && j < other._children.Count)
        {
            var c = _children[i].Element.CompareTo(other._children[j].Element);
            if (c < 0) i++;
            else if (c > 0) j++;
            else
            {
                var both = _children[i].Set.Intersection(other._children[j].Set);
                if (!both.IsEmpty) children.Add(new FieldSetChild(_children[i].Element, both));
                i++;
                j++;
            }
        }
        return new FieldSet(members, children);
    }

    /// <summary>
    /// The paths of this set not in <paramref name="other"/>. A parent minus its child keeps the parent; a child
    /// minus its parent is kept too (only exact paths are removed; see <see cref="RecursiveDifference"/>).
    /// </summary>
    public FieldSet Difference(FieldSet other)
    {
        var members = MergeSorted(_members, other._members, keepLeft: true, keepRight: false, keepBoth: false);
        var children = new List<FieldSetChild>();
        int i = 0, j = 0;
        while (i < _children.Count && j < other._children.Count)
        {
            var c = _children[i].Element.CompareTo(other._children[j].Element);
            if (c < 0) children.Add(_children[i++]);
            else if (c > 0) j++;
            else
            {
                var diff = _children[i].Set.Difference(other._children[j].Set);
                if (!diff.IsEmpty) children.Add(new FieldSetChild(_children[i].Element, diff));
                i++;
                j++;
            }
        }
        children.AddRange(_children.Skip(i));
        return new FieldSet(members, children);
    }

    /// <summary>The paths of this set that neither are in <paramref name="other"/> nor lie under one of its paths.</summary>
    public FieldSet RecursiveDifference(FieldSet other)
    {
        var members = MergeSorted(_members, other._members, keepLeft: true, keepRight: false, keepBoth: false);
        var children = new List<FieldSetChild>();
        int i = 0, j = 0;
        while (i < _children.Count)
        {
            var child = _children[i];
            var c = j < other._children.Count ? child.Element.CompareTo(other._children[j].Element) : -1;
            if (c > 0)
            {
                j++;
                continue;
            }
            i++;
            if (other._members.BinarySearch(child.Element) >= 0) continue;
            if (c < 0)
            {
                children.Add(child);
                continue;
            }
            var diff = child.Set.RecursiveDifference(other._children[j++].Set);
            if (!diff.IsEmpty) children.Add(new FieldSetChild(child.Element, diff));
        }
        return new FieldSet(members, children);
    }

    /// <summary>
    /// This set plus every struct field that has members below it: owning <c>.spec.replicas</c> then also means
    /// owning <c>.spec</c> (a struct field), but not <c>.data</c> for <c>.data.key</c> when <c>data</c> is a map.
    /// </summary>
    internal FieldSet EnsureNamedFieldsAreMembers(ApplyType? type)
    {
        var members = new List<PathElement>(_members);
        var children = new List<FieldSetChild>(_children.Count);
        foreach (var child in _children)
        {
            ApplyType? childType = null;
            var element = child.Element;
            if (element.Kind == PathElementKind.Field && type?.Map is { } map)
            {
                if (map.Field(element.FieldName) is { } field)
                {
                    childType = field.Type;
                    var at = members.BinarySearch(element);
                    if (at < 0) members.Insert(~at, element);
                }
                else childType = map.ElementType;
            }
            else if (element.Kind == PathElementKind.Key) childType = type?.List?.ElementType;
            children.Add(new FieldSetChild(element, child.Set.EnsureNamedFieldsAreMembers(childType)));
        }
        return new FieldSet(members, children);
    }

    /// <summary>Every path, members before deeper paths at each level (structured-merge-diff's iteration order).</summary>
    public IEnumerable<FieldPath> Paths => Walk([]);

    private IEnumerable<FieldPath> Walk(List<PathElement> prefix)
    {
        foreach (var m in _members) yield return new FieldPath([.. prefix, m]);
        foreach (var child in _children)
        {
            prefix.Add(child.Element);
            foreach (var p in child.Set.Walk(prefix)) yield return p;
            prefix.RemoveAt(prefix.Count - 1);
        }
    }

    public bool Equals(FieldSet? other)
    {
        if (other is null) return false;
        if (!_members.SequenceEqual(other._members) || _children.Count != other._children.Count) return false;
        for (var i = 0; i < _children.Count; i++)
            if (!_children[i].Element.Equals(other._children[i].Element) || !_children[i].Set.Equals(other._children[i].Set)) return false;
        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as FieldSet);

    public override int GetHashCode() => HashCode.Combine(_members.Count, _children.Count);

    /// <summary>One path per line.</summary>
    public override string ToString() => string.Join("\n", Paths);

    private static List<PathElement> MergeSorted(List<PathElement> left, List<PathElement> right, bool keepLeft, bool keepRight, bool keepBoth)
    {
        var result = new List<PathElement>();
        int i = 0, j = 0;
        while (i < left.Count && j < right.Count)
        {
            var c = left[i].CompareTo(right[j]);
            if (c < 0)
            {
                if (keepLeft) result.Add(left[i]);
                i++;
            }
            else if (c > 0)
            {
                if (keepRight) result.Add(right[j]);
                j++;
            }
            else
            {
                if (keepBoth) result.Add(left[i]);
                i++;
                j++;
            }
        }
        if (keepLeft) result.AddRange(left.Skip(i));
        if (keepRight) result.AddRange(right.Skip(j));
        return result;
    }
}

/// <summary>A subtree of a <see cref="FieldSet"/>: the paths below <see cref="Element"/>.</summary>
public readonly record struct FieldSetChild(PathElement Element, FieldSet Set);
