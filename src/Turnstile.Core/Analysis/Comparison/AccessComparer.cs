using Turnstile.Core.AccessPolicies;
using Turnstile.Core.Authz;
using Turnstile.Core.Clusters;
using Turnstile.Core.Rbac;

namespace Turnstile.Core.Analysis.Comparison;

public enum Outcome
{
    Denied,
    /// <summary>Allowed only for some named objects.</summary>
    Partial,
    Allowed,
}

/// <summary>One request kind whose answer differs: the verb, what it targets, where, and each side's answer and grant.</summary>
public sealed record PermissionChange(string Verb, string Target, string Namespace, Outcome Before, Outcome After,
    IReadOnlyList<string> BeforeNames, IReadOnlyList<string> AfterNames, string? BeforeGrant, string? AfterGrant);

/// <summary>How one principal's access differs between the two states. <see cref="IdentityNotes"/> do not count as differences.</summary>
public sealed record PrincipalDifference(string Principal, string Display, string Before, string After, bool AuthenticationChanged,
    IReadOnlyList<string> IdentityNotes, IReadOnlyList<PermissionChange> Changes)
{
    public bool Differs => AuthenticationChanged || Changes.Count > 0;
}

/// <summary>The comparison of two cluster states for every principal either names.</summary>
public sealed record AccessComparison(string BeforeLabel, string AfterLabel, int PrincipalCount, int RequestKinds, long Evaluations, IReadOnlyList<PrincipalDifference> Principals)
{
    public IReadOnlyList<PrincipalDifference> Differences => Principals.Where(p => p.Differs).ToArray();

    public bool Same => Principals.All(p => !p.Differs);

    public int ChangeCount => Principals.Sum(p => p.AuthenticationChanged ? 1 : p.Changes.Count);
}

/// <summary>
/// Evaluates every principal named by either of two cluster states on every request kind of <see cref="ProbeSpace"/>,
/// in every namespace that matters to it (the cluster scope, the namespaces of its RoleBindings and access-policy
/// scopes, and one namespace nothing names) and for every object name its rules single out, with the engine of each
/// state; then reports each difference. Used for <c>migrate --verify</c> and <c>diff</c>.
/// </summary>
public static class AccessComparer
{
    /// <summary>Stands for every namespace no binding or scope names.</summary>
    public const string OtherNamespace = "turnstile-any-other-namespace";

    private const string SyntheticInstance = "i-00000000turnstile";
    private static readonly string[] ClusterScope = [""];

    public static AccessComparison Compare(ClusterAccessModel before, ClusterAccessModel after, string beforeLabel, string afterLabel)
    {
        (before, after) = WithInstanceForNodes(before, after);
        var a = new ClusterAnalysis(before);
        var b = new ClusterAnalysis(after);
        var space = new ProbeSpace([a, b]);
        var principals = Union(a.Known, b.Known);
        var results = new PrincipalDifference[principals.Count];
        var evaluations = new long[principals.Count];
        var unchanged = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        Parallel.For(0, principals.Count, i => results[i] = ComparePrincipal(principals[i], a, b, space, unchanged, out evaluations[i]));
        return new AccessComparison(beforeLabel, afterLabel, principals.Count, space.RequestKinds, evaluations.Sum(), results);
    }

    private static IReadOnlyList<KnownPrincipal> Union(IReadOnlyList<KnownPrincipal> first, IReadOnlyList<KnownPrincipal> second)
    {
        var byKey = new Dictionary<string, KnownPrincipal>(StringComparer.Ordinal);
        foreach (var p in first.Concat(second))
        {
            var key = KnownPrincipal.KeyOf(p.Arn);
            byKey[key] = byKey.TryGetValue(key, out var seen)
                ? seen with { SessionName = seen.SessionName ?? p.SessionName, NamedBy = seen.NamedBy.Concat(p.NamedBy).Distinct().ToArray() }
                : p;
        }
        return byKey.Values.OrderBy(p => p.IsWholeAccount).ThenBy(p => p.Arn, StringComparer.OrdinalIgnoreCase).ToArray();
    }

