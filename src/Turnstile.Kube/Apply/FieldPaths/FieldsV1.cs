using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Turnstile.Core.Kube;

namespace Turnstile.Kube.Apply.FieldPaths;

/// <summary>
/// The <c>FieldsV1</c> wire format of a <see cref="FieldSet"/>: a JSON object per node whose keys are serialized
/// path elements (<c>f:</c>, <c>k:</c>, <c>v:</c>, <c>i:</c>) in path-element order, with <c>"."</c> first when the
/// node is itself a member, exactly as kube-apiserver writes it.
/// </summary>
public static class FieldsV1
{
    /// <summary>The exact JSON text kube-apiserver stores (compact, Go string escaping).</summary>
    public static string Serialize(FieldSet set)
    {
        var sb = new StringBuilder();
        sb.Append('{');
        WriteContents(sb, set, includeSelf: false);
        return sb.Append('}').ToString();
    }

    private static void WriteContents(StringBuilder sb, FieldSet set, bool includeSelf)
    {
        var first = true;
        void Key(string key)
        {
            if (!first) sb.Append(',');
            first = false;
            sb.Append(GoJson.Quote(key)).Append(':');
        }

        if (includeSelf && (set.Members.Count > 0 || set.Children.Count > 0))
        {
            Key(".");
            sb.Append("{}");
        }
        foreach (var (element, child, isMember) in Entries(set))
        {
            Key(element.Serialize());
            if (child is null)
            {
                sb.Append("{}");
                continue;
            }
            sb.Append('{');
            WriteContents(sb, child, includeSelf: isMember);
            sb.Append('}');
        }
    }

    /// <summary>The same content as a JSON object (keys in the same order), for embedding in an object.</summary>
    public static JsonObject ToJsonObject(FieldSet set) => ToJsonObject(set, includeSelf: false);

    private static JsonObject ToJsonObject(FieldSet set, bool includeSelf)
    {
        var node = new JsonObject();
        if (includeSelf && (set.Members.Count > 0 || set.Children.Count > 0)) node["."] = new JsonObject();
        foreach (var (element, child, isMember) in Entries(set))
            node[element.Serialize()] = child is null ? new JsonObject() : ToJsonObject(child, isMember);
        return node;
    }

    /// <summary>Members and children merged in path-element order; an element that is both comes once.</summary>
    private static IEnumerable<(PathElement Element, FieldSet? Child, bool IsMember)> Entries(FieldSet set)
    {
        int m = 0, c = 0;
        var (members, children) = (set.Members, set.Children);
        while (m < members.Count || c < children.Count)
        {
            var order = m >= members.Count ? 1 : c >= children.Count ? -1 : members[m].CompareTo(children[c].Element);
            if (order < 0) yield return (members[m++], null, true);
            else if (order > 0) yield return (children[c].Element, children[c++].Set, false);
            else
            {
                m++;
                yield return (children[c].Element, children[c++].Set, true);
            }
        }
    }

    /// <summary>Reads FieldsV1 JSON text. Unknown element types are dropped, as kube does.</summary>
    /// <exception cref="FormatException">Malformed JSON or path elements.</exception>
    public static FieldSet Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 512 });
            return Parse(document.RootElement);
        }
        catch (JsonException ex)
        {
            throw new FormatException(ex.Message, ex);
        }
    }

    /// <summary>Reads a FieldsV1 object embedded in a managedFields entry.</summary>
    public static FieldSet Parse(JsonNode? node) => node is null ? new FieldSet() : Parse(node.ToJsonString());

    private static FieldSet Parse(JsonElement root) => Read(root).Children ?? new FieldSet();

    /// <summary>One node: the set of its children (null when it has none) and whether it is itself a member.</summary>
    private static (FieldSet? Children, bool IsMember) Read(JsonElement node)
    {
        if (node.ValueKind == JsonValueKind.Null) return (null, true);
        if (node.ValueKind != JsonValueKind.Object)
            throw new FormatException($"expected a JSON object in FieldsV1, found {node.ValueKind.ToString().ToLowerInvariant()}");
        FieldSet? children = null;
        var isMember = false;
        foreach (var property in node.EnumerateObject())
        {
            if (property.Name == ".")
            {
                isMember = true;
                continue;
            }
            PathElement? element;
            try
            {
                element = PathElement.Deserialize(property.Name);
            }
            catch (FormatException ex)
            {
                throw new FormatException("parsing key as path element: " + ex.Message, ex);
            }
            if (element is null) continue;
            var (grandchildren, childIsMember) = Read(property.Value);
            if (childIsMember) (children ??= new FieldSet()).InsertMember(element);
            if (grandchildren is not null) (children ??= new FieldSet()).SetChild(element, grandchildren);
        }
        return (children, isMember || children is null);
    }
}
