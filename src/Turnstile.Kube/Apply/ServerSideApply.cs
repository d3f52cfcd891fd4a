using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Turnstile.Core.Kube;
using Turnstile.Kube.Apply.FieldPaths;
using Turnstile.Kube.Apply.Managed;
using Turnstile.Kube.Apply.Schema;
using Turnstile.Kube.Apply.Typed;

namespace Turnstile.Kube.Apply;

/// <summary>
/// kube-apiserver's field manager: maintains <c>metadata.managedFields</c> on every write and performs server-side
/// apply, with the behaviour of its manager chain (<c>k8s.io/apimachinery/pkg/util/managedfields</c>): version check,
/// kubectl's client-side-apply upgrade and last-applied annotation, <c>before-first-apply</c>, at most ten update
/// entries, entry identity and time, and the metadata fields nobody owns. Pure: objects in, objects out.
/// </summary>
public static class ServerSideApply
{
    /// <summary>The manager that takes over an object's existing fields on its first apply.</summary>
    public const string BeforeFirstApply = "before-first-apply";

    /// <summary>The manager whose conflicts kubectl's last-applied annotation may excuse (kubectl's default).</summary>
    public const string KubectlManager = "kubectl";

    public const string LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

    private const int MaxUpdateManagers = 10;
    private const int AnnotationsSizeLimit = 256 * 1024;

    /// <summary>Fields never recorded as owned: type and identity metadata.</summary>
    private static readonly FieldSet Unowned = FieldSet.Of(
        FieldPath.Of("apiVersion"), FieldPath.Of("kind"), FieldPath.Of("metadata"),
        FieldPath.Of("metadata", "name"), FieldPath.Of("metadata", "namespace"), FieldPath.Of("metadata", "creationTimestamp"),
        FieldPath.Of("metadata", "selfLink"), FieldPath.Of("metadata", "uid"), FieldPath.Of("metadata", "clusterName"),
        FieldPath.Of("metadata", "generation"), FieldPath.Of("metadata", "managedFields"), FieldPath.Of("metadata", "resourceVersion"));

    /// <summary>
    /// Applies <paramref name="applied"/> (the decoded body, see <see cref="AppliedConfiguration.TryParse"/>) to
    /// <paramref name="live"/> (null: the object does not exist and is created). The caller has validated the
    /// options (<see cref="FieldManagerName.PatchOptionErrors"/>); strategy defaulting and validation, preconditions
    /// and storage come after, as in kube-apiserver's patch handler.
    /// </summary>
    public static ApplyResult Apply(JsonObject? live, JsonObject applied, ApplyRequest request)
    {
        if (string.IsNullOrEmpty(request.Manager)) throw new ArgumentException("apply requires a field manager", nameof(request));

        var appliedKind = KindText(applied);
        var expectedKind = request.Group + "/" + request.Version + ", Kind=" + request.Kind;
        if (appliedKind != expectedKind) return new ApplyResult.Failure(KubeStatus.BadRequest("invalid object type: " + appliedKind));

        var liveObject = live is null ? new JsonObject() : Strip(live);
        var managed = DecodeOrEmpty(live is null ? null : ManagedFieldsCodec.Get(live));
        var outcome = ApplyOnce(liveObject, applied, managed, request, request.Force);
        if (outcome is Conflicts conflicts && request.Manager == KubectlManager && live is not null
            && AllowedByLastApplied(live, request) is { } allowed)
        {
            // kubectl --server-side after client-side apply: fields the annotation shows kubectl set are taken over.
            var remaining = conflicts.List.Where(c => !allowed.Has(c.Path)).ToList();
            outcome = remaining.Count == 0 ? ApplyOnce(liveObject, applied, managed, request, force: true) : new Conflicts(remaining);
        }

        switch (outcome)
        {
            case Conflicts c: return new ApplyResult.Failure(ConflictStatus(c.List));
            case Rejected r: return new ApplyResult.Failure(r.Status);
        }
        var result = ((Merged)outcome).Object;
        if (request.Manager == KubectlManager) SyncLastApplied(result, applied);
        return CheckIdentity(result, live is null, request) is { } error
            ? new ApplyResult.Failure(error)
            : new ApplyResult.Success(result, live is null);
    }

