using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Turnstile.Core.Kube;
using Turnstile.Kube.Catalog;

namespace Turnstile.Kube.OpenApi;

/// <summary>A served OpenAPI document with its content type and hash (upper-case hex SHA-512 of the body).</summary>
public sealed record OpenApiDocument(byte[] Body, string ContentType, string Hash)
{
    /// <summary>The quoted ETag header value.</summary>
    public string ETag => "\"" + Hash + "\"";

    internal static OpenApiDocument Of(byte[] body, string contentType) =>
        new(body, contentType, Convert.ToHexString(SHA512.HashData(body)));
}

/// <summary>
/// The OpenAPI documents of one API snapshot, what kubectl v1.32 reads:
/// <list type="bullet">
/// <item><c>GET /openapi/v3</c> (JSON): the group-version index with <c>serverRelativeURL</c>s carrying a content hash;</item>
/// <item><c>GET /openapi/v3/&lt;api/v1|apis/g/v&gt;</c> (JSON): paths with <c>x-kubernetes-group-version-kind</c> and the
/// <c>fieldValidation</c> parameter on every PATCH (kubectl's test for server-side field validation), and the schemas
/// (explain, strategic-merge-patch metadata);</item>
/// <item><c>GET /openapi/v2</c>: Swagger 2.0, as JSON or as gnostic protobuf
/// (<c>application/com.github.proto-openapi.spec.v2@v1.0+protobuf</c>, the only form client-go asks for).</item>
/// </list>
/// </summary>
public sealed class OpenApiDocuments
{
    public const string JsonContentType = "application/json";
    /// <summary>What client-go's <c>OpenAPISchema()</c> sends in <c>Accept</c> (the deprecated spelling).</summary>
    public const string V2ProtobufAccept = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

    /// <summary>The <c>Content-Type</c> kube-openapi answers protobuf with, whichever spelling was asked for.</summary>
    public const string V2ProtobufContentType = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";
    public const string KubernetesVersion = "v1.32.0";

    private readonly ApiSnapshot _snapshot;
    private readonly Dictionary<string, OpenApiDocument> _v3 = [];
    private readonly Lazy<OpenApiDocument> _v3Root;
    private readonly Lazy<JsonObject> _v2Tree;
    private readonly Lazy<OpenApiDocument> _v2Json;
    private readonly Lazy<OpenApiDocument> _v2Proto;
    private readonly Lock _gate = new();

    internal OpenApiDocuments(ApiSnapshot snapshot)
    {
        _snapshot = snapshot;
        _v3Root = new(BuildV3Root);
        _v2Tree = new(BuildV2Tree);
        _v2Json = new(() => OpenApiDocument.Of(KubeJsonWriter.WriteBare(w => SortedJson.Write(w, _v2Tree.Value)), JsonContentType));
        _v2Proto = new(() => OpenApiDocument.Of(OpenApiV2Protobuf.Encode(_v2Tree.Value), V2ProtobufContentType));
    }

    /// <summary>The v3 path of a group-version: <c>api/v1</c> or <c>apis/&lt;group&gt;/&lt;version&gt;</c>.</summary>
    public static string V3PathOf(string group, string version) => group.Length == 0 ? "api/" + version : $"apis/{group}/{version}";

    /// <summary><c>GET /openapi/v3</c>.</summary>
    public OpenApiDocument V3Root => _v3Root.Value;

    /// <summary><c>GET /openapi/v3/&lt;path&gt;</c> for a path the root lists (<c>api/v1</c>, <c>apis/apps/v1</c>); null otherwise.</summary>
    public OpenApiDocument? V3(string path)
    {
        path = path.Trim('/');
        lock (_gate)
        {
            if (_v3.TryGetValue(path, out var doc)) return doc;
        }
        var gv = _snapshot.Catalog.GroupVersions.FirstOrDefault(g => V3PathOf(g.Group, g.Version) == path);
        if (gv is null || !HasSchemas(gv)) return null;
        var built = OpenApiDocument.Of(KubeJsonWriter.WriteBare(w => WriteV3(w, gv)), JsonContentType);
        lock (_gate)
        {
            return _v3.TryAdd(path, built) ? built : _v3[path];
        }
    }

    /// <summary><c>GET /openapi/v2</c> as JSON.</summary>
    public OpenApiDocument V2Json => _v2Json.Value;

    /// <summary><c>GET /openapi/v2</c> as gnostic <c>openapi.v2.Document</c> protobuf.</summary>
    public OpenApiDocument V2Protobuf => _v2Proto.Value;

    private bool HasSchemas(ApiGroupVersion gv) =>
        gv.Resources.Any(r => _snapshot.Schemas.NameOf(new GroupVersionKind(gv.Group, gv.Version, r.Kind)) is not null);

