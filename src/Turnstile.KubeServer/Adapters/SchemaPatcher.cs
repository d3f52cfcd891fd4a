using System.Text;
using System.Text.Json.Nodes;
using Turnstile.Core.Kube;
using Turnstile.Kube;
using Turnstile.Kube.Apply;
using Turnstile.Kube.Apply.Schema;
using Turnstile.Kube.Catalog;
using Turnstile.Kube.Handlers;
using Turnstile.Kube.OpenApi;
using Turnstile.Kube.Patch;
using Turnstile.Kube.Storage;
using Turnstile.Kube.Validation;

namespace Turnstile.KubeServer.Adapters;

/// <summary>
/// The four patch engines behind the handlers' <see cref="IPatcher"/> seam, with one cluster's schemas: JSON patch,
/// merge patch, strategic merge patch (built-in kinds, merge keys from the OpenAPI schema) and server-side apply.
/// After a JSON, merge or strategic merge patch the result is checked like kube's patch handler decodes it: unknown
/// fields of the patched object and duplicate fields of the patch are an error (Strict), warnings (Warn) or dropped.
/// </summary>
public sealed class SchemaPatcher(ApiSnapshot snapshot, TimeProvider time) : IPatcher
{
    private static readonly IReadOnlyList<PatchType> BuiltInTypes = [PatchType.Json, PatchType.Merge, PatchType.StrategicMerge, PatchType.Apply];
    private static readonly IReadOnlyList<PatchType> CustomTypes = [PatchType.Json, PatchType.Merge, PatchType.Apply];

    private readonly Lazy<ApplySchemaSet> _applySchemas = new(() => ApplySchemaSet.FromSchemas(snapshot.Schemas.Schemas));

    public IReadOnlyList<PatchType> SupportedTypes(ApiResource resource) =>
        snapshot.FindCustomResource(resource.Group, resource.Name.Split('/')[0]) is null ? BuiltInTypes : CustomTypes;

    public PatchResult Apply(PatchRequest request)
    {
        try
        {
            return request.Type == PatchType.Apply ? ServerSide(request) : Patch(request);
        }
        catch (PatchException e)
        {
            throw new KubeApiException(e.Status);
        }
    }

    private PatchResult Patch(PatchRequest request)
    {
        var patchText = Encoding.UTF8.GetString(request.Patch.Span);
        var current = request.Current ?? new JsonObject();
        var schema = SchemaOf(request.Resource);
        var (patched, patchProblems) = request.Type switch
        {
            PatchType.Json => (JsonPatch.Apply(current, patchText), JsonPatch.StrictProblems(patchText)),
            PatchType.Merge => (JsonMergePatch.Apply(current, patchText), FieldValidation.DuplicateFields(request.Patch.Span)),
            _ => (StrategicMergePatch.Apply(current, patchText, schema), FieldValidation.DuplicateFields(request.Patch.Span)),
        };
        if (patched is not JsonObject obj)
            throw new KubeApiException(KubeStatus.BadRequest("the patched object is not a JSON object"));
        var mode = FieldValidation.ParseMode(request.FieldValidation) ?? FieldValidationMode.Warn;
        if (mode == FieldValidationMode.Ignore) return new PatchResult(schema is null ? obj : Pruned(obj, schema), []);
        var problems = new List<string>(patchProblems);
        if (schema is not null)
        {
            var check = FieldValidation.Prune(obj, schema, FieldValidationMode.Warn);
            if (check.Error is { } error) throw new KubeApiException(error);
            problems.AddRange(check.Warnings);
            obj = check.Object!;
        }
        if (problems.Count == 0) return new PatchResult(obj, []);
        if (mode == FieldValidationMode.Strict)
        {
            var badValue = request.Type == PatchType.StrategicMerge
                ? GoFormat.Value(FieldValidation.ParseLastWins(patchText))
                : obj.ToJsonString();
            throw new KubeApiException(FieldValidation.PatchStrictError(badValue, problems));
        }
        return new PatchResult(obj, problems);
    }

    private static JsonObject Pruned(JsonObject obj, SchemaNode schema) =>
        FieldValidation.Prune(obj, schema, FieldValidationMode.Ignore) is { Object: { } pruned } ? pruned : obj;

    private PatchResult ServerSide(PatchRequest request)
    {
        if (!AppliedConfiguration.TryParse(request.Patch.Span, out var applied, out var badBody)) throw new KubeApiException(badBody!);
        var resource = request.Resource;
        var parts = resource.Name.Split('/');
        var type = _applySchemas.Value.ForKind(resource.Group, resource.Version, resource.Kind) ?? ApplyType.Deduced;
        var current = request.Current;
        var result = ServerSideApply.Apply(current, applied, new ApplyRequest
        {
            Manager = request.FieldManager,
            Force = request.Force,
            Group = resource.Group,
            Version = resource.Version,
            Kind = resource.Kind,
            Resource = parts[0],
            Subresource = parts.Length > 1 ? parts[1] : "",
            Namespace = current?["metadata"]?["namespace"]?.GetValue<string>() ?? applied["metadata"]?["namespace"]?.GetValue<string>() ?? "",
            Name = current?["metadata"]?["name"]?.GetValue<string>() ?? applied["metadata"]?["name"]?.GetValue<string>() ?? "",
            Type = type,
            Now = time.GetUtcNow(),
        });
        return result switch
        {
            ApplyResult.Success s => new PatchResult(s.Object, []),
            ApplyResult.Failure f => throw new KubeApiException(f.Status),
            _ => throw new InvalidOperationException("unknown apply result"),
        };
    }

    private SchemaNode? SchemaOf(ApiResource resource) =>
        snapshot.Schemas.ForKind(new GroupVersionKind(resource.Group, resource.Version, resource.Kind));
}
