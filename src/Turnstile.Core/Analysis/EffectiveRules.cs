using Turnstile.Core.AccessPolicies;
using Turnstile.Core.Authn;
using Turnstile.Core.Rbac;

namespace Turnstile.Core.Analysis;

/// <summary>
/// A rule that applies to a user, where (<c>*</c> for every namespace and the cluster scope, else the namespaces) and
/// what it comes from: a binding (and the subject through which it applies), an access policy, or system:masters.
/// </summary>
public sealed record EffectiveRule(IReadOnlyList<string> Namespaces, PolicyRule Rule, GrantPath Origin);

/// <summary>rbac-tool's policy-rules, extended with EKS access policies and system:masters.</summary>
public static class EffectiveRules
{
    public const string Everywhere = "*";

    private static readonly PolicyRule[] Everything =
    [
        PolicyRule.ForResources(["*"], ["*"], ["*"]),
        PolicyRule.ForUrls(["*"], ["*"]),
    ];

    public static IReadOnlyList<EffectiveRule> For(RbacAuthorizer rbac, KubeUser user, IReadOnlyList<AssociatedAccessPolicy> policies)
    {
        var rules = new List<EffectiveRule>();
        if (user.InGroup(KubeUser.MastersGroup))
            rules.AddRange(Everything.Select(r => new EffectiveRule([Everywhere], r, GrantPath.Masters)));
        foreach (var binding in rbac.BindingsApplyingTo(user))
        {
            var subject = binding.Subjects[SubjectMatcher.FirstApplying(binding.Subjects, user, binding.Namespace)];
            var origin = new GrantPath(GrantKind.Rbac, BindingRef.Of(binding), subject.Describe(binding.Namespace));
            foreach (var rule in binding.Rules)
                rules.Add(new EffectiveRule([binding.IsClusterBinding ? Everywhere : binding.Namespace], rule, origin with { Rule = rule }));
        }
        foreach (var association in policies)
        {
            if (association.Policy is not { } policy) continue;
            var scope = association.Scope.IsCluster ? [Everywhere] : association.Scope.Namespaces;
            foreach (var rule in policy.Rules)
            {
                // A namespace scope never grants cluster-scoped resources or URLs; say so by leaving URL rules out.
                if (!association.Scope.IsCluster && rule.IsNonResource) continue;
                rules.Add(new EffectiveRule(scope, rule, new GrantPath(GrantKind.AccessPolicy, Policy: PolicyRef.Of(association), Rule: rule)));
            }
        }
        return rules;
    }

    /// <summary>The rules of the bindings that name a subject directly (rbac-tool policy-rules SUBJECT).</summary>
    public static IReadOnlyList<EffectiveRule> ForSubject(RbacAuthorizer rbac, Func<Subject, string, bool> matches)
    {
        var rules = new List<EffectiveRule>();
        foreach (var binding in rbac.AllBindings.OrderBy(b => b.Ordinal))
            foreach (var subject in binding.Subjects.Where(s => matches(s, binding.Namespace)))
            {
                var origin = new GrantPath(GrantKind.Rbac, BindingRef.Of(binding), subject.Describe(binding.Namespace));
                foreach (var rule in binding.Rules)
                    rules.Add(new EffectiveRule([binding.IsClusterBinding ? Everywhere : binding.Namespace], rule, origin with { Rule = rule }));
            }
        return rules;
    }
}
