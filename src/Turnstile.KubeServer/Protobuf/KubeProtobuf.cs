using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Turnstile.KubeServer.Protobuf;

/// <summary>A protobuf body that cannot be read.</summary>
public sealed class ProtobufException(string message) : Exception(message);

/// <summary>
/// Reads Kubernetes' protobuf request bodies (<c>application/vnd.kubernetes.protobuf</c>: the <c>k8s\0</c> magic and a
/// <c>runtime.Unknown</c> envelope holding the type and the object's bytes) into the JSON object the handlers take,
/// for the kinds <see cref="ProtoSchema"/> knows. Empty optional values are left out, as Go's JSON encoding omits them.
/// </summary>
public static class KubeProtobuf
{
    public const string ContentType = "application/vnd.kubernetes.protobuf";

    private static readonly byte[] Magic = [(byte)'k', (byte)'8', (byte)'s', 0];

    /// <summary>The object as JSON; null when its kind is not one decoded here.</summary>
    /// <exception cref="ProtobufException">The body is not a well-formed envelope or message.</exception>
    public static JsonObject? ToJson(ReadOnlySpan<byte> body)
    {
        if (!body.StartsWith(Magic)) throw new ProtobufException("provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]");
        string apiVersion = "", kind = "";
        ReadOnlySpan<byte> raw = default;
        var envelope = new ProtoReader(body[Magic.Length..]);
        while (envelope.Next(out var field, out var wire))
        {
            switch (field)
            {
                case 1 when wire == 2:
                    var typeMeta = new ProtoReader(envelope.Bytes());
                    while (typeMeta.Next(out var f, out var w))
                    {
                        if (f == 1 && w == 2) apiVersion = typeMeta.String();
                        else if (f == 2 && w == 2) kind = typeMeta.String();
                        else typeMeta.Skip(w);
                    }
                    break;
                case 2 when wire == 2:
                    raw = envelope.Bytes();
                    break;
                default:
                    envelope.Skip(wire);
                    break;
            }
        }
        if (ProtoSchema.For(apiVersion, kind) is not { } message) return null;
        var obj = Read(raw, message);
        obj.Insert(0, "kind", kind);
        obj.Insert(1, "apiVersion", apiVersion);
        return obj;
    }

    private static JsonObject Read(ReadOnlySpan<byte> bytes, ProtoMessage message)
    {
        var obj = new JsonObject();
        var reader = new ProtoReader(bytes);
        while (reader.Next(out var number, out var wire))
        {
            if (!message.Fields.TryGetValue(number, out var field))
            {
                reader.Skip(wire);
                continue;
            }
            var value = ReadValue(ref reader, wire, field);
            if (field.Kind is ProtoKind.MapStringString or ProtoKind.MapStringBytes)
            {
                var map = obj[field.Name] as JsonObject ?? new JsonObject();
                obj[field.Name] = map;
                var (key, entry) = ((string, JsonNode?))value!;
                map[key] = entry;
            }
            else if (field.Repeated)
            {
                var list = obj[field.Name] as JsonArray ?? new JsonArray();
                obj[field.Name] = list;
                list.Add((JsonNode?)value);
            }
            else if (value is not null && (field.Always || !IsEmpty((JsonNode)value)))
            {
                obj[field.Name] = (JsonNode)value;
            }
        }
        foreach (var field in message.Fields.Values)
            if (field.Always && !obj.ContainsKey(field.Name)) obj[field.Name] = field.Repeated ? new JsonArray() : "";
        return obj;
    }

    private static object? ReadValue(ref ProtoReader reader, int wire, ProtoField field)
    {
        switch (field.Kind)
        {
            case ProtoKind.String:
                Expect(wire, 2);
                return JsonValue.Create(reader.String());
            case ProtoKind.Bytes:
                Expect(wire, 2);
                return JsonValue.Create(Convert.ToBase64String(reader.Bytes()));
            case ProtoKind.Bool:
                Expect(wire, 0);
                return JsonValue.Create(reader.Varint() != 0);
            case ProtoKind.Int64:
                Expect(wire, 0);
                return JsonValue.Create((long)reader.Varint());
            case ProtoKind.Time:
                Expect(wire, 2);
                return TimeOf(reader.Bytes());
            case ProtoKind.Message:
                Expect(wire, 2);
                return Read(reader.Bytes(), field.Message!);
            default:
                Expect(wire, 2);
                var entry = new ProtoReader(reader.Bytes());
                string key = "";
                JsonNode? value = "";
                while (entry.Next(out var f, out var w))
                {
                    if (f == 1 && w == 2) key = entry.String();
                    else if (f == 2 && w == 2) value = field.Kind == ProtoKind.MapStringBytes ? Convert.ToBase64String(entry.Bytes()) : entry.String();
                    else entry.Skip(w);
                }
                return (key, value);
        }
    }

    // metav1.Time: seconds and nanos since the epoch; JSON carries RFC 3339 seconds. A zero time is JSON null (omitted).
    private static JsonNode? TimeOf(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtoReader(bytes);
        long seconds = 0;
        while (reader.Next(out var f, out var w))
        {
            if (f == 1 && w == 0) seconds = (long)reader.Varint();
            else reader.Skip(w);
        }
        if (seconds == 0) return null;
        if (seconds < -62135596800 || seconds > 253402300799) throw new ProtobufException("time out of range");
        return DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }

    private static bool IsEmpty(JsonNode value) => value switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s.Length == 0,
        JsonValue v when v.TryGetValue<bool>(out var b) => !b,
        JsonValue v when v.TryGetValue<long>(out var l) => l == 0,
        _ => false,
    };

    private static void Expect(int wire, int expected)
    {
        if (wire != expected) throw new ProtobufException($"unexpected wire type {wire}");
    }

    /// <summary>A forward reader of protobuf's wire format.</summary>
    private ref struct ProtoReader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _data = data;

        public bool Next(out int field, out int wire)
        {
            field = wire = 0;
            if (_data.IsEmpty) return false;
            var tag = Varint();
            field = (int)(tag >> 3);
            wire = (int)(tag & 7);
            if (field <= 0) throw new ProtobufException("illegal tag");
            return true;
        }

        public ulong Varint()
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (_data.IsEmpty) throw new ProtobufException("unexpected EOF");
                var b = _data[0];
                _data = _data[1..];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80) return value;
            }
            throw new ProtobufException("integer overflow");
        }

        public ReadOnlySpan<byte> Bytes()
        {
            var length = Varint();
            if (length > (ulong)_data.Length) throw new ProtobufException("unexpected EOF");
            var bytes = _data[..(int)length];
            _data = _data[(int)length..];
            return bytes;
        }

        public string String()
        {
            var bytes = Bytes();
            try
            {
                return new UTF8Encoding(false, true).GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                throw new ProtobufException("invalid UTF-8 in a string field");
            }
        }

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0: Varint(); break;
                case 1: Advance(8); break;
                case 2: Bytes(); break;
                case 5: Advance(4); break;
                default: throw new ProtobufException($"illegal wire type {wire}");
            }
        }

        private void Advance(int count)
        {
            if (_data.Length < count) throw new ProtobufException("unexpected EOF");
            _data = _data[count..];
        }
    }
}
