using System.Text.Json.Nodes;
using Turnstile.Kube.Apply.FieldPaths;
using Turnstile.Kube.Apply.Schema;

namespace Turnstile.Kube.Apply.Typed;

/// <summary>A value that may be absent (a missing key), as opposed to present and JSON null.</summary>
internal readonly record struct Val(JsonNode? Node, bool Present)
{
    public static readonly Val Absent = default;

    public static Val Of(JsonNode? node) => new(node, true);

    public static Val Child(JsonObject? map, string key) =>
        map is not null && map.TryGetPropertyValue(key, out var node) ? Of(node) : Absent;

    public ValueKind Kind => Values.KindOf(Node);

    public JsonObject? AsMap => Node as JsonObject;
    public JsonArray? AsList => Node as JsonArray;
}

/// <summary>Which alternatives of an <see cref="ApplyType"/> a value may take (structured-merge-diff's deduced atom).</summary>
internal readonly record struct Atom(bool Scalar, bool List, bool Map)
{
    /// <summary>
    /// The alternative matching the value's shape when the type has it; otherwise every alternative of the type
    /// (absent values, nulls and mismatches then fail or pass in the handler, as structured-merge-diff does).
    /// </summary>
    public static Atom Deduce(ApplyType type, Val value)
    {
        if (value.Present)
        {
            var kind = value.Kind;
            if (Values.IsScalar(kind) && type.Scalar is not null) return new(true, false, false);
            if (kind == ValueKind.List && type.List is not null) return new(false, true, false);
            if (kind == ValueKind.Map && type.Map is not null) return new(false, false, true);
        }
        return new(type.Scalar is not null, type.List is not null, type.Map is not null);
    }

    /// <summary>The alternative a handler works with: map first, then scalar, then list.</summary>
    public AtomKind Handler => Map ? AtomKind.Map : Scalar ? AtomKind.Scalar : List ? AtomKind.List : AtomKind.None;
}

internal enum AtomKind { None, Scalar, List, Map }

/// <summary>Identifying list items: by key fields (list-map) or by value (set).</summary>
internal static class ListItems
{
    /// <summary>The item's path element, or the structured-merge-diff error text when it has none.</summary>
    public static PathElement? ElementOf(ApplyList list, JsonNode? item, out string? error)
    {
        error = null;
        if (list.Relationship == ListRelationship.Atomic)
        {
            error = "invalid indexing of non-associative list";
            return null;
        }
        if (list.Relationship == ListRelationship.Set) return SetItem(item, out error);

        if (item is null)
        {
            error = "associative list with keys may not have a null element";
            return null;
        }
        if (item is not JsonObject fields)
        {
            error = "associative list with keys may not have non-map elements";
            return null;
        }
        var key = new List<KeyValuePair<string, JsonNode?>>(list.Keys.Count);
        foreach (var name in list.Keys)
        {
            if (fields.TryGetPropertyValue(name, out var value))
            {
                key.Add(KeyValuePair.Create(name, value));
                continue;
            }
            if (list.ElementType.Map is null)
            {
                error = $"couldn't find default value for {name}: associative list may not have non-map types";
                return null;
            }
            var defaultValue = list.ElementType.Map.Field(name)?.Default;
            if (defaultValue is null)
            {
                error = $"associative list with keys has an element that omits key field {Core.Rbac.GoQuote.Quote(name)} (and doesn't have default value)";
                return null;
            }
            key.Add(KeyValuePair.Create<string, JsonNode?>(name, defaultValue));
        }
        return PathElement.KeyOf(key);
    }

    private static PathElement? SetItem(JsonNode? item, out string? error)
    {
        error = Values.KindOf(item) switch
        {
            ValueKind.Map => "associative list without keys has an element that's a map type",
            ValueKind.List => "not supported: associative list with lists as elements",
            ValueKind.Null => "associative list without keys has an element that's an explicit null",
            _ => null,
        };
        return error is null ? PathElement.ValueOf(item) : null;
    }
}
