using Turnstile.Core.AccessPolicies;
using Turnstile.Core.Authn;
using Turnstile.Core.Kube;
using Turnstile.Kube.Storage;

namespace Turnstile.Kube.Registry;

/// <summary>Who asks for what on which object: the scope of one registry operation.</summary>
public sealed record RegistryRequest(string Cluster, RegistryResource Resource, string Namespace, string Name = "", string Subresource = "")
{
    public bool DryRun { get; init; }

    /// <summary>The user after authentication and impersonation, for admission plugins (null in-process).</summary>
    public KubeUser? User { get; init; }

    /// <summary>The access policies of the caller's own access entry (empty when none or when impersonating).</summary>
    public IReadOnlyList<AssociatedAccessPolicy> AccessPolicies { get; init; } = [];

    /// <summary>
    /// Authorizes the <c>create</c> that an update or apply of a missing object turns into (kube-apiserver checks
    /// <c>create</c> on top of <c>update</c>/<c>patch</c>); null allows. Returns the 403 to answer, or null.
    /// </summary>
    public Func<CancellationToken, ValueTask<KubeStatus?>>? AuthorizeCreate { get; init; }
}

public enum AdmissionOperation
{
    Create,
    Update,
    Delete,
}

/// <summary>What a validating admission plugin sees of a write (kube's <c>admission.Attributes</c>).</summary>
public sealed record AdmissionRequest(AdmissionOperation Operation, RegistryRequest Request, KubeObject? Object, KubeObject? OldObject);

/// <summary>
/// A validating admission plugin (RBAC escalation checks, webhooks...), run on the final object inside the write,
/// after the kind's own validation, as kube runs <c>ValidatingAdmission</c>. Return a Status to refuse the write.
/// </summary>
public interface IKubeAdmission
{
    ValueTask<KubeStatus?> ValidateAsync(AdmissionRequest request, CancellationToken cancellationToken);
}
