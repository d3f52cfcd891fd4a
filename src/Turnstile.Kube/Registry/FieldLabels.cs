using System.Text.Json;
using System.Text.Json.Nodes;
using Turnstile.Kube.Storage;

namespace Turnstile.Kube.Registry;

/// <summary>
/// The field selectors a kind supports: the labels its field-label conversion accepts (anything else is a 400 with
/// the kind's own message) and how each is read from an object (the kind's <c>GetAttrs</c>).
/// </summary>
public sealed class FieldLabels
{
    private readonly Dictionary<string, Func<KubeObject, string>> _values;
    private readonly HashSet<string> _accepted;
    private readonly Func<string, string> _error;

    private FieldLabels(IEnumerable<string> accepted, Dictionary<string, Func<KubeObject, string>> values, Func<string, string> error)
    {
        _accepted = new HashSet<string>(accepted, StringComparer.Ordinal);
        _values = values;
        _error = error;
    }

    /// <summary>The conversion error for a label the kind does not support, or null when it does.</summary>
    public string? Reject(string label) => _accepted.Contains(label) ? null : _error(label);

    /// <summary>The selectable field values of an object (the fields a selector can match).</summary>
    public IReadOnlyDictionary<string, string> Values(KubeObject obj) => _values.ToDictionary(p => p.Key, p => p.Value(obj), StringComparer.Ordinal);

    private static string DefaultError(string label) => $"\"{label}\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"";

    private static string NotSupported(string label) => "field label not supported: " + label;

    private static readonly Func<KubeObject, string> Name = o => o.Name;
    private static readonly Func<KubeObject, string> Namespace = o => o.Namespace;

    /// <summary>apimachinery's default conversion: metadata.name and metadata.namespace.</summary>
    public static FieldLabels Default(bool namespaced) => namespaced
        ? new(["metadata.name", "metadata.namespace"], new() { ["metadata.name"] = Name, ["metadata.namespace"] = Namespace }, DefaultError)
        : new(["metadata.name", "metadata.namespace"], new() { ["metadata.name"] = Name }, DefaultError);

    /// <summary>A kind with its own conversion: metadata fields plus the given ones, each read at a JSON path.</summary>
    public static FieldLabels Custom(bool namespaced, IEnumerable<string> acceptedMetadata, IReadOnlyDictionary<string, string> fieldPaths,
        Func<string, string>? error = null)
    {
        var values = new Dictionary<string, Func<KubeObject, string>>(StringComparer.Ordinal) { ["metadata.name"] = Name };
        if (namespaced) values["metadata.namespace"] = Namespace;
        foreach (var (label, path) in fieldPaths) values[label] = o => Read(o, path);
        return new(acceptedMetadata.Concat(fieldPaths.Keys), values, error ?? NotSupported);
    }

    /// <summary>Adds or replaces how one field is read (for values that are computed, not copied).</summary>
    public FieldLabels With(string label, Func<KubeObject, string> value)
    {
        var values = new Dictionary<string, Func<KubeObject, string>>(_values, StringComparer.Ordinal) { [label] = value };
        return new(_accepted.Append(label), values, _error);
    }

    /// <summary>The string form of the value at a dotted JSON path ("" when absent): strings as they are, others as JSON.</summary>
    public static string Read(KubeObject obj, string path)
    {
        JsonNode? node = obj.Root;
        foreach (var part in path.Split('.'))
        {
            node = node is JsonObject o ? o[part] : null;
            if (node is null) return "";
        }
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : node.ToJsonString();
    }
}
