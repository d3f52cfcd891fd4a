using System.Globalization;
using System.Text.Json.Nodes;
using Turnstile.Kube.Apply.FieldPaths;
using Turnstile.Kube.Apply.Schema;

namespace Turnstile.Kube.Apply.Typed;

/// <summary>One schema error, located by path (<c>.spec.replicas</c>).</summary>
internal sealed record TypedError(string Path, string Message)
{
    public override string ToString() => Path.Length == 0 ? Message : $"{Path}: {Message}";

    /// <summary>structured-merge-diff's rendering of several errors.</summary>
    public static string Join(IReadOnlyList<TypedError> errors) =>
        errors.Count == 1 ? errors[0].ToString() : "errors:\n" + string.Join("\n", errors.Select(e => "  " + e));
}

/// <summary>
/// Checks a value against its type as structured-merge-diff does when it converts an object to a typed value:
/// scalar kinds, maps and lists where expected, declared fields only, list items identifiable and unique.
/// </summary>
internal sealed class TypedValidation
{
    private readonly bool _allowDuplicates;
    private readonly bool _allowUndeclaredFields;
    private readonly List<TypedError> _errors = [];

    private TypedValidation(bool allowDuplicates, bool allowUndeclaredFields)
    {
        _allowDuplicates = allowDuplicates;
        _allowUndeclaredFields = allowUndeclaredFields;
    }

    /// <summary>An applied configuration: strict, like the patch object kube converts without duplicates allowed.</summary>
    public static IReadOnlyList<TypedError> OfConfiguration(JsonNode node, ApplyType type) => Run(node, type, false, false);

    /// <summary>
    /// A stored object: duplicates allowed as kube allows them in live objects; fields a schema does not declare
    /// (which the emulator may have stored) are taken as deduced instead of failing every later write.
    /// </summary>
    public static IReadOnlyList<TypedError> OfStoredObject(JsonNode node, ApplyType type) => Run(node, type, true, true);

    private static IReadOnlyList<TypedError> Run(JsonNode node, ApplyType type, bool allowDuplicates, bool allowUndeclared)
    {
        var validation = new TypedValidation(allowDuplicates, allowUndeclared);
        validation.Check(Val.Of(node), type, "");
        return validation._errors;
    }

    private void Check(Val value, ApplyType type, string path)
    {
        switch (Atom.Deduce(type, value).Handler)
        {
            case AtomKind.Scalar:
                if (ScalarError(type.Scalar!.Value, value.Node) is { } scalarError) Add(path, scalarError);
                break;
            case AtomKind.List:
                CheckList(value, type.List!, path);
                break;
            case AtomKind.Map:
                CheckMap(value, type.Map!, path);
                break;
            default:
                Add(path, "schema error: invalid atom: inlined");
                break;
        }
    }

    private void CheckList(Val value, ApplyList list, string path)
    {
        if (value.Node is null) return;
        if (value.AsList is not { } items)
        {
            Add(path, "expected list, got " + GoValueText.PointerV(value.Node));
            return;
        }
        var seen = new HashSet<PathElement>();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            PathElement element;
            if (list.Relationship == ListRelationship.Atomic) element = PathElement.IndexOf(i);
            else
            {
                if (ListItems.ElementOf(list, item, out var error) is not { } keyed)
                {
                    Add(path, $"element {i.ToString(CultureInfo.InvariantCulture)}: {error}");
                    return;
                }
                element = keyed;
                if (!seen.Add(element) && !_allowDuplicates) Add(path, "duplicate entries for key " + element);
            }
            Check(Val.Of(item), list.ElementType, path + element);
        }
    }

    private void CheckMap(Val value, ApplyMap map, string path)
    {
        if (value.Node is null) return;
        if (value.AsMap is not { } fields)
        {
            Add(path, "expected map, got " + GoValueText.PointerV(value.Node));
            return;
        }
        foreach (var (key, child) in fields)
        {
            var childType = map.TypeOf(key);
            if (childType is null)
            {
                if (!_allowUndeclaredFields)
                {
                    Add(path + "." + key, "field not declared in schema");
                    return;
                }
                childType = ApplyType.Deduced;
            }
            Check(Val.Of(child), childType, path + "." + key);
        }
    }

    /// <summary>The error for a value a scalar type does not accept (absent and null are accepted).</summary>
    private static string? ScalarError(ScalarType type, JsonNode? value)
    {
        if (value is null) return null;
        var kind = Values.KindOf(value);
        return type switch
        {
            ScalarType.Numeric when kind is not (ValueKind.Int or ValueKind.Float) =>
                "expected numeric (int or float), got " + GoValueText.TypeName(value),
            ScalarType.String when kind != ValueKind.String => "expected string, got " + GoValueText.PointerSharpV(value),
            ScalarType.Boolean when kind != ValueKind.Bool => "expected boolean, got " + GoValueText.PointerV(value),
            ScalarType.Untyped when !Values.IsScalar(kind) => "expected any scalar, got " + GoValueText.PointerV(value),
            _ => null,
        };
    }

    private void Add(string path, string message) => _errors.Add(new TypedError(path, message));
}

/// <summary>
/// How Go's fmt prints a decoded JSON value inside structured-merge-diff's messages (numbers decoded as float64,
/// the value boxed in a <c>*value.valueUnstructured</c>): <c>%T</c>, <c>%v</c> and <c>%#v</c>.
/// </summary>
internal static class GoValueText
{
    public static string TypeName(JsonNode? value) => Values.KindOf(value) switch
    {
        ValueKind.Null => "<nil>",
        ValueKind.Bool => "bool",
        ValueKind.Int or ValueKind.Float => "float64",
        ValueKind.String => "string",
        ValueKind.List => "[]interface {}",
        _ => "map[string]interface {}",
    };

    public static string PointerV(JsonNode? value) => "&{" + V(value) + "}";

    public static string PointerSharpV(JsonNode? value) => "&value.valueUnstructured{Value:" + SharpV(value) + "}";

    private static string V(JsonNode? value) => Values.KindOf(value) switch
    {
        ValueKind.Null => "<nil>",
        ValueKind.Bool => Values.AsBool(value!) ? "true" : "false",
        ValueKind.Int or ValueKind.Float => GoFloat.General(Values.AsDouble(value!)),
        ValueKind.String => value!.GetValue<string>(),
        ValueKind.List => "[" + string.Join(" ", value!.AsArray().Select(V)) + "]",
        _ => "map[" + string.Join(" ", value!.AsObject().OrderBy(kv => kv.Key, Utf8Order.Comparer).Select(kv => kv.Key + ":" + V(kv.Value))) + "]",
    };

    private static string SharpV(JsonNode? value) => Values.KindOf(value) switch
    {
        ValueKind.Null => "interface {}(nil)",
        ValueKind.Bool => Values.AsBool(value!) ? "true" : "false",
        ValueKind.Int or ValueKind.Float => GoFloat.General(Values.AsDouble(value!)),
        ValueKind.String => Core.Rbac.GoQuote.Quote(value!.GetValue<string>()),
        ValueKind.List => "[]interface {}{" + string.Join(", ", value!.AsArray().Select(SharpV)) + "}",
        _ => "map[string]interface {}{" + string.Join(", ",
            value!.AsObject().OrderBy(kv => kv.Key, Utf8Order.Comparer).Select(kv => Core.Rbac.GoQuote.Quote(kv.Key) + ":" + SharpV(kv.Value))) + "}",
    };
}
