using System.Text;
using System.Text.Json;
using Turnstile.Core.Authz;
using Turnstile.Core.Rbac;

namespace Turnstile.Core.Kube;

/// <summary>A <c>metav1.StatusCause</c>; the <c>reason</c> is the cause type (<c>FieldValueInvalid</c>...).</summary>
public sealed record StatusCause(string Reason, string Message, string Field);

/// <summary><c>metav1.StatusDetails</c>. Empty members are omitted on the wire, so all-empty details serialize as <c>{}</c>.</summary>
public sealed record StatusDetails
{
    public string Name { get; init; } = "";
    public string Group { get; init; } = "";

    /// <summary>The plural resource for most errors (<c>pods</c>), the Kind for 422 Invalid.</summary>
    public string Kind { get; init; } = "";

    public string Uid { get; init; } = "";
    public IReadOnlyList<StatusCause> Causes { get; init; } = [];
    public int RetryAfterSeconds { get; init; }
}

/// <summary>
/// A failure <c>Status</c> object as kube-apiserver v1.32 returns it, with builders for the errors the RBAC surface
/// produces. <see cref="ToJson"/> reproduces the server's bytes: compact JSON in field order kind, apiVersion,
/// metadata, status, message, reason, details, code, empty fields omitted, Go string escaping, trailing newline.
/// </summary>
/// <param name="Details">Null omits <c>details</c> entirely (401, 400); an empty instance gives <c>"details":{}</c>.</param>
public sealed record KubeStatus(int Code, string Reason, string Message, StatusDetails? Details)
{
    public const string ReasonUnauthorized = "Unauthorized";
    public const string ReasonForbidden = "Forbidden";
    public const string ReasonNotFound = "NotFound";
    public const string ReasonAlreadyExists = "AlreadyExists";
    public const string ReasonConflict = "Conflict";
    public const string ReasonInvalid = "Invalid";
    public const string ReasonBadRequest = "BadRequest";
    public const string ReasonInternalError = "InternalError";

    /// <summary><c>metadata.continue</c>: the token a 410 for a stale continue token offers to resume an inconsistent list.</summary>
    public string Continue { get; init; } = "";

    /// <summary>The 403 for a denied request (apiserver's <c>ForbiddenStatusError</c>).</summary>
    /// <param name="reason">The authorizer's reason; appended after <c>": "</c> when non-empty.</param>
    public static KubeStatus Forbidden(RequestAttributes attributes, string userName, string reason = "")
    {
        var error = ForbiddenMessage.Error(attributes, userName, reason);
        var group = attributes.IsResourceRequest ? attributes.ApiGroup : "";
        var resource = attributes.IsResourceRequest ? attributes.Resource : "";
        var name = attributes.IsResourceRequest ? attributes.Name : "";
        return ForbiddenFor(group, resource, name, error);
    }

    /// <summary>apimachinery's <c>NewForbidden</c>: <c>{resource.group}[ "{name}"] is forbidden: {error}</c>.</summary>
    public static KubeStatus ForbiddenFor(string group, string resource, string name, string error)
    {
        var qualified = Qualified(group, resource);
        string message;
        if (group.Length == 0 && resource.Length == 0) message = "forbidden: " + error;
        else if (name.Length == 0) message = $"{qualified} is forbidden: {error}";
        else message = $"{qualified} {GoQuote.Quote(name)} is forbidden: {error}";
        return new(403, ReasonForbidden, message, new StatusDetails { Name = name, Group = group, Kind = resource });
    }

    /// <summary>The 401 every failed authentication gets.</summary>
    public static KubeStatus Unauthorized() => new(401, ReasonUnauthorized, "Unauthorized", null);

    /// <summary><c>{resource.group} "{name}" not found</c>.</summary>
    public static KubeStatus NotFound(string group, string resource, string name) =>
        new(404, ReasonNotFound, $"{Qualified(group, resource)} {GoQuote.Quote(name)} not found",
            new StatusDetails { Name = name, Group = group, Kind = resource });

    /// <summary>The 404 for a path nothing serves.</summary>
    public static KubeStatus NotFoundPath() =>
        new(404, ReasonNotFound, "the server could not find the requested resource", new StatusDetails());

    /// <summary><c>{resource.group} "{name}" already exists</c> (409).</summary>
    public static KubeStatus AlreadyExists(string group, string resource, string name) =>
        new(409, ReasonAlreadyExists, $"{Qualified(group, resource)} {GoQuote.Quote(name)} already exists",
            new StatusDetails { Name = name, Group = group, Kind = resource });

