using System.Text.Json.Nodes;
using Turnstile.Kube.Apply;
using Turnstile.Kube.Apply.FieldPaths;
using Turnstile.Kube.Apply.Managed;
using Turnstile.Kube.Apply.Schema;

namespace Turnstile.Kube.Tests.Apply;

/// <summary>Schemas, objects and requests shared by the server-side apply tests.</summary>
internal static class ApplyTestKit
{
    public static readonly ApplySchemaSet Schemas = ApplySchemaSet.FromOpenApiV3(
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "apply-schemas.json")))!.AsObject());

    public static readonly DateTimeOffset T0 = new(2024, 5, 1, 10, 0, 0, TimeSpan.Zero);

    public static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();

    public sealed record Kind(string Group, string Version, string KindName, string Resource, bool Namespaced)
    {
        public ApplyType Type => Schemas.ForKind(Group, Version, KindName) ?? ApplyType.Deduced;
    }

    public static readonly Kind ConfigMap = new("", "v1", "ConfigMap", "configmaps", true);
    public static readonly Kind Pod = new("", "v1", "Pod", "pods", true);
    public static readonly Kind Deployment = new("apps", "v1", "Deployment", "deployments", true);
    public static readonly Kind Service = new("", "v1", "Service", "services", true);
    public static readonly Kind Role = new("rbac.authorization.k8s.io", "v1", "Role", "roles", true);
    public static readonly Kind ClusterRoleBinding = new("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false);
    public static readonly Kind Widget = new("stable.example.com", "v1", "Widget", "widgets", true);
    public static readonly Kind Gadget = new("stable.example.com", "v1", "Gadget", "gadgets", true);

    public static ApplyRequest ApplyTo(Kind kind, string name, string manager = "kubectl", bool force = false, DateTimeOffset? now = null,
        string ns = "default") => new()
    {
        Manager = manager,
        Force = force,
        Group = kind.Group,
        Version = kind.Version,
        Kind = kind.KindName,
        Resource = kind.Resource,
        Namespace = kind.Namespaced ? ns : "",
        Name = name,
        Type = kind.Type,
        Now = now ?? T0,
    };

    public static UpdateRequest UpdateOf(Kind kind, string manager, DateTimeOffset? now = null, string subresource = "") => new()
    {
        Manager = manager,
        Group = kind.Group,
        Version = kind.Version,
        Type = kind.Type,
        Subresource = subresource,
        Now = now ?? T0,
    };

    /// <summary>Applies and expects success.</summary>
    public static JsonObject Applied(JsonObject? live, string config, ApplyRequest request)
    {
        var result = ServerSideApply.Apply(live, Obj(config), request);
        return result switch
        {
            ApplyResult.Success s => s.Object,
            ApplyResult.Failure f => throw new Xunit.Sdk.XunitException("apply failed: " + f.Status.ToJson()),
            _ => throw new InvalidOperationException(),
        };
    }

    /// <summary>Applies and expects a failure Status.</summary>
    public static Core.Kube.KubeStatus Rejected(JsonObject? live, string config, ApplyRequest request) =>
        ServerSideApply.Apply(live, Obj(config), request) switch
        {
            ApplyResult.Failure f => f.Status,
            ApplyResult.Success s => throw new Xunit.Sdk.XunitException("apply succeeded: " + s.Object.ToJsonString()),
            _ => throw new InvalidOperationException(),
        };

    public static IReadOnlyList<ManagedFieldsEntry> Entries(JsonObject obj) => ManagedFieldsEntry.ReadAll(obj);

    /// <summary>The FieldsV1 text of one manager's entry.</summary>
    public static string FieldsOf(JsonObject obj, string manager, ManagedFieldsOperation? operation = null) =>
        FieldsV1.Serialize(Entries(obj).Single(e => e.Manager == manager && (operation is null || e.Operation == operation)).Fields);

    /// <summary>The object without metadata.managedFields, as compact JSON.</summary>
    public static string Content(JsonObject obj)
    {
        var copy = obj.DeepClone().AsObject();
        (copy["metadata"] as JsonObject)?.Remove("managedFields");
        return copy.ToJsonString();
    }

    public static string ManagersOf(JsonObject obj) =>
        string.Join(",", Entries(obj).Select(e => $"{e.Manager}:{e.Operation}"));
}