    /// <summary>
    /// The managedFields of a non-apply write (create when <paramref name="before"/> is null, update, patch): the
    /// fields that <paramref name="after"/> changes move to <see cref="FieldManagementRequest.Manager"/>. Entries the
    /// client sent replace the stored ones; an empty list (or one empty entry) clears them, and an object without
    /// entries stays untracked until its first apply. Pass the object as it will be stored (after defaulting).
    /// </summary>
    public static JsonObject UpdateManagedFields(JsonObject? before, JsonObject after, UpdateRequest request)
    {
        var result = after.DeepClone().AsObject();
        var managed = LiveOrNew(before, after, ignoreNew: request.Subresource.Length > 0);
        ManagedFieldsCodec.Remove(result);
        if (managed.Fields.Count == 0 && before is not null) return result;

        var beforeObject = before is null ? new JsonObject() : Strip(before);
        if (TypedValidation.OfStoredObject(beforeObject, request.Type).Count > 0 || TypedValidation.OfStoredObject(result, request.Type).Count > 0)
            return result; // kube drops managedFields it cannot compute rather than fail the write
        var manager = request.Manager.Length == 0 ? "unknown" : request.Manager;
        RecordUpdate(beforeObject, result, managed, ManagerKey.Of(manager, ManagedFieldsOperation.Update, request.ApiVersion, request.Subresource), request);
        ManagedFieldsCodec.Set(result, managed);
        return result;
    }

    /// <summary>
    /// kube's store keeps the stored entries' times when a write changes nothing but them, so a no-op write does not
    /// bump <c>resourceVersion</c>. Call with the stored object and the object about to be stored.
    /// </summary>
    /// <returns>True when the times were restored in <paramref name="updated"/> (which is then equal to the stored object).</returns>
    public static bool KeepTimesOfNoOpWrite(JsonObject existing, JsonObject updated)
    {
        if (ManagedFieldsCodec.Get(existing) is not JsonArray { Count: > 0 } before
            || ManagedFieldsCodec.Get(updated) is not JsonArray after || after.Count != before.Count)
            return false;
        var timesChanged = false;
        for (var i = 0; i < before.Count; i++)
        {
            if (before[i] is not JsonObject b || after[i] is not JsonObject a) return false;
            if (!Values.Equal(b["time"], a["time"])) timesChanged = true;
            if (!Values.Equal(WithoutTime(b), WithoutTime(a))) return false;
        }
        if (!timesChanged || !Values.Equal(Strip(existing), Strip(updated))) return false;
        for (var i = 0; i < before.Count; i++) after[i] = before[i]!.DeepClone();
        return true;

        static JsonObject WithoutTime(JsonObject entry)
        {
            var copy = entry.DeepClone().AsObject();
            copy.Remove("time");
            return copy;
        }
    }

    private abstract record Outcome;
    private sealed record Merged(JsonObject Object) : Outcome;
    private sealed record Conflicts(IReadOnlyList<Conflict> List) : Outcome;
    private sealed record Rejected(KubeStatus Status) : Outcome;

    private static Outcome ApplyOnce(JsonObject live, JsonObject applied, ManagedFields stored, ApplyRequest request, bool force)
    {
        var managed = stored.Copy();
        if (managed.Fields.Count == 0)
            RecordUpdate(new JsonObject(), live, managed,
                ManagerKey.Of(BeforeFirstApply, ManagedFieldsOperation.Update, request.ApiVersion, request.Subresource), request);

        if (applied["metadata"] is JsonObject metadata && metadata["managedFields"] is not null)
            return new Rejected(KubeStatus.BadRequest("metadata.managedFields must be nil"));
        if (TypedValidation.OfConfiguration(applied, request.Type) is { Count: > 0 } errors)
            return new Rejected(KubeStatus.BadRequest($"failed to create typed patch object ({Identity(applied)}): {TypedError.Join(errors)}"));
        if (TypedValidation.OfStoredObject(live, request.Type) is { Count: > 0 } liveErrors)
            return new Rejected(new KubeStatus(500, "", // kube answers errors that are not Statuses without a reason
                $"failed to create typed live object ({Identity(live)}): {TypedError.Join(liveErrors)}", null));

        var key = ManagerKey.Of(request.Manager, ManagedFieldsOperation.Apply, request.ApiVersion, request.Subresource);
        var updater = new Updater(request.Type, request.ResetFields);
        var merged = updater.Apply(live, applied, request.ApiVersion, managed, key, force, out var conflicts);
        if (conflicts.Count > 0) return new Conflicts(conflicts);
        StripUnowned(managed, key);
        if (merged is not null) managed.Times[key] = Truncate(request.Now);
        var result = merged ?? live.DeepClone().AsObject();
        ManagedFieldsCodec.Set(result, managed);
        return new Merged(result);
    }

    /// <summary>An update by <paramref name="manager"/> (kube's managedFieldsUpdater): changed fields join its entry, stamped now.</summary>
    private static void RecordUpdate(JsonObject before, JsonObject after, ManagedFields managed, ManagerKey manager, FieldManagementRequest request)
    {
        var self = ManagerKey.CurrentOperation;
        new Updater(request.Type, request.ResetFields)
            .Update(TypedView.Of(before, request.Type)!, TypedView.Of(after, request.Type)!, request.ApiVersion, managed, self);
        StripUnowned(managed, self);
        if (managed.Fields.Remove(self, out var changed))
        {
            managed.Fields[manager] = managed.Fields.TryGetValue(manager, out var previous)
                ? changed with { Set = changed.Set.Union(previous.Set) }
                : changed;
            managed.Times[manager] = Truncate(request.Now);
        }
        CapUpdateManagers(managed);
    }

