using System.Text.Json;
using System.Text.Json.Nodes;
using Turnstile.Core.AccessPolicies;
using Turnstile.Core.Authn;
using Turnstile.Core.Authz;
using Turnstile.Core.Clusters;
using Turnstile.Core.Kube;
using Turnstile.Core.Rbac;
using Turnstile.Kube.Access;
using Turnstile.Kube.Handlers;
using Turnstile.Kube.Registry;
using Turnstile.Kube.Storage;

namespace Turnstile.Kube.Reviews;

/// <summary>
/// The review APIs, create-only and never stored (kube's <c>pkg/registry/authorization</c> and
/// <c>pkg/registry/authentication</c>): SelfSubjectAccessReview, SelfSubjectRulesReview (RBAC rules only, as on EKS),
/// LocalSubjectAccessReview, SubjectAccessReview, SelfSubjectReview and TokenReview. Each answers 201 with the object
/// it was sent, its spec as kube re-serializes it and the status filled. Access decisions go through
/// <see cref="IClusterAccess"/>: the caller's own reviews with the caller's access policies; reviews of another
/// subject with EKS access policies only when the subject's extra names the IAM principal of an access entry.
/// </summary>
public sealed class AccessReviews(IClusterAccess access, ITokenAuthenticator? tokens, RegistryOptions options)
{
    private const string AuthorizationGroup = "authorization.k8s.io";
    private const string AuthenticationGroup = "authentication.k8s.io";
    private static readonly KubeUser Anonymous = KubeUser.Of(KubeUser.Anonymous, KubeUser.UnauthenticatedGroup);
    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = false };

    public static bool IsReview(ApiResource resource) =>
        resource.Group is AuthorizationGroup or AuthenticationGroup && resource.Name.EndsWith("reviews", StringComparison.Ordinal);

    public async Task<KubeResponse> CreateAsync(KubeRequest request, CancellationToken cancellationToken)
    {
        var output = MediaTypes.Negotiate(request.Accept) ?? throw new KubeApiException(MediaTypes.NotAcceptable(MediaTypes.Supported));
        var format = MediaTypes.InputFormat(request.ContentType) ?? throw MediaTypes.UnsupportedMediaType(MediaTypes.Supported);
        var body = await BodyDecoder.ReadAsync(request.Body, cancellationToken).ConfigureAwait(false);
        var resource = request.Resource;
        var decoded = BodyDecoder.Decode(body, format, resource.Kind, resource.GroupVersion).Object;
        var user = request.User ?? Anonymous;
        var status = resource.Name switch
        {
            "selfsubjectaccessreviews" => await SelfAccessAsync(request, decoded, user, cancellationToken).ConfigureAwait(false),
            "selfsubjectrulesreviews" => await SelfRulesAsync(request, decoded, user, cancellationToken).ConfigureAwait(false),
            "subjectaccessreviews" => await SubjectAccessAsync(request, decoded, local: false, cancellationToken).ConfigureAwait(false),
            "localsubjectaccessreviews" => await SubjectAccessAsync(request, decoded, local: true, cancellationToken).ConfigureAwait(false),
            "selfsubjectreviews" => SelfReview(decoded, user),
            "tokenreviews" => await TokenReviewAsync(request, decoded, cancellationToken).ConfigureAwait(false),
            _ => throw new KubeApiException(KubeStatus.NotFound(resource.Group, resource.Name, "")),
        };
        return Responses.Document(201, output, status);
    }

    // ---- access reviews ----

    private async Task<JsonObject> SelfAccessAsync(KubeRequest request, KubeObject obj, KubeUser user, CancellationToken cancellationToken)
    {
        var spec = Read<AccessReviewSpec>(obj) ?? new AccessReviewSpec(null, null, null, null, null, null);
        var errors = MetadataMustBeEmpty(obj, "");
        errors.AddRange(AttributeErrors(spec));
        if (errors.Count > 0) throw Invalid(request.Resource, errors);
        var engine = await EngineAsync(request.Cluster, cancellationToken).ConfigureAwait(false);
        return Review(obj, spec.ToJson(withSubject: false), Decide(engine, user, request.AccessPolicies, spec));
    }

    private async Task<JsonObject> SubjectAccessAsync(KubeRequest request, KubeObject obj, bool local, CancellationToken cancellationToken)
    {
        var spec = Read<AccessReviewSpec>(obj) ?? new AccessReviewSpec(null, null, null, null, null, null);
        if (local)
        {
            // The REST storage's checks, before validation (kube answers 400 for these).
            if (obj.Namespace.Length > 0 && obj.Namespace != request.Namespace || spec.ResourceAttributes is { } ra && (ra.Namespace ?? "") != request.Namespace)
                throw KubeApiException.BadRequest("spec.resourceAttributes.namespace must match namespace: " + request.Namespace);
        }
        var errors = MetadataMustBeEmpty(obj, local ? request.Namespace : "");
        errors.AddRange(AttributeErrors(spec));
        if (local && spec.NonResourceAttributes is not null)
            errors.Add(FieldError.Invalid("spec.nonResourceAttributes", GoValue(spec.NonResourceAttributes), "disallowed on this kind of request"));
        if (string.IsNullOrEmpty(spec.User) && spec.Groups is not { Count: > 0 })
            errors.Add(FieldError.Invalid("spec.user", spec.User ?? "", "at least one of user or group must be specified"));
        if (errors.Count > 0) throw Invalid(request.Resource, errors);
        var engine = await EngineAsync(request.Cluster, cancellationToken).ConfigureAwait(false);
        var subject = new KubeUser(spec.User ?? "", spec.Uid ?? "", spec.Groups ?? [], spec.Extra ?? KubeUser.NoExtra);
        var review = Review(obj, spec.ToJson(withSubject: true), Decide(engine, subject, PoliciesOf(engine, subject), spec));
        if (local) ((JsonObject)review["metadata"]!)["namespace"] = request.Namespace;
        return review;
    }

    // EKS's authorizer decides on the IAM principal behind a user: the extra aws-iam-authenticator sets names it.
    private static IReadOnlyList<AssociatedAccessPolicy> PoliciesOf(AccessEngine engine, KubeUser subject)
    {
        var arn = subject.Extra.TryGetValue("canonicalArn", out var values) && values.Count == 1 ? values[0] : null;
        if (arn is null) return [];
        var entry = engine.Model.AccessEntries.FirstOrDefault(e => string.Equals(e.PrincipalArn, arn, StringComparison.OrdinalIgnoreCase));
        return entry?.AccessPolicies ?? [];
    }

    private static JsonObject Decide(AccessEngine engine, KubeUser user, IReadOnlyList<AssociatedAccessPolicy> policies, AccessReviewSpec spec)
    {
        var attributes = spec.ResourceAttributes is { } ra
            ? RequestAttributes.ForResource(ra.Verb ?? "", ra.Group ?? "", ra.Resource ?? "", ra.Namespace ?? "", ra.Name ?? "", ra.Subresource ?? "",
                string.IsNullOrEmpty(ra.Version) ? "*" : ra.Version)
            : RequestAttributes.ForPath(spec.NonResourceAttributes!.Verb ?? "", spec.NonResourceAttributes.Path ?? "");
        var result = engine.Authorizer.Authorize(user, policies, attributes);
        var status = new JsonObject { ["allowed"] = result.Allowed };
        if (result.Reason.Length > 0) status["reason"] = result.Reason;
        if (!result.Allowed && result.Rbac.ResolutionErrors is { Length: > 0 } errors) status["evaluationError"] = errors;
        return status;
    }

    private static IEnumerable<FieldError> AttributeErrors(AccessReviewSpec spec)
    {
        if (spec.ResourceAttributes is not null && spec.NonResourceAttributes is not null)
            yield return FieldError.Invalid("spec.nonResourceAttributes", GoValue(spec.NonResourceAttributes), "cannot be specified in combination with resourceAttributes");
        if (spec.ResourceAttributes is null && spec.NonResourceAttributes is null)
            yield return FieldError.Invalid("spec.resourceAttributes", null, "exactly one of nonResourceAttributes or resourceAttributes must be specified");
    }

    // Go's %#v of the internal type, as a field error prints a struct value.
    private static FieldError.Verbatim GoValue(NonResourceAttributes attributes) =>
        new($"authorization.NonResourceAttributes{{Path:{GoJson.Quote(attributes.Path ?? "")}, Verb:{GoJson.Quote(attributes.Verb ?? "")}}}");

    private async Task<JsonObject> SelfRulesAsync(KubeRequest request, KubeObject obj, KubeUser user, CancellationToken cancellationToken)
    {
        var spec = Read<RulesReviewSpec>(obj);
        var ns = spec?.Namespace ?? "";
        if (ns.Length == 0) throw KubeApiException.BadRequest("no namespace on request");
        var engine = await EngineAsync(request.Cluster, cancellationToken).ConfigureAwait(false);
        var rules = SubjectRulesReview.For(engine.Authorizer.Rbac, user, ns);
        var status = new JsonObject
        {
            ["resourceRules"] = new JsonArray(rules.ResourceRules.Select(r => (JsonNode?)ResourceRule(r)).ToArray()),
            ["nonResourceRules"] = new JsonArray(rules.NonResourceRules.Select(r => (JsonNode?)new JsonObject
            {
                ["verbs"] = Strings(r.Verbs),
                ["nonResourceURLs"] = Strings(r.NonResourceUrls),
            }).ToArray()),
            ["incomplete"] = rules.Incomplete,
        };
        if (rules.EvaluationError.Length > 0) status["evaluationError"] = rules.EvaluationError;
        return Review(obj, new JsonObject { ["namespace"] = ns }, status);
    }

    private static JsonObject ResourceRule(ResourceRule rule)
    {
        var obj = new JsonObject { ["verbs"] = Strings(rule.Verbs) };
        if (rule.ApiGroups.Count > 0) obj["apiGroups"] = Strings(rule.ApiGroups);
        if (rule.Resources.Count > 0) obj["resources"] = Strings(rule.Resources);
        if (rule.ResourceNames.Count > 0) obj["resourceNames"] = Strings(rule.ResourceNames);
        return obj;
    }

    // ---- authentication reviews ----

    // kubectl auth whoami: the user as authenticated (after impersonation); the body is not validated.
    private JsonObject SelfReview(KubeObject obj, KubeUser user) => new()
    {
        ["kind"] = obj.Kind,
        ["apiVersion"] = obj.ApiVersion,
        ["metadata"] = new JsonObject { ["creationTimestamp"] = options.Now() },
        ["status"] = new JsonObject { ["userInfo"] = UserInfo(user) },
    };

    private async Task<JsonObject> TokenReviewAsync(KubeRequest request, KubeObject obj, CancellationToken cancellationToken)
    {
        var spec = Read<TokenReviewSpec>(obj);
        if (string.IsNullOrEmpty(spec?.Token)) throw KubeApiException.BadRequest("token is required for TokenReview in authentication");
        var result = tokens is null
            ? TokenAuthentication.Failed("token authentication is not available in this cluster")
            : await tokens.AuthenticateAsync(request.Cluster, spec.Token, cancellationToken).ConfigureAwait(false);
        var status = new JsonObject { ["authenticated"] = result.User is not null };
        if (result.User is { } user) status["user"] = UserInfo(user);
        if (spec.Audiences is { Count: > 0 } audiences && result.User is not null) status["audiences"] = Strings(audiences);
        if (result.User is null && result.Error.Length > 0) status["error"] = result.Error;
        var specJson = new JsonObject { ["token"] = spec.Token };
        if (spec.Audiences is { Count: > 0 }) specJson["audiences"] = Strings(spec.Audiences);
        return Review(obj, specJson, status);
    }

    private static JsonObject UserInfo(KubeUser user)
    {
        var info = new JsonObject { ["username"] = user.Username };
        if (user.Uid.Length > 0) info["uid"] = user.Uid;
        if (user.Groups.Count > 0) info["groups"] = Strings(user.Groups);
        if (user.Extra.Count > 0) info["extra"] = ReviewJson.Extra(user.Extra);
        return info;
    }

    // ---- shared ----

    private async Task<AccessEngine> EngineAsync(string cluster, CancellationToken cancellationToken) =>
        await access.EngineAsync(cluster, cancellationToken).ConfigureAwait(false)
        ?? throw new KubeApiException(new KubeStatus(404, KubeStatus.ReasonNotFound, "the server could not find the requested resource", new StatusDetails()));

    // The object echoed: kind, apiVersion, its (empty) metadata as Go writes a zero ObjectMeta, spec, status.
    private static JsonObject Review(KubeObject obj, JsonObject spec, JsonObject status) => new()
    {
        ["kind"] = obj.Kind,
        ["apiVersion"] = obj.ApiVersion,
        ["metadata"] = new JsonObject { ["creationTimestamp"] = null },
        ["spec"] = spec,
        ["status"] = status,
    };

    private static T? Read<T>(KubeObject obj) where T : class
    {
        try
        {
            return obj["spec"]?.Deserialize<T>(Json);
        }
        catch (JsonException e)
        {
            throw BodyDecoder.CannotHandle(obj.Kind, "v1", "json: " + e.Message);
        }
    }

    // ValidateSubjectAccessReview and its kin: the metadata must be empty (a LocalSubjectAccessReview's may name its namespace).
    private static List<FieldError> MetadataMustBeEmpty(KubeObject obj, string allowedNamespace)
    {
        var meta = (JsonObject)obj.Metadata.DeepClone();
        if (meta["namespace"] is JsonValue ns && ns.GetValueKind() == JsonValueKind.String && ns.GetValue<string>() == allowedNamespace) meta.Remove("namespace");
        foreach (var member in meta.Select(p => p.Key).ToList())
            if (meta[member] is null || meta[member] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Length == 0) meta.Remove(member);
        return meta.Count == 0 ? [] : [FieldError.Invalid("metadata", new FieldError.Verbatim(GoObjectMeta(obj.Metadata)), "must be empty")];
    }

    // Go's %#v of the metav1.ObjectMeta fields a request can set by name (the others print their zero values).
    private static string GoObjectMeta(JsonObject meta)
    {
        string S(string member) => GoJson.Quote(meta[member] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "");
        string Map(string member) => meta[member] is JsonObject { Count: > 0 } m
            ? "map[string]string{" + string.Join(", ", m.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{GoJson.Quote(p.Key)}:{GoJson.Quote(p.Value?.ToString() ?? "")}")) + "}"
            : "map[string]string(nil)";
        return $"v1.ObjectMeta{{Name:{S("name")}, GenerateName:{S("generateName")}, Namespace:{S("namespace")}, SelfLink:\"\", UID:{S("uid")}, " +
               $"ResourceVersion:{S("resourceVersion")}, Generation:0, CreationTimestamp:time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC), " +
               "DeletionTimestamp:<nil>, DeletionGracePeriodSeconds:(*int64)(nil), " +
               $"Labels:{Map("labels")}, Annotations:{Map("annotations")}, OwnerReferences:[]v1.OwnerReference(nil), Finalizers:[]string(nil), " +
               "ManagedFields:[]v1.ManagedFieldsEntry(nil)}";
    }

    private static KubeApiException Invalid(ApiResource resource, IReadOnlyList<FieldError> errors) =>
        new(KubeStatus.Invalid(resource.Group, resource.Kind, "", errors));

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)v).ToArray());
}
