using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Turnstile.Core.Kube;
using Turnstile.Kube.Registry;
using Turnstile.Kube.Storage;

namespace Turnstile.Kube.Handlers;

public sealed partial class KubeApiHandlers
{
    // kube's PatchResource: the patch type by Content-Type (415 otherwise), applied to the current object inside the
    // update loop, so a concurrent write makes it apply again to the newer object. Only apply creates.
    private async Task<KubeResponse> PatchAsync(KubeRequest request, RegistryRequest scope, CancellationToken cancellationToken)
    {
        var resource = scope.Resource;
        var supported = _patcher?.SupportedTypes(resource.Api) ?? [];
        var types = PatchTypes.All.Where(t => supported.Contains(t.Type)).ToList();
        var mediaType = (request.ContentType ?? "").Split(';')[0].Trim();
        var index = types.FindIndex(t => t.MediaType == mediaType);
        if (index < 0) throw MediaTypes.UnsupportedMediaType(types.Select(t => t.MediaType));
        var type = types[index].Type;
        var output = Negotiate(request);
        var body = await BodyDecoder.ReadAsync(request.Body, cancellationToken).ConfigureAwait(false);
        var options = RequestOptions.Write(request.Query, "PatchOptions", type);
        var write = scope with { DryRun = options.IsDryRun };
        var manager = options.FieldManager.Length > 0 ? options.FieldManager : ManagerFromUserAgent(request.UserAgent);
        var warnings = new List<string>();

        KubeObject Patch(KubeObject? current, string kind, string apiVersion)
        {
            var result = _patcher!.Apply(new PatchRequest(type, resource.Api, current?.Root.DeepClone() as JsonObject, body, manager,
                options.Force == true, options.Directive));
            warnings.AddRange(result.Warnings.Select(Responses.Warning));
            var patched = Patched(result.Object, kind, apiVersion, resource);
            if (current is null && patched.Uid.Length > 0)
                throw new KubeApiException(KubeStatus.Conflict(resource.Group, resource.Resource, scope.Name,
                    $"uid mismatch: the provided object specified uid {patched.Uid}, and no existing object was found"));
            EnsureNamespace(resource, scope.Namespace, patched);
            CheckName(patched, scope.Name);
            return patched;
        }

        if (request.Subresource == "scale")
        {
            var scale = await ScaleSubresource.UpdateAsync(_registry, write,
                current => ValueTask.FromResult(Patch(current, "Scale", ScaleSubresource.ApiVersion)), cancellationToken).ConfigureAwait(false);
            return _responses.Object(200, ScaleResource(resource), scale, output, warnings);
        }
        var (obj, created) = await _registry.UpdateAsync(write, existing =>
        {
            if (existing is null && type != PatchType.Apply) throw KubeRegistry.NotFound(resource, scope.Name);
            var patched = Patch(existing, resource.Kind, resource.Api.GroupVersion);
            resource.Strategy.Normalize(patched);
            return ValueTask.FromResult(patched);
        }, preconditionUid: null, forceAllowCreate: type == PatchType.Apply, cancellationToken).ConfigureAwait(false);
        return _responses.Object(created ? 201 : 200, resource, obj, output, warnings);
    }

    // The patched JSON decoded as the endpoint's kind; a result that does not decode is a 422 naming the patch.
    private static KubeObject Patched(JsonObject result, string kind, string apiVersion, RegistryResource resource)
    {
        var obj = new KubeObject(result, resource.IsCustom && kind == resource.Kind);
        if (obj.Kind.Length == 0) obj.Kind = kind;
        if (obj.ApiVersion.Length == 0) obj.ApiVersion = apiVersion;
        var problem = obj.Kind != kind || obj.ApiVersion != apiVersion
            ? $"the patched object is a {obj.ApiVersion} {obj.Kind}, not a {apiVersion} {kind}"
            : ObjectShape.Check(result) ?? resource.Strategy.CheckDecoded(obj);
        if (problem is not null)
            throw new KubeApiException(KubeStatus.Invalid("", "", "", [FieldError.Invalid("patch", Encoding.UTF8.GetString(KubeJson.Serialize(result)), problem)]));
        return obj;
    }

    // kube's prefixFromUserAgent: the product part of the User-Agent, printable characters, at most 128 bytes.
    private static string ManagerFromUserAgent(string userAgent)
    {
        var product = userAgent.Split('/')[0];
        var builder = new StringBuilder();
        foreach (var rune in product.EnumerateRunes())
        {
            if (Rune.IsControl(rune)) continue;
            if (Encoding.UTF8.GetByteCount(builder.ToString()) + rune.Utf8SequenceLength > 128) break;
            builder.Append(rune.ToString());
        }
        return builder.ToString();
    }
}
