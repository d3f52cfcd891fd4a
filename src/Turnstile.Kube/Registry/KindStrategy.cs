using System.Text.Json.Nodes;
using Turnstile.Core.Kube;
using Turnstile.Kube.Storage;
using Turnstile.State;

namespace Turnstile.Kube.Registry;

/// <summary>
/// What a strategy sees of the write it takes part in: the cluster, the resource, the clock, the state it was
/// decided on, and writes the strategy adds to the same transaction (address allocations).
/// </summary>
public sealed class StrategyContext
{
    public required string Cluster { get; init; }
    public required RegistryResource Resource { get; init; }
    public required RegistryOptions Options { get; init; }
    public required IStateView View { get; init; }

    /// <summary>Compares that must hold for the write (keys the strategy claims).</summary>
    public List<Compare> Compares { get; } = [];

    /// <summary>Writes that go with the object's own.</summary>
    public List<Operation> Operations { get; } = [];

    public string Now => Options.Now();
}

/// <summary>
/// kube's REST strategy of one kind (<c>rest.RESTCreateStrategy</c>, <c>RESTUpdateStrategy</c>,
/// <c>RESTGracefulDeleteStrategy</c>, the status strategy and <c>GetAttrs</c>). This base is the generic behaviour used
/// for any kind without its own: objects with a status subresource get their status reset on create and kept on
/// main-resource writes, their spec kept on status writes; kinds that track generation start at 1 and count changes
/// outside metadata and status.
/// </summary>
public class KindStrategy
{
    public static readonly KindStrategy Generic = new();

    /// <summary>How <c>metadata.name</c> is validated.</summary>
    public virtual NameRule NameRule => NameRules.Dns1123Subdomain;

    public virtual bool AllowCreateOnUpdate => false;

    /// <summary>Whether an update without <c>metadata.resourceVersion</c> is applied to the current version (most built-in kinds) or refused.</summary>
    public virtual bool AllowUnconditionalUpdate => true;

    /// <summary>Whether a delete answers with the deleted object rather than a Status.</summary>
    public virtual bool ReturnDeletedObject => false;

    public virtual bool TracksGeneration(RegistryResource resource) => resource.IsCustom;

    public virtual FieldLabels FieldLabels(RegistryResource resource) => Registry.FieldLabels.Default(resource.Namespaced);

    /// <summary>A decode-time problem with the body beyond ObjectMeta's shape (kube's typed decoder), as the error text after "cannot be handled as a Kind: ".</summary>
    public virtual string? CheckDecoded(KubeObject obj) => null;

    /// <summary>Conversion from the wire form to the stored form (e.g. a Secret's stringData into data).</summary>
    public virtual void Normalize(KubeObject obj)
    {
    }

    public virtual void PrepareForCreate(StrategyContext context, KubeObject obj)
    {
        if (context.Resource.HasStatus) ResetStatus(context.Resource, obj);
        if (TracksGeneration(context.Resource)) obj.Generation = 1;
    }

    /// <summary>
    /// Claims what the new object needs from shared pools (addresses, ports) by adding compares and writes to the
    /// context; runs after <see cref="PrepareForCreate"/> and before validation, as kube's BeginCreate hooks do.
    /// </summary>
    public virtual IEnumerable<FieldError> Allocate(StrategyContext context, KubeObject obj) => [];

    public virtual void PrepareForUpdate(StrategyContext context, KubeObject obj, KubeObject old)
    {
        if (context.Resource.HasStatus) Copy(old, obj, "status");
        if (TracksGeneration(context.Resource) && SpecChanged(obj, old)) obj.Generation = old.Generation + 1;
    }

    /// <summary>A write to the status subresource: only status (and metadata other than owner references) changes.</summary>
    public virtual void PrepareForStatusUpdate(StrategyContext context, KubeObject obj, KubeObject old)
    {
        foreach (var member in old.Root.Select(p => p.Key).Concat(obj.Root.Select(p => p.Key)).Distinct().ToList())
            if (member is not ("kind" or "apiVersion" or "metadata" or "status")) Copy(old, obj, member);
        if (old.Metadata["ownerReferences"] is { } refs) obj.Metadata["ownerReferences"] = refs.DeepClone();
        else obj.Metadata.Remove("ownerReferences");
    }

    public virtual IEnumerable<FieldError> Validate(StrategyContext context, KubeObject obj) => [];

    public virtual IEnumerable<FieldError> ValidateUpdate(StrategyContext context, KubeObject obj, KubeObject old) => [];

    /// <summary>
    /// Whether an update that leaves an object being deleted without finalizers deletes it (kube's
    /// ShouldDeleteDuringUpdate); namespaces also wait for their spec finalizers.
    /// </summary>
    public virtual bool DeletesWhenFinalized(KubeObject obj) => true;

    /// <summary>Writes that go with deleting the object (releasing what it held).</summary>
    public virtual void OnDelete(StrategyContext context, KubeObject obj)
    {
    }

    /// <summary>Built-in kinds serialize an empty status struct as <c>{}</c>; custom resources drop it.</summary>
    protected static void ResetStatus(RegistryResource resource, KubeObject obj)
    {
        if (resource.IsCustom) obj["status"] = null;
        else obj["status"] = new JsonObject();
    }

    /// <summary>Whether anything other than metadata and status differs (what bumps generation).</summary>
    protected static bool SpecChanged(KubeObject obj, KubeObject old)
    {
        var members = obj.Root.Select(p => p.Key).Concat(old.Root.Select(p => p.Key)).Distinct();
        foreach (var m in members)
        {
            if (m is "metadata" or "status" or "kind" or "apiVersion") continue;
            if (!JsonNode.DeepEquals(obj[m], old[m])) return true;
        }
        return false;
    }

    protected static void Copy(KubeObject from, KubeObject to, string member) => to[member] = from[member]?.DeepClone();
}

/// <summary>
/// The delete options the registry acts on (<c>metav1.DeleteOptions</c>). gracePeriodSeconds is accepted but has no
/// effect: deletes are immediate (no kubelet would end a grace period).
/// </summary>
public sealed record DeleteOptions
{    public Preconditions? Preconditions { get; init; }
    public string? PropagationPolicy { get; init; }
    public bool? OrphanDependents { get; init; }
    public bool DryRun { get; init; }
}
