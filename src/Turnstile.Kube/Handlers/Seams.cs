using System.Text.Json.Nodes;
using Turnstile.Core.Kube;
using Turnstile.Kube.Storage;

namespace Turnstile.Kube.Handlers;

/// <summary>The patch types kube-apiserver accepts, by Content-Type.</summary>
public enum PatchType
{
    /// <summary><c>application/json-patch+json</c> (RFC 6902).</summary>
    Json,

    /// <summary><c>application/merge-patch+json</c> (RFC 7386).</summary>
    Merge,

    /// <summary><c>application/strategic-merge-patch+json</c> (built-in kinds only).</summary>
    StrategicMerge,

    /// <summary><c>application/apply-patch+yaml</c> (server-side apply).</summary>
    Apply,
}

public static class PatchTypes
{
    /// <summary>Media types in the order kube-apiserver lists them in its 415.</summary>
    public static readonly IReadOnlyList<(PatchType Type, string MediaType)> All =
    [
        (PatchType.Json, "application/json-patch+json"),
        (PatchType.Merge, "application/merge-patch+json"),
        (PatchType.StrategicMerge, "application/strategic-merge-patch+json"),
        (PatchType.Apply, "application/apply-patch+yaml"),
    ];
}

/// <summary>One patch to apply to one object.</summary>
/// <param name="Current">The current object (with resourceVersion) or null when it does not exist (only apply creates).</param>
/// <param name="FieldValidation">Strict, Warn or Ignore: how unknown or duplicate fields in the patch are treated.</param>
public sealed record PatchRequest(PatchType Type, ApiResource Resource, JsonObject? Current, ReadOnlyMemory<byte> Patch, string FieldManager, bool Force,
    string FieldValidation);

/// <summary>The patched object, and warnings for the response's Warning headers.</summary>
public sealed record PatchResult(JsonObject Object, IReadOnlyList<string> Warnings);

/// <summary>
/// The patch engines (JSON patch, merge patch, strategic merge patch, server-side apply). Errors are thrown as
/// <see cref="KubeApiException"/> with kube-apiserver's Status (400 for a malformed patch, 422 for one that does
/// not apply, 409 for apply conflicts).
/// </summary>
public interface IPatcher
{
    /// <summary>The patch types served for a resource (strategic merge only for built-in kinds).</summary>
    IReadOnlyList<PatchType> SupportedTypes(ApiResource resource);

    PatchResult Apply(PatchRequest request);
}

/// <summary>A column of a server-side Table (<c>metav1.TableColumnDefinition</c>).</summary>
public sealed record TableColumn(string Name, string Type, string Format, string Description, int Priority);

/// <summary>The columns of a kind and the cells of each object, in order.</summary>
public sealed record TableContent(IReadOnlyList<TableColumn> Columns, IReadOnlyList<IReadOnlyList<JsonNode?>> Rows);

/// <summary>Server-side Table conversion (kube's <c>TableConvertor</c>) for <c>Accept: ...;as=Table</c>.</summary>
public interface ITableConvertor
{
    TableContent ConvertToTable(ApiResource resource, IReadOnlyList<KubeObject> objects);
}

/// <summary>kube's default TableConvertor: Name and Created At, for kinds without their own printer.</summary>
public sealed class DefaultTableConvertor : ITableConvertor
{
    public static readonly DefaultTableConvertor Instance = new();

    private static readonly IReadOnlyList<TableColumn> Columns =
    [
        new("Name", "string", "name",
            "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
            0),
        new("Created At", "date", "",
            "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
            0),
    ];

    public TableContent ConvertToTable(ApiResource resource, IReadOnlyList<KubeObject> objects) =>
        new(Columns, objects.Select(o => (IReadOnlyList<JsonNode?>)[JsonValue.Create(o.Name), JsonValue.Create(CreatedAt(o))]).ToList());

    // A zero time formats as Go's zero time.
    private static string CreatedAt(KubeObject o) => o.CreationTimestamp.Length > 0 ? o.CreationTimestamp : "0001-01-01T00:00:00Z";
}

/// <summary>
/// Schema-based field validation (kube's strict decoding): the unknown fields of an object of a kind, as kube's
/// strict decoding error texts (<c>unknown field "spec.foo"</c>). Duplicate fields are found while decoding.
/// </summary>
public interface IFieldValidator
{
    IReadOnlyList<string> UnknownFields(ApiResource resource, JsonObject obj);
}

/// <summary>No schema: every field is known (the behaviour until a schema-backed validator is given).</summary>
public sealed class AcceptAllFields : IFieldValidator
{
    public static readonly AcceptAllFields Instance = new();

    public IReadOnlyList<string> UnknownFields(ApiResource resource, JsonObject obj) => [];
}