    private static void StripUnowned(ManagedFields managed, ManagerKey manager)
    {
        if (!managed.Fields.TryGetValue(manager, out var owned)) return;
        var set = owned.Set.Difference(Unowned);
        if (set.IsEmpty) managed.Fields.Remove(manager);
        else managed.Fields[manager] = owned with { Set = set };
    }

    /// <summary>
    /// Keeps at most ten update entries: the oldest are merged, per API version, into an <c>ancient-changes</c> entry.
    /// </summary>
    private static void CapUpdateManagers(ManagedFields managed)
    {
        var updaters = managed.Fields.Where(kv => !kv.Value.Applied).Select(kv => kv.Key).ToList();
        if (updaters.Count <= MaxUpdateManagers) return;
        updaters.Sort((a, b) =>
        {
            var c = Seconds(managed.Times.GetValueOrDefault(a)).CompareTo(Seconds(managed.Times.GetValueOrDefault(b)));
            return c != 0 ? c : Utf8Order.Compare(a.Identifier, b.Identifier);
        });
        var firstOfVersion = new Dictionary<string, ManagerKey>(StringComparer.Ordinal);
        var count = updaters.Count;
        for (var i = 0; i < updaters.Count && count > MaxUpdateManagers; i++)
        {
            var manager = updaters[i];
            var owned = managed.Fields[manager];
            var bucket = ManagerKey.Of("ancient-changes", ManagedFieldsOperation.Update, owned.ApiVersion, "");
            if (!firstOfVersion.TryGetValue(owned.ApiVersion, out var first))
            {
                firstOfVersion[owned.ApiVersion] = manager;
                continue;
            }
            if (!managed.Fields.ContainsKey(bucket))
            {
                managed.Fields[bucket] = managed.Fields[first];
                managed.Fields.Remove(first);
            }
            managed.Fields[bucket] = owned with { Set = owned.Set.Union(managed.Fields[bucket].Set) };
            managed.Fields.Remove(manager);
            managed.Times[bucket] = managed.Times.GetValueOrDefault(manager);
            count--;
        }

        static long Seconds(DateTimeOffset? t) => t?.ToUnixTimeSeconds() ?? 0;
    }

    /// <summary>
    /// The entries a non-apply write starts from: those the client sent (a reset clears them), else the stored
    /// ones; entries that do not decode are ignored, so a client cannot corrupt them.
    /// </summary>
    private static ManagedFields LiveOrNew(JsonObject? live, JsonObject after, bool ignoreNew)
    {
        var stored = live is null ? null : ManagedFieldsCodec.Get(live);
        if (ignoreNew) return DecodeOrEmpty(stored);
        var sent = ManagedFieldsCodec.Get(after);
        if (ManagedFieldsCodec.IsReset(sent)) return new ManagedFields();
        try
        {
            var managed = ManagedFieldsCodec.Decode(sent);
            if (managed.Fields.Count > 0) return managed;
        }
        catch (FormatException)
        {
        }
        return DecodeOrEmpty(stored);
    }

    private static ManagedFields DecodeOrEmpty(JsonNode? encoded)
    {
        try
        {
            return ManagedFieldsCodec.Decode(encoded);
        }
        catch (FormatException)
        {
            return new ManagedFields();
        }
    }

    /// <summary>
    /// The fields kubectl's last client-side apply set and that still hold the annotated value: conflicts on them
    /// are kubectl's own (<c>lastAppliedManager</c>). Null when the annotation is missing or unusable.
    /// </summary>
    private static FieldSet? AllowedByLastApplied(JsonObject live, ApplyRequest request)
    {
        if (Annotation(live, LastAppliedAnnotation) is not { Length: > 0 } text) return null;
        JsonObject lastApplied;
        try
        {
            if (JsonNode.Parse(text) is not JsonObject parsed) return null;
            lastApplied = parsed;
        }
        catch (JsonException)
        {
            return null;
        }
        if (Text(lastApplied, "apiVersion") != request.ApiVersion) return null;
        if (TypedValidation.OfConfiguration(lastApplied, request.Type).Count > 0) return null;
        var set = TypedFieldSet.Of(lastApplied, request.Type);
        var changed = TypedCompare.Compare(lastApplied, TypedView.Of(live, request.Type), request.Type);
        return set.Difference(changed.Modified).Difference(changed.Added).Difference(changed.Removed);
    }