    private OpenApiDocument BuildV3Root()
    {
        var paths = new JsonObject();
        foreach (var gv in _snapshot.Catalog.GroupVersions.Where(HasSchemas))
        {
            var path = V3PathOf(gv.Group, gv.Version);
            paths[path] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{path}?hash={V3(path)!.Hash}" };
        }
        return OpenApiDocument.Of(KubeJsonWriter.WriteBare(w => SortedJson.Write(w, new JsonObject { ["paths"] = paths })), JsonContentType);
    }

    private void WriteV3(Utf8JsonWriter w, ApiGroupVersion gv)
    {
        var schemas = _snapshot.Schemas;
        var paths = ApiOperations.For(gv, schemas);
        var pathTree = new JsonObject();
        foreach (var p in paths)
        {
            var item = new JsonObject();
            foreach (var op in p.Operations) item[op.Method] = V3Operation(op, gv);
            if (p.Parameters.Count > 0) item["parameters"] = new JsonArray(p.Parameters.Select(V3Parameter).ToArray<JsonNode?>());
            pathTree[p.Path] = item;
        }

        var roots = paths.SelectMany(p => p.Operations).SelectMany(o => new[] { o.BodySchema, o.ResponseSchema }).OfType<string>();
        var included = Closure(schemas, roots);
        w.WriteStartObject();
        w.WriteStartObject("components");
        w.WriteStartObject("schemas");
        foreach (var name in included.Order(StringComparer.Ordinal))
        {
            w.WritePropertyName(name);
            SortedJson.Write(w, schemas.Schemas[name]);
        }
        w.WriteEndObject();
        w.WritePropertyName("securitySchemes");
        SortedJson.Write(w, SecuritySchemes());
        w.WriteEndObject();
        w.WritePropertyName("info");
        SortedJson.Write(w, Info());
        KubeJsonWriter.String(w, "openapi", "3.0.0");
        w.WritePropertyName("paths");
        SortedJson.Write(w, pathTree);
        w.WritePropertyName("security");
        SortedJson.Write(w, Security());
        w.WriteEndObject();
    }

    private static JsonObject V3Operation(ApiOperation op, ApiGroupVersion gv)
    {
        var o = new JsonObject
        {
            ["operationId"] = op.OperationId,
            ["tags"] = new JsonArray(Tag(gv)),
            ["x-kubernetes-action"] = op.Action,
            ["x-kubernetes-group-version-kind"] = Gvk(op.Kind),
        };
        if (op.Parameters.Count > 0) o["parameters"] = new JsonArray(op.Parameters.Select(V3Parameter).ToArray<JsonNode?>());
        if (op.BodySchema is { } body)
        {
            var types = op.PatchTypes.Count > 0 ? op.PatchTypes : ["*/*"];
            var content = new JsonObject();
            foreach (var t in types) content[t] = new JsonObject { ["schema"] = RefV3(body) };
            o["requestBody"] = new JsonObject { ["content"] = content, ["required"] = op.Action is not ("delete" or "deletecollection") };
        }
        var responses = new JsonObject();
        foreach (var code in op.SuccessCodes)
        {
            var content = new JsonObject();
            foreach (var t in new[] { "application/json", "application/yaml", "application/vnd.kubernetes.protobuf" })
                content[t] = new JsonObject { ["schema"] = RefV3(op.ResponseSchema) };
            responses[code.ToString()] = new JsonObject { ["content"] = content, ["description"] = StatusText(code) };
        }
        responses["401"] = new JsonObject { ["description"] = "Unauthorized" };
        o["responses"] = responses;
        return o;
    }

    private static JsonObject V3Parameter(ApiParameter p)
    {
        var o = new JsonObject
        {
            ["in"] = p.In,
            ["name"] = p.Name,
            ["schema"] = new JsonObject { ["type"] = p.Type, ["uniqueItems"] = true },
        };
        if (p.Required) o["required"] = true;
        return o;
    }

