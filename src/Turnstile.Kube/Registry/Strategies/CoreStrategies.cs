using System.Text.Json.Nodes;
using Turnstile.Kube.Storage;

namespace Turnstile.Kube.Registry.Strategies;

/// <summary>
/// Namespaces: DNS-label names, phase Active and the <c>kubernetes</c> finalizer on create, the
/// <c>kubernetes.io/metadata.name</c> label, spec.finalizers changed only through <c>/finalize</c>. Deletion is the
/// registry's namespace lifecycle.
/// </summary>
public sealed class NamespaceStrategy : KindStrategy
{
    public const string NameLabel = "kubernetes.io/metadata.name";
    public const string KubernetesFinalizer = "kubernetes";

    public override NameRule NameRule => NameRules.Dns1123Label;

    public override bool ReturnDeletedObject => true;

    public override FieldLabels FieldLabels(RegistryResource resource) =>
        Registry.FieldLabels.Custom(false, ["metadata.name"], new Dictionary<string, string> { ["status.phase"] = "status.phase" });

    public override void PrepareForCreate(StrategyContext context, KubeObject obj)
    {
        obj["status"] = new JsonObject { ["phase"] = "Active" };
        var spec = obj["spec"] as JsonObject ?? new JsonObject();
        var finalizers = KubeObject.StringList(spec["finalizers"]).ToList();
        if (!finalizers.Contains(KubernetesFinalizer))
        {
            finalizers.Add(KubernetesFinalizer);
            spec["finalizers"] = new JsonArray(finalizers.Select(f => (JsonNode?)JsonValue.Create(f)).ToArray());
        }
        obj["spec"] = spec;
        obj.SetLabel(NameLabel, obj.Name);
    }

    public override void PrepareForUpdate(StrategyContext context, KubeObject obj, KubeObject old)
    {
        Copy(old, obj, "status");
        if (obj["spec"] is not JsonObject spec) obj["spec"] = spec = new JsonObject();
        spec["finalizers"] = (old["spec"] as JsonObject)?["finalizers"]?.DeepClone();
        if (spec["finalizers"] is null) spec.Remove("finalizers");
        obj.SetLabel(NameLabel, obj.Name);
    }

    public override bool DeletesWhenFinalized(KubeObject obj) => KubeObject.StringList((obj["spec"] as JsonObject)?["finalizers"]).Count == 0;

    /// <summary>The <c>/finalize</c> subresource: only spec.finalizers changes.</summary>
    public static void PrepareForFinalize(KubeObject obj, KubeObject old)
    {
        var finalizers = (obj["spec"] as JsonObject)?["finalizers"]?.DeepClone();
        foreach (var member in obj.Root.Select(p => p.Key).Concat(old.Root.Select(p => p.Key)).Distinct().ToList())
            if (member != "metadata") Copy(old, obj, member);
        if (obj["spec"] is not JsonObject spec) obj["spec"] = spec = new JsonObject();
        spec["finalizers"] = finalizers;
        if (finalizers is null) spec.Remove("finalizers");
    }
}

/// <summary>Nodes: cluster-scoped, status may be set on create (kubelets register with it), spec.unschedulable is selectable.</summary>
public sealed class NodeStrategy : KindStrategy
{
    public override FieldLabels FieldLabels(RegistryResource resource) =>
        Registry.FieldLabels.Custom(false, ["metadata.name"], new Dictionary<string, string>())
            .With("spec.unschedulable", o => Registry.FieldLabels.Read(o, "spec.unschedulable") == "true" ? "true" : "false");

    public override void PrepareForCreate(StrategyContext context, KubeObject obj)
    {
    }
}

/// <summary>core/v1 Events: created or updated freely, selectable by their involved object, reason, source and type.</summary>
public sealed class EventStrategy : KindStrategy
{
    public override bool AllowCreateOnUpdate => true;

    public override FieldLabels FieldLabels(RegistryResource resource) =>
        Registry.FieldLabels.Custom(true, ["metadata.name", "metadata.namespace"], new Dictionary<string, string>
        {
            ["involvedObject.kind"] = "involvedObject.kind",
            ["involvedObject.namespace"] = "involvedObject.namespace",
            ["involvedObject.name"] = "involvedObject.name",
            ["involvedObject.uid"] = "involvedObject.uid",
            ["involvedObject.apiVersion"] = "involvedObject.apiVersion",
            ["involvedObject.resourceVersion"] = "involvedObject.resourceVersion",
            ["involvedObject.fieldPath"] = "involvedObject.fieldPath",
            ["reason"] = "reason",
            ["reportingComponent"] = "reportingComponent",
            ["source"] = "source.component",
            ["type"] = "type",
        });
}

/// <summary>
/// Kinds whose controllers follow <c>metadata.generation</c> (workloads, policies, webhooks): 1 on create, +1 on a
/// spec change. Deployments also count annotation changes (their rollback annotation is part of the desired state).
/// </summary>
public sealed class GenerationStrategy(NameRule? nameRule = null, bool annotationsCount = false, FieldLabelsFactory? fieldLabels = null) : KindStrategy
{
    public override NameRule NameRule => nameRule ?? base.NameRule;

    public override bool TracksGeneration(RegistryResource resource) => true;

    public override FieldLabels FieldLabels(RegistryResource resource) => fieldLabels?.Invoke(resource) ?? base.FieldLabels(resource);

    public override void PrepareForUpdate(StrategyContext context, KubeObject obj, KubeObject old)
    {
        base.PrepareForUpdate(context, obj, old);
        if (annotationsCount && obj.Generation == old.Generation && !JsonNode.DeepEquals(obj.Metadata["annotations"], old.Metadata["annotations"]))
            obj.Generation = old.Generation + 1;
    }
}

/// <summary>Builds a kind's field labels for a resource.</summary>
public delegate FieldLabels FieldLabelsFactory(RegistryResource resource);

/// <summary>A kind whose objects may be created by an update (kube: endpoints, events, leases, RBAC objects, limit ranges).</summary>
public sealed class CreateOnUpdateStrategy(NameRule? nameRule = null) : KindStrategy
{
    public override NameRule NameRule => nameRule ?? base.NameRule;

    public override bool AllowCreateOnUpdate => true;
}

/// <summary>Service accounts and persistent volumes (claims): deletes answer with the object.</summary>
public sealed class ReturnDeletedStrategy : KindStrategy
{
    public override bool ReturnDeletedObject => true;
}

/// <summary>
/// Objects of CustomResourceDefinitions: DNS-subdomain names, generation counted, status reset when the CRD has a
/// status subresource, updates must name the resourceVersion they are based on.
/// </summary>
public sealed class CustomResourceStrategy : KindStrategy
{
    public override bool AllowUnconditionalUpdate => false;

    public override bool TracksGeneration(RegistryResource resource) => true;
}
