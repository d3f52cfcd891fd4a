using Turnstile.Core.AccessPolicies;
using Turnstile.Core.Rbac;

namespace Turnstile.Core.Authz;

/// <summary>Which authorizer of the chain decided.</summary>
public enum AuthorizerStage
{
    None,
    SystemMasters,
    Node,
    Rbac,
    AccessPolicy,
}

/// <summary>The chain's decision, the stage that made it and each stage's own answer (for explain).</summary>
public readonly record struct AuthorizationResult(Decision Decision, AuthorizerStage Stage, RbacDecision Rbac, AccessPolicyDecision AccessPolicy)
{
    public bool Allowed => Decision == Decision.Allow;

    /// <summary>
    /// The reason kube-apiserver reports: empty for system:masters, RBAC's text for an RBAC allow, the access
    /// policy's for an EKS allow, and on denial the non-empty reasons of the authorizers that passed.
    /// </summary>
    public string Reason => Stage switch
    {
        AuthorizerStage.SystemMasters or AuthorizerStage.Node => "",
        AuthorizerStage.Rbac => Rbac.Reason,
        AuthorizerStage.AccessPolicy => AccessPolicy.Reason,
        _ => Rbac.Reason,
    };
}
