using System.Text.Json.Nodes;
using Turnstile.Core.Kube;
using Turnstile.Kube.Registry;
using Turnstile.Kube.Reviews;
using Turnstile.Kube.Storage;

namespace Turnstile.Kube.Handlers;

/// <summary>Settings of watch requests.</summary>
public sealed record WatchSettings
{
    /// <summary>kube-apiserver's --min-request-timeout: a watch without timeoutSeconds lasts between this and twice this.</summary>
    public TimeSpan MinRequestTimeout { get; init; } = TimeSpan.FromSeconds(1800);

    /// <summary>How often bookmarks are sent to watchers that allow them.</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// The per-verb handlers of kube-apiserver's endpoints (get, list, watch, create, update, patch, delete,
/// deletecollection) over the <see cref="KubeRegistry"/>, with its content negotiation and error texts. A request
/// arrives routed (cluster, resource, namespace, name, subresource, verb) and already authorized; every failure is
/// answered as a Status (JSON, or YAML when asked).
/// </summary>
public sealed partial class KubeApiHandlers
{
    private readonly KubeRegistry _registry;
    private readonly IPatcher? _patcher;
    private readonly IFieldValidator _fields;
    private readonly Responses _responses;
    private readonly WatchSettings _watch;
    private readonly AccessReviews? _reviews;

    /// <param name="reviews">The review APIs; without them their resources answer 404 (nothing would decide them).</param>
    public KubeApiHandlers(KubeRegistry registry, IPatcher? patcher = null, ITableConvertor? tables = null, IFieldValidator? fields = null,
        WatchSettings? watch = null, AccessReviews? reviews = null)
    {
        _reviews = reviews;
        _registry = registry;
        _patcher = patcher;
        _fields = fields ?? AcceptAllFields.Instance;
        _responses = new Responses(tables ?? DefaultTableConvertor.Instance);
        _watch = watch ?? new WatchSettings();
    }

    public KubeRegistry Registry => _registry;

    public async Task<KubeResponse> HandleAsync(KubeRequest request, CancellationToken cancellationToken = default)
    {
        try
        {
            if (AccessReviews.IsReview(request.Resource)) return await ReviewAsync(request, cancellationToken).ConfigureAwait(false);
            var resource = _registry.Resource(request.Resource);
            var scope = new RegistryRequest(request.Cluster, resource, resource.Namespaced ? request.Namespace : "", request.Name, request.Subresource)
            {
                User = request.User,
                AccessPolicies = request.AccessPolicies,
                AuthorizeCreate = request.AuthorizeCreate,
            };
            if (resource.Group.Length == 0 && resource.Resource == "pods" && PodConnection.Subresources.Contains(request.Subresource))
            {
                if (!PodConnection.AllowsVerb(request.Subresource, request.Verb)) return _responses.Status(MethodNotAllowed(), request.Accept);
                return _responses.Status(await PodConnection.ConnectAsync(_registry, scope, request.Query, cancellationToken).ConfigureAwait(false), request.Accept);
            }
            if (!Allowed(request, resource)) return _responses.Status(MethodNotAllowed(), request.Accept);
            return request.Verb switch
            {
                "get" => await GetAsync(request, scope, cancellationToken).ConfigureAwait(false),
                "list" or "watch" => await ListAsync(request, scope, cancellationToken).ConfigureAwait(false),
                "create" => await CreateAsync(request, scope, cancellationToken).ConfigureAwait(false),
                "update" => await UpdateAsync(request, scope, cancellationToken).ConfigureAwait(false),
                "patch" => await PatchAsync(request, scope, cancellationToken).ConfigureAwait(false),
                "delete" => await DeleteAsync(request, scope, cancellationToken).ConfigureAwait(false),
                "deletecollection" => await DeleteCollectionAsync(request, scope, cancellationToken).ConfigureAwait(false),
                _ => _responses.Status(MethodNotAllowed(), request.Accept),
            };
        }
        catch (KubeApiException e)
        {
            return _responses.Status(e.Status, request.Accept);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A fault of this server, not of the request: kube's InternalError Status rather than a dropped connection.
            return _responses.Status(new KubeStatus(500, KubeStatus.ReasonInternalError, "Internal error occurred: " + e.Message,
                new StatusDetails { Causes = [new StatusCause("", e.Message, "")] }), request.Accept);
        }
    }