    /// <summary>kubectl's annotation follows its server-side applies when the object has one (<c>lastAppliedUpdater</c>).</summary>
    private static void SyncLastApplied(JsonObject result, JsonObject applied)
    {
        if (Annotation(result, LastAppliedAnnotation) is not { Length: > 0 }) return;
        var configuration = applied.DeepClone().AsObject();
        if ((configuration["metadata"] as JsonObject)?["annotations"] is JsonObject own) own.Remove(LastAppliedAnnotation);
        var annotations = result["metadata"]!["annotations"]!.AsObject();
        annotations[LastAppliedAnnotation] = Values.ToGoJson(configuration) + "\n";
        var size = annotations.Sum(kv => Encoding.UTF8.GetByteCount(kv.Key) + (kv.Value is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? Encoding.UTF8.GetByteCount(v.GetValue<string>()) : 0));
        if (size > AnnotationsSizeLimit) annotations.Remove(LastAppliedAnnotation);
    }

    /// <summary>The checks kube's patch handler makes on the patched object: uid on create, namespace, name.</summary>
    private static KubeStatus? CheckIdentity(JsonObject result, bool created, ApplyRequest request)
    {
        var metadata = result["metadata"] as JsonObject;
        if (created && Text(metadata, "uid") is { Length: > 0 } uid)
            return KubeStatus.Conflict(request.Group, request.Resource, request.Name,
                $"uid mismatch: the provided object specified uid {uid}, and no existing object was found");

        var ns = Text(metadata, "namespace");
        if (ns != request.Namespace)
        {
            if (ns.Length == 0) (metadata ??= NewMetadata(result))["namespace"] = request.Namespace;
            else if (request.Namespace.Length == 0) metadata!.Remove("namespace");
            else return KubeStatus.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }
        var name = Text(metadata, "name");
        return name == request.Name
            ? null
            : KubeStatus.BadRequest($"the name of the object ({name}) does not match the name on the URL ({request.Name})");

        static JsonObject NewMetadata(JsonObject obj)
        {
            var m = new JsonObject();
            obj["metadata"] = m;
            return m;
        }
    }

    /// <summary>
    /// <c>Apply failed with 1 conflict: conflict with "m" using v1: .data.key</c>, or for several the conflicts
    /// grouped by manager; one <c>FieldManagerConflict</c> cause each.
    /// </summary>
    private static KubeStatus ConflictStatus(IReadOnlyList<Conflict> conflicts)
    {
        string message;
        if (conflicts.Count == 1)
            message = $"Apply failed with 1 conflict: conflict with {conflicts[0].Manager.Describe()}: {conflicts[0].Path}";
        else
        {
            var lines = conflicts.GroupBy(c => c.Manager)
                .OrderBy(g => g.Key.Identifier, Utf8Order.Comparer)
                .SelectMany(g => g.Select(c => "- " + c.Path).Prepend($"conflicts with {g.Key.Describe()}:"));
            message = $"Apply failed with {conflicts.Count} conflicts: {string.Join("\n", lines)}";
        }
        var causes = conflicts.Select(c => new StatusCause("FieldManagerConflict", "conflict with " + c.Manager.Describe(), c.Path.ToString())).ToArray();
        return new KubeStatus(409, KubeStatus.ReasonConflict, message, new StatusDetails { Causes = causes });
    }

    /// <summary>The object without managedFields (a copy).</summary>
    private static JsonObject Strip(JsonObject obj)
    {
        var copy = obj.DeepClone().AsObject();
        ManagedFieldsCodec.Remove(copy);
        return copy;
    }

    /// <summary>kube's <c>namespace/name; group/version, Kind=kind</c> of an object in messages.</summary>
    private static string Identity(JsonObject obj)
    {
        var metadata = obj["metadata"] as JsonObject;
        return $"{Text(metadata, "namespace")}/{Text(metadata, "name")}; {KindText(obj)}";
    }

    /// <summary>An object's group/version/kind as Go prints it: <c>/v1, Kind=ConfigMap</c>, <c>/, Kind=</c> when unparsable.</summary>
    private static string KindText(JsonObject obj)
    {
        var apiVersion = Text(obj, "apiVersion");
        var kind = Text(obj, "kind");
        var parts = apiVersion.Split('/');
        return parts.Length switch
        {
            _ when apiVersion.Length == 0 => "/, Kind=" + kind,
            1 => "/" + apiVersion + ", Kind=" + kind,
            2 => parts[0] + "/" + parts[1] + ", Kind=" + kind,
            _ => "/, Kind=",
        };
    }

    private static string? Annotation(JsonObject obj, string key) => Text((obj["metadata"] as JsonObject)?["annotations"] as JsonObject, key);

    private static string Text(JsonObject? obj, string name) =>
        obj?[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "";

    private static DateTimeOffset Truncate(DateTimeOffset now) => DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
}
