using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Turnstile.Core.Kube;
using Turnstile.Kube.Storage;

namespace Turnstile.Kube.Registry;

/// <summary>How a kind validates <c>metadata.name</c> (apimachinery's <c>ValidateNameFunc</c>); <c>prefix</c> is true for generateName.</summary>
public delegate IReadOnlyList<string> NameRule(string name, bool prefix);

/// <summary>The name rules kinds use.</summary>
public static class NameRules
{
    public static readonly NameRule Dns1123Subdomain = (name, prefix) => NameValidation.Dns1123Subdomain(prefix ? MaskTrailingDash(name) : name);

    public static readonly NameRule Dns1123Label = (name, prefix) => NameValidation.Dns1123Label(prefix ? MaskTrailingDash(name) : name);

    public static readonly NameRule Dns1035Label = (name, prefix) => NameValidation.Dns1035Label(prefix ? MaskTrailingDash(name) : name);

    /// <summary>Names that only need to be a valid path segment (RBAC objects).</summary>
    public static readonly NameRule PathSegment = (name, prefix) => prefix ? PathSegmentPrefix(name) : NameValidation.PathSegmentName(name);

    // A generateName may end with '-'; it is checked as if it ended with a letter.
    private static string MaskTrailingDash(string name) => name.Length > 1 && name.EndsWith('-') ? name[..^2] + "a" : name;

    private static IReadOnlyList<string> PathSegmentPrefix(string name)
    {
        var errors = new List<string>();
        if (name.Contains('/')) errors.Add("may not contain '/'");
        if (name.Contains('%')) errors.Add("may not contain '%'");
        return errors;
    }
}

/// <summary>
/// apimachinery's ObjectMeta validation (<c>ValidateObjectMetaAccessor</c>, <c>ValidateObjectMetaAccessorUpdate</c>)
/// with its field paths and texts. Map members are visited in key order so messages are stable.
/// </summary>
public static class ObjectMetaValidation
{
    public const int TotalAnnotationSizeLimit = 256 * 1024;
    public const string FieldImmutable = "field is immutable";

    public static List<FieldError> Validate(KubeObject obj, bool namespaced, NameRule nameRule)
    {
        var errors = new List<FieldError>();
        var generateName = obj.GenerateName;
        if (generateName.Length > 0)
            foreach (var msg in nameRule(generateName, true)) errors.Add(FieldError.Invalid("metadata.generateName", generateName, msg));
        var name = obj.Name;
        if (name.Length == 0) errors.Add(FieldError.Required("metadata.name", "name or generateName is required"));
        else
            foreach (var msg in nameRule(name, false)) errors.Add(FieldError.Invalid("metadata.name", name, msg));
        var ns = obj.Namespace;
        if (namespaced)
        {
            if (ns.Length == 0) errors.Add(FieldError.Required("metadata.namespace"));
            else
                foreach (var msg in NameRules.Dns1123Label(ns, false)) errors.Add(FieldError.Invalid("metadata.namespace", ns, msg));
        }
        else if (ns.Length > 0)
        {
            errors.Add(FieldError.Forbidden("metadata.namespace", "not allowed on this type"));
        }
        if (obj.Generation < 0) errors.Add(FieldError.Invalid("metadata.generation", obj.Generation, "must be greater than or equal to 0"));
        ValidateCommon(obj, errors);
        errors.AddRange(Finalizers(obj.Finalizers));
        return errors;
    }

    /// <summary>The checks of an update: immutable members, no new finalizers while deleting.</summary>
    public static List<FieldError> ValidateUpdate(KubeObject obj, KubeObject old)
    {
        var errors = new List<FieldError>();
        if (old.DeletionTimestamp.Length > 0)
        {
            var added = obj.Finalizers.Except(old.Finalizers, StringComparer.Ordinal).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            if (added.Count > 0)
                errors.Add(FieldError.Forbidden("metadata.finalizers",
                    "no new finalizers can be added if the object is being deleted, found new finalizers []string{" + string.Join(", ", added.Select(GoJson.Quote)) + "}"));
        }
        if (obj.Generation < old.Generation) errors.Add(FieldError.Invalid("metadata.generation", obj.Generation, "must not be decremented"));
        Immutable(errors, "metadata.name", obj.Name, old.Name);
        Immutable(errors, "metadata.namespace", obj.Namespace, old.Namespace);
        Immutable(errors, "metadata.uid", obj.Uid, old.Uid);
        Immutable(errors, "metadata.creationTimestamp", obj.CreationTimestamp, old.CreationTimestamp, TimeValue);
        Immutable(errors, "metadata.deletionTimestamp", obj.DeletionTimestamp, old.DeletionTimestamp, TimeValue);
        if (obj.DeletionGracePeriodSeconds != old.DeletionGracePeriodSeconds)
            errors.Add(FieldError.Invalid("metadata.deletionGracePeriodSeconds", obj.DeletionGracePeriodSeconds is { } g ? g : null, FieldImmutable));
        ValidateCommon(obj, errors);
        return errors;
    }

