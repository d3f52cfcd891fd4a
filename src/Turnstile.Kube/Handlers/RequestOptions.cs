using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Turnstile.Core.Kube;
using Turnstile.Kube.Registry;
using Turnstile.Kube.Storage;

namespace Turnstile.Kube.Handlers;

/// <summary>metav1.ListOptions as decoded from the query, after kube's defaulting for watches.</summary>
public sealed record ListOptions
{
    public ParsedLabelSelector Label { get; init; } = ParsedLabelSelector.Everything;
    public FieldSelector Field { get; init; } = FieldSelector.Parse("");
    public bool Watch { get; init; }
    public bool AllowWatchBookmarks { get; init; }
    public string ResourceVersion { get; init; } = "";
    public string ResourceVersionMatch { get; init; } = "";
    public long? TimeoutSeconds { get; init; }
    public long Limit { get; init; }
    public string Continue { get; init; } = "";
    public bool? SendInitialEvents { get; init; }
}

/// <summary>The options of a create, update or patch (metav1.CreateOptions / UpdateOptions / PatchOptions).</summary>
public sealed record WriteOptions(IReadOnlyList<string> DryRun, string FieldManager, string FieldValidation, bool? Force)
{
    public bool IsDryRun => DryRun.Count > 0;

    /// <summary>kube's default when none is asked: Warn.</summary>
    public string Directive => FieldValidation.Length == 0 ? "Warn" : FieldValidation;
}

/// <summary>Query and body options decoded with kube's parameter codec rules and validated with its texts.</summary>
public static class RequestOptions
{
    private static readonly string[] Matches = ["Exact", "NotOlderThan"];

    /// <exception cref="KubeApiException">400 for an option that does not decode, 422 for invalid combinations.</exception>
    public static ListOptions List(GoUrlQuery query, bool watchVerb)
    {
        var options = new ListOptions
        {
            Label = query.First("labelSelector") is { Length: > 0 } label ? Parse(() => ParsedLabelSelector.Parse(label)) : ParsedLabelSelector.Everything,
            Field = query.First("fieldSelector") is { Length: > 0 } field ? Parse(() => FieldSelector.Parse(field)) : FieldSelector.Parse(""),
            Watch = watchVerb || Bool(query, "watch"),
            AllowWatchBookmarks = Bool(query, "allowWatchBookmarks"),
            ResourceVersion = query.First("resourceVersion") ?? "",
            ResourceVersionMatch = query.First("resourceVersionMatch") ?? "",
            TimeoutSeconds = Int(query, "timeoutSeconds"),
            Limit = Int(query, "limit") ?? 0,
            Continue = query.First("continue") ?? "",
            SendInitialEvents = query.Has("sendInitialEvents") ? Bool(query, "sendInitialEvents") : null,
        };
        // SetListOptionsDefaults with WatchList on (1.32): a watch from "" or "0" starts with the current state.
        if (options.Watch && options.SendInitialEvents is null && options.ResourceVersionMatch.Length == 0 && options.ResourceVersion is "" or "0")
            options = options with { SendInitialEvents = true, ResourceVersionMatch = "NotOlderThan" };
        var errors = options.Watch ? ValidateWatch(options) : ValidateList(options);
        if (errors.Count > 0) throw new KubeApiException(KubeStatus.Invalid("meta.k8s.io", "ListOptions", "", errors));
        return options;
    }

    private static T Parse<T>(Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (Exception e) when (e is LabelSelectorException or FieldSelectorException)
        {
            throw KubeApiException.BadRequest(e.Message);
        }
    }

