using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Turnstile.Core.Kube;

namespace Turnstile.Kube.Storage;

/// <summary>
/// JSON as kube-apiserver writes it: compact, members in the order the object holds them, strings escaped the way
/// Go's encoding/json escapes them (<see cref="GoJson"/>), numbers as they were read.
/// </summary>
public static class KubeJson
{
    /// <summary>Nesting deeper than this is refused as malformed input (Go's decoder stops at 10,000; nothing real comes close to this).</summary>
    public const int MaxDepth = 1000;

    private static readonly JsonDocumentOptions ReadOptions = new() { MaxDepth = MaxDepth };

    public static byte[] Serialize(JsonNode? node)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Write(buffer, node);
        return buffer.WrittenSpan.ToArray();
    }

    public static void Write(IBufferWriter<byte> output, JsonNode? node)
    {
        switch (node)
        {
            case null:
                Append(output, "null"u8);
                break;
            case JsonObject obj:
                Append(output, "{"u8);
                var first = true;
                foreach (var (name, value) in obj)
                {
                    if (!first) Append(output, ","u8);
                    first = false;
                    AppendString(output, name);
                    Append(output, ":"u8);
                    Write(output, value);
                }
                Append(output, "}"u8);
                break;
            case JsonArray array:
                Append(output, "["u8);
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0) Append(output, ","u8);
                    Write(output, array[i]);
                }
                Append(output, "]"u8);
                break;
            case JsonValue value:
                WriteValue(output, value);
                break;
        }
    }

    private static void WriteValue(IBufferWriter<byte> output, JsonValue value)
    {
        if (value.TryGetValue<JsonElement>(out var element))
        {
            if (element.ValueKind == JsonValueKind.String) AppendString(output, element.GetString()!);
            else AppendText(output, element.GetRawText());
            return;
        }
        if (value.TryGetValue<string>(out var s)) AppendString(output, s);
        else if (value.TryGetValue<bool>(out var b)) Append(output, b ? "true"u8 : "false"u8);
        else if (value.TryGetValue<long>(out var l)) AppendText(output, l.ToString(CultureInfo.InvariantCulture));
        else if (value.TryGetValue<int>(out var i)) AppendText(output, i.ToString(CultureInfo.InvariantCulture));
        else if (value.TryGetValue<double>(out var d)) AppendText(output, d.ToString("R", CultureInfo.InvariantCulture));
        else AppendText(output, value.ToJsonString());
    }

    private static void Append(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes) => output.Write(bytes);

    private static void AppendText(IBufferWriter<byte> output, string text)
    {
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        output.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    private static void AppendString(IBufferWriter<byte> output, string value) => AppendText(output, GoJson.Quote(value));

    /// <summary>Parses stored or served JSON; the caller owns the returned tree.</summary>
    public static JsonNode? Parse(ReadOnlySpan<byte> utf8) => JsonNode.Parse(utf8, documentOptions: ReadOptions);

    public static JsonObject ParseObject(ReadOnlySpan<byte> utf8) =>
        Parse(utf8) as JsonObject ?? throw new FormatException("not a JSON object");

    /// <summary>
    /// The stored bytes of an object with <c>metadata.resourceVersion</c> spliced in at its place in ObjectMeta's field
    /// order, without parsing the object (the fast path of every read and watch event). Objects whose metadata is not
    /// in canonical shape take the slow path: parse, set, rewrite.
    /// </summary>
    public static byte[] WithResourceVersion(byte[] stored, long resourceVersion)
    {
        var insertAt = FindResourceVersionSlot(stored, out var metadataEmpty);
        var rv = resourceVersion.ToString(CultureInfo.InvariantCulture);
        if (insertAt.Offset < 0)
        {
            var obj = KubeObject.Parse(stored, IsUnstructured(stored));
            obj.ResourceVersion = rv;
            obj.Canonicalize();
            return obj.ToJsonBytes();
        }
        var member = insertAt.Kind switch
        {
            SlotKind.BeforeMember => $"\"resourceVersion\":\"{rv}\",",
            _ => metadataEmpty ? $"\"resourceVersion\":\"{rv}\"" : $",\"resourceVersion\":\"{rv}\"",
        };
        var insert = Encoding.UTF8.GetBytes(member);
        var result = new byte[stored.Length + insert.Length];
        stored.AsSpan(0, insertAt.Offset).CopyTo(result);
        insert.CopyTo(result.AsSpan(insertAt.Offset));
        stored.AsSpan(insertAt.Offset).CopyTo(result.AsSpan(insertAt.Offset + insert.Length));
        return result;
    }

    /// <summary>A stored custom resource: its keys are sorted, so it starts with apiVersion (a built-in kind starts with kind).</summary>
    public static bool IsUnstructured(ReadOnlySpan<byte> json) => json.StartsWith("{\"apiVersion\":"u8);

    /// <summary>Whether the JSON starts with exactly this kind and apiVersion (the canonical stored form).</summary>
    public static bool HasTypeMeta(byte[] json, string kind, string apiVersion) =>
        json.AsSpan().StartsWith(TypeMetaPrefix(kind, apiVersion)) ||
        json.AsSpan().StartsWith(Encoding.UTF8.GetBytes("{\"apiVersion\":" + GoJson.Quote(apiVersion) + ",\"kind\":" + GoJson.Quote(kind) + ","));

    /// <summary>The object without its kind and apiVersion (as items of typed lists are served).</summary>
    public static byte[] WithoutTypeMeta(byte[] json, string kind, string apiVersion)
    {
        var prefix = TypeMetaPrefix(kind, apiVersion);
        if (json.AsSpan().StartsWith(prefix) && json.Length > prefix.Length && json[prefix.Length] == (byte)',')
            return [(byte)'{', .. json.AsSpan(prefix.Length + 1)];
        var obj = ParseObject(json);
        obj.Remove("kind");
        obj.Remove("apiVersion");
        return Serialize(obj);
    }

    private static byte[] TypeMetaPrefix(string kind, string apiVersion) =>
        Encoding.UTF8.GetBytes("{\"kind\":" + GoJson.Quote(kind) + ",\"apiVersion\":" + GoJson.Quote(apiVersion));

    private enum SlotKind { BeforeMember, BeforeClose }

    private readonly record struct Slot(int Offset, SlotKind Kind);

    // Where resourceVersion belongs inside top-level "metadata" (ObjectMeta's order, or key order for custom
    // resources), or -1 when the fast path does not apply.
    private static Slot FindResourceVersionSlot(byte[] json, out bool metadataEmpty)
    {
        metadataEmpty = false;
        var sorted = IsUnstructured(json);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return new(-1, default);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!reader.ValueTextEquals("metadata"u8))
                {
                    reader.Read();
                    reader.Skip();
                    continue;
                }
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return new(-1, default);
                var empty = true;
                while (reader.Read())
                {
                    if (reader.TokenType == JsonTokenType.EndObject)
                    {
                        metadataEmpty = empty;
                        return new((int)reader.TokenStartIndex, SlotKind.BeforeClose);
                    }
                    var name = reader.GetString()!;
                    var comparison = sorted ? string.CompareOrdinal(name, "resourceVersion") : ObjectMetaFields.Order(name) - ObjectMetaFields.ResourceVersionOrder;
                    if (comparison == 0) return new(-1, default);
                    if (comparison > 0) return new((int)reader.TokenStartIndex, SlotKind.BeforeMember);
                    empty = false;
                    reader.Read();
                    reader.Skip();
                }
                return new(-1, default);
            }
        }
        catch (JsonException)
        {
        }
        return new(-1, default);
    }
}

/// <summary>The members of ObjectMeta in the order Go serializes them.</summary>
internal static class ObjectMetaFields
{
    public static readonly string[] Ordered =
    [
        "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp",
        "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers",
        "managedFields",
    ];

    public const int ResourceVersionOrder = 5;

    private static readonly Dictionary<string, int> Index = Ordered.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);

    /// <summary>The position of a member; unknown members sort last.</summary>
    public static int Order(string name) => Index.TryGetValue(name, out var i) ? i : Ordered.Length;
}