    // Reviews are created and answered, never stored.
    private async Task<KubeResponse> ReviewAsync(KubeRequest request, CancellationToken cancellationToken)
    {
        if (_reviews is null)
            return _responses.Status(new KubeStatus(404, KubeStatus.ReasonNotFound, "the server could not find the requested resource", new StatusDetails()), request.Accept);
        if (request.Verb != "create" || request.Subresource.Length > 0) return _responses.Status(MethodNotAllowed(), request.Accept);
        return await _reviews.CreateAsync(request, cancellationToken).ConfigureAwait(false);
    }

    // The verbs the resource (or subresource) serves; anything else is the router's 405.
    private static bool Allowed(KubeRequest request, RegistryResource resource)
    {
        if (request.Subresource.Length == 0) return resource.Api.HasVerb(request.Verb);
        var sub = resource.Api.FindSubresource(request.Subresource);
        var served = request.Subresource switch
        {
            "status" or "scale" => request.Verb is "get" or "update" or "patch",
            "finalize" => request.Verb == "update" && resource.Group.Length == 0 && resource.Resource == "namespaces",
            _ => false,
        };
        return served && sub is not null && sub.Verbs.Contains(request.Verb);
    }

    private static KubeStatus MethodNotAllowed() =>
        new(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", new StatusDetails());

    private static OutputType Negotiate(KubeRequest request) =>
        MediaTypes.Negotiate(request.Accept) ?? throw new KubeApiException(MediaTypes.NotAcceptable(MediaTypes.Supported));

    // ---- get ----

    private async Task<KubeResponse> GetAsync(KubeRequest request, RegistryRequest scope, CancellationToken cancellationToken)
    {
        var output = Negotiate(request);
        var resourceVersion = RequestOptions.GetResourceVersion(request.Query);
        if (request.Subresource == "scale")
        {
            var scale = await ScaleSubresource.GetAsync(_registry, scope, cancellationToken).ConfigureAwait(false);
            return _responses.Object(200, ScaleResource(scope.Resource), scale, output, []);
        }
        var stored = await _registry.GetAsync(scope, resourceVersion, cancellationToken).ConfigureAwait(false);
        return _responses.Object(200, scope.Resource, stored, output, []);
    }

    // ---- list and watch ----

    private async Task<KubeResponse> ListAsync(KubeRequest request, RegistryRequest scope, CancellationToken cancellationToken)
    {
        var options = RequestOptions.List(request.Query, request.Verb == "watch");
        var output = Negotiate(request);
        var resource = scope.Resource;
        RequestOptions.CheckFieldLabels(options.Field, resource.Strategy.FieldLabels(resource));
        var field = options.Field;
        if (request.Name.Length > 0)
        {
            // A watch of one object by name (/watch/namespaces/ns/pods/name) selects it by metadata.name.
            if (!field.IsEmpty && field.RequiresExactMatch("metadata.name") != request.Name)
                throw KubeApiException.BadRequest("fieldSelector metadata.name doesn't match requested name");
            if (field.IsEmpty) field = FieldSelector.Parse("metadata.name=" + EscapeFieldValue(request.Name));
        }
        var predicate = KubeRegistry.Predicate(resource, options.Label, field);
        var table = output.Transform == OutputTransform.Table ? TableOptions.From(request.Query) : TableOptions.Default;
        if (options.Watch) return await WatchAsync(request, scope with { Name = "" }, options, predicate, output, table, cancellationToken).ConfigureAwait(false);
        var page = await _registry.ListAsync(scope, new ListQuery
        {
            ResourceVersion = options.ResourceVersion,
            ResourceVersionMatch = options.ResourceVersionMatch,
            Limit = options.Limit,
            Continue = options.Continue,
            Predicate = predicate,
        }, cancellationToken).ConfigureAwait(false);
        return _responses.List(resource, page, output, table);
    }

    private static string EscapeFieldValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(",", "\\,", StringComparison.Ordinal).Replace("=", "\\=", StringComparison.Ordinal);

    // ---- create ----

    private async Task<KubeResponse> CreateAsync(KubeRequest request, RegistryRequest scope, CancellationToken cancellationToken)
    {
        if (request.Subresource.Length > 0) throw new KubeApiException(MethodNotAllowed());
        var output = Negotiate(request);
        var format = MediaTypes.InputFormat(request.ContentType) ?? throw MediaTypes.UnsupportedMediaType(MediaTypes.Supported);
        var body = await BodyDecoder.ReadAsync(request.Body, cancellationToken).ConfigureAwait(false);
        var options = RequestOptions.Write(request.Query, "CreateOptions");
        var resource = scope.Resource;
        var (obj, warnings) = DecodeObject(body, format, resource, options);
        WipeSystemFields(obj);
        var name = obj.Name;
        var ns = scope.Namespace;
        if (resource.Group.Length == 0 && resource.Resource == "namespaces" && ns.Length == 0) ns = name;
        EnsureNamespace(resource, ns, obj);
        var created = await _registry.CreateAsync(scope with { Namespace = resource.Namespaced ? ns : "", Name = name, DryRun = options.IsDryRun }, obj,
            cancellationToken).ConfigureAwait(false);
        return _responses.Object(201, resource, created, output, warnings);
    }

    /// <summary>Decodes, checks fields per the validation directive, normalizes: the object a write stores.</summary>
    private (KubeObject Object, IReadOnlyList<string> Warnings) DecodeObject(byte[] body, OutputFormat format, RegistryResource resource, WriteOptions options,
        string? kind = null, string? apiVersion = null)
    {
        kind ??= resource.Kind;
        apiVersion ??= resource.Api.GroupVersion;
        var decoded = BodyDecoder.Decode(body, format, kind, apiVersion, resource.IsCustom && kind == resource.Kind);
        var obj = decoded.Object;
        var version = apiVersion.Contains('/') ? apiVersion[(apiVersion.IndexOf('/') + 1)..] : apiVersion;
        if (resource.Strategy.CheckDecoded(obj) is { } decodeError) throw BodyDecoder.CannotHandle(kind, version, decodeError);
        var warnings = FieldProblems(resource, obj.Root, decoded.DuplicateFields, options.Directive, kind, version);
        resource.Strategy.Normalize(obj);
        return (obj, warnings);
    }

    // Strict decoding: Strict refuses unknown and duplicate fields, Warn reports them, Ignore drops them silently.
    private IReadOnlyList<string> FieldProblems(RegistryResource resource, JsonObject obj, IReadOnlyList<string> duplicates, string directive, string kind, string version)
    {
        if (directive == "Ignore") return [];
        var problems = duplicates.Concat(_fields.UnknownFields(resource.Api, obj)).ToList();
        if (problems.Count == 0) return [];
        if (directive == "Strict") throw BodyDecoder.CannotHandle(kind, version, "strict decoding error: " + string.Join(", ", problems));
        return problems.Select(Responses.Warning).ToList();
    }

    // rest.WipeObjectMetaSystemFields: a client does not choose these.
    private static void WipeSystemFields(KubeObject obj)
    {
        obj.CreationTimestamp = "";
        obj.Uid = "";
        obj.DeletionTimestamp = "";
        obj.DeletionGracePeriodSeconds = null;
        obj.Metadata.Remove("selfLink");
    }

    // rest.EnsureObjectNamespaceMatchesRequestNamespace.
    private static void EnsureNamespace(RegistryResource resource, string requestNamespace, KubeObject obj)
    {
        var expected = resource.Namespaced ? requestNamespace : "";
        var actual = obj.Namespace;
        if (actual == expected) return;
        if (actual.Length == 0 || expected.Length == 0)
        {
            obj.Namespace = expected;
            return;
        }
        throw KubeApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
    }

    private static void CheckName(KubeObject obj, string name)
    {
        if (obj.Name != name)
            throw KubeApiException.BadRequest($"the name of the object ({obj.Name}) does not match the name on the URL ({name})");
    }

    // ---- update ----

    private async Task<KubeResponse> UpdateAsync(KubeRequest request, RegistryRequest scope, CancellationToken cancellationToken)
    {
        var output = Negotiate(request);
        var body = await BodyDecoder.ReadAsync(request.Body, cancellationToken).ConfigureAwait(false);
        var options = RequestOptions.Write(request.Query, "UpdateOptions");
        var format = MediaTypes.InputFormat(request.ContentType) ?? throw MediaTypes.UnsupportedMediaType(MediaTypes.Supported);
        var resource = scope.Resource;
        var write = scope with { DryRun = options.IsDryRun };
        if (request.Subresource == "scale")
        {
            var (scaleBody, scaleWarnings) = DecodeObject(body, format, resource, options, "Scale", ScaleSubresource.ApiVersion);
            EnsureNamespace(resource, scope.Namespace, scaleBody);
            CheckName(scaleBody, scope.Name);
            var scale = await ScaleSubresource.UpdateAsync(_registry, write, _ => ValueTask.FromResult(scaleBody), cancellationToken).ConfigureAwait(false);
            return _responses.Object(200, ScaleResource(resource), scale, output, scaleWarnings);
        }
        var (obj, warnings) = DecodeObject(body, format, resource, options);
        EnsureNamespace(resource, scope.Namespace, obj);
        CheckName(obj, scope.Name);
        var uid = obj.Uid.Length > 0 ? obj.Uid : null;
        var (result, created) = await _registry.UpdateAsync(write, _ => ValueTask.FromResult(obj.Clone()), uid, forceAllowCreate: false, cancellationToken)
            .ConfigureAwait(false);
        return _responses.Object(created ? 201 : 200, resource, result, output, warnings);
    }

    // The Scale kind as a response type (autoscaling/v1, a built-in kind).
    private static RegistryResource ScaleResource(RegistryResource parent)
    {
        var sub = parent.ScaleSubresource!;
        return new RegistryResource(new ApiResource
        {
            Name = parent.Resource + "/scale",
            Namespaced = parent.Namespaced,
            Kind = "Scale",
            Group = sub.Group,
            Version = sub.Version,
            Verbs = sub.Verbs,
        }, KindStrategy.Generic);
    }

    // ---- delete ----

    private async Task<KubeResponse> DeleteAsync(KubeRequest request, RegistryRequest scope, CancellationToken cancellationToken)
    {
        var output = Negotiate(request);
        var body = await BodyDecoder.ReadAsync(request.Body, cancellationToken).ConfigureAwait(false);
        var options = RequestOptions.Delete(request.Query, body, request.ContentType);
        var outcome = await _registry.DeleteAsync(scope with { DryRun = options.DryRun }, options, cancellationToken).ConfigureAwait(false);
        var code = !outcome.Deleted && options.OrphanDependents == false ? 202 : 200;
        if (outcome.AnswerWithStatus) return Responses.Raw(code, output with { Transform = OutputTransform.None }, Responses.SuccessStatus(scope.Resource, outcome.Object), []);
        return _responses.Object(code, scope.Resource, outcome.Object, output, []);
    }

    private async Task<KubeResponse> DeleteCollectionAsync(KubeRequest request, RegistryRequest scope, CancellationToken cancellationToken)
    {
        var output = Negotiate(request);
        var list = RequestOptions.List(request.Query, watchVerb: false);
        var resource = scope.Resource;
        RequestOptions.CheckFieldLabels(list.Field, resource.Strategy.FieldLabels(resource));
        var body = await BodyDecoder.ReadAsync(request.Body, cancellationToken).ConfigureAwait(false);
        var options = RequestOptions.Delete(request.Query, body, request.ContentType);
        var page = await _registry.DeleteCollectionAsync(scope with { DryRun = options.DryRun }, new ListQuery
        {
            ResourceVersion = list.ResourceVersion,
            ResourceVersionMatch = list.ResourceVersionMatch,
            Limit = list.Limit,
            Continue = list.Continue,
            Predicate = KubeRegistry.Predicate(resource, list.Label, list.Field),
        }, options, cancellationToken).ConfigureAwait(false);
        return _responses.List(resource, page, output with { Transform = OutputTransform.None }, TableOptions.Default);
    }
}
