using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Turnstile.Core.Kube;
using Turnstile.Kube.Apply.FieldPaths;

namespace Turnstile.Kube.Apply.Managed;

/// <summary>The operation a managedFields entry records.</summary>
public enum ManagedFieldsOperation { Apply, Update }

/// <summary>One <c>metadata.managedFields</c> entry: who manages which fields, through which operation and version.</summary>
public sealed record ManagedFieldsEntry(
    string Manager,
    ManagedFieldsOperation Operation,
    string ApiVersion,
    DateTimeOffset? Time,
    FieldSet Fields,
    string Subresource = "")
{
    /// <summary>The entries of an object's <c>metadata.managedFields</c> (none when absent).</summary>
    /// <exception cref="FormatException">An entry kube would refuse, with kube's message.</exception>
    public static IReadOnlyList<ManagedFieldsEntry> ReadAll(JsonObject obj) =>
        ManagedFieldsCodec.Decode(ManagedFieldsCodec.Get(obj)).Entries;
}

/// <summary>
/// Who a managedFields entry belongs to, as kube keys it (<c>BuildManagerIdentifier</c>): the manager, the
/// operation, the subresource, and for <c>Update</c> the API version (appliers keep one entry across versions).
/// </summary>
internal sealed record ManagerKey(string Manager, ManagedFieldsOperation Operation, string ApiVersion, string Subresource)
{
    /// <summary>The manager <c>Update</c> runs as before its fields join the real manager's.</summary>
    public static readonly ManagerKey CurrentOperation = new("current-operation", ManagedFieldsOperation.Update, "", "");

    public static ManagerKey Of(string manager, ManagedFieldsOperation operation, string apiVersion, string subresource) =>
        new(manager, operation, operation == ManagedFieldsOperation.Apply ? "" : apiVersion, subresource);

    /// <summary>The identifier kube sorts by: the JSON of the entry without time, fields and (for appliers) version.</summary>
    public string Identifier
    {
        get
        {
            var sb = new StringBuilder("{");
            void Add(string name, string value)
            {
                if (value.Length == 0) return;
                if (sb.Length > 1) sb.Append(',');
                sb.Append('"').Append(name).Append("\":").Append(GoJson.Quote(value));
            }
            Add("manager", Manager);
            Add("operation", Operation.ToString());
            Add("apiVersion", ApiVersion);
            Add("subresource", Subresource);
            return sb.Append('}').ToString();
        }
    }

    /// <summary>
    /// The manager as conflict messages name it: <c>"kubectl"</c>, <c>"kubectl-create" using v1</c>,
    /// <c>"m" with subresource "status"</c>.
    /// </summary>
    public string Describe()
    {
        var text = Core.Rbac.GoQuote.Quote(Manager);
        if (Subresource.Length > 0) text += " with subresource " + Core.Rbac.GoQuote.Quote(Subresource);
        return Operation == ManagedFieldsOperation.Update ? $"{text} using {ApiVersion}" : text;
    }
}

/// <summary>A manager's fields and the version they were recorded in; <see cref="Applied"/> for appliers.</summary>
internal sealed record VersionedSet(FieldSet Set, string ApiVersion, bool Applied);

/// <summary>The managers of one object with their fields and last change times.</summary>
internal sealed class ManagedFields
{
    public Dictionary<ManagerKey, VersionedSet> Fields { get; } = [];
    public Dictionary<ManagerKey, DateTimeOffset?> Times { get; } = [];

    public ManagedFields Copy()
    {
        var copy = new ManagedFields();
        foreach (var (k, v) in Fields) copy.Fields[k] = v;
        foreach (var (k, v) in Times) copy.Times[k] = v;
        return copy;
    }

    public IReadOnlyList<ManagedFieldsEntry> Entries =>
        Fields.Select(kv => new ManagedFieldsEntry(kv.Key.Manager,
                kv.Value.Applied ? ManagedFieldsOperation.Apply : kv.Key.Operation, kv.Value.ApiVersion,
                Times.GetValueOrDefault(kv.Key), kv.Value.Set, kv.Key.Subresource))
            .OrderBy(e => e, EntryOrder.Instance)
            .ToList();

    /// <summary>kube's order of encoded entries: operation, time (seconds), manager, API version, subresource.</summary>
    private sealed class EntryOrder : IComparer<ManagedFieldsEntry>
    {
        public static readonly EntryOrder Instance = new();

        public int Compare(ManagedFieldsEntry? p, ManagedFieldsEntry? q)
        {
            var c = Utf8Order.Compare(p!.Operation.ToString(), q!.Operation.ToString());
            if (c == 0) c = Seconds(p.Time).CompareTo(Seconds(q.Time));
            if (c == 0) c = Utf8Order.Compare(p.Manager, q.Manager);
            if (c == 0) c = Utf8Order.Compare(p.ApiVersion, q.ApiVersion);
            return c != 0 ? c : Utf8Order.Compare(p.Subresource, q.Subresource);
        }

