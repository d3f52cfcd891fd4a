using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Turnstile.Core.Kube;
using Turnstile.Kube.Storage;

namespace Turnstile.Kube.Handlers;

/// <summary>
/// Request bodies in kube's protobuf encoding (<c>application/vnd.kubernetes.protobuf</c>), which kubectl's typed
/// clients send for <c>kubectl create clusterrolebinding|configmap|namespace|...</c> and <c>kubectl auth</c>: the
/// <c>k8s\0</c> envelope (<c>runtime.Unknown</c>: type meta, raw message) and the messages of the kinds those
/// commands create, turned into the JSON object the rest of the server decodes. Field numbers are those of the
/// kinds' <c>generated.proto</c>; a kind not listed here is refused with the 415 a server without a protobuf
/// serializer for it gives. Responses stay JSON: every client that sends protobuf also accepts JSON.
/// </summary>
public static class KubeProtobuf
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    private static ReadOnlySpan<byte> Magic => "k8s\0"u8;

    public static bool IsProtobuf(string? contentType) =>
        contentType is not null && contentType.Split(';')[0].Trim().Equals(MediaType, StringComparison.OrdinalIgnoreCase);

    /// <summary>The body as JSON bytes.</summary>
    /// <exception cref="KubeApiException">400 for a malformed body, 415 for a kind without a protobuf schema here.</exception>
    public static byte[] ToJson(byte[] body)
    {
        if (!body.AsSpan().StartsWith(Magic))
            throw KubeApiException.BadRequest("provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]");
        try
        {
            var envelope = new Reader(body.AsMemory(Magic.Length));
            string apiVersion = "", kind = "";
            ReadOnlyMemory<byte> raw = default;
            while (envelope.Next(out var field, out var wire))
            {
                switch (field)
                {
                    case 1:
                        var typeMeta = new Reader(envelope.Bytes(wire));
                        while (typeMeta.Next(out var f, out var w))
                        {
                            if (f == 1) apiVersion = typeMeta.String(w);
                            else if (f == 2) kind = typeMeta.String(w);
                            else typeMeta.Skip(w);
                        }
                        break;
                    case 2: raw = envelope.Bytes(wire); break;
                    default: envelope.Skip(wire); break;
                }
            }
            if (!Kinds.TryGetValue(kind, out var schema))
                throw MediaTypes.UnsupportedMediaType(MediaTypes.Supported);
            var obj = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind };
            ReadMessage(new Reader(raw), schema, obj);
            return Encoding.UTF8.GetBytes(obj.ToJsonString());
        }
        catch (ProtobufException e)
        {
            throw KubeApiException.BadRequest("unable to decode the protobuf body: " + e.Message);
        }
    }

    private static void ReadMessage(Reader reader, Field[] schema, JsonObject into)
    {
        while (reader.Next(out var number, out var wire))
        {
            var field = Array.Find(schema, f => f.Number == number);
            if (field is null)
            {
                reader.Skip(wire);
                continue;
            }
            var value = ReadValue(ref reader, wire, field);
            if (value is null) continue;
            if (field.Repeated)
            {
                if (into[field.Name] is not JsonArray list) into[field.Name] = list = [];
                list.Add(value);
            }
            else if (field.Type is FieldType.StringMap or FieldType.BytesMap or FieldType.ExtraMap)
            {
                if (into[field.Name] is not JsonObject map) into[field.Name] = map = [];
                var entry = (JsonObject)value;
                map[(string)entry["k"]!] = entry["v"]?.DeepClone();
            }
            else into[field.Name] = value;
        }
    }

    private static JsonNode? ReadValue(ref Reader reader, int wire, Field field)
    {
        switch (field.Type)
        {
            case FieldType.String:
                var s = reader.String(wire);
                return s.Length == 0 && !field.Repeated ? null : JsonValue.Create(s);
            case FieldType.Bytes:
                return JsonValue.Create(Convert.ToBase64String(reader.Bytes(wire).Span));
            case FieldType.Int64:
                var n = (long)reader.Varint(wire);
                return n == 0 ? null : JsonValue.Create(n);
            case FieldType.Bool:
                return reader.Varint(wire) != 0 ? JsonValue.Create(true) : null;
            case FieldType.Time:
                return Time(new Reader(reader.Bytes(wire)));
            case FieldType.Message:
                var nested = new JsonObject();
                ReadMessage(new Reader(reader.Bytes(wire)), field.Schema!, nested);
                return nested;
            case FieldType.StringMap or FieldType.BytesMap or FieldType.ExtraMap:
                var entry = new Reader(reader.Bytes(wire));
                string key = "";
                JsonNode? mapValue = field.Type == FieldType.ExtraMap ? new JsonArray() : JsonValue.Create("");
                while (entry.Next(out var f, out var w))
                {
                    if (f == 1) key = entry.String(w);
                    else if (f == 2)
                        mapValue = field.Type switch
                        {
                            FieldType.StringMap => JsonValue.Create(entry.String(w)),
                            FieldType.BytesMap => JsonValue.Create(Convert.ToBase64String(entry.Bytes(w).Span)),
                            _ => ExtraValue(new Reader(entry.Bytes(w))),
                        };
                    else entry.Skip(w);
                }
                return new JsonObject { ["k"] = key, ["v"] = mapValue };
            default:
                throw new ProtobufException($"unsupported field type {field.Type}");
        }
    }

    private static JsonArray ExtraValue(Reader reader)
    {
        var items = new JsonArray();
        while (reader.Next(out var f, out var w))
            if (f == 1) items.Add(reader.String(w));
            else reader.Skip(w);
        return items;
    }

    // metav1.Time: seconds and nanos since the epoch; the zero time is JSON null, as the JSON encoder writes it.
    private static JsonNode? Time(Reader reader)
    {
        long seconds = 0;
        while (reader.Next(out var f, out var w))
            if (f == 1) seconds = (long)reader.Varint(w);
            else reader.Skip(w);
        if (seconds == 0) return null;
        if (seconds < -62135596800 || seconds > 253402300799) throw new ProtobufException("timestamp out of range");
        return JsonValue.Create(DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
    }

    private enum FieldType
    {
        String,
        Bytes,
        Int64,
        Bool,
        Time,
        Message,
        StringMap,
        BytesMap,
        ExtraMap,
    }

    private sealed record Field(int Number, string Name, FieldType Type, bool Repeated = false, Field[]? Schema = null);

    private static Field S(int n, string name) => new(n, name, FieldType.String);
    private static Field Strings(int n, string name) => new(n, name, FieldType.String, Repeated: true);
    private static Field M(int n, string name, Field[] schema, bool repeated = false) => new(n, name, FieldType.Message, repeated, schema);
    private static Field B(int n, string name) => new(n, name, FieldType.Bool);

    private static readonly Field[] OwnerReference = [S(1, "kind"), S(3, "name"), S(4, "uid"), S(5, "apiVersion"), B(6, "controller"), B(7, "blockOwnerDeletion")];

    private static readonly Field[] ObjectMeta =
    [
        S(1, "name"), S(2, "generateName"), S(3, "namespace"), S(5, "uid"), S(6, "resourceVersion"), new(7, "generation", FieldType.Int64),
        new(8, "creationTimestamp", FieldType.Time), new(9, "deletionTimestamp", FieldType.Time), new(10, "deletionGracePeriodSeconds", FieldType.Int64),
        new(11, "labels", FieldType.StringMap), new(12, "annotations", FieldType.StringMap), M(13, "ownerReferences", OwnerReference, repeated: true),
        Strings(14, "finalizers"),
    ];

    private static readonly Field[] Requirement = [S(1, "key"), S(2, "operator"), Strings(3, "values")];
    private static readonly Field[] LabelSelector = [new(1, "matchLabels", FieldType.StringMap), M(2, "matchExpressions", Requirement, repeated: true)];
    private static readonly Field[] PolicyRule = [Strings(1, "verbs"), Strings(3, "apiGroups"), Strings(4, "resources"), Strings(5, "resourceNames"), Strings(6, "nonResourceURLs")];
    private static readonly Field[] Subject = [S(1, "kind"), S(2, "apiGroup"), S(3, "name"), S(4, "namespace")];
    private static readonly Field[] RoleRef = [S(1, "apiGroup"), S(2, "kind"), S(3, "name")];
    private static readonly Field[] Role = [M(1, "metadata", ObjectMeta), M(2, "rules", PolicyRule, repeated: true)];
    private static readonly Field[] Binding = [M(1, "metadata", ObjectMeta), M(2, "subjects", Subject, repeated: true), M(3, "roleRef", RoleRef)];
    private static readonly Field[] ObjectReference = [S(1, "kind"), S(2, "namespace"), S(3, "name"), S(4, "uid"), S(5, "apiVersion"), S(6, "resourceVersion"), S(7, "fieldPath")];

    private static readonly Field[] ResourceAttributes =
    [
        S(1, "namespace"), S(2, "verb"), S(3, "group"), S(4, "version"), S(5, "resource"), S(6, "subresource"), S(7, "name"),
        M(8, "fieldSelector", [S(1, "rawSelector"), M(2, "requirements", Requirement, repeated: true)]),
        M(9, "labelSelector", [S(1, "rawSelector"), M(2, "requirements", Requirement, repeated: true)]),
    ];

    private static readonly Field[] NonResourceAttributes = [S(1, "path"), S(2, "verb")];

    private static readonly Field[] SubjectAccessReview =
    [
        M(1, "metadata", ObjectMeta),
        M(2, "spec", [
            M(1, "resourceAttributes", ResourceAttributes), M(2, "nonResourceAttributes", NonResourceAttributes),
            S(3, "user"), Strings(4, "groups"), new(5, "extra", FieldType.ExtraMap), S(6, "uid"),
        ]),
    ];

    private static readonly Dictionary<string, Field[]> Kinds = new(StringComparer.Ordinal)
    {
        ["Role"] = Role,
        ["ClusterRole"] = [.. Role, M(3, "aggregationRule", [M(1, "clusterRoleSelectors", LabelSelector, repeated: true)])],
        ["RoleBinding"] = Binding,
        ["ClusterRoleBinding"] = Binding,
        ["ConfigMap"] = [M(1, "metadata", ObjectMeta), new(2, "data", FieldType.StringMap), new(3, "binaryData", FieldType.BytesMap), B(4, "immutable")],
        ["Secret"] = [M(1, "metadata", ObjectMeta), new(2, "data", FieldType.BytesMap), S(3, "type"), new(4, "stringData", FieldType.StringMap), B(5, "immutable")],
        ["Namespace"] = [M(1, "metadata", ObjectMeta), M(2, "spec", [Strings(1, "finalizers")])],
        ["ServiceAccount"] =
        [
            M(1, "metadata", ObjectMeta), M(2, "secrets", ObjectReference, repeated: true), M(3, "imagePullSecrets", [S(1, "name")], repeated: true),
            B(4, "automountServiceAccountToken"),
        ],
        ["SelfSubjectAccessReview"] = [M(1, "metadata", ObjectMeta), M(2, "spec", [M(1, "resourceAttributes", ResourceAttributes), M(2, "nonResourceAttributes", NonResourceAttributes)])],
        ["SelfSubjectRulesReview"] = [M(1, "metadata", ObjectMeta), M(2, "spec", [S(1, "namespace")])],
        ["SelfSubjectReview"] = [M(1, "metadata", ObjectMeta)],
        ["SubjectAccessReview"] = SubjectAccessReview,
        ["LocalSubjectAccessReview"] = SubjectAccessReview,
        ["TokenReview"] = [M(1, "metadata", ObjectMeta), M(2, "spec", [S(1, "token"), Strings(2, "audiences")])],
        ["DeleteOptions"] =
        [
            new(1, "gracePeriodSeconds", FieldType.Int64), M(2, "preconditions", [S(1, "uid"), S(2, "resourceVersion")]), B(3, "orphanDependents"),
            S(4, "propagationPolicy"), Strings(5, "dryRun"),
        ],
    };

    private sealed class ProtobufException(string message) : Exception(message);

    /// <summary>A protobuf wire-format reader over one message's bytes.</summary>
    private struct Reader(ReadOnlyMemory<byte> data)
    {
        private int _position;

        public bool Next(out int field, out int wire)
        {
            if (_position >= data.Length)
            {
                field = wire = 0;
                return false;
            }
            var tag = ReadVarint();
            field = (int)(tag >> 3);
            wire = (int)(tag & 7);
            if (field <= 0 || tag >> 3 > int.MaxValue) throw new ProtobufException($"illegal tag {tag}");
            return true;
        }

        public ulong Varint(int wire)
        {
            Expect(wire, 0);
            return ReadVarint();
        }

        public ReadOnlyMemory<byte> Bytes(int wire)
        {
            Expect(wire, 2);
            var length = ReadVarint();
            if (length > (ulong)(data.Length - _position)) throw new ProtobufException("unexpected end of data");
            var slice = data.Slice(_position, (int)length);
            _position += (int)length;
            return slice;
        }

        public string String(int wire)
        {
            var bytes = Bytes(wire);
            try
            {
                return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes.Span);
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
                case 0: ReadVarint(); break;
                case 1: Advance(8); break;
                case 2: Bytes(2); break;
                case 5: Advance(4); break;
                default: throw new ProtobufException($"illegal wire type {wire}");
            }
        }

        private void Advance(int count)
        {
            if (count > data.Length - _position) throw new ProtobufException("unexpected end of data");
            _position += count;
        }

        private static void Expect(int wire, int expected)
        {
            if (wire != expected) throw new ProtobufException($"wrong wire type {wire} for a field of wire type {expected}");
        }

        private ulong ReadVarint()
        {
            ulong result = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (_position >= data.Length) throw new ProtobufException("unexpected end of data");
                var b = data.Span[_position++];
                result |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0) return result;
            }
            throw new ProtobufException("integer overflow");
        }
    }
}