    private JsonObject BuildV2Tree()
    {
        var schemas = _snapshot.Schemas;
        var pathTree = new JsonObject();
        foreach (var gv in _snapshot.Catalog.GroupVersions)
        {
            foreach (var p in ApiOperations.For(gv, schemas))
            {
                var item = new JsonObject();
                foreach (var op in p.Operations) item[op.Method] = V2Operation(op, gv);
                if (p.Parameters.Count > 0) item["parameters"] = new JsonArray(p.Parameters.Select(V2Parameter).ToArray<JsonNode?>());
                pathTree[p.Path] = item;
            }
        }
        var definitions = new JsonObject();
        foreach (var (name, schema) in schemas.Schemas.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            definitions[name] = ToV2Schema(schema);
        return new JsonObject
        {
            ["definitions"] = definitions,
            ["info"] = Info(),
            ["paths"] = pathTree,
            ["security"] = Security(),
            ["securityDefinitions"] = SecuritySchemes(),
            ["swagger"] = "2.0",
        };
    }

    private static JsonObject V2Operation(ApiOperation op, ApiGroupVersion gv)
    {
        var parameters = new JsonArray();
        if (op.BodySchema is { } body)
            parameters.Add(new JsonObject { ["in"] = "body", ["name"] = "body", ["required"] = op.Action is not ("delete" or "deletecollection"), ["schema"] = RefV2(body) });
        foreach (var p in op.Parameters) parameters.Add(V2Parameter(p));
        var responses = new JsonObject();
        foreach (var code in op.SuccessCodes)
            responses[code.ToString()] = new JsonObject { ["description"] = StatusText(code), ["schema"] = RefV2(op.ResponseSchema) };
        responses["401"] = new JsonObject { ["description"] = "Unauthorized" };
        var o = new JsonObject
        {
            ["consumes"] = new JsonArray((op.PatchTypes.Count > 0 ? op.PatchTypes : ["*/*"]).Select(t => (JsonNode?)t).ToArray()),
            ["operationId"] = op.OperationId,
            ["produces"] = new JsonArray("application/json", "application/yaml", "application/vnd.kubernetes.protobuf"),
            ["responses"] = responses,
            ["schemes"] = new JsonArray("https"),
            ["tags"] = new JsonArray(Tag(gv)),
            ["x-kubernetes-action"] = op.Action,
            ["x-kubernetes-group-version-kind"] = Gvk(op.Kind),
        };
        if (parameters.Count > 0) o["parameters"] = parameters;
        return o;
    }

    private static JsonObject V2Parameter(ApiParameter p)
    {
        var o = new JsonObject { ["in"] = p.In, ["name"] = p.Name, ["type"] = p.Type, ["uniqueItems"] = true };
        if (p.Required) o["required"] = true;
        return o;
    }

    /// <summary>
    /// A v3 schema in Swagger 2.0 form: <c>#/definitions/</c> references, <c>allOf: [{$ref}]</c> wrappers collapsed to a
    /// bare <c>$ref</c>, int-or-string as a string with that format, and no v3-only keywords.
    /// </summary>
    internal static JsonNode? ToV2Schema(JsonNode? node)
    {
        if (node is JsonArray a) return new JsonArray(a.Select(ToV2Schema).ToArray());
        if (node is not JsonObject o) return node?.DeepClone();
        if (SchemaSet.RefOf(o) is { } target && (o["$ref"] is not null || o["allOf"] is not null))
            return new JsonObject { ["$ref"] = "#/definitions/" + target };
        if ((string?)o["format"] == "int-or-string") return new JsonObject { ["format"] = "int-or-string", ["type"] = "string" };
        var result = new JsonObject();
        foreach (var (key, value) in o)
        {
            switch (key)
            {
                case "oneOf" or "anyOf" or "nullable" or "not":
                    continue;
                case "properties" when value is JsonObject props:
                    var converted = new JsonObject();
                    foreach (var (prop, schema) in props) converted[prop] = ToV2Schema(schema);
                    result[key] = converted;
                    break;
                case "items" or "additionalProperties" or "allOf":
                    result[key] = ToV2Schema(value);
                    break;
                default:
                    result[key] = value?.DeepClone();
                    break;
            }
        }
        return result;
    }

    private static HashSet<string> Closure(SchemaSet schemas, IEnumerable<string> roots)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>(roots);
        while (stack.TryPop(out var name))
        {
            if (!seen.Add(name) || !schemas.Schemas.TryGetValue(name, out var schema)) continue;
            CollectRefs(schema, stack);
        }
        seen.RemoveWhere(n => !schemas.Schemas.ContainsKey(n));
        return seen;
    }

    private static void CollectRefs(JsonNode? node, Stack<string> into)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    if (key == "$ref" && value is JsonValue v) into.Push(v.GetValue<string>()[SchemaSet.RefPrefix.Length..]);
                    else CollectRefs(value, into);
                }
                break;
            case JsonArray a:
                foreach (var v in a) CollectRefs(v, into);
                break;
        }
    }

    private static string Tag(ApiGroupVersion gv)
    {
        var g = gv.Group.Length == 0 ? "core" : gv.Group.Replace(".k8s.io", "").Replace('.', '_');
        return g + "_" + gv.Version;
    }

    private static string StatusText(int code) => code switch { 200 => "OK", 201 => "Created", 202 => "Accepted", _ => "" };

    private static JsonObject Gvk(GroupVersionKind k) => new() { ["group"] = k.Group, ["kind"] = k.Kind, ["version"] = k.Version };

    private static JsonObject RefV3(string name) => new() { ["$ref"] = SchemaSet.RefPrefix + name };

    private static JsonObject RefV2(string name) => new() { ["$ref"] = "#/definitions/" + name };

    private static JsonObject Info() => new() { ["title"] = "Kubernetes", ["version"] = KubernetesVersion };

    private static JsonObject SecuritySchemes() =>
        new() { ["BearerToken"] = new JsonObject { ["in"] = "header", ["name"] = "authorization", ["type"] = "apiKey" } };

    private static JsonArray Security() => new(new JsonObject { ["BearerToken"] = new JsonArray() });
}
