using System.Text;
using System.Text.Json.Nodes;

namespace Turnstile.Kube.OpenApi;

/// <summary>
/// Encodes a Swagger 2.0 document as the gnostic <c>openapi.v2.Document</c> protobuf message that client-go's
/// <c>OpenAPISchema()</c> requests. Covers what the generated document uses: info, paths with operations, body and
/// query/path parameters, responses, schemas, definitions and the bearer-token security scheme. Vendor extensions,
/// defaults and enum values travel as <c>Any.yaml</c> holding JSON text (JSON is YAML).
/// </summary>
internal static class OpenApiV2Protobuf
{
    public static byte[] Encode(JsonObject doc)
    {
        var m = new ProtoMessage();
        m.String(1, (string?)doc["swagger"]);
        if (doc["info"] is JsonObject info)
            m.Message(2, new ProtoMessage().String(1, (string?)info["title"]).String(2, (string?)info["version"]));
        if (doc["paths"] is JsonObject paths)
        {
            var p = new ProtoMessage();
            foreach (var (path, item) in paths) p.Message(2, new ProtoMessage().String(1, path).Message(2, PathItem(item!.AsObject())));
            m.Message(8, p);
        }
        if (doc["definitions"] is JsonObject defs)
        {
            var d = new ProtoMessage();
            foreach (var (name, schema) in defs) d.Message(1, Named(name, Schema(schema!.AsObject())));
            m.Message(9, d);
        }
        if (doc["security"] is JsonArray security)
            foreach (var requirement in security.OfType<JsonObject>())
            {
                var r = new ProtoMessage();
                foreach (var (name, scopes) in requirement)
                    r.Message(1, Named(name, new ProtoMessage().Strings(1, Strings(scopes))));
                m.Message(12, r);
            }
        if (doc["securityDefinitions"] is JsonObject secDefs)
        {
            var s = new ProtoMessage();
            foreach (var (name, def) in secDefs)
            {
                var apiKey = new ProtoMessage().String(1, (string?)def!["type"]).String(2, (string?)def["name"]).String(3, (string?)def["in"]);
                s.Message(1, Named(name, new ProtoMessage().Message(2, apiKey)));
            }
            m.Message(13, s);
        }
        return m.ToArray();
    }

    private static ProtoMessage PathItem(JsonObject item)
    {
        var m = new ProtoMessage();
        foreach (var (method, field) in new[] { ("get", 2), ("put", 3), ("post", 4), ("delete", 5), ("patch", 8) })
            if (item[method] is JsonObject op) m.Message(field, Operation(op));
        if (item["parameters"] is JsonArray ps)
            foreach (var p in ps.OfType<JsonObject>()) m.Message(9, ParametersItem(p));
        return m;
    }

    private static ProtoMessage Operation(JsonObject op)
    {
        var m = new ProtoMessage()
            .Strings(1, Strings(op["tags"]))
            .String(5, (string?)op["operationId"])
            .Strings(6, Strings(op["produces"]))
            .Strings(7, Strings(op["consumes"]));
        if (op["parameters"] is JsonArray ps)
            foreach (var p in ps.OfType<JsonObject>()) m.Message(8, ParametersItem(p));
        if (op["responses"] is JsonObject responses)
        {
            var r = new ProtoMessage();
            foreach (var (code, response) in responses)
            {
                var resp = new ProtoMessage().String(1, (string?)response!["description"]);
                if (response["schema"] is JsonObject schema) resp.Message(2, new ProtoMessage().Message(1, Schema(schema)));
                r.Message(1, Named(code, new ProtoMessage().Message(1, resp)));
            }
            m.Message(9, r);
        }
        m.Strings(10, Strings(op["schemes"]));
        Extensions(m, 13, op);
        return m;
    }