    private static List<FieldError> ValidateList(ListOptions o)
    {
        var errors = new List<FieldError>();
        if (o.ResourceVersionMatch.Length > 0)
        {
            if (o.ResourceVersion.Length == 0)
                errors.Add(FieldError.Forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden unless resourceVersion is provided"));
            if (o.Continue.Length > 0) errors.Add(FieldError.Forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided"));
            if (!Matches.Contains(o.ResourceVersionMatch))
                errors.Add(FieldError.NotSupported("resourceVersionMatch", o.ResourceVersionMatch, [.. Matches, ""]));
            if (o.ResourceVersionMatch == "Exact" && o.ResourceVersion == "0")
                errors.Add(FieldError.Forbidden("resourceVersionMatch", "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""));
        }
        if (o.SendInitialEvents is not null) errors.Add(FieldError.Forbidden("sendInitialEvents", "sendInitialEvents is forbidden for list"));
        return errors;
    }

    private static List<FieldError> ValidateWatch(ListOptions o)
    {
        var errors = new List<FieldError>();
        if (o.SendInitialEvents is not null && o.ResourceVersionMatch != "NotOlderThan")
            errors.Add(FieldError.Forbidden("resourceVersionMatch", "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"));
        if (o.ResourceVersionMatch.Length > 0)
        {
            if (o.SendInitialEvents is null)
                errors.Add(FieldError.Forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"));
            if (o.ResourceVersionMatch != "NotOlderThan") errors.Add(FieldError.NotSupported("resourceVersionMatch", o.ResourceVersionMatch, ["NotOlderThan"]));
            if (o.Continue.Length > 0) errors.Add(FieldError.Forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided"));
        }
        return errors;
    }

    /// <summary>Checks the field selector's labels against the kind's conversion (400 with the kind's message).</summary>
    public static void CheckFieldLabels(FieldSelector selector, FieldLabels labels)
    {
        foreach (var term in selector.Terms)
            if (labels.Reject(term.Field) is { } error) throw KubeApiException.BadRequest(error);
    }

    /// <summary>metav1.GetOptions: only resourceVersion (and the long-gone export).</summary>
    public static string GetResourceVersion(GoUrlQuery query)
    {
        if (query.Has("export") && Bool(query, "export"))
            throw KubeApiException.BadRequest("the export parameter, deprecated since v1.14, is no longer supported");
        return query.First("resourceVersion") ?? "";
    }

    /// <summary>Create, update and patch options, validated as kube validates them (422 naming the options kind).</summary>
    public static WriteOptions Write(GoUrlQuery query, string optionsKind, PatchType? patchType = null)
    {
        var options = new WriteOptions(query.GetAll("dryRun"), query.First("fieldManager") ?? "", query.First("fieldValidation") ?? "",
            query.Has("force") ? Bool(query, "force") : null);
        var errors = new List<FieldError>();
        if (patchType is { } type)
        {
            if (type == PatchType.Apply && options.FieldManager.Length == 0) errors.Add(FieldError.Required("fieldManager", "is required for apply patch"));
            if (type != PatchType.Apply && options.Force is not null) errors.Add(FieldError.Forbidden("force", "may not be specified for non-apply patch"));
        }
        errors.AddRange(FieldManager(options.FieldManager, "fieldManager"));
        errors.AddRange(DryRun(options.DryRun));
        if (options.FieldValidation is not ("" or "Ignore" or "Strict" or "Warn"))
            errors.Add(FieldError.NotSupported("fieldValidation", options.FieldValidation, ["", "Ignore", "Strict", "Warn"]));
        if (errors.Count > 0) throw new KubeApiException(KubeStatus.Invalid("meta.k8s.io", optionsKind, "", errors));
        return options;
    }

    private static IEnumerable<FieldError> FieldManager(string manager, string field)
    {
        if (manager.Length > 128) yield return FieldError.TooLong(field, 128);
        for (var i = 0; i < manager.Length; i++)
            if (char.IsControl(manager[i]))
                yield return FieldError.Invalid(field, manager, $"invalid character U+{(int)manager[i]:X4} (at position {i})");
    }

    private static IEnumerable<FieldError> DryRun(IReadOnlyList<string> dryRun)
    {
        if (dryRun.Any(v => v != "All")) yield return FieldError.NotSupported("dryRun", dryRun, ["All"]);
    }

    /// <summary>DeleteOptions from the body (JSON or YAML) when there is one, else from the query; validated.</summary>
    public static DeleteOptions Delete(GoUrlQuery query, byte[] body, string? contentType)
    {
        Preconditions? preconditions = null;
        string? propagation;
        bool? orphan;
        IReadOnlyList<string> dryRun;
        if (body.Length > 0)
        {
            var format = MediaTypes.InputFormat(contentType) ?? throw MediaTypes.UnsupportedMediaType(MediaTypes.Supported);
            var (root, error, _) = BodyDecoder.ParseDocument(body, format);
            if (error is not null) throw KubeApiException.BadRequest(error);
            if (root is not JsonObject obj) throw KubeApiException.BadRequest("decoded object cannot be converted to DeleteOptions");
            var kind = KubeObject.String(obj, "kind");
            if (kind.Length > 0 && kind != "DeleteOptions")
                throw KubeApiException.BadRequest($"no kind {GoJson.Quote(kind)} is registered for the DeleteOptions body");
            // Decoded for its type errors only: deletes here are immediate.
            NumberMember(obj, "gracePeriodSeconds");
            if (obj["preconditions"] is JsonObject p)
                preconditions = new Preconditions(p["uid"] is null ? null : KubeObject.String(p, "uid"),
                    p["resourceVersion"] is null ? null : KubeObject.String(p, "resourceVersion"));
            propagation = obj["propagationPolicy"] is null ? null : KubeObject.String(obj, "propagationPolicy");
            orphan = obj["orphanDependents"] is JsonValue o ? o.GetValueKind() == JsonValueKind.True : null;
            dryRun = KubeObject.StringList(obj["dryRun"]);
        }
        else
        {
            Int(query, "gracePeriodSeconds");
            propagation = query.First("propagationPolicy");
            orphan = query.Has("orphanDependents") ? Bool(query, "orphanDependents") : null;
            dryRun = query.GetAll("dryRun");
        }
        var errors = new List<FieldError>();
        if (orphan is not null && propagation is not null)
            errors.Add(FieldError.Invalid("propagationPolicy", propagation, "orphanDependents and deletionPropagation cannot be both set"));
        if (propagation is not null and not ("Foreground" or "Background" or "Orphan"))
            errors.Add(FieldError.NotSupported("propagationPolicy", propagation, ["Foreground", "Background", "Orphan", "nil"]));
        errors.AddRange(DryRun(dryRun));
        if (errors.Count > 0) throw new KubeApiException(KubeStatus.Invalid("meta.k8s.io", "DeleteOptions", "", errors));
        return new DeleteOptions
        {
            Preconditions = preconditions,
            PropagationPolicy = propagation,
            OrphanDependents = orphan,
            DryRun = dryRun.Count > 0,
        };
    }

    private static long? NumberMember(JsonObject obj, string member)
    {
        if (obj[member] is null) return null;
        return KubeObject.Int(obj, member)
               ?? throw KubeApiException.BadRequest($"json: cannot unmarshal {BodyDecoder.GoTypeName(obj[member])} into Go struct field DeleteOptions.{member} of type int64");
    }

    // runtime.Convert_Slice_string_To_bool: anything but "0" and "false" is true.
    private static bool Bool(GoUrlQuery query, string name) =>
        query.First(name) is { } v && v != "0" && !v.Equals("false", StringComparison.OrdinalIgnoreCase);

    private static long? Int(GoUrlQuery query, string name)
    {
        if (query.First(name) is not { } v) return null;
        if (long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)) return n;
        var reason = v.Length > 0 && v.TrimStart('-', '+').All(char.IsAsciiDigit) && v.TrimStart('-', '+').Length > 0 ? "value out of range" : "invalid syntax";
        throw KubeApiException.BadRequest($"strconv.ParseInt: parsing {GoJson.Quote(v)}: {reason}");
    }
}
