using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Turnstile.Core.Kube;

namespace Turnstile.Kube.Apply.FieldPaths;

/// <summary>The kinds of path element, in their sort order.</summary>
public enum PathElementKind { Field, Key, Value, Index }

/// <summary>
/// One step of a field path: a struct field or map key (<c>f:name</c>), a list-map item by its key fields
/// (<c>k:{"name":"nginx"}</c>), a set item by its value (<c>v:"x"</c>) or an atomic list item by index (<c>i:0</c>).
/// Ordered as structured-merge-diff orders them; values are detached copies and never changed.
/// </summary>
public sealed class PathElement : IEquatable<PathElement>, IComparable<PathElement>
{
    private readonly string? _name;
    private readonly KeyValuePair<string, JsonNode?>[]? _key;
    private readonly JsonNode? _value;
    private readonly int _index;

    private PathElement(PathElementKind kind, string? name, KeyValuePair<string, JsonNode?>[]? key, JsonNode? value, int index)
    {
        Kind = kind;
        _name = name;
        _key = key;
        _value = value;
        _index = index;
    }

    public PathElementKind Kind { get; }

    /// <summary>The field name (for <see cref="PathElementKind.Field"/>).</summary>
    public string FieldName => _name ?? throw new InvalidOperationException("not a field element");

    /// <summary>The key fields sorted by name (for <see cref="PathElementKind.Key"/>).</summary>
    public IReadOnlyList<KeyValuePair<string, JsonNode?>> Key => _key ?? throw new InvalidOperationException("not a key element");

    /// <summary>The item value (for <see cref="PathElementKind.Value"/>).</summary>
    public JsonNode? Value => Kind == PathElementKind.Value ? _value : throw new InvalidOperationException("not a value element");

    public int Index => Kind == PathElementKind.Index ? _index : throw new InvalidOperationException("not an index element");

    public static PathElement Field(string name) => new(PathElementKind.Field, name, null, null, 0);

    /// <summary>A list-map item; the fields are sorted by name.</summary>
    public static PathElement KeyOf(IEnumerable<KeyValuePair<string, JsonNode?>> fields) =>
        new(PathElementKind.Key, null,
            fields.Select(f => KeyValuePair.Create(f.Key, Values.Clone(f.Value))).OrderBy(f => f.Key, Utf8Order.Comparer).ToArray(), null, 0);

    public static PathElement KeyOf(params (string Name, JsonNode? Value)[] fields) =>
        KeyOf(fields.Select(f => KeyValuePair.Create(f.Name, f.Value)));

    public static PathElement ValueOf(JsonNode? value) => new(PathElementKind.Value, null, null, Values.Clone(value), 0);

    public static PathElement IndexOf(int index) => new(PathElementKind.Index, null, null, null, index);

    public int CompareTo(PathElement? other)
    {
        if (other is null) return 1;
        if (Kind != other.Kind) return Kind.CompareTo(other.Kind);
        return Kind switch
        {
            PathElementKind.Field => Utf8Order.Compare(_name, other._name),
            PathElementKind.Key => CompareKeys(_key!, other._key!),
            PathElementKind.Value => Values.Compare(_value, other._value),
            _ => _index.CompareTo(other._index),
        };
    }

    private static int CompareKeys(KeyValuePair<string, JsonNode?>[] lhs, KeyValuePair<string, JsonNode?>[] rhs)
    {
        for (var i = 0; ; i++)
        {
            if (i >= lhs.Length && i >= rhs.Length) return 0;
            if (i >= lhs.Length) return -1;
            if (i >= rhs.Length) return 1;
            var c = Utf8Order.Compare(lhs[i].Key, rhs[i].Key);
            if (c == 0) c = Values.Compare(lhs[i].Value, rhs[i].Value);
            if (c != 0) return c;
        }
    }

    public bool Equals(PathElement? other)
    {
        if (other is null || Kind != other.Kind) return false;
        switch (Kind)
        {
            case PathElementKind.Field: return _name == other._name;
            case PathElementKind.Value: return Values.Equal(_value, other._value);
            case PathElementKind.Index: return _index == other._index;
            default:
                if (_key!.Length != other._key!.Length) return false;
                for (var i = 0; i < _key.Length; i++)
                    if (_key[i].Key != other._key[i].Key || !Values.Equal(_key[i].Value, other._key[i].Value)) return false;
                return true;
        }
    }

    public override bool Equals(object? obj) => Equals(obj as PathElement);

    public override int GetHashCode() => Kind switch
    {
        PathElementKind.Field => StringComparer.Ordinal.GetHashCode(_name!),
        PathElementKind.Value => Values.Hash(_value),
        PathElementKind.Index => _index,
        _ => _key!.Aggregate(17, (h, f) => HashCode.Combine(h, StringComparer.Ordinal.GetHashCode(f.Key), Values.Hash(f.Value))),
    };

    /// <summary>The human form used in conflict messages: <c>.name</c>, <c>[name="nginx"]</c>, <c>[="x"]</c>, <c>[0]</c>.</summary>
    public override string ToString() => Kind switch
    {
        PathElementKind.Field => "." + _name,
        PathElementKind.Key => "[" + string.Join(",", _key!.Select(f => f.Key + "=" + Values.ToGoString(f.Value))) + "]",
        PathElementKind.Value => "[=" + Values.ToGoString(_value) + "]",
        _ => "[" + _index.ToString(CultureInfo.InvariantCulture) + "]",
    };

    /// <summary>The FieldsV1 key: <c>f:name</c>, <c>k:{"name":"nginx"}</c>, <c>v:"x"</c>, <c>i:0</c>.</summary>
    public string Serialize()
    {
        switch (Kind)
        {
            case PathElementKind.Field: return "f:" + _name;
            case PathElementKind.Value: return "v:" + Values.ToGoJson(_value);
            case PathElementKind.Index: return "i:" + _index.ToString(CultureInfo.InvariantCulture);
            default:
                var sb = new StringBuilder("k:{");
                for (var i = 0; i < _key!.Length; i++)
                {
                    if (i > 0) sb.Append(',');
                    sb.Append(GoJson.Quote(_key[i].Key)).Append(':').Append(Values.ToGoJson(_key[i].Value));
                }
                return sb.Append('}').ToString();
        }
    }

    /// <summary>
    /// Reads a FieldsV1 key. Returns null for an element type this version does not know (kube drops those);
    /// throws <see cref="FormatException"/> with structured-merge-diff's message for malformed keys.
    /// </summary>
    public static PathElement? Deserialize(string text)
    {
        if (text.Length < 2) throw new FormatException("key must be 2 characters long:");
        if (text[1] != ':') throw new FormatException("missing colon: " + text);
        var content = text[2..];
        switch (text[0])
        {
            case 'f': return Field(content);
            case 'v': return ValueOf(ParseJson(content));
            case 'i':
                if (!int.TryParse(content, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index))
                    throw new FormatException($"strconv.Atoi: parsing {Core.Rbac.GoQuote.Quote(content)}: invalid syntax");
                return IndexOf(index);
            case 'k':
                if (ParseJson(content) is not JsonObject fields) throw new FormatException("k: element is not a JSON object: " + content);
                return KeyOf(fields.Select(f => KeyValuePair.Create(f.Key, f.Value)));
            default: return null;
        }
    }

    private static JsonNode? ParseJson(string json)
    {
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new FormatException(ex.Message, ex);
        }
    }
}
