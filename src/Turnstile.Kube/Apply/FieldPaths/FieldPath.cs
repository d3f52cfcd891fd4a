namespace Turnstile.Kube.Apply.FieldPaths;

/// <summary>A path from an object's root to one field or item, e.g. <c>.spec.containers[name="nginx"].image</c>.</summary>
public sealed class FieldPath : IEquatable<FieldPath>, IComparable<FieldPath>
{
    private readonly PathElement[] _elements;

    public FieldPath(IEnumerable<PathElement> elements) => _elements = elements.ToArray();

    /// <summary>A path from parts: strings are field names, ints indexes, path elements themselves.</summary>
    public static FieldPath Of(params object[] parts) => new(parts.Select(p => p switch
    {
        string name => PathElement.Field(name),
        int index => PathElement.IndexOf(index),
        PathElement element => element,
        _ => throw new ArgumentException($"cannot make {p} into a path element", nameof(parts)),
    }));

    public IReadOnlyList<PathElement> Elements => _elements;

    public int CompareTo(FieldPath? other)
    {
        if (other is null) return 1;
        for (var i = 0; ; i++)
        {
            if (i >= _elements.Length && i >= other._elements.Length) return 0;
            if (i >= _elements.Length) return -1;
            if (i >= other._elements.Length) return 1;
            var c = _elements[i].CompareTo(other._elements[i]);
            if (c != 0) return c;
        }
    }

    public bool Equals(FieldPath? other) => other is not null && _elements.SequenceEqual(other._elements);

    public override bool Equals(object? obj) => Equals(obj as FieldPath);

    public override int GetHashCode() => _elements.Aggregate(0, (h, e) => HashCode.Combine(h, e));

    /// <summary>As kube prints paths in conflicts: <c>.data.key</c>.</summary>
    public override string ToString() => string.Concat(_elements.Select(e => e.ToString()));
}
