using System.Runtime.CompilerServices;
using Turnstile.Core.Kube;
using Turnstile.State;

namespace Turnstile.Kube.Storage;

/// <summary>
/// An object as read from the store: its value and revisions. <see cref="ResourceVersion"/> is the value's
/// ModRevision, as kube-apiserver derives resourceVersion from etcd. The served JSON (with resourceVersion spliced
/// in) is computed once per stored version and shared by every reader and watcher.
/// </summary>
public sealed class StoredObject
{
    private static readonly ConditionalWeakTable<KeyValue, byte[]> Served = new();

    private StoredObject(KeyValue value, long resourceVersion)
    {
        Value = value;
        ResourceVersion = resourceVersion;
    }

    public KeyValue Value { get; }

    public string Key => Value.Key;

    public long ResourceVersion { get; }

    public static StoredObject From(KeyValue value) => new(value, value.ModRevision);

    /// <summary>The object of a deleted key, reported at the revision that deleted it (as watch DELETED events and deletes return it).</summary>
    public static StoredObject Deleted(KeyValue last, long deletedAt) => new(last, deletedAt);

    /// <summary>The JSON kube-apiserver would serve for this object (compact, with metadata.resourceVersion).</summary>
    public byte[] Json => ResourceVersion == Value.ModRevision
        ? Served.GetValue(Value, kv => KubeJson.WithResourceVersion(kv.Value, kv.ModRevision))
        : KubeJson.WithResourceVersion(Value.Value, ResourceVersion);

    /// <summary>A fresh, mutable copy of the object with its resourceVersion set.</summary>
    public KubeObject ToObject()
    {
        var json = Json;
        return KubeObject.Parse(json, KubeJson.IsUnstructured(json));
    }
}

/// <summary>The labels and selectable fields of one stored version, computed once and shared.</summary>
public sealed record ObjectAttributes(IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Fields);

/// <summary>
/// kube's <c>SelectionPredicate</c>: a label selector, a field selector, and how to read a kind's selectable fields.
/// </summary>
public sealed class SelectionPredicate(ParsedLabelSelector label, FieldSelector field, Func<KubeObject, IReadOnlyDictionary<string, string>> fields)
{
    private static readonly ConditionalWeakTable<KeyValue, ObjectAttributes> Cache = new();
    private static readonly FieldSelector NoFields = FieldSelector.Parse("");

    public static SelectionPredicate Everything { get; } = new(ParsedLabelSelector.Everything, NoFields, _ => new Dictionary<string, string>());

    public ParsedLabelSelector Label { get; } = label;

    public FieldSelector Field { get; } = field;

    public bool IsEmpty => Label.IsEmpty && Field.IsEmpty;

    public bool Matches(KeyValue value)
    {
        if (IsEmpty) return true;
        var attributes = Cache.GetValue(value, Compute);
        return Label.Matches(attributes.Labels) && Field.Matches(f => attributes.Fields.TryGetValue(f, out var v) ? v : "");
    }

    private ObjectAttributes Compute(KeyValue value)
    {
        var obj = KubeObject.Parse(value.Value);
        return new ObjectAttributes(obj.Labels, fields(obj));
    }
}