    private static ProtoMessage ParametersItem(JsonObject p)
    {
        var where = (string?)p["in"];
        ProtoMessage parameter;
        if (where == "body")
        {
            var body = new ProtoMessage().String(2, (string?)p["name"]).String(3, where).Bool(4, Bool(p, "required"));
            if (p["schema"] is JsonObject schema) body.Message(5, Schema(schema));
            parameter = new ProtoMessage().Message(1, body);
        }
        else
        {
            // QueryParameterSubSchema (3) and PathParameterSubSchema (4) differ in where type and uniqueItems sit
            var query = where == "query";
            var sub = new ProtoMessage().Bool(1, Bool(p, "required")).String(2, where).String(4, (string?)p["name"])
                .String(query ? 6 : 5, (string?)p["type"]).Bool(query ? 20 : 19, Bool(p, "uniqueItems"));
            parameter = new ProtoMessage().Message(2, new ProtoMessage().Message(query ? 3 : 4, sub));
        }
        return new ProtoMessage().Message(1, parameter);
    }

    private static ProtoMessage Schema(JsonObject s)
    {
        var m = new ProtoMessage()
            .String(1, (string?)s["$ref"])
            .String(2, (string?)s["format"])
            .String(3, (string?)s["title"])
            .String(4, (string?)s["description"]);
        if (s["default"] is { } def) m.Message(5, Any(def));
        m.Bool(16, Bool(s, "uniqueItems"));
        m.Strings(19, Strings(s["required"]));
        if (s["enum"] is JsonArray values)
            foreach (var v in values) m.Message(20, Any(v));
        switch (s["additionalProperties"])
        {
            case JsonObject ap: m.Message(21, new ProtoMessage().Message(1, Schema(ap))); break;
            case JsonValue b when b.TryGetValue<bool>(out var allowed): m.Message(21, new ProtoMessage().Bool(2, allowed, always: true)); break;
        }
        if (s["type"] is JsonValue t) m.Message(22, new ProtoMessage().String(1, t.GetValue<string>()));
        if (s["items"] is JsonObject items) m.Message(23, new ProtoMessage().Message(1, Schema(items)));
        if (s["allOf"] is JsonArray all)
            foreach (var a in all.OfType<JsonObject>()) m.Message(24, Schema(a));
        if (s["properties"] is JsonObject props)
        {
            var p = new ProtoMessage();
            foreach (var (name, schema) in props) p.Message(1, Named(name, Schema(schema!.AsObject())));
            m.Message(25, p);
        }
        Extensions(m, 31, s);
        return m;
    }

    private static void Extensions(ProtoMessage m, int field, JsonObject o)
    {
        foreach (var (key, value) in o)
            if (key.StartsWith("x-", StringComparison.Ordinal)) m.Message(field, Named(key, Any(value)));
    }

    private static ProtoMessage Any(JsonNode? value) => new ProtoMessage().String(2, (value?.ToJsonString() ?? "null") + "\n", always: true);

    private static ProtoMessage Named(string name, ProtoMessage value) => new ProtoMessage().String(1, name).Message(2, value);

    private static bool Bool(JsonObject o, string key) => o[key] is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    private static IEnumerable<string> Strings(JsonNode? node) =>
        node is JsonArray a ? a.Select(v => (string?)v ?? "") : [];

    /// <summary>A protobuf message under construction (proto3: default values are not written).</summary>
    private sealed class ProtoMessage
    {
        private readonly MemoryStream _buffer = new();

        public ProtoMessage String(int field, string? value, bool always = false)
        {
            if (value is null || (value.Length == 0 && !always)) return this;
            Bytes(field, Encoding.UTF8.GetBytes(value));
            return this;
        }

        public ProtoMessage Strings(int field, IEnumerable<string> values)
        {
            foreach (var v in values) String(field, v, always: true);
            return this;
        }

        public ProtoMessage Bool(int field, bool value, bool always = false)
        {
            if (!value && !always) return this;
            Varint((ulong)(field << 3));
            Varint(value ? 1UL : 0UL);
            return this;
        }

        public ProtoMessage Message(int field, ProtoMessage child)
        {
            Bytes(field, child.ToArray());
            return this;
        }

        public byte[] ToArray() => _buffer.ToArray();

        private void Bytes(int field, byte[] data)
        {
            Varint((ulong)((field << 3) | 2));
            Varint((ulong)data.Length);
            _buffer.Write(data);
        }

        private void Varint(ulong value)
        {
            while (value >= 0x80)
            {
                _buffer.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }
            _buffer.WriteByte((byte)value);
        }
    }
}
