using Turnstile.Core.AccessPolicies;
using Turnstile.Core.Authz;
using Turnstile.Core.Rbac;

namespace Turnstile.Core.Analysis.Comparison;

/// <summary>A non-resource URL and the verbs to ask for it.</summary>
public sealed record UrlTarget(string Path, IReadOnlyList<string> Verbs);

/// <summary>
/// Every request kind two cluster states are compared on: each resource and subresource either serves (with its
/// discovery verbs), every resource a rule names even if discovery does not list it (users, groups, signers...), every
/// concrete verb a rule grants on a resource (impersonate, bind, escalate, approve...), and the non-resource URLs rules
/// and the API server's defaults name. Namespaces and object names are chosen per principal.
/// </summary>
public sealed class ProbeSpace
{
    private static readonly string[] DefaultUrls = ["/api", "/apis", "/healthz", "/livez", "/readyz", "/version", "/openapi/v2", "/openapi/v3", "/metrics", "/logs"];
    private static readonly string[] UrlVerbs = ["get", "post", "put", "patch", "delete"];

    public IReadOnlyList<ResourceTarget> Targets { get; }
    public IReadOnlyList<UrlTarget> Urls { get; }

    public ProbeSpace(IReadOnlyList<ClusterAnalysis> states)
    {
        var rules = states.SelectMany(RulesOf).Distinct().ToArray();
        var targets = new Dictionary<(string, string, string), (ResourceTarget Target, SortedSet<string> Verbs)>();
        foreach (var state in states)
            foreach (var t in ResourceTarget.From(state.Model.ApiResources, withSubresources: true))
                Add(t, t.Verbs);
        foreach (var rule in rules.Where(r => !r.IsNonResource))
        {
            var verbs = rule.Verbs.Where(v => v != PolicyRule.All).ToArray();
            foreach (var group in rule.ApiGroups.Where(g => g != PolicyRule.All))
                foreach (var resource in rule.Resources.Where(r => r != PolicyRule.All && !r.StartsWith("*/", StringComparison.Ordinal)))
                {
                    var slash = resource.IndexOf('/');
                    var (name, sub) = slash < 0 ? (resource, "") : (resource[..slash], resource[(slash + 1)..]);
                    if (!targets.ContainsKey((group, name, sub)))
                        Add(new ResourceTarget(group, name, sub, Namespaced(states, group, name), []), verbs);
                }
        }
        // Concrete verbs of wildcard rules reach every target they match.
        foreach (var rule in rules.Where(r => !r.IsNonResource))
        {
            var concrete = rule.Verbs.Where(v => v != PolicyRule.All).ToArray();
            if (concrete.Length == 0) continue;
            foreach (var (target, verbs) in targets.Values)
                if (RuleMatcher.ApiGroupMatches(rule, target.Group) && RuleMatcher.ResourceMatches(rule, target.Resource, target.Subresource))
                    verbs.UnionWith(concrete);
        }
        Targets = targets.Values.Select(p => p.Target with { Verbs = p.Verbs.ToArray() })
            .OrderBy(t => t.Display, StringComparer.Ordinal).ToArray();
        Kinds = Targets.SelectMany(t => t.Verbs.Select(v => (t, v))).ToArray();

        var urls = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var url in DefaultUrls) urls[url] = new SortedSet<string>(UrlVerbs, StringComparer.Ordinal);
        foreach (var rule in rules.Where(r => r.IsNonResource))
            foreach (var url in rule.NonResourceUrls.Where(u => u != PolicyRule.All))
            {
                var path = url.EndsWith('*') ? url.TrimEnd('*') + "turnstile-probe" : url;
                if (!urls.TryGetValue(path, out var verbs)) urls[path] = verbs = new SortedSet<string>(UrlVerbs, StringComparer.Ordinal);
                verbs.UnionWith(rule.Verbs.Where(v => v != PolicyRule.All));
            }
        Urls = urls.Select(p => new UrlTarget(p.Key, p.Value.ToArray())).ToArray();

        void Add(ResourceTarget target, IEnumerable<string> verbs)
        {
            var key = (target.Group, target.Resource, target.Subresource);
            if (!targets.TryGetValue(key, out var entry)) targets[key] = entry = (target, new SortedSet<string>(StringComparer.Ordinal));
            entry.Verbs.UnionWith(verbs);
        }
    }

    private static IEnumerable<PolicyRule> RulesOf(ClusterAnalysis state)
    {
        var rbac = state.Model.Rbac;
        return rbac.ClusterRoles.SelectMany(r => r.Rules)
            .Concat(rbac.Roles.SelectMany(r => r.Rules))
            .Concat(state.Model.AccessEntries.SelectMany(e => e.AccessPolicies).Select(a => a.Policy).OfType<AccessPolicy>().Distinct().SelectMany(p => p.Rules));
    }

    /// <summary>A rule-named resource discovery does not list: namespaced unless a catalogue says otherwise (asking in namespaces too costs nothing).</summary>
    private static bool Namespaced(IReadOnlyList<ClusterAnalysis> states, string group, string resource) =>
        states.Select(s => s.Model.ApiResources.FindPreferred(group, resource)).FirstOrDefault(r => r is not null)?.Namespaced ?? true;

    /// <summary>Every (target, verb) pair, numbered: the index of a request kind.</summary>
    public IReadOnlyList<(ResourceTarget Target, string Verb)> Kinds { get; }
    private readonly System.Collections.Concurrent.ConcurrentDictionary<IReadOnlyList<PolicyRule>, int[]> _matched = new(ReferenceEqualityComparer.Instance);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, RequestAttributes?[]> _requests = new(StringComparer.Ordinal);

    /// <summary>The namespaced request kinds some rule of a role matches, computed once per role's rule list.</summary>
    public int[] Matched(IReadOnlyList<PolicyRule> rules) => _matched.GetOrAdd(rules, static (list, kinds) =>
    {
        var matched = new List<int>();
        for (var i = 0; i < kinds.Count; i++)
        {
            var (target, verb) = kinds[i];
            if (!target.Namespaced) continue;
            for (var r = 0; r < list.Count; r++)
            {
                var rule = list[r];
                if (rule.IsNonResource || !RuleMatcher.VerbMatches(rule, verb) || !RuleMatcher.ApiGroupMatches(rule, target.Group) ||
                    !RuleMatcher.ResourceMatches(rule, target.Resource, target.Subresource)) continue;
                matched.Add(i);
                break;
            }
        }
        return matched.ToArray();
    }, Kinds);

    /// <summary>The request of a kind in a namespace (cluster-scoped kinds ignore it), made once and shared by every principal.</summary>
    public RequestAttributes Request(int kind, string ns)
    {
        var requests = _requests.GetOrAdd(ns, static (_, count) => new RequestAttributes?[count], Kinds.Count);
        var (target, verb) = Kinds[kind];
        return requests[kind] ??= target.Request(verb, ns);
    }

    /// <summary>Distinct (resource or URL, verb) pairs, before namespaces and names multiply them.</summary>
    public int RequestKinds => Targets.Sum(t => t.Verbs.Count) + Urls.Sum(u => u.Verbs.Count);

    internal static RequestAttributes UrlRequest(string verb, string path) => RequestAttributes.ForPath(verb, path);
}