    /// <summary><c>Operation cannot be fulfilled on {resource.group} "{name}": {error}</c> (409).</summary>
    public static KubeStatus Conflict(string group, string resource, string name, string error) =>
        new(409, ReasonConflict, $"Operation cannot be fulfilled on {Qualified(group, resource)} {GoQuote.Quote(name)}: {error}",
            new StatusDetails { Name = name, Group = group, Kind = resource });

    /// <summary>The optimistic-concurrency conflict for a stale resourceVersion.</summary>
    public static KubeStatus StaleResourceVersion(string group, string resource, string name) =>
        Conflict(group, resource, name, "the object has been modified; please apply your changes to the latest version and try again");

    /// <summary>
    /// apimachinery's <c>NewInvalid</c> (422): <c>{Kind.group} "{name}" is invalid: {errors}</c>, one error bare,
    /// several as <c>[e1, e2]</c> with duplicates dropped; one cause per error.
    /// </summary>
    public static KubeStatus Invalid(string group, string kind, string name, IReadOnlyList<FieldError> errors)
    {
        var qualified = Qualified(group, kind);
        var causes = errors.Select(e => new StatusCause(e.Reason, e.Body, e.Field)).ToArray();
        var distinct = errors.Select(e => e.ToString()).Distinct(StringComparer.Ordinal).ToList();
        var message = distinct.Count switch
        {
            0 => $"{qualified} {GoQuote.Quote(name)} is invalid",
            1 => $"{qualified} {GoQuote.Quote(name)} is invalid: {distinct[0]}",
            _ => $"{qualified} {GoQuote.Quote(name)} is invalid: [{string.Join(", ", distinct)}]",
        };
        return new(422, ReasonInvalid, message, new StatusDetails { Name = name, Group = group, Kind = kind, Causes = causes });
    }

    /// <summary>A 400 with the given message and no details.</summary>
    public static KubeStatus BadRequest(string message) => new(400, ReasonBadRequest, message, null);

    /// <summary>
    /// The plain-text body (not a Status) the server writes for an internal error such as an authorizer failure or
    /// an unparsable request path: <c>Internal Server Error: "{uri}": {error}</c>, HTML-escaped, newline-terminated.
    /// </summary>
    public static string InternalErrorText(string requestUri, string error) =>
        ForbiddenMessage.HtmlEscape($"Internal Server Error: {GoQuote.Quote(requestUri)}: {error}") + "\n";

    /// <summary>The response body: compact JSON plus a newline, byte for byte as kube-apiserver writes it.</summary>
    public string ToJson() => Encoding.UTF8.GetString(ToJsonBytes());

    public byte[] ToJsonBytes()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            GoJson.WriteString(w, "kind", "Status");
            GoJson.WriteString(w, "apiVersion", "v1");
            w.WriteStartObject("metadata");
            if (Continue.Length > 0) GoJson.WriteString(w, "continue", Continue);
            w.WriteEndObject();
            GoJson.WriteString(w, "status", "Failure");
            if (Message.Length > 0) GoJson.WriteString(w, "message", Message);
            if (Reason.Length > 0) GoJson.WriteString(w, "reason", Reason);
            if (Details is not null) WriteDetails(w, Details);
            if (Code != 0) w.WriteNumber("code", Code);
            w.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    private static void WriteDetails(Utf8JsonWriter w, StatusDetails d)
    {
        w.WriteStartObject("details");
        if (d.Name.Length > 0) GoJson.WriteString(w, "name", d.Name);
        if (d.Group.Length > 0) GoJson.WriteString(w, "group", d.Group);
        if (d.Kind.Length > 0) GoJson.WriteString(w, "kind", d.Kind);
        if (d.Uid.Length > 0) GoJson.WriteString(w, "uid", d.Uid);
        if (d.Causes.Count > 0)
        {
            w.WriteStartArray("causes");
            foreach (var c in d.Causes)
            {
                w.WriteStartObject();
                if (c.Reason.Length > 0) GoJson.WriteString(w, "reason", c.Reason);
                if (c.Message.Length > 0) GoJson.WriteString(w, "message", c.Message);
                if (c.Field.Length > 0) GoJson.WriteString(w, "field", c.Field);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        if (d.RetryAfterSeconds != 0) w.WriteNumber("retryAfterSeconds", d.RetryAfterSeconds);
        w.WriteEndObject();
    }

    private static string Qualified(string group, string resourceOrKind) =>
        group.Length == 0 ? resourceOrKind : resourceOrKind + "." + group;
}
