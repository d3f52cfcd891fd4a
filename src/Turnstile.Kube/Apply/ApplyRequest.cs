using System.Text.Json.Nodes;
using Turnstile.Core.Kube;
using Turnstile.Kube.Apply.FieldPaths;
using Turnstile.Kube.Apply.Schema;

namespace Turnstile.Kube.Apply;

/// <summary>What every write that maintains managedFields needs to know about the request.</summary>
public abstract record FieldManagementRequest
{
    /// <summary>The field manager (<c>fieldManager</c>, or <see cref="FieldManagerName.Resolve"/> of the user agent).</summary>
    public required string Manager { get; init; }

    /// <summary>The group and version of the request URL (an entry's <c>apiVersion</c>).</summary>
    public required string Group { get; init; }

    public required string Version { get; init; }

    /// <summary>The subresource written (<c>status</c>, <c>scale</c>), empty for the main resource.</summary>
    public string Subresource { get; init; } = "";

    /// <summary>The kind's type (<see cref="ApplySchemaSet.ForKind"/>, or <see cref="ApplyType.Deduced"/>).</summary>
    public required ApplyType Type { get; init; }

    /// <summary>Fields the resource's strategy resets, which nobody owns (e.g. <c>status</c> of the main resource).</summary>
    public FieldSet? ResetFields { get; init; }

    /// <summary>The request time; entries record it in whole seconds.</summary>
    public required DateTimeOffset Now { get; init; }

    internal string ApiVersion => Group.Length == 0 ? Version : Group + "/" + Version;
}

/// <summary>A non-apply write (create, update, JSON/merge/strategic patch).</summary>
public sealed record UpdateRequest : FieldManagementRequest;

/// <summary>A server-side apply (<c>PATCH</c> with <c>application/apply-patch+yaml</c>) on one object URL.</summary>
public sealed record ApplyRequest : FieldManagementRequest
{
    /// <summary>The <c>force</c> query parameter: take conflicting fields instead of failing.</summary>
    public bool Force { get; init; }

    public required string Kind { get; init; }

    /// <summary>The plural resource (<c>configmaps</c>), for messages.</summary>
    public required string Resource { get; init; }

    /// <summary>The namespace of the URL; empty for a cluster-scoped resource.</summary>
    public required string Namespace { get; init; }

    public required string Name { get; init; }
}

/// <summary>The result of an apply: the object to store, or the error to answer.</summary>
public abstract record ApplyResult
{
    /// <param name="Object">The new object with its managedFields (a fresh copy; inputs are never changed).</param>
    /// <param name="Created">True when there was no live object.</param>
    public sealed record Success(JsonObject Object, bool Created) : ApplyResult;

    /// <summary>A Status to answer (400 bad configuration, 409 field-manager conflicts or uid mismatch).</summary>
    public sealed record Failure(KubeStatus Status) : ApplyResult;
}
