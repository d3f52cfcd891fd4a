using Turnstile.Core.Kube;

namespace Turnstile.Kube.OpenApi;

/// <summary>A parameter of an operation; <see cref="Type"/> is <c>string</c>, <c>integer</c> or <c>boolean</c>.</summary>
internal sealed record ApiParameter(string Name, string In, string Type, bool Required = false);

/// <summary>One operation of a path, independent of the OpenAPI version it is rendered in.</summary>
/// <param name="Action"><c>x-kubernetes-action</c>: list, get, post, put, patch, delete, deletecollection.</param>
/// <param name="BodySchema">Request body schema name; null for none.</param>
/// <param name="ResponseSchema">The schema of the success response.</param>
/// <param name="PatchTypes">For patch: the accepted patch media types.</param>
internal sealed record ApiOperation(
    string Method, string OperationId, string Action, GroupVersionKind Kind, IReadOnlyList<ApiParameter> Parameters,
    string? BodySchema, string ResponseSchema, IReadOnlyList<int> SuccessCodes, IReadOnlyList<string> PatchTypes);

/// <summary>A path with its shared parameters and operations.</summary>
internal sealed record ApiPath(string Path, IReadOnlyList<ApiParameter> Parameters, IReadOnlyList<ApiOperation> Operations);

/// <summary>
/// The REST paths kube-apiserver publishes for one group-version, derived from the served resources the way its
/// installer does: collection and item paths (namespaced and cluster-wide list), and the status/scale/approval/
/// ephemeralcontainers and create-only (eviction, binding, token) subresources. Watch and connect paths (exec, attach,
/// portforward, proxy, log) are not published here.
/// </summary>
internal static class ApiOperations
{
    private static readonly ApiParameter Pretty = new("pretty", "query", "string");
    private static readonly ApiParameter NamespaceParam = new("namespace", "path", "string", true);
    private const string Status = "io.k8s.apimachinery.pkg.apis.meta.v1.Status";
    private const string DeleteOptions = "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions";
    private const string Patch = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";

    private static readonly ApiParameter[] ListParams =
    [
        new("allowWatchBookmarks", "query", "boolean"), new("continue", "query", "string"), new("fieldSelector", "query", "string"),
        new("labelSelector", "query", "string"), new("limit", "query", "integer"), new("resourceVersion", "query", "string"),
        new("resourceVersionMatch", "query", "string"), new("sendInitialEvents", "query", "boolean"),
        new("timeoutSeconds", "query", "integer"), new("watch", "query", "boolean"),
    ];

    private static readonly ApiParameter[] WriteParams =
        [new("dryRun", "query", "string"), new("fieldManager", "query", "string"), new("fieldValidation", "query", "string")];

    private static readonly ApiParameter[] PatchParams = [.. WriteParams, new("force", "query", "boolean")];

    private static readonly ApiParameter[] DeleteParams =
    [
        new("dryRun", "query", "string"), new("gracePeriodSeconds", "query", "integer"),
        new("ignoreStoreReadErrorWithClusterBreakingPotential", "query", "boolean"), new("orphanDependents", "query", "boolean"),
        new("propagationPolicy", "query", "string"),
    ];

    private static readonly ApiParameter[] DeleteCollectionParams =
    [
        new("continue", "query", "string"), new("dryRun", "query", "string"), new("fieldSelector", "query", "string"),
        new("gracePeriodSeconds", "query", "integer"), new("ignoreStoreReadErrorWithClusterBreakingPotential", "query", "boolean"),
        new("labelSelector", "query", "string"), new("limit", "query", "integer"), new("orphanDependents", "query", "boolean"),
        new("propagationPolicy", "query", "string"), new("resourceVersion", "query", "string"),
        new("resourceVersionMatch", "query", "string"), new("sendInitialEvents", "query", "boolean"), new("timeoutSeconds", "query", "integer"),
    ];

    private static readonly string[] BuiltInPatchTypes =
        ["application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json"];

    // Custom resources take no strategic merge patch.
    private static readonly string[] CustomPatchTypes = ["application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json"];

