using System.Text.Json.Nodes;
using Turnstile.Kube.Apply.Schema;

namespace Turnstile.Kube.Apply.Typed;

/// <summary>
/// An object as kube-apiserver's field manager sees a built-in kind: a Go struct, where nested structs are always
/// present, fields without <c>omitempty</c> hold their zero value, and required pointers, lists and maps are null.
/// Comparing these views rather than the stored JSON gives kube's ownership of parents (no <c>"."</c> for
/// <c>f:spec</c> of a new Deployment, one for <c>f:labels</c>). Kinds without Go types (CRDs, deduced) are unchanged.
/// </summary>
internal static class TypedView
{
    /// <summary>A detached copy of <paramref name="value"/> with the zero values filled in.</summary>
    public static JsonNode? Of(JsonNode? value, ApplyType type)
    {
        switch (Atom.Deduce(type, Val.Of(value)).Handler)
        {
            case AtomKind.Map when value is JsonObject fields:
                var map = type.Map!;
                var view = new JsonObject();
                foreach (var (key, child) in fields) view[key] = Of(child, map.TypeOf(key) ?? ApplyType.Deduced);
                foreach (var field in map.Fields)
                {
                    if (field.ZeroValue is not { } zero || fields.ContainsKey(field.Name)) continue;
                    view[field.Name] = zero.Value is JsonObject ? Of(new JsonObject(), field.Type) : zero.Value?.DeepClone();
                }
                return view;
            case AtomKind.List when value is JsonArray items:
                var list = new JsonArray();
                foreach (var item in items) list.Add(Of(item, type.List!.ElementType));
                return list;
            default:
                return value?.DeepClone();
        }
    }

    /// <summary>The object a create starts from: an empty object of the kind.</summary>
    public static JsonObject Empty(ApplyType type) => (JsonObject)Of(new JsonObject(), type)!;
}
