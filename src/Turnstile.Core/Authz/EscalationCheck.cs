using Turnstile.Core.AccessPolicies;
using Turnstile.Core.Authn;
using Turnstile.Core.Kube;
using Turnstile.Core.Rbac;

namespace Turnstile.Core.Authz;

/// <summary>
/// kube-apiserver's RBAC escalation prevention, run after a create/update of a role or binding was authorized:
/// <c>system:masters</c> and holders of <c>escalate</c> (roles) or <c>bind</c> (bindings) through the whole chain
/// pass; everyone else must already hold, through RBAC, every rule they grant. Returns the Status to answer, or null.
/// </summary>
public sealed class EscalationCheck(ClusterAuthorizer authorizer)
{
    private static readonly PolicyRule[] FullAuthority =
    [
        PolicyRule.ForResources(["*"], ["*"], ["*"]),
        PolicyRule.ForUrls(["*"], ["*"]),
    ];

    /// <summary>For a Role (namespace set) or ClusterRole (namespace empty) being created or updated.</summary>
    public KubeStatus? CheckRole(KubeUser user, IReadOnlyList<AssociatedAccessPolicy> policies, string ns, string requestName, string objectName,
        IReadOnlyList<PolicyRule> rules, bool usesAggregation = false)
    {
        var plural = ns.Length == 0 ? "clusterroles" : "roles";
        if (user.InGroup(KubeUser.MastersGroup)) return null;
        var escalate = RequestAttributes.ForResource("escalate", RbacGroup.Name, plural, ns, requestName, version: "*");
        if (authorizer.Authorize(user, policies, escalate).Allowed) return null;

        if (usesAggregation && !Covered(user, "", FullAuthority, out _, out _))
            return KubeStatus.ForbiddenFor(RbacGroup.Name, plural, objectName, "must have cluster-admin privileges to use the aggregationRule");
        return Covered(user, ns, rules, out var missing, out var errors)
            ? null
            : KubeStatus.ForbiddenFor(RbacGroup.Name, plural, objectName, NotHeldMessage(user, missing, errors));
    }

    /// <summary>For a RoleBinding (namespace set) or ClusterRoleBinding (namespace empty) being created or updated.</summary>
    public KubeStatus? CheckBinding(KubeUser user, IReadOnlyList<AssociatedAccessPolicy> policies, string ns, string bindingName, RoleRef roleRef)
    {
        var plural = ns.Length == 0 ? "clusterrolebindings" : "rolebindings";
        if (user.InGroup(KubeUser.MastersGroup)) return null;
        var roleResource = roleRef.Kind == "Role" ? "roles" : "clusterroles";
        var bind = RequestAttributes.ForResource("bind", roleRef.ApiGroup, roleResource, ns, roleRef.Name, version: "*");
        if (authorizer.Authorize(user, policies, bind).Allowed) return null;

        IReadOnlyList<PolicyRule>? rules = roleRef.Kind == "Role"
            ? authorizer.Rbac.Policy.FindRole(ns, roleRef.Name)?.Rules
            : authorizer.Rbac.Policy.FindClusterRole(roleRef.Name)?.Rules;
        if (rules is null) return KubeStatus.NotFound(RbacGroup.Name, roleResource, roleRef.Name);
        return Covered(user, ns, rules, out var missing, out var errors)
            ? null
            : KubeStatus.ForbiddenFor(RbacGroup.Name, plural, bindingName, NotHeldMessage(user, missing, errors));
    }

    private bool Covered(KubeUser user, string ns, IReadOnlyList<PolicyRule> requested, out IReadOnlyList<PolicyRule> missing, out string? errors)
    {
        var (owned, resolutionErrors) = authorizer.Rbac.RulesFor(user, ns);
        var (covered, notHeld) = RuleCoverage.Covers(owned.Select(r => r.Rule).ToArray(), requested);
        missing = notHeld;
        errors = resolutionErrors;
        return covered;
    }

    /// <summary>
    /// <c>user "u" (groups=["a" "b"]) is attempting to grant RBAC permissions not currently held:</c> then one compacted,
    /// sorted rule per line, and the resolution errors if any.
    /// </summary>
    public static string NotHeldMessage(KubeUser user, IReadOnlyList<PolicyRule> missing, string? resolutionErrors)
    {
        var lines = RuleCoverage.Compact(missing).Select(r => r.ToString()).Order(StringComparer.Ordinal);
        var message = $"user {GoQuote.Quote(user.Username)} (groups={GoQuote.Slice(user.Groups)}) is attempting to grant RBAC permissions not currently held:\n" +
                      string.Join("\n", lines);
        return resolutionErrors is null ? message : message + $"; resolution errors: [{resolutionErrors.Trim('[', ']')}]";
    }
}