    public static IReadOnlyList<ApiPath> For(ApiGroupVersion gv, SchemaSet schemas)
    {
        var prefix = gv.Group.Length == 0 ? "/api/v1" : $"/apis/{gv.Group}/{gv.Version}";
        var paths = new List<ApiPath>();
        foreach (var r in gv.Resources)
        {
            var gvk = new GroupVersionKind(gv.Group, gv.Version, r.Kind);
            var kindSchema = schemas.NameOf(gvk);
            if (kindSchema is null) continue;
            var listSchema = schemas.NameOf(gvk with { Kind = r.Kind + "List" });
            var custom = r.Source is ApiSource.CustomResource or ApiSource.EksCustomResource;
            var patchTypes = custom ? CustomPatchTypes : BuiltInPatchTypes;
            var id = new OperationIds(gv.Group, gv.Version, r.Kind, r.Namespaced);
            var collection = r.Namespaced ? $"{prefix}/namespaces/{{namespace}}/{r.Name}" : $"{prefix}/{r.Name}";
            var scope = r.Namespaced ? new[] { NamespaceParam, Pretty } : [Pretty];

            var collectionOps = new List<ApiOperation>();
            if (r.HasVerb("list") && listSchema is not null)
                collectionOps.Add(new("get", id.Make("list"), "list", gvk, ListParams, null, listSchema, [200], []));
            if (r.HasVerb("create"))
                collectionOps.Add(new("post", id.Make("create"), "post", gvk, WriteParams, kindSchema, kindSchema, [200, 201, 202], []));
            if (r.HasVerb("deletecollection"))
                collectionOps.Add(new("delete", id.Make("deleteCollection"), "deletecollection", gvk, DeleteCollectionParams, DeleteOptions, Status, [200], []));
            if (collectionOps.Count > 0) paths.Add(new(collection, scope, collectionOps));

            if (r.Namespaced && r.HasVerb("list") && listSchema is not null)
                paths.Add(new($"{prefix}/{r.Name}", [],
                    [new("get", id.Make("list", allNamespaces: true), "list", gvk, [.. ListParams, Pretty], null, listSchema, [200], [])]));

            var itemParams = new List<ApiParameter> { new("name", "path", "string", true) };
            itemParams.AddRange(scope);
            var itemOps = new List<ApiOperation>();
            if (r.HasVerb("get")) itemOps.Add(new("get", id.Make("read"), "get", gvk, [], null, kindSchema, [200], []));
            if (r.HasVerb("update")) itemOps.Add(new("put", id.Make("replace"), "put", gvk, WriteParams, kindSchema, kindSchema, [200, 201], []));
            if (r.HasVerb("patch")) itemOps.Add(new("patch", id.Make("patch"), "patch", gvk, PatchParams, Patch, kindSchema, [200, 201], patchTypes));
            if (r.HasVerb("delete")) itemOps.Add(new("delete", id.Make("delete"), "delete", gvk, DeleteParams, DeleteOptions, Status, [200, 202], []));
            if (itemOps.Count > 0) paths.Add(new($"{collection}/{{name}}", itemParams, itemOps));

            foreach (var s in r.Subresources)
            {
                var subGvk = s.Group.Length == 0 ? gvk with { Kind = s.Kind } : new GroupVersionKind(s.Group, s.Version, s.Kind);
                if (schemas.NameOf(subGvk) is not { } subSchema) continue;
                var suffix = char.ToUpperInvariant(s.Name[0]) + s.Name[1..];
                var ops = new List<ApiOperation>();
                if (s.Verbs.Contains("get")) ops.Add(new("get", id.Make("read", suffix: suffix), "get", subGvk, [], null, subSchema, [200], []));
                if (s.Verbs.Contains("update")) ops.Add(new("put", id.Make("replace", suffix: suffix), "put", subGvk, WriteParams, subSchema, subSchema, [200, 201], []));
                if (s.Verbs.Contains("patch")) ops.Add(new("patch", id.Make("patch", suffix: suffix), "patch", subGvk, PatchParams, Patch, subSchema, [200, 201], patchTypes));
                if (s.Verbs.Contains("create") && !s.Verbs.Contains("get"))
                    ops.Add(new("post", id.Make("create", suffix: suffix), "post", subGvk, WriteParams, subSchema, subSchema, [200, 201, 202], []));
                if (ops.Count > 0) paths.Add(new($"{collection}/{{name}}/{s.Name}", itemParams, ops));
            }
        }
        return paths.OrderBy(p => p.Path, StringComparer.Ordinal).ToList();
    }

    private sealed record OperationIds(string Group, string Version, string Kind, bool Namespaced)
    {
        // e.g. listCoreV1NamespacedPod, patchAppsV1NamespacedDeploymentScale, listRbacAuthorizationV1RoleBindingForAllNamespaces
        public string Make(string verb, bool allNamespaces = false, string suffix = "") =>
            verb + GroupPart() + char.ToUpperInvariant(Version[0]) + Version[1..]
            + (Namespaced && !allNamespaces ? "Namespaced" : "") + Kind + suffix + (allNamespaces ? "ForAllNamespaces" : "");

        private string GroupPart()
        {
            if (Group.Length == 0) return "Core";
            var trimmed = Group.EndsWith(".k8s.io", StringComparison.Ordinal) ? Group[..^".k8s.io".Length] : Group;
            return string.Concat(trimmed.Split('.', '-').Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
        }
    }
}
