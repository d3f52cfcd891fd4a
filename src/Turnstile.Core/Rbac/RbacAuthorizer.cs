using Turnstile.Core.Authn;
using Turnstile.Core.Authz;

namespace Turnstile.Core.Rbac;

/// <summary>
/// kube-apiserver's RBAC authorizer over an <see cref="RbacPolicy"/>. Bindings are indexed by the user and
/// group names their subjects name, so one decision looks only at the bindings that can apply; the answer
/// is the same as the linear walk (<see cref="AuthorizeByScan"/>) with bindings visited in name order.
/// </summary>
public sealed class RbacAuthorizer : IAuthorizer
{
    private static readonly ResolvedBinding[] None = [];

    private readonly ResolvedBinding[] _clusterBindings;
    private readonly Dictionary<string, ResolvedBinding[]> _roleBindingsByNamespace;
    private readonly SubjectIndex _clusterIndex;
    private readonly Dictionary<string, SubjectIndex> _namespaceIndexes;
    private readonly Lazy<SubjectIndex> _allIndex;
    private readonly bool _clusterBindingErrors;
    private readonly HashSet<string> _namespacesWithBindingErrors;

    public RbacPolicy Policy { get; }

    public RbacAuthorizer(RbacPolicy policy)
    {
        Policy = policy;
        var ordinal = 0;
        _clusterBindings = policy.ClusterRoleBindings
            .Select(b => new ResolvedBinding(ordinal++, b.Name, "", b.RoleRef, b.Subjects, ClusterRoleRules(policy, b.RoleRef), b))
            .ToArray();
        _roleBindingsByNamespace = policy.RoleBindings
            .GroupBy(b => b.Namespace, StringComparer.Ordinal)
            .ToDictionary(g => g.Key,
                g => g.Select(b => new ResolvedBinding(ordinal++, b.Name, b.Namespace, b.RoleRef, b.Subjects, RoleRules(policy, b), b)).ToArray(),
                StringComparer.Ordinal);
        _clusterIndex = new SubjectIndex(_clusterBindings);
        _namespaceIndexes = _roleBindingsByNamespace.ToDictionary(p => p.Key, p => new SubjectIndex(p.Value), StringComparer.Ordinal);
        _allIndex = new Lazy<SubjectIndex>(() => new SubjectIndex(AllBindings));
        _clusterBindingErrors = _clusterBindings.Any(b => b.ResolutionError is not null);
        _namespacesWithBindingErrors = _roleBindingsByNamespace.Where(p => p.Value.Any(b => b.ResolutionError is not null)).Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
    }

    public IReadOnlyList<ResolvedBinding> ClusterBindings => _clusterBindings;

    public IReadOnlyList<ResolvedBinding> RoleBindingsIn(string ns) => _roleBindingsByNamespace.GetValueOrDefault(ns) ?? None;

    public IEnumerable<ResolvedBinding> AllBindings => _clusterBindings.Concat(_roleBindingsByNamespace.Values.SelectMany(b => b));

    public AuthorizerStage Stage => AuthorizerStage.Rbac;

    public AuthorizerAnswer Authorize(in AuthorizationInput input)
    {
        var decision = Authorize(input.User, input.Request);
        return new AuthorizerAnswer(decision.Allowed ? Decision.Allow : Decision.NoOpinion, decision);
    }

    public RbacDecision Authorize(KubeUser user, RequestAttributes request)
    {
        var hit = FirstAllowing(_clusterIndex, user, request);
        if (hit.Binding is null && request.Namespace.Length > 0 &&
            _namespaceIndexes.TryGetValue(request.Namespace, out var nsIndex))
            hit = FirstAllowing(nsIndex, user, request);
        if (hit.Binding is not null)
            return RbacDecision.Allow(hit.Binding, SubjectMatcher.FirstApplying(hit.Binding.Subjects, user, hit.Binding.Namespace), hit.Rule!);
        return RbacDecision.NoOpinion(CollectErrors(user, request.Namespace));
    }

    /// <summary>
    /// Every binding, in any namespace, with a subject that applies to the user (its name, a group, or its
    /// service-account name), in evaluation order. The analyses build on this: a RoleBinding grants only in its namespace.
    /// </summary>
    public IReadOnlyList<ResolvedBinding> BindingsApplyingTo(KubeUser user)
    {
        var index = _allIndex.Value;
        var found = new List<ResolvedBinding>();
        if (index.ByUser.TryGetValue(user.Username, out var byUser)) found.AddRange(byUser);
        foreach (var group in user.Groups)
            if (index.ByGroup.TryGetValue(group, out var byGroup)) found.AddRange(byGroup);
        return found.Distinct().OrderBy(b => b.Ordinal).ToArray();
    }

    /// <summary>The reference algorithm: walk every binding in order, check its subjects, then its rules.</summary>
    public RbacDecision AuthorizeByScan(KubeUser user, RequestAttributes request)
    {
        foreach (var binding in ApplicableOrder(request.Namespace))
        {
            var subject = SubjectMatcher.FirstApplying(binding.Subjects, user, binding.Namespace);
            if (subject < 0) continue;
            foreach (var rule in binding.Rules)
                if (RuleMatcher.Allows(rule, request)) return RbacDecision.Allow(binding, subject, rule);
        }
        return RbacDecision.NoOpinion(CollectErrors(user, request.Namespace));
    }

