using Turnstile.Core.AccessPolicies;
using Turnstile.Core.Authn;
using Turnstile.Core.Authz;
using Turnstile.Core.Kube;
using Turnstile.Core.Rbac;

namespace Turnstile.Core.Analysis;

/// <summary>A resource (or subresource) requests can name, and the verbs discovery lists for it.</summary>
public sealed record ResourceTarget(string Group, string Resource, string Subresource, bool Namespaced, IReadOnlyList<string> Verbs)
{
    /// <summary><c>deployments.apps</c>, <c>pods/log</c>: how kubectl and rakkess name it.</summary>
    public string Display => (Group.Length == 0 ? Resource : Resource + "." + Group) + (Subresource.Length > 0 ? "/" + Subresource : "");

    public RequestAttributes Request(string verb, string ns, string name = "") =>
        RequestAttributes.ForResource(verb, Group, Resource, Namespaced ? ns : "", name, Subresource);

    /// <summary>The preferred version of every resource the cluster serves with at least one verb (rakkess's rows), sorted by name.</summary>
    public static IReadOnlyList<ResourceTarget> From(ApiResourceCatalog catalog, bool namespacedOnly = false, bool withSubresources = false)
    {
        var targets = new List<ResourceTarget>();
        foreach (var r in catalog.PreferredResources())
        {
            if (r.Verbs.Count == 0 || (namespacedOnly && !r.Namespaced)) continue;
            targets.Add(new ResourceTarget(r.Group, r.Name, "", r.Namespaced, r.Verbs));
            if (!withSubresources) continue;
            foreach (var s in r.Subresources)
                if (s.Verbs.Count > 0) targets.Add(new ResourceTarget(r.Group, r.Name, s.Name, r.Namespaced, s.Verbs));
        }
        return targets.DistinctBy(t => (t.Group, t.Resource, t.Subresource))
            .OrderBy(t => t.Display, StringComparer.Ordinal).ToArray();
    }
}

public enum CellAccess
{
    /// <summary>The resource does not support the verb (rakkess leaves the cell blank).</summary>
    NotApplicable,
    Denied,
    /// <summary>Allowed for some named objects only (rules with resourceNames).</summary>
    Partial,
    Allowed,
}

public sealed record MatrixCell(string Verb, CellAccess Access, IReadOnlyList<string> Names);

public sealed record MatrixRow(string Resource, IReadOnlyList<MatrixCell> Cells);

/// <summary>rakkess's view: resources × verbs for one user, in one namespace or (empty namespace) across all namespaces.</summary>
public sealed record AccessMatrix(string Namespace, IReadOnlyList<string> Verbs, IReadOnlyList<MatrixRow> Rows)
{
    /// <summary>rakkess's default columns.</summary>
    public static readonly IReadOnlyList<string> DefaultVerbs = ["list", "create", "update", "delete"];

    /// <summary>Every verb rakkess accepts (<c>--verbs all</c>).</summary>
    public static readonly IReadOnlyList<string> AllVerbs = ["create", "get", "list", "watch", "update", "patch", "delete", "deletecollection"];

    public static AccessMatrix For(ClusterAuthorizer authorizer, KubeUser user, IReadOnlyList<AssociatedAccessPolicy> policies,
        IReadOnlyList<ResourceTarget> targets, IReadOnlyList<string> verbs, string ns)
    {
        // Names that rules allowing only some objects mention; only these can make a cell partial.
        var (rules, _) = authorizer.Rbac.RulesFor(user, ns);
        var named = rules.Select(r => r.Rule).Where(r => r.ResourceNames.Count > 0).Distinct().ToArray();
        // Cells without names are the same for every row: one instance per verb and answer.
        var plain = new MatrixCell[verbs.Count, 3];
        for (var i = 0; i < verbs.Count; i++)
        {
            plain[i, 0] = new MatrixCell(verbs[i], CellAccess.NotApplicable, []);
            plain[i, 1] = new MatrixCell(verbs[i], CellAccess.Denied, []);
            plain[i, 2] = new MatrixCell(verbs[i], CellAccess.Allowed, []);
        }
        var rows = new List<MatrixRow>(targets.Count);
        foreach (var target in targets)
        {
            var cells = new MatrixCell[verbs.Count];
            for (var i = 0; i < verbs.Count; i++)
                cells[i] = Cell(authorizer, user, policies, target, verbs[i], ns, named, plain, i);
            rows.Add(new MatrixRow(target.Display, cells));
        }
        return new AccessMatrix(ns, verbs, rows);
    }

    private static MatrixCell Cell(ClusterAuthorizer authorizer, KubeUser user, IReadOnlyList<AssociatedAccessPolicy> policies,
        ResourceTarget target, string verb, string ns, PolicyRule[] named, MatrixCell[,] plain, int verbIndex)
    {
        if (!target.Verbs.Contains(verb, StringComparer.Ordinal)) return plain[verbIndex, 0];
        var request = target.Request(verb, ns);
        if (authorizer.Authorize(user, policies, request).Allowed) return plain[verbIndex, 2];
        SortedSet<string>? names = null;
        foreach (var rule in named)
        {
            if (!RuleMatcher.VerbMatches(rule, verb) || !RuleMatcher.ApiGroupMatches(rule, target.Group) ||
                !RuleMatcher.ResourceMatches(rule, target.Resource, target.Subresource)) continue;
            foreach (var name in rule.ResourceNames)
                if ((names is null || !names.Contains(name)) && authorizer.Authorize(user, policies, request with { Name = name }).Allowed)
                    (names ??= new SortedSet<string>(StringComparer.Ordinal)).Add(name);
        }
        return names is { Count: > 0 } ? new MatrixCell(verb, CellAccess.Partial, names.ToArray()) : plain[verbIndex, 1];
    }
}
