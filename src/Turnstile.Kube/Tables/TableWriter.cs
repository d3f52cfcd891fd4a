using System.Text.Json;
using System.Text.Json.Nodes;

namespace Turnstile.Kube.Tables;

/// <summary>What each row's <c>object</c> carries (<c>includeObject</c> query parameter).</summary>
public enum IncludeObject
{
    None,

    /// <summary>The default: a <c>meta.k8s.io/v1 PartialObjectMetadata</c> with the object's metadata.</summary>
    Metadata,

    Object,
}

/// <summary>A <c>TableColumnDefinition</c>; <see cref="Priority"/> above 0 shows only with <c>-o wide</c>.</summary>
public sealed record TableColumn(string Name, string Type, string Format = "", string Description = "", int Priority = 0);

/// <summary>A <c>TableRowCondition</c> (<c>Completed</c> for pods that finished).</summary>
public sealed record TableRowCondition(string Type, string Status, string Reason, string Message);

/// <summary>Cells are strings, integers (<see cref="long"/>), booleans, or null.</summary>
public sealed record TableRow(IReadOnlyList<object?> Cells, JsonObject Object, IReadOnlyList<TableRowCondition>? Conditions = null);

/// <summary>Serializes a <c>meta.k8s.io/v1 Table</c> as kube-apiserver does.</summary>
public static class TableWriter
{
    public const string ContentType = "application/json;as=Table;v=v1;g=meta.k8s.io";

    public static byte[] Write(IReadOnlyList<TableColumn> columns, IEnumerable<TableRow> rows, IncludeObject include,
        string resourceVersion = "", string continueToken = "", long? remainingItemCount = null) =>
        KubeJsonWriter.Write(w =>
        {
            w.WriteStartObject();
            KubeJsonWriter.String(w, "kind", "Table");
            KubeJsonWriter.String(w, "apiVersion", "meta.k8s.io/v1");
            w.WriteStartObject("metadata");
            if (resourceVersion.Length > 0) KubeJsonWriter.String(w, "resourceVersion", resourceVersion);
            if (continueToken.Length > 0) KubeJsonWriter.String(w, "continue", continueToken);
            if (remainingItemCount is { } remaining) w.WriteNumber("remainingItemCount", remaining);
            w.WriteEndObject();
            w.WriteStartArray("columnDefinitions");
            foreach (var c in columns)
            {
                w.WriteStartObject();
                KubeJsonWriter.String(w, "name", c.Name);
                KubeJsonWriter.String(w, "type", c.Type);
                KubeJsonWriter.String(w, "format", c.Format);
                KubeJsonWriter.String(w, "description", c.Description);
                w.WriteNumber("priority", c.Priority);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("rows");
            foreach (var row in rows)
            {
                w.WriteStartObject();
                w.WriteStartArray("cells");
                foreach (var cell in row.Cells) WriteCell(w, cell);
                w.WriteEndArray();
                if (row.Conditions is { Count: > 0 } conditions)
                {
                    w.WriteStartArray("conditions");
                    foreach (var c in conditions)
                    {
                        w.WriteStartObject();
                        KubeJsonWriter.String(w, "type", c.Type);
                        KubeJsonWriter.String(w, "status", c.Status);
                        if (c.Reason.Length > 0) KubeJsonWriter.String(w, "reason", c.Reason);
                        if (c.Message.Length > 0) KubeJsonWriter.String(w, "message", c.Message);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                }
                w.WritePropertyName("object");
                switch (include)
                {
                    case IncludeObject.None:
                        w.WriteNullValue();
                        break;
                    case IncludeObject.Object:
                        SortedJson.Write(w, row.Object, sort: false);
                        break;
                    default:
                        w.WriteStartObject();
                        KubeJsonWriter.String(w, "kind", "PartialObjectMetadata");
                        KubeJsonWriter.String(w, "apiVersion", "meta.k8s.io/v1");
                        w.WritePropertyName("metadata");
                        SortedJson.Write(w, row.Object["metadata"] ?? new JsonObject(), sort: false);
                        w.WriteEndObject();
                        break;
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });

    private static void WriteCell(Utf8JsonWriter w, object? cell)
    {
        switch (cell)
        {
            case null: w.WriteNullValue(); break;
            case string s: KubeJsonWriter.StringValue(w, s); break;
            case long l: w.WriteNumberValue(l); break;
            case int i: w.WriteNumberValue(i); break;
            case double d: w.WriteNumberValue(d); break;
            case bool b: w.WriteBooleanValue(b); break;
            case JsonNode n: SortedJson.Write(w, n, sort: false); break;
            default: KubeJsonWriter.StringValue(w, cell.ToString() ?? ""); break;
        }
    }
}
