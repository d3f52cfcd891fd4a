using Turnstile.Core.Clusters;

namespace Turnstile.Kube.Access;

/// <summary>
/// The access decision of one emulated cluster as its stored state makes it now: identity mapping (access entries,
/// the cluster creator, the live aws-auth ConfigMap, as the authentication mode chains them) and the authorizer union
/// (system:masters, Node, RBAC from the stored objects, EKS access policies). The front's authentication and
/// authorization filters, the access reviews and RBAC escalation admission all decide through it, and so does
/// <c>turnstile can-i</c> offline (the same <see cref="AccessEngine"/>).
/// </summary>
public interface IClusterAccess
{
    /// <summary>The engine for the cluster at the cache's current state; null when no such cluster exists.</summary>
    ValueTask<AccessEngine?> EngineAsync(string cluster, CancellationToken cancellationToken = default);
}