        private static long Seconds(DateTimeOffset? time) => time?.ToUnixTimeSeconds() ?? 0;
    }
}

/// <summary>Reading and writing <c>metadata.managedFields</c> as kube-apiserver does.</summary>
internal static class ManagedFieldsCodec
{
    public const string FieldsType = "FieldsV1";

    public static JsonNode? Get(JsonObject obj) => (obj["metadata"] as JsonObject)?["managedFields"];

    /// <summary>Decodes the entries (<c>DecodeManagedFields</c>); an entry kube refuses throws with kube's message.</summary>
    /// <exception cref="FormatException">The entries are malformed.</exception>
    public static ManagedFields Decode(JsonNode? encoded)
    {
        var managed = new ManagedFields();
        if (encoded is null) return managed;
        if (encoded is not JsonArray entries) throw new FormatException("managedFields must be a list");
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i] is not JsonObject entry) throw new FormatException($"managed fields entry {i} is not an object");
            var operation = Text(entry, "operation") switch
            {
                "Apply" => ManagedFieldsOperation.Apply,
                "Update" => ManagedFieldsOperation.Update,
                _ => throw new FormatException("operation must be `Apply` or `Update`"),
            };
            var apiVersion = Text(entry, "apiVersion");
            if (apiVersion.Length == 0) throw new FormatException("apiVersion must not be empty");
            switch (Text(entry, "fieldsType"))
            {
                case FieldsType: break;
                case "": throw new FormatException($"missing fieldsType in managed fields entry {i}");
                case var other: throw new FormatException($"invalid fieldsType {Core.Rbac.GoQuote.Quote(other)} in managed fields entry {i}");
            }
            FieldSet set;
            try
            {
                set = FieldsV1.Parse(entry["fieldsV1"]);
            }
            catch (FormatException ex)
            {
                throw new FormatException("error decoding versioned set: error decoding set: " + ex.Message, ex);
            }
            var key = ManagerKey.Of(Text(entry, "manager"), operation, apiVersion, Text(entry, "subresource"));
            managed.Fields[key] = new VersionedSet(set, apiVersion, operation == ManagedFieldsOperation.Apply);
            managed.Times[key] = Time(entry);
        }
        return managed;
    }

    /// <summary>The entries, sorted as kube sorts them; null when there are none (the field is then omitted).</summary>
    public static JsonArray? Encode(ManagedFields managed)
    {
        if (managed.Fields.Count == 0) return null;
        var array = new JsonArray();
        foreach (var e in managed.Entries)
        {
            var entry = new JsonObject();
            if (e.Manager.Length > 0) entry["manager"] = e.Manager;
            entry["operation"] = e.Operation.ToString();
            entry["apiVersion"] = e.ApiVersion;
            if (e.Time is { } time) entry["time"] = FormatTime(time);
            entry["fieldsType"] = FieldsType;
            entry["fieldsV1"] = FieldsV1.ToJsonObject(e.Fields);
            if (e.Subresource.Length > 0) entry["subresource"] = e.Subresource;
            array.Add(entry);
        }
        return array;
    }

    /// <summary>
    /// Writes (or, for no entries, removes) <c>metadata.managedFields</c>, as the last field of the metadata where
    /// kube's ObjectMeta puts it.
    /// </summary>
    public static void Set(JsonObject obj, ManagedFields managed)
    {
        Remove(obj);
        if (Encode(managed) is not { } entries) return;
        if (obj["metadata"] is not JsonObject metadata) obj["metadata"] = metadata = new JsonObject();
        metadata["managedFields"] = entries;
    }

    public static void Remove(JsonObject obj) => (obj["metadata"] as JsonObject)?.Remove("managedFields");

    /// <summary>
    /// Whether a write asks to clear the entries: an empty list, or a list of one empty entry. An absent or null
    /// field means "keep them", so clients that do not know the field never drop it.
    /// </summary>
    public static bool IsReset(JsonNode? encoded) => encoded switch
    {
        JsonArray { Count: 0 } => true,
        JsonArray { Count: 1 } one => one[0] is JsonObject entry && entry.All(kv => IsEmptyValue(kv.Value)),
        _ => false,
    };

    private static bool IsEmptyValue(JsonNode? value) => value is null || value.GetValueKind() == JsonValueKind.String && value.GetValue<string>().Length == 0;

    /// <summary>metav1.Time on the wire: RFC 3339 in UTC, whole seconds.</summary>
    public static string FormatTime(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset? Time(JsonObject entry)
    {
        if (entry["time"] is not JsonValue v) return null;
        if (v.GetValueKind() == JsonValueKind.String
            && DateTimeOffset.TryParse(v.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
            return t.ToUniversalTime();
        throw new FormatException("time: cannot parse " + v.ToJsonString() + " as RFC 3339");
    }

    private static string Text(JsonObject o, string name) =>
        o[name] switch
        {
            null => "",
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            var other => throw new FormatException($"{name}: expected a string, got {other.ToJsonString()}"),
        };
}
