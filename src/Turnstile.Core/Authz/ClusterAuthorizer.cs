using Turnstile.Core.AccessPolicies;
using Turnstile.Core.Authn;
using Turnstile.Core.Rbac;

namespace Turnstile.Core.Authz;

/// <summary>
/// EKS's authorizer chain as one union: the privileged <c>system:masters</c> group, the Node authorizer, RBAC, then
/// the EKS access-policy authorizer (which sees only the caller's own access entry, so impersonated requests get
/// none); nobody allowing means 403.
/// </summary>
public sealed class ClusterAuthorizer
{
    public const string NodesGroup = NodeAuthorizer.NodesGroup;
    public const string NodeUserPrefix = NodeAuthorizer.NodeUserPrefix;

    private readonly UnionAuthorizer _union;

    public ClusterAuthorizer(RbacAuthorizer rbac)
    {
        Rbac = rbac;
        _union = new UnionAuthorizer(SystemMastersAuthorizer.Instance, new NodeAuthorizer(rbac.Policy), rbac, AccessPolicyAuthorizer.Instance);
    }

    public RbacAuthorizer Rbac { get; }

    public UnionAuthorizer Union => _union;

    /// <param name="accessPolicies">The caller's access entry associations; empty when none or when the request is impersonated.</param>
    public AuthorizationResult Authorize(KubeUser user, IReadOnlyList<AssociatedAccessPolicy> accessPolicies, RequestAttributes request) =>
        _union.Authorize(new AuthorizationInput(user, request, accessPolicies));
}
