using Turnstile.Core.AccessPolicies;
using Turnstile.Core.Authn;
using Turnstile.Core.Rbac;

namespace Turnstile.Core.Authz;

/// <summary>What every authorizer of the chain is asked: the user, the request, and the caller's access-entry policies.</summary>
/// <param name="AccessPolicies">The caller's own access entry associations; empty when none or when the request is impersonated.</param>
public readonly record struct AuthorizationInput(KubeUser User, RequestAttributes Request, IReadOnlyList<AssociatedAccessPolicy> AccessPolicies);

/// <summary>One authorizer's answer, with the details explain shows (RBAC's binding and rule, the access policy and scope).</summary>
public readonly record struct AuthorizerAnswer(Decision Decision, RbacDecision Rbac = default, AccessPolicyDecision AccessPolicy = default);

/// <summary>One authorizer of kube-apiserver's chain (<c>authorizer.Authorizer</c>): allow, deny or no opinion.</summary>
public interface IAuthorizer
{
    AuthorizerStage Stage { get; }

    AuthorizerAnswer Authorize(in AuthorizationInput input);
}

/// <summary>
/// kube-apiserver's union authorizer: asks each authorizer in turn; the first Allow or Deny decides, and when every
/// one has no opinion the request is denied (403) with the reasons collected on the way.
/// </summary>
public sealed class UnionAuthorizer(params IAuthorizer[] authorizers)
{
    private readonly IAuthorizer[] _authorizers = authorizers;

    public IReadOnlyList<IAuthorizer> Authorizers => _authorizers;

    public AuthorizationResult Authorize(in AuthorizationInput input)
    {
        RbacDecision rbac = default;
        AccessPolicyDecision policy = default;
        for (var i = 0; i < _authorizers.Length; i++)
        {
            var authorizer = _authorizers[i];
            var answer = authorizer.Authorize(input);
            if (authorizer.Stage == AuthorizerStage.Rbac) rbac = answer.Rbac;
            if (authorizer.Stage == AuthorizerStage.AccessPolicy) policy = answer.AccessPolicy;
            if (answer.Decision != Decision.NoOpinion) return new AuthorizationResult(answer.Decision, authorizer.Stage, rbac, policy);
        }
        return new AuthorizationResult(Decision.NoOpinion, AuthorizerStage.None, rbac, policy);
    }
}

/// <summary>The privileged group: <c>system:masters</c> may do anything, before any other authorizer is asked.</summary>
public sealed class SystemMastersAuthorizer : IAuthorizer
{
    public static SystemMastersAuthorizer Instance { get; } = new();

    public AuthorizerStage Stage => AuthorizerStage.SystemMasters;

    public AuthorizerAnswer Authorize(in AuthorizationInput input) =>
        new(input.User.InGroup(KubeUser.MastersGroup) ? Decision.Allow : Decision.NoOpinion);
}

/// <summary>
/// An approximation of the Node authorizer: a node identity (<c>system:node:*</c> in <c>system:nodes</c>) gets the
/// rules of the default <c>system:node</c> ClusterRole. The real authorizer also limits them to objects related to
/// that node (its pods, their secrets...).
/// </summary>
public sealed class NodeAuthorizer(RbacPolicy policy) : IAuthorizer
{
    public const string NodesGroup = "system:nodes";
    public const string NodeUserPrefix = "system:node:";

    private readonly PolicyRule[] _rules = policy.FindClusterRole("system:node")?.Rules.ToArray() ?? [];

    public AuthorizerStage Stage => AuthorizerStage.Node;

    public AuthorizerAnswer Authorize(in AuthorizationInput input)
    {
        var user = input.User;
        if (_rules.Length == 0 || !user.Username.StartsWith(NodeUserPrefix, StringComparison.Ordinal) || !user.InGroup(NodesGroup))
            return default;
        foreach (var rule in _rules)
            if (RuleMatcher.Allows(rule, input.Request)) return new AuthorizerAnswer(Decision.Allow);
        return default;
    }
}
