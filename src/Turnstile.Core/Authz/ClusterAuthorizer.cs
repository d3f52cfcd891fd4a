using Turnstile.Core.AccessPolicies;
using Turnstile.Core.Authn;
using Turnstile.Core.Rbac;

namespace Turnstile.Core.Authz;

/// <summary>
/// EKS's authorizer chain: the privileged <c>system:masters</c> group, the Node authorizer, RBAC, then the EKS
/// access-policy authorizer (skipped for impersonated requests, which carry no access entry); all pass means 403.
/// </summary>
public sealed class ClusterAuthorizer(RbacAuthorizer rbac)
{
    public const string NodesGroup = "system:nodes";
    public const string NodeUserPrefix = "system:node:";

    public RbacAuthorizer Rbac { get; } = rbac;

    /// <param name="accessPolicies">The caller's access entry associations; empty when none or when the request is impersonated.</param>
    public AuthorizationResult Authorize(KubeUser user, IReadOnlyList<AssociatedAccessPolicy> accessPolicies, RequestAttributes request)
    {
        if (user.InGroup(KubeUser.MastersGroup))
            return new AuthorizationResult(Decision.Allow, AuthorizerStage.SystemMasters, default, default);

        if (NodeAllows(user, request))
            return new AuthorizationResult(Decision.Allow, AuthorizerStage.Node, default, default);

        var rbacDecision = Rbac.Authorize(user, request);
        if (rbacDecision.Allowed)
            return new AuthorizationResult(Decision.Allow, AuthorizerStage.Rbac, rbacDecision, default);

        var policyDecision = AccessPolicyAuthorizer.Authorize(accessPolicies, request);
        if (policyDecision.Allowed)
            return new AuthorizationResult(Decision.Allow, AuthorizerStage.AccessPolicy, rbacDecision, policyDecision);

        return new AuthorizationResult(Decision.NoOpinion, AuthorizerStage.None, rbacDecision, default);
    }

    /// <summary>
    /// An approximation of the Node authorizer: a node identity gets the rules of the default <c>system:node</c>
    /// ClusterRole. The real authorizer also limits them to objects related to that node (its pods, their secrets...).
    /// </summary>
    private bool NodeAllows(KubeUser user, RequestAttributes request)
    {
        if (!user.Username.StartsWith(NodeUserPrefix, StringComparison.Ordinal) || !user.InGroup(NodesGroup)) return false;
        var role = Rbac.Policy.FindClusterRole("system:node");
        if (role is null) return false;
        foreach (var rule in role.Rules)
            if (RuleMatcher.Allows(rule, request)) return true;
        return false;
    }
}
