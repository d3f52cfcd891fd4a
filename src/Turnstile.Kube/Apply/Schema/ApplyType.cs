using System.Text.Json.Nodes;

namespace Turnstile.Kube.Apply.Schema;

/// <summary>What a scalar may hold (structured-merge-diff's scalar types).</summary>
public enum ScalarType { Numeric, String, Boolean, Untyped }

/// <summary>How a map or struct is owned: key by key (<c>granular</c>), or as one value (<c>atomic</c>).</summary>
public enum MapRelationship { Granular, Atomic }

/// <summary>
/// How list items are identified: <c>atomic</c> (the whole list is one value), <c>set</c> (scalars identified by
/// value, <c>v:</c>) or <c>map</c> (objects identified by their key fields, <c>k:</c>).
/// </summary>
public enum ListRelationship { Atomic, Set, Map }

/// <summary>
/// The type of one node of an object as server-side apply sees it: any combination of a scalar, a list and a map
/// (structured-merge-diff's "atom"). A value picks the alternative matching its JSON shape; an untyped or deduced
/// node has all three. Types form a graph (a type may contain itself) built once by <see cref="ApplySchemaSet"/>.
/// </summary>
public sealed class ApplyType
{
    public ScalarType? Scalar { get; private set; }
    public ApplyList? List { get; private set; }
    public ApplyMap? Map { get; private set; }

    internal ApplyType() { }

    internal ApplyType(ScalarType? scalar, ApplyList? list, ApplyMap? map) => Set(scalar, list, map);

    internal void Set(ScalarType? scalar, ApplyList? list, ApplyMap? map)
    {
        Scalar = scalar;
        List = list;
        Map = map;
    }

    /// <summary>
    /// Anything, owned as one value: scalars, and lists and maps of anything, all atomic
    /// (<c>__untyped_atomic_</c>; used for <c>int-or-string</c>, <c>RawExtension</c>, lists without <c>items</c>).
    /// </summary>
    public static ApplyType UntypedAtomic { get; }

    /// <summary>
    /// A type deduced from the value (<c>__untyped_deduced_</c>): maps are granular all the way down, lists are
    /// atomic. Used for kinds without a schema and under <c>x-kubernetes-preserve-unknown-fields</c>.
    /// </summary>
    public static ApplyType Deduced { get; }

    static ApplyType()
    {
        UntypedAtomic = new ApplyType();
        UntypedAtomic.Set(ScalarType.Untyped,
            new ApplyList(UntypedAtomic, ListRelationship.Atomic, []),
            new ApplyMap([], UntypedAtomic, MapRelationship.Atomic));
        Deduced = new ApplyType();
        Deduced.Set(ScalarType.Untyped,
            new ApplyList(UntypedAtomic, ListRelationship.Atomic, []),
            new ApplyMap([], Deduced, MapRelationship.Granular));
    }
}

/// <summary>A list type: its item type, how items are identified, and the key fields of a <c>map</c> list.</summary>
public sealed record ApplyList(ApplyType ElementType, ListRelationship Relationship, IReadOnlyList<string> Keys);

/// <summary>
/// A struct or map: named <see cref="Fields"/> (a struct's properties), and <see cref="ElementType"/> for any other
/// key (a map's values; null when other keys are not allowed).
/// </summary>
public sealed class ApplyMap
{
    private readonly Dictionary<string, ApplyField> _fields;

    public ApplyMap(IEnumerable<ApplyField> fields, ApplyType? elementType, MapRelationship relationship)
    {
        _fields = fields.ToDictionary(f => f.Name, StringComparer.Ordinal);
        ElementType = elementType;
        Relationship = relationship;
    }

    public IReadOnlyCollection<ApplyField> Fields => _fields.Values;
    public ApplyType? ElementType { get; }
    public MapRelationship Relationship { get; }

    public ApplyField? Field(string name) => _fields.GetValueOrDefault(name);

    /// <summary>The type of the value under <paramref name="key"/>: the field's, else the element type.</summary>
    public ApplyType? TypeOf(string key) => _fields.TryGetValue(key, out var f) ? f.Type : ElementType;

    /// <summary>The same map owned differently (a field's <c>x-kubernetes-map-type</c> overriding its type's).</summary>
    internal ApplyMap WithRelationship(MapRelationship relationship) => new(_fields.Values, ElementType, relationship);
}

/// <summary>
/// A struct field. <see cref="Default"/> is the schema's <c>default</c> (a list-map key's default fills a missing key).
/// <see cref="ZeroValue"/> is what the field holds in a zero Go struct when the field is absent from JSON (an empty
/// object for a nested struct, the zero scalar of a field without <c>omitempty</c>, null for a required list or map);
/// null when the field is simply absent. Only Go-generated (built-in) types have zero values.
/// </summary>
public sealed record ApplyField(string Name, ApplyType Type, JsonNode? Default, ZeroValue? ZeroValue = null);

/// <summary>The value a zero Go struct holds for a field (see <see cref="ApplyField.ZeroValue"/>).</summary>
public sealed record ZeroValue(JsonNode? Value);
