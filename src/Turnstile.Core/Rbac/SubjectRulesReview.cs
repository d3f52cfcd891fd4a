using Turnstile.Core.Authn;

namespace Turnstile.Core.Rbac;

public sealed record ResourceRule(IReadOnlyList<string> Verbs, IReadOnlyList<string> ApiGroups, IReadOnlyList<string> Resources, IReadOnlyList<string> ResourceNames);

public sealed record NonResourceRule(IReadOnlyList<string> Verbs, IReadOnlyList<string> NonResourceUrls);

/// <summary>
/// The status of a SelfSubjectRulesReview: every RBAC rule that applies to the user in a namespace, unmerged.
/// EKS access policies are not included (as on EKS: <c>kubectl auth can-i --list</c> does not show them).
/// </summary>
public sealed record SubjectRulesReview(IReadOnlyList<ResourceRule> ResourceRules, IReadOnlyList<NonResourceRule> NonResourceRules, bool Incomplete, string EvaluationError)
{
    public static SubjectRulesReview For(RbacAuthorizer rbac, KubeUser user, string ns)
    {
        var (rules, errors) = rbac.RulesFor(user, ns);
        var resourceRules = new List<ResourceRule>();
        var nonResourceRules = new List<NonResourceRule>();
        foreach (var (_, rule) in rules)
        {
            if (rule.Resources.Count > 0) resourceRules.Add(new ResourceRule(rule.Verbs, rule.ApiGroups, rule.Resources, rule.ResourceNames));
            if (rule.NonResourceUrls.Count > 0) nonResourceRules.Add(new NonResourceRule(rule.Verbs, rule.NonResourceUrls));
        }
        return new SubjectRulesReview(resourceRules, nonResourceRules, errors is not null, errors is null ? "" : "RBAC: " + errors);
    }
}
