using Turnstile.Core.Authz;
using Turnstile.Core.Rbac;

namespace Turnstile.Core.AccessPolicies;

/// <summary>The answer of the EKS access-policy authorizer: the association and rule that allowed, if any.</summary>
public readonly record struct AccessPolicyDecision(AssociatedAccessPolicy? Association, PolicyRule? Rule)
{
    public bool Allowed => Association is not null;

    public string Reason => Association is null
        ? ""
        : $"EKS access policy: allowed by {Association.Policy!.Name} ({Association.Scope})";
}

/// <summary>
/// EKS's authorizer after RBAC: allows when any associated policy whose scope covers the request's namespace
/// has a rule that matches (same rule semantics as RBAC). It only ever allows or passes.
/// </summary>
public sealed class AccessPolicyAuthorizer : IAuthorizer
{
    public static AccessPolicyAuthorizer Instance { get; } = new();

    private AccessPolicyAuthorizer()
    {
    }

    public AuthorizerStage Stage => AuthorizerStage.AccessPolicy;

    public AuthorizerAnswer Authorize(in AuthorizationInput input)
    {
        var decision = Authorize(input.AccessPolicies, input.Request);
        return new AuthorizerAnswer(decision.Allowed ? Decision.Allow : Decision.NoOpinion, AccessPolicy: decision);
    }

    public static AccessPolicyDecision Authorize(IReadOnlyList<AssociatedAccessPolicy> associations, RequestAttributes request)
    {
        for (var i = 0; i < associations.Count; i++)
        {
            var association = associations[i];
            if (!association.Scope.Covers(request.Namespace)) continue;
            var policy = association.Policy;
            if (policy is null) continue;
            var rules = policy.Rules;
            for (var r = 0; r < rules.Count; r++)
                if (RuleMatcher.Allows(rules[r], request)) return new AccessPolicyDecision(association, rules[r]);
        }
        return default;
    }
}
