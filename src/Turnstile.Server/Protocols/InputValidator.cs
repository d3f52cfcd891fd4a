using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Turnstile.Server.Model;

namespace Turnstile.Server.Protocols;

/// <summary>
/// Checks an operation's input against the model's constraints (required, length, pattern, enum, range) and phrases
/// violations the way AWS's request validation does:
/// <c>Value 'x' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+</c>.
/// Paths use the member name with a lower-case first letter; list elements are <c>tags.1.member.key</c>.
/// Values of sensitive shapes, structures and lists are not echoed.
/// </summary>
internal static class InputValidator
{
    /// <summary>Null when <paramref name="input"/> is valid, else the full message (<c>N validation error(s) detected: ...</c>).</summary>
    public static string? Validate(Shape? shape, JsonObject input)
    {
        if (shape is null || shape.Members.Count == 0) return null;
        List<string>? errors = null;
        CheckStructure(shape, input, "", ref errors);
        return errors is null ? null : Format(errors);
    }

    public static string Format(IReadOnlyList<string> errors)
    {
        var sb = new StringBuilder();
        sb.Append(errors.Count.ToString(CultureInfo.InvariantCulture))
            .Append(errors.Count == 1 ? " validation error detected: " : " validation errors detected: ");
        for (var i = 0; i < errors.Count; i++)
        {
            if (i > 0) sb.Append("; ");
            sb.Append(errors[i]);
        }
        return sb.ToString();
    }

    private static void CheckStructure(Shape shape, JsonObject value, string path, ref List<string>? errors)
    {
        foreach (var member in shape.Members)
        {
            var memberPath = path.Length == 0 ? LowerFirst(member.Name) : path + "." + LowerFirst(member.Name);
            value.TryGetPropertyValue(member.Name, out var node);
            if (node is null)
            {
                if (shape.Required.Contains(member.Name))
                    Add(ref errors, $"Value null at '{memberPath}' failed to satisfy constraint: Member must not be null");
                continue;
            }
            CheckValue(member.Shape, node, memberPath, ref errors);
        }
    }

    private static void CheckValue(Shape shape, JsonNode node, string path, ref List<string>? errors)
    {
        switch (shape.Type)
        {
            case ShapeType.Structure:
                if (node is JsonObject obj) CheckStructure(shape, obj, path, ref errors);
                break;
            case ShapeType.List:
                if (node is not JsonArray array) break;
                CheckLength(shape, array.Count, null, path, ref errors);
                var elementShape = shape.Member!.Shape;
                if (elementShape.IsScalar)
                {
                    CheckScalarList(elementShape, array, path, ref errors);
                    break;
                }
                for (var i = 0; i < array.Count; i++)
                {
                    var elementPath = path + "." + (i + 1).ToString(CultureInfo.InvariantCulture) + ".member";
                    if (array[i] is { } element) CheckValue(elementShape, element, elementPath, ref errors);
                    else Add(ref errors, $"Value null at '{elementPath}' failed to satisfy constraint: Member must not be null");
                }
                break;
            case ShapeType.Map:
                if (node is not JsonObject map) break;
                CheckLength(shape, map.Count, null, path, ref errors);
                CheckMap(shape, map, path, ref errors);
                break;
            default:
                var problems = ScalarProblems(shape, node);
                if (problems is null) break;
                var shown = Show(shape, node);
                foreach (var problem in problems)
                    Add(ref errors, $"Value{shown} at '{path}' failed to satisfy constraint: {problem}");
                break;
        }
    }

    // AWS reports a list of scalars that breaks its element constraints as one violation naming all of them.
    private static void CheckScalarList(Shape elementShape, JsonArray array, string path, ref List<string>? errors)
    {
        var bad = false;
        foreach (var element in array)
        {
            if (element is null || ScalarProblems(elementShape, element) is not null)
            {
                bad = true;
                break;
            }
        }
        if (!bad) return;
        var all = AllConstraints(elementShape);
        all.Add("Member must not be null");
        Add(ref errors, $"Value at '{path}' failed to satisfy constraint: Member must satisfy constraint: [{string.Join(", ", all)}]");
    }