    /// <summary>Every rule that applies to the user in a namespace (kube's RulesFor), with resolution errors.</summary>
    public (IReadOnlyList<(ResolvedBinding Binding, PolicyRule Rule)> Rules, string? Errors) RulesFor(KubeUser user, string ns)
    {
        var rules = new List<(ResolvedBinding, PolicyRule)>();
        foreach (var binding in ApplicableOrder(ns))
        {
            if (SubjectMatcher.FirstApplying(binding.Subjects, user, binding.Namespace) < 0) continue;
            foreach (var rule in binding.Rules) rules.Add((binding, rule));
        }
        return (rules, CollectErrors(user, ns));
    }

    private IEnumerable<ResolvedBinding> ApplicableOrder(string ns) =>
        ns.Length == 0 ? _clusterBindings : _clusterBindings.Concat(RoleBindingsIn(ns));

    private string? CollectErrors(KubeUser user, string ns)
    {
        // Most clusters have no binding to a missing role: then a denial needs no second walk.
        if (!_clusterBindingErrors && !_namespacesWithBindingErrors.Contains(ns)) return null;
        List<string>? errors = null;
        foreach (var binding in ApplicableOrder(ns))
        {
            if (binding.ResolutionError is null) continue;
            if (SubjectMatcher.FirstApplying(binding.Subjects, user, binding.Namespace) < 0) continue;
            errors ??= [];
            if (!errors.Contains(binding.ResolutionError)) errors.Add(binding.ResolutionError);
        }
        return errors switch
        {
            null => null,
            [var single] => single,
            _ => "[" + string.Join(", ", errors) + "]",
        };
    }

    /// <summary>
    /// The allowing (binding, rule) with the lowest ordinal among the bindings indexed under the user's name
    /// and groups. Each index list is in ordinal order, so the first hit of each list is that list's best.
    /// </summary>
    private static (ResolvedBinding? Binding, PolicyRule? Rule) FirstAllowing(SubjectIndex index, KubeUser user, RequestAttributes request)
    {
        (ResolvedBinding? Binding, PolicyRule? Rule) best = default;
        if (index.ByUser.TryGetValue(user.Username, out var byUser)) Consider(byUser, request, ref best);
        var groups = user.Groups;
        for (var i = 0; i < groups.Count; i++)
            if (index.ByGroup.TryGetValue(groups[i], out var byGroup)) Consider(byGroup, request, ref best);
        return best;
    }

    private static void Consider(ResolvedBinding[] candidates, RequestAttributes request, ref (ResolvedBinding? Binding, PolicyRule? Rule) best)
    {
        foreach (var binding in candidates)
        {
            if (best.Binding is not null && binding.Ordinal >= best.Binding.Ordinal) return;
            var rules = binding.Rules;
            for (var i = 0; i < rules.Count; i++)
            {
                if (!RuleMatcher.Allows(rules[i], request)) continue;
                best = (binding, rules[i]);
                return;
            }
        }
    }

    private static IReadOnlyList<PolicyRule>? ClusterRoleRules(RbacPolicy policy, RoleRef roleRef) =>
        roleRef.Kind == "ClusterRole" ? policy.FindClusterRole(roleRef.Name)?.Rules : null;

    private static IReadOnlyList<PolicyRule>? RoleRules(RbacPolicy policy, RoleBinding binding) => binding.RoleRef.Kind switch
    {
        "ClusterRole" => policy.FindClusterRole(binding.RoleRef.Name)?.Rules,
        "Role" => policy.FindRole(binding.Namespace, binding.RoleRef.Name)?.Rules,
        _ => null,
    };

    /// <summary>Bindings by the user names (incl. service-account user names) and group names their subjects name.</summary>
    private sealed class SubjectIndex
    {
        public Dictionary<string, ResolvedBinding[]> ByUser { get; }
        public Dictionary<string, ResolvedBinding[]> ByGroup { get; }

        public SubjectIndex(IEnumerable<ResolvedBinding> bindings)
        {
            var byUser = new Dictionary<string, List<ResolvedBinding>>(StringComparer.Ordinal);
            var byGroup = new Dictionary<string, List<ResolvedBinding>>(StringComparer.Ordinal);
            foreach (var binding in bindings)
            {
                foreach (var subject in binding.Subjects)
                {
                    var (map, key) = subject.Kind switch
                    {
                        SubjectKinds.User => (byUser, subject.Name),
                        SubjectKinds.Group => (byGroup, subject.Name),
                        SubjectKinds.ServiceAccount => (byUser, SubjectMatcher.ServiceAccountUsername(subject, binding.Namespace)),
                        _ => (null, null),
                    };
                    if (map is null || key is null) continue;
                    if (!map.TryGetValue(key, out var list)) map[key] = list = [];
                    if (list.Count == 0 || list[^1] != binding) list.Add(binding);
                }
            }
            ByUser = byUser.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
            ByGroup = byGroup.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
        }
    }
}
