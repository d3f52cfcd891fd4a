namespace Turnstile.Core.Authz;

/// <summary>What an authorizer in the chain said. RBAC and EKS access policies only ever allow or pass.</summary>
public enum Decision
{
    NoOpinion,
    Allow,
    Deny,
}
