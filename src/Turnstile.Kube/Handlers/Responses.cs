using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Turnstile.Core.Kube;
using Turnstile.Kube.Registry;
using Turnstile.Kube.Storage;

namespace Turnstile.Kube.Handlers;

/// <summary>
/// Writes objects, lists, Tables, PartialObjectMetadata and Status bodies as kube-apiserver does: compact JSON with a
/// trailing newline (its encoder's), or YAML; list items of built-in kinds without kind/apiVersion (typed lists),
/// custom resources with them (unstructured lists).
/// </summary>
internal sealed class Responses(ITableConvertor tables)
{
    private static readonly byte[] Newline = "\n"u8.ToArray();

    public KubeResponse Status(KubeStatus status, string? accept)
    {
        var output = MediaTypes.Negotiate(accept, transforms: false) ?? OutputType.Json;
        var json = status.ToJsonBytes();
        return new KubeResponse
        {
            StatusCode = status.Code,
            ContentType = output.ContentType,
            Body = output.Format == OutputFormat.Json ? json : Yaml(json),
            RetryAfterSeconds = status.Details?.RetryAfterSeconds ?? 0,
        };
    }

    /// <summary>The Success Status a delete answers for kinds that do not return the object.</summary>
    public static byte[] SuccessStatus(RegistryResource resource, KubeObject deleted)
    {
        var details = new JsonObject { ["name"] = deleted.Name };
        if (resource.Group.Length > 0) details["group"] = resource.Group;
        details["kind"] = resource.Resource;
        if (deleted.Uid.Length > 0) details["uid"] = deleted.Uid;
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Success",
            ["details"] = details,
        };
        return [.. KubeJson.Serialize(status), .. Newline];
    }

    /// <summary>One object (a stored one, served by the fast path for plain JSON).</summary>
    public KubeResponse Object(int code, RegistryResource resource, StoredObject stored, OutputType output, IReadOnlyList<string> warnings) =>
        output.Transform == OutputTransform.None && output.Format == OutputFormat.Json
            ? Respond(code, output, [.. ObjectJson(resource, stored), .. Newline], warnings)
            : Object(code, resource, stored.ToObject(), output, warnings);

    public KubeResponse Object(int code, RegistryResource resource, KubeObject obj, OutputType output, IReadOnlyList<string> warnings)
    {
        SetTypeMeta(resource, obj);
        JsonNode body = output.Transform switch
        {
            OutputTransform.Table => Table(resource, [obj], null, output.TransformVersion, TableOptions.Default),
            OutputTransform.PartialObjectMetadata => PartialObjectMetadata(obj, output.TransformVersion),
            OutputTransform.PartialObjectMetadataList => throw new KubeApiException(new KubeStatus(406, "NotAcceptable",
                $"you requested PartialObjectMetadataList, but the requested object is not a list (*{resource.Kind})", null)),
            _ => obj.Root,
        };
        return Respond(code, output, KubeJson.Serialize(body), warnings, newline: true);
    }

    /// <summary>An object that is not stored (a review), written in the negotiated format.</summary>
    public static KubeResponse Document(int code, OutputType output, JsonNode body) => Respond(code, output, KubeJson.Serialize(body), [], newline: true);

    /// <summary>A raw JSON body (a Status), written in the negotiated format.</summary>
    public static KubeResponse Raw(int code, OutputType output, byte[] json, IReadOnlyList<string> warnings) => Respond(code, output, json, warnings);

    public KubeResponse List(RegistryResource resource, ListPage page, OutputType output, TableOptions table)
    {
        var meta = ListMeta(page.ResourceVersion, page.Continue, page.RemainingItemCount);
        switch (output.Transform)
        {
            case OutputTransform.Table:
                var objects = page.Items.Select(i => Typed(resource, i.ToObject())).ToList();
                return Respond(200, output, KubeJson.Serialize(Table(resource, objects, meta, output.TransformVersion, table)), [], newline: true);
            case OutputTransform.PartialObjectMetadataList:
                var items = new JsonArray(page.Items.Select(i => (JsonNode?)PartialObjectMetadata(i.ToObject(), output.TransformVersion)).ToArray());
                return Respond(200, output, KubeJson.Serialize(new JsonObject
                {
                    ["kind"] = "PartialObjectMetadataList",
                    ["apiVersion"] = "meta.k8s.io/" + output.TransformVersion,
                    ["metadata"] = meta,
                    ["items"] = items,
                }), [], newline: true);
            case OutputTransform.PartialObjectMetadata:
                throw new KubeApiException(new KubeStatus(406, "NotAcceptable",
                    $"you requested PartialObjectMetadata, but the requested object is a list (*{resource.Kind}List)", null));
        }
        var buffer = new ArrayBufferWriter<byte>(4096);
        buffer.Write(Encoding.UTF8.GetBytes($"{{\"kind\":{GoJson.Quote(resource.Kind + "List")},\"apiVersion\":{GoJson.Quote(resource.Api.GroupVersion)},\"metadata\":"));
        KubeJson.Write(buffer, meta);
        buffer.Write(",\"items\":["u8);
        for (var i = 0; i < page.Items.Count; i++)
        {
            if (i > 0) buffer.Write(","u8);
            var json = ObjectJson(resource, page.Items[i]);
            buffer.Write(resource.IsCustom ? json : KubeJson.WithoutTypeMeta(json, resource.Kind, resource.Api.GroupVersion));
        }
        buffer.Write("]}"u8);
        return Respond(200, output, buffer.WrittenSpan.ToArray(), [], newline: true);
    }

    /// <summary>The served JSON of a stored object at the request's version (its apiVersion rewritten when stored at another).</summary>
    public static byte[] ObjectJson(RegistryResource resource, StoredObject stored)
    {
        var json = stored.Json;
        if (KubeJson.HasTypeMeta(json, resource.Kind, resource.Api.GroupVersion)) return json;
        var obj = KubeObject.Parse(json, KubeJson.IsUnstructured(json));
        SetTypeMeta(resource, obj);
        obj.Canonicalize();
        return obj.ToJsonBytes();
    }

    private static KubeObject Typed(RegistryResource resource, KubeObject obj)
    {
        SetTypeMeta(resource, obj);
        return obj;
    }

    private static void SetTypeMeta(RegistryResource resource, KubeObject obj)
    {
        if (obj.Kind == resource.Kind && obj.ApiVersion == resource.Api.GroupVersion) return;
        obj.Kind = resource.Kind;
        obj.ApiVersion = resource.Api.GroupVersion;
        obj.Canonicalize();
    }

    public static JsonObject ListMeta(long resourceVersion, string continueToken, long? remaining)
    {
        var meta = new JsonObject { ["resourceVersion"] = resourceVersion.ToString(CultureInfo.InvariantCulture) };
        if (continueToken.Length > 0) meta["continue"] = continueToken;
        if (remaining is { } r) meta["remainingItemCount"] = r;
        return meta;
    }

    /// <summary>A meta.k8s.io Table of the objects; <paramref name="listMeta"/> null for a single object (its resourceVersion is used).</summary>
    public JsonObject Table(RegistryResource resource, IReadOnlyList<KubeObject> objects, JsonObject? listMeta, string version, TableOptions options)
    {
        var content = tables.ConvertToTable(resource.Api, objects);
        var rows = new JsonArray();
        for (var i = 0; i < objects.Count; i++)
        {
            var row = new JsonObject { ["cells"] = new JsonArray(content.Rows[i].Select(c => c?.DeepClone()).ToArray()) };
            row["object"] = options.IncludeObject switch
            {
                "None" => null,
                "Object" => objects[i].Root.DeepClone(),
                _ => PartialObjectMetadata(objects[i], version),
            };
            rows.Add(row);
        }
        JsonNode? columns = options.NoHeaders
            ? null
            : new JsonArray(content.Columns.Select(c => (JsonNode?)new JsonObject
            {
                ["name"] = c.Name,
                ["type"] = c.Type,
                ["format"] = c.Format,
                ["description"] = c.Description,
                ["priority"] = c.Priority,
            }).ToArray());
        var meta = listMeta ?? new JsonObject();
        if (listMeta is null && objects.Count == 1 && objects[0].ResourceVersion.Length > 0) meta["resourceVersion"] = objects[0].ResourceVersion;
        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/" + version,
            ["metadata"] = meta,
            ["columnDefinitions"] = columns,
            ["rows"] = rows,
        };
    }

    public static JsonObject PartialObjectMetadata(KubeObject obj, string version) => new()
    {
        ["kind"] = "PartialObjectMetadata",
        ["apiVersion"] = "meta.k8s.io/" + version,
        ["metadata"] = obj.Metadata.DeepClone(),
    };

    private static KubeResponse Respond(int code, OutputType output, byte[] json, IReadOnlyList<string> warnings, bool newline = false)
    {
        if (newline) json = [.. json, .. Newline];
        return new KubeResponse
        {
            StatusCode = code,
            ContentType = output.ContentType,
            Body = output.Format == OutputFormat.Json ? json : Yaml(json),
            Warnings = warnings,
        };
    }

    private static byte[] Yaml(byte[] json) => Encoding.UTF8.GetBytes(YamlCodec.FromJson(KubeJson.Parse(json)));

    /// <summary>A Warning header value: <c>299 - "text"</c>.</summary>
    public static string Warning(string text) => "299 - " + GoJson.Quote(text);
}

/// <summary>metav1.TableOptions from the query.</summary>
public sealed record TableOptions(bool NoHeaders, string IncludeObject)
{
    public static readonly TableOptions Default = new(false, "");

    /// <exception cref="KubeApiException">400 for an unknown includeObject.</exception>
    public static TableOptions From(GoUrlQuery query)
    {
        var include = query.First("includeObject") ?? "";
        if (include is not ("" or "None" or "Metadata" or "Object"))
            throw KubeApiException.BadRequest(
                $"Unable to convert to Table as requested: includeObject: Invalid value: {GoJson.Quote(include)}: must be 'Metadata', 'Object', 'None', or empty");
        var noHeaders = query.First("noHeaders") is { } v && v != "0" && !v.Equals("false", StringComparison.OrdinalIgnoreCase);
        return new TableOptions(noHeaders, include);
    }
}