    /// <summary>
    /// Node usernames need an EC2 instance to render. Instances belong to EC2, not to either state, so both states get
    /// the instances either knows; when neither knows one, both get the same made-up instance, so node roles are
    /// compared instead of failing alike.
    /// </summary>
    private static (ClusterAccessModel, ClusterAccessModel) WithInstanceForNodes(ClusterAccessModel before, ClusterAccessModel after)
    {
        var instances = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (id, dns) in before.InstanceDnsNames.Concat(after.InstanceDnsNames)) instances.TryAdd(id, dns);
        if (instances.Count == 0) instances[SyntheticInstance] = "ip-10-0-0-1.turnstile.internal";
        return (before with { InstanceDnsNames = instances }, after with { InstanceDnsNames = instances });
    }

    /// <param name="unchanged">
    /// Parts of a comparison (see <see cref="Inputs"/>) already found to give the same answers in both states. Every
    /// answer of a part is a function of its key, so a principal presenting a known key is not asked that part again.
    /// </param>
    private static PrincipalDifference ComparePrincipal(KnownPrincipal principal, ClusterAnalysis a, ClusterAnalysis b, ProbeSpace space,
        System.Collections.Concurrent.ConcurrentDictionary<string, bool> unchanged, out long evaluations)
    {
        evaluations = 0;
        var before = a.View(principal);
        var after = b.View(principal);
        var beforeText = Describe(before);
        var afterText = Describe(after);
        if (before.User is null || after.User is null)
            return new PrincipalDifference(principal.Arn, principal.Display, beforeText, afterText, (before.User is null) != (after.User is null), [], []);

        var notes = new List<string>();
        if (before.User.Username != after.User.Username) notes.Add($"username {before.User.Username} -> {after.User.Username}");
        var lost = before.User.Groups.Except(after.User.Groups).ToArray();
        var gained = after.User.Groups.Except(before.User.Groups).ToArray();
        if (lost.Length > 0) notes.Add($"groups no longer held: {string.Join(", ", lost)}");
        if (gained.Length > 0) notes.Add($"groups gained: {string.Join(", ", gained)}");

        var beforeBindings = a.Engine.Authorizer.Rbac.BindingsApplyingTo(before.User);
        var afterBindings = b.Engine.Authorizer.Rbac.BindingsApplyingTo(after.User);
        var bindings = beforeBindings.Concat(afterBindings).ToArray();
        var clusterInputs = Inputs(before, beforeBindings.Where(x => x.IsClusterBinding)) + "\n" + Inputs(after, afterBindings.Where(x => x.IsClusterBinding));
        string RoleBindingsIn(string ns) =>
            $"{ns}:{string.Join(',', beforeBindings.Where(x => x.Namespace == ns).Select(x => x.Ordinal))}/{string.Join(',', afterBindings.Where(x => x.Namespace == ns).Select(x => x.Ordinal))}";
        // Names that rules limited to some objects mention, in the bindings that apply where the request is asked.
        string[] Names(Func<ResolvedBinding, bool> applies) => bindings.Where(applies).SelectMany(x => x.Rules).SelectMany(r => r.ResourceNames)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();

        var changes = new List<PermissionChange>();
        long count = 0;
        void Probe(int kind, string ns, string[] names)
        {
            var (target, verb) = space.Kinds[kind];
            var request = space.Request(kind, ns);
            var (was, wasNames) = Evaluate(a, before, request, names, ref count);
            var (now, nowNames) = Evaluate(b, after, request, names, ref count);
            if (was == now && wasNames.SequenceEqual(nowNames)) return;
            changes.Add(new PermissionChange(verb, target.Display, ns == OtherNamespace ? "(any other namespace)" : ns, was, now, wasNames, nowNames,
                Grant(a, before, request, was, wasNames), Grant(b, after, request, now, nowNames)));
        }
        void Part(string key, Action ask)
        {
            if (unchanged.ContainsKey(key)) return;
            var found = changes.Count;
            ask();
            if (changes.Count == found) unchanged.TryAdd(key, true);
        }

        // At the cluster scope, in a namespace nothing names and wherever a namespace-scoped access policy may apply,
        // every request kind is asked.
        var scopes = before.Policies.Concat(after.Policies).Where(p => !p.Scope.IsCluster).Select(p => p.Scope).ToArray();
        var everything = new SortedSet<string>(StringComparer.Ordinal) { "", OtherNamespace };
        foreach (var scope in scopes)
            foreach (var pattern in scope.Namespaces)
                everything.Add(pattern.Replace("*", "x", StringComparison.Ordinal));
        Part("cluster\n" + clusterInputs + "\n" + string.Join(";", everything.Select(RoleBindingsIn)), () =>
        {
            var names = Names(x => x.IsClusterBinding || everything.Contains(x.Namespace));
            for (var kind = 0; kind < space.Kinds.Count; kind++)
                foreach (var ns in space.Kinds[kind].Target.Namespaced ? everything : (IEnumerable<string>)ClusterScope)
                    Probe(kind, ns, names);
            foreach (var url in space.Urls)
                foreach (var verb in url.Verbs)
                {
                    var request = ProbeSpace.UrlRequest(verb, url.Path);
                    var (was, _) = Evaluate(a, before, request, [], ref count);
                    var (now, _) = Evaluate(b, after, request, [], ref count);
                    if (was != now)
                        changes.Add(new PermissionChange(verb, url.Path, "", was, now, [], [], Grant(a, before, request, was, []), Grant(b, after, request, now, [])));
                }
        });

        // In a namespace that only RoleBindings single out, a request their rules do not match is answered as in any
        // other namespace (already compared above), so only what those rules match is asked there.
        var roleBindings = bindings.Where(x => !x.IsClusterBinding && !everything.Contains(x.Namespace))
            .GroupBy(x => x.Namespace, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var group in roleBindings)
        {
            var ns = group.Key;
            Part("namespace\n" + clusterInputs + "\n" + RoleBindingsIn(ns), () =>
            {
                var names = Names(x => x.IsClusterBinding || x.Namespace == ns);
                var kinds = scopes.Any(scope => scope.Covers(ns))
                    ? Enumerable.Range(0, space.Kinds.Count).Where(kind => space.Kinds[kind].Target.Namespaced)
                    : group.SelectMany(x => space.Matched(x.Rules)).Distinct();
                foreach (var kind in kinds) Probe(kind, ns, names);
            });
        }
        evaluations = count;
        return new PrincipalDifference(principal.Arn, principal.Display, beforeText, afterText, false, notes, changes);
    }

    /// <summary>
    /// What the authorizer chain reads of a user besides RoleBindings: whether system:masters or the Node authorizer
    /// applies, which ClusterRoleBindings apply (by position in evaluation order) and the associated access policies.
    /// </summary>
    private static string Inputs(PrincipalView view, IEnumerable<ResolvedBinding> clusterBindings)
    {
        var user = view.User!;
        var node = user.Username.StartsWith(Authz.ClusterAuthorizer.NodeUserPrefix, StringComparison.Ordinal) && user.InGroup(Authz.ClusterAuthorizer.NodesGroup);
        return $"{user.InGroup(Authn.KubeUser.MastersGroup)}|{node}|{string.Join(',', clusterBindings.Select(x => x.Ordinal))}|{string.Join(',', view.Policies.Select(p => $"{p.PolicyArn} {p.Scope}"))}";
    }

    private static (Outcome, IReadOnlyList<string>) Evaluate(ClusterAnalysis state, PrincipalView view, RequestAttributes request, string[] names, ref long count)
    {
        count++;
        if (state.Authorize(view, request).Allowed) return (Outcome.Allowed, []);
        if (!request.IsResourceRequest || names.Length == 0) return (Outcome.Denied, []);
        List<string>? allowed = null;
        foreach (var name in names)
        {
            count++;
            if (state.Authorize(view, request with { Name = name }).Allowed) (allowed ??= []).Add(name);
        }
        return allowed is null ? (Outcome.Denied, []) : (Outcome.Partial, allowed);
    }

    private static string? Grant(ClusterAnalysis state, PrincipalView view, RequestAttributes request, Outcome outcome, IReadOnlyList<string> names) => outcome switch
    {
        Outcome.Allowed => GrantPath.From(state.Authorize(view, request)).ToString(),
        Outcome.Partial => GrantPath.From(state.Authorize(view, request with { Name = names[0] })).ToString(),
        _ => null,
    };

    private static string Describe(PrincipalView view) => view.User is { } user
        ? $"{view.MappedBy}: user {user.Username}, groups [{string.Join(' ', user.Groups)}]" + (view.Policies.Count > 0 ? $", policies [{string.Join(", ", view.Policies.Select(PolicyRef.Of))}]" : "")
        : $"401 ({view.MappedBy})";
}