    private static void Immutable(List<FieldError> errors, string field, string value, string old, Func<string, object?>? show = null)
    {
        if (value != old) errors.Add(FieldError.Invalid(field, show is null ? value : show(value), FieldImmutable));
    }

    // metav1.Time prints through time.Time's String(): "2006-01-02 15:04:05 +0000 UTC"; a missing time prints as null.
    private static object? TimeValue(string value) =>
        value.Length == 0 ? null
        : DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? new FieldError.Verbatim(t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " +0000 UTC")
            : value;

    private static void ValidateCommon(KubeObject obj, List<FieldError> errors)
    {
        foreach (var (key, value) in obj.Labels.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            foreach (var msg in NameValidation.QualifiedName(key)) errors.Add(FieldError.Invalid("metadata.labels", key, msg));
            foreach (var msg in NameValidation.LabelValue(value)) errors.Add(FieldError.Invalid("metadata.labels", value, msg));
        }
        var annotations = obj.Annotations;
        long size = 0;
        foreach (var (key, value) in annotations.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            foreach (var msg in NameValidation.QualifiedName(key.ToLowerInvariant())) errors.Add(FieldError.Invalid("metadata.annotations", key, msg));
            size += System.Text.Encoding.UTF8.GetByteCount(key) + System.Text.Encoding.UTF8.GetByteCount(value);
        }
        if (size > TotalAnnotationSizeLimit) errors.Add(FieldError.TooLong("metadata.annotations", TotalAnnotationSizeLimit));
        errors.AddRange(OwnerReferences(obj.Metadata["ownerReferences"] as JsonArray));
        errors.AddRange(ManagedFields(obj.Metadata["managedFields"] as JsonArray));
    }

    private static IEnumerable<FieldError> Finalizers(IReadOnlyList<string> finalizers)
    {
        foreach (var f in finalizers)
            foreach (var msg in NameValidation.QualifiedName(f)) yield return FieldError.Invalid("metadata.finalizers", f, msg);
        if (finalizers.Contains("orphan") && finalizers.Contains("foregroundDeletion"))
            yield return FieldError.Invalid("metadata.finalizers", finalizers, "finalizer orphan and foregroundDeletion cannot be both set");
    }

    private static IEnumerable<FieldError> OwnerReferences(JsonArray? references)
    {
        if (references is null) yield break;
        string? firstController = null;
        foreach (var item in references)
        {
            if (item is not JsonObject reference) continue;
            var apiVersion = KubeObject.String(reference, "apiVersion");
            var kind = KubeObject.String(reference, "kind");
            var name = KubeObject.String(reference, "name");
            var version = apiVersion.Contains('/') ? apiVersion[(apiVersion.IndexOf('/') + 1)..] : apiVersion;
            if (version.Length == 0) yield return FieldError.Invalid("metadata.ownerReferences.apiVersion", apiVersion, "version must not be empty");
            if (kind.Length == 0) yield return FieldError.Invalid("metadata.ownerReferences.kind", kind, "kind must not be empty");
            if (name.Length == 0) yield return FieldError.Invalid("metadata.ownerReferences.name", name, "name must not be empty");
            if (KubeObject.String(reference, "uid").Length == 0) yield return FieldError.Invalid("metadata.ownerReferences.uid", "", "uid must not be empty");
            if (reference["controller"] is JsonValue c && c.GetValueKind() == JsonValueKind.True)
            {
                var current = kind + "/" + name;
                if (firstController is not null)
                    yield return FieldError.Invalid("metadata.ownerReferences", FieldError.OmitValue,
                        $"Only one reference can have Controller set to true. Found \"true\" in references for {firstController} and {current}");
                else firstController = current;
            }
        }
    }

    private static IEnumerable<FieldError> ManagedFields(JsonArray? entries)
    {
        if (entries is null) yield break;
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i] is not JsonObject entry) continue;
            var operation = KubeObject.String(entry, "operation");
            if (operation is not ("Apply" or "Update"))
                yield return FieldError.Invalid($"metadata.managedFields[{i}].operation", operation, "must be `Apply` or `Update`");
            var fieldsType = KubeObject.String(entry, "fieldsType");
            if (fieldsType.Length > 0 && fieldsType != "FieldsV1")
                yield return FieldError.Invalid($"metadata.managedFields[{i}].fieldsType", fieldsType, "must be `FieldsV1`");
            if (KubeObject.String(entry, "manager").Length > 128) yield return FieldError.TooLong($"metadata.managedFields[{i}].manager", 128);
        }
    }
}