    private static void CheckMap(Shape shape, JsonObject map, string path, ref List<string>? errors)
    {
        bool badKey = false, badValue = false;
        foreach (var (key, value) in map)
        {
            if (!badKey && ScalarProblems(shape.Key!.Shape, JsonValue.Create(key)) is not null) badKey = true;
            if (!badValue && shape.Value!.Shape.IsScalar && (value is null || ScalarProblems(shape.Value.Shape, value) is not null))
                badValue = true;
        }
        if (badKey)
            Add(ref errors, $"Value at '{path}' failed to satisfy constraint: Map keys must satisfy constraint: [{string.Join(", ", AllConstraints(shape.Key!.Shape))}]");
        if (badValue)
        {
            var all = AllConstraints(shape.Value!.Shape);
            all.Add("Member must not be null");
            Add(ref errors, $"Value at '{path}' failed to satisfy constraint: Map value must satisfy constraint: [{string.Join(", ", all)}]");
        }
    }

    private static List<string>? ScalarProblems(Shape shape, JsonNode node)
    {
        List<string>? problems = null;
        switch (shape.Type)
        {
            case ShapeType.String:
                if (!WireValues.TryGetString(node, out var text)) break;
                CheckLength(shape, text.Length, null, null, ref problems);
                if (shape.Pattern is not null && !shape.MatchesPattern(text))
                    (problems ??= []).Add("Member must satisfy regular expression pattern: " + shape.Pattern);
                if (shape.Enum is { } values && !Contains(values, text))
                    (problems ??= []).Add($"Member must satisfy enum value set: [{string.Join(", ", values)}]");
                break;
            case ShapeType.Blob:
                if (WireValues.TryGetString(node, out var base64))
                    CheckLength(shape, (base64.Length * 3) / 4 - Padding(base64), null, null, ref problems);
                break;
            case ShapeType.Integer or ShapeType.Long:
                if (!WireValues.TryGetLong(node, out var number)) break;
                if (shape.Min is { } min && number < min)
                    (problems ??= []).Add($"Member must have value greater than or equal to {min}");
                if (shape.Max is { } max && number > max)
                    (problems ??= []).Add($"Member must have value less than or equal to {max}");
                break;
            case ShapeType.Float or ShapeType.Double:
                if (!WireValues.TryGetDouble(node, out var d)) break;
                if (shape.Min is { } dmin && d < dmin)
                    (problems ??= []).Add($"Member must have value greater than or equal to {dmin}");
                if (shape.Max is { } dmax && d > dmax)
                    (problems ??= []).Add($"Member must have value less than or equal to {dmax}");
                break;
        }
        return problems;
    }

    /// <summary>Length problems go to <paramref name="errors"/> as full violations when <paramref name="path"/> is set, else as bare constraint texts.</summary>
    private static void CheckLength(Shape shape, long length, string? shown, string? path, ref List<string>? errors)
    {
        if (shape.Min is { } min && length < min)
            Add(ref errors, Wrap(path, shown, $"Member must have length greater than or equal to {min}"));
        if (shape.Max is { } max && length > max)
            Add(ref errors, Wrap(path, shown, $"Member must have length less than or equal to {max}"));
    }

    private static string Wrap(string? path, string? shown, string constraint) =>
        path is null ? constraint : $"Value{shown} at '{path}' failed to satisfy constraint: {constraint}";

    private static List<string> AllConstraints(Shape shape)
    {
        var all = new List<string>();
        var word = shape.Type is ShapeType.String or ShapeType.Blob ? "length" : "value";
        if (shape.Max is { } max) all.Add($"Member must have {word} less than or equal to {max}");
        if (shape.Min is { } min) all.Add($"Member must have {word} greater than or equal to {min}");
        if (shape.Pattern is not null) all.Add("Member must satisfy regular expression pattern: " + shape.Pattern);
        if (shape.Enum is { } values) all.Add($"Member must satisfy enum value set: [{string.Join(", ", values)}]");
        return all;
    }

    private static string Show(Shape shape, JsonNode node)
    {
        if (shape.Sensitive) return "";
        if (shape.Type == ShapeType.String && WireValues.TryGetString(node, out var text)) return " '" + text + "'";
        return " '" + WireValues.ScalarText(node) + "'";
    }

    private static bool Contains(IReadOnlyList<string> values, string text)
    {
        foreach (var v in values)
            if (string.Equals(v, text, StringComparison.Ordinal)) return true;
        return false;
    }

    private static int Padding(string base64) =>
        base64.EndsWith("==", StringComparison.Ordinal) ? 2 : base64.EndsWith('=') ? 1 : 0;

    private static void Add(ref List<string>? errors, string error) => (errors ??= []).Add(error);

    internal static string LowerFirst(string name) =>
        name.Length == 0 || char.IsLower(name[0]) ? name : char.ToLowerInvariant(name[0]) + name[1..];
}
