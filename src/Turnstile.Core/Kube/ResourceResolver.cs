namespace Turnstile.Core.Kube;

/// <summary>
/// The outcome of resolving a kubectl resource argument.
/// <see cref="Resource"/> is what kubectl goes on to use: for <c>auth can-i</c> its group and resource go into the
/// SelfSubjectAccessReview (the version never does). When resolution fails kubectl falls back to the argument exactly
/// as typed, as the resource name with an empty group (<c>widgets.example.com</c> is sent as resource
/// <c>widgets.example.com</c>, group <c>""</c>).
/// </summary>
/// <param name="Parsed">The group and resource kubectl parsed from the lower-cased argument (before any lookup).</param>
/// <param name="Warnings">Messages for kubectl's warning printer, in print order.</param>
public sealed record ResourceResolution(GroupVersionResource Resource, bool Resolved, GroupVersionResource Parsed, IReadOnlyList<string> Warnings);

/// <summary>
/// Resolves resource arguments the way kubectl v1.32 does: a short-name expander in front of client-go's
/// discovery-built priority REST mapper. Accepted forms include plural (<c>pods</c>), singular (<c>pod</c>), short
/// names (<c>po</c>), <c>resource.group</c> with group-prefix matching (<c>deployments.apps</c>,
/// <c>storageclass.storage</c>), <c>resource.version.group</c>, and — because kubectl lower-cases the argument and
/// singular names are lower-cased kinds — kinds in any case (<c>Deployment</c>, <c>DEPLOYMENT.apps</c>). Kinds as such
/// are never looked up; a kind only works where its lower-case form is a singular name (or the singular name the mapper
/// guesses from the kind when discovery reports none, e.g. <c>podmetrics</c>).
/// </summary>
public sealed class ResourceResolver
{
    private readonly ApiResourceCatalog _catalog;
    private readonly List<VersionMapper> _mappers = [];
    private readonly List<ShortName> _shortNames = [];
    private readonly List<PriorityPattern> _priority = [];

    public ResourceResolver(ApiResourceCatalog catalog)
    {
        _catalog = catalog;
        foreach (var gv in catalog.GroupVersions)
        {
            _mappers.Add(new VersionMapper(gv));
            foreach (var r in gv.Resources)
                foreach (var s in r.ShortNames)
                    _shortNames.Add(new ShortName(gv.Group, s, r.Name));
        }
        BuildPriority();
    }

    public ApiResourceCatalog Catalog => _catalog;

    /// <summary>
    /// Resolves the resource part of <c>kubectl auth can-i VERB RESOURCE[/NAME]</c> (the caller strips <c>/NAME</c>).
    /// </summary>
    public ResourceResolution ResolveForCanI(string resourceArg)
    {
        if (resourceArg == "*") return new(new GroupVersionResource("", "", "*"), true, new GroupVersionResource("", "", "*"), []);

        var warnings = new List<string>();
        var lowered = resourceArg.ToLowerInvariant();
        var (fullySpecified, groupResource) = ParseResourceArg(lowered);

        GroupVersionResource? found = null;
        if (fullySpecified is { } full) found = ResourceFor(full, warnings);
        found ??= ResourceFor(groupResource, warnings);
        if (found is { } gvr) return new(gvr, true, groupResource, warnings);

        if (!CanIWarnings.IsNonStandardResource(groupResource.GroupResourceString))
            warnings.Add(CanIWarnings.UnknownResourceType(groupResource.Resource, groupResource.Group));
        return new(new GroupVersionResource("", "", resourceArg), false, groupResource, warnings);
    }

    /// <summary>
    /// Splits can-i's second argument: <c>pods/web</c> gives (<c>pods</c>, <c>web</c>); only the first <c>/</c> counts.
    /// Arguments starting with <c>/</c> are non-resource URLs and must not come here.
    /// </summary>
    public static (string Resource, string Name) SplitResourceAndName(string arg)
    {
        var slash = arg.IndexOf('/');
        return slash < 0 ? (arg, "") : (arg[..slash], arg[(slash + 1)..]);
    }

    /// <summary>
    /// kubectl's <c>RESTMapper.ResourceFor</c> behind its short-name expander: the single best match for a partially
    /// specified resource, or null when nothing (or nothing unambiguous) matches. Expander warnings (an ambiguous short
    /// name) are appended to <paramref name="warnings"/>.
    /// </summary>
    public GroupVersionResource? ResourceFor(GroupVersionResource partial, List<string>? warnings = null)
    {
        var expanded = ExpandShortcut(partial, warnings);
        var candidates = ResourcesFor(expanded);
        return candidates.Count switch
        {
            0 => null,
            1 => candidates[0],
            _ => PickByPriority(candidates),
        };
    }

    /// <summary>
    /// Whether the resource is namespaced, checked the way can-i does: against the discovery document of the exact
    /// group-version the mapper returned. Null when that lookup fails (unresolved argument, unknown group-version).
    /// <c>*</c> counts as namespaced.
    /// </summary>
    public bool? IsNamespaced(GroupVersionResource gvr)
    {
        if (gvr.Resource == "*") return true;
        if (gvr.GroupVersionString.Length == 0) return null;
        return _catalog.Find(gvr.Group, gvr.Version, gvr.Resource)?.Namespaced;
    }

    /// <summary>apimachinery's <c>ParseResourceArg</c>: two or more dots also allow a <c>resource.version.group</c> reading.</summary>
    public static (GroupVersionResource? FullySpecified, GroupVersionResource GroupResource) ParseResourceArg(string arg)
    {
        GroupVersionResource? full = null;
        if (arg.Count(c => c == '.') >= 2)
        {
            var parts = arg.Split('.', 3);
            full = new GroupVersionResource(parts[2], parts[1], parts[0]);
        }
        var dot = arg.IndexOf('.');
        var gr = dot >= 0 ? new GroupVersionResource(arg[(dot + 1)..], "", arg[..dot]) : new GroupVersionResource("", "", arg);
        return (full, gr);
    }

    // client-go's shortcut expander. Its expansion drops any version, except on the group-prefix path.
    private GroupVersionResource ExpandShortcut(GroupVersionResource resource, List<string>? warnings)
    {
        if (resource.Resource.Length == 0) return resource;

        foreach (var gv in _catalog.GroupVersions)
        {
            if (resource.Group.Length != 0 && resource.Group != gv.Group) continue;
            foreach (var r in gv.Resources)
                if (resource.Resource == r.Name || resource.Resource == r.SingularName) return resource;
        }

        ShortName? match = null;
        var warned = new HashSet<(string, string)>();
        foreach (var s in _shortNames)
        {
            if (resource.Group.Length != 0 && resource.Group != s.Group) continue;
            if (resource.Resource != s.Short) continue;
            if (match is null)
            {
                match = s;
                continue;
            }
            if (s.Group == match.Group && s.Long == match.Long) continue; // same resource in another version
            if (warned.Add((s.Group, s.Long)))
                warnings?.Add($"short name {Rbac.GoQuote.Quote(resource.Resource)} could also match lower priority resource {new GroupVersionResource(s.Group, "", s.Long).GroupResourceString}");
        }
        if (match is not null) return new GroupVersionResource(match.Group, "", match.Long);

        if (resource.Group.Length == 0) return resource;
        foreach (var s in _shortNames)
        {
            if (!s.Group.StartsWith(resource.Group, StringComparison.Ordinal)) continue;
            if (resource.Resource == s.Short) return resource with { Group = s.Group, Resource = s.Long };
        }
        return resource;
    }

    // MultiRESTMapper over one DefaultRESTMapper per group-version: concatenated matches, duplicates removed.
    private List<GroupVersionResource> ResourcesFor(GroupVersionResource input)
    {
        var resource = input with { Resource = input.Resource.ToLowerInvariant() };
        var all = new List<GroupVersionResource>();
        if (resource.Resource.Length == 0) return all;
        foreach (var mapper in _mappers)
            foreach (var m in mapper.ResourcesFor(resource))
                if (!all.Contains(m)) all.Add(m);
        return all;
    }

    private GroupVersionResource? PickByPriority(List<GroupVersionResource> candidates)
    {
        var remaining = candidates;
        foreach (var p in _priority)
        {
            var matched = remaining.Where(p.Matches).ToList();
            if (matched.Count == 0) continue;
            if (matched.Count == 1) return matched[0];
            remaining = matched;
        }
        return null;
    }

    // Core v1 first, then each group's preferred version and its other versions in discovery order, then each group
    // with any version.
    private void BuildPriority()
    {
        _priority.Add(new PriorityPattern("", "v1"));
        foreach (var g in _catalog.Groups)
        {
            _priority.Add(new PriorityPattern(g.Name, g.PreferredVersion));
            foreach (var v in g.Versions.Skip(1)) _priority.Add(new PriorityPattern(g.Name, v.Version));
        }
        foreach (var g in _catalog.Groups) _priority.Add(new PriorityPattern(g.Name, null));
    }

    private sealed record ShortName(string Group, string Short, string Long);

    private sealed record PriorityPattern(string Group, string? Version)
    {
        public bool Matches(GroupVersionResource gvr) => gvr.Group == Group && (Version is null || gvr.Version == Version);
    }

    /// <summary>The plural/singular pairs client-go registers for one group-version, and apimachinery's matching over them.</summary>
    private sealed class VersionMapper
    {
        private readonly string _group;
        private readonly string _version;
        private readonly List<(string Plural, string Singular)> _pairs = [];

        public VersionMapper(ApiGroupVersion gv)
        {
            _group = gv.Group;
            _version = gv.Version;
            foreach (var r in gv.Resources)
            {
                var singular = r.SingularName.Length > 0 ? r.SingularName : GuessFromKind(r.Kind).Singular;
                Set(r.Name, singular);
                // The mapper also registers a guessed <Kind>List resource for every kind, and one "List" per version;
                // these resolve too (kubectl auth can-i get podlists), so keep them.
                var list = GuessFromKind(r.Kind + "List");
                Set(list.Plural, list.Singular);
            }
            var generic = GuessFromKind("List");
            Set(generic.Plural, generic.Singular);
        }

        private void Set(string plural, string singular)
        {
            var i = _pairs.FindIndex(p => p.Plural == plural);
            if (i >= 0) _pairs[i] = (plural, singular);
            else _pairs.Add((plural, singular));
        }

        public IEnumerable<GroupVersionResource> ResourcesFor(GroupVersionResource r)
        {
            var hasGroup = r.Group.Length > 0;
            var hasVersion = r.Version.Length > 0;
            if (hasGroup && hasVersion)
            {
                if (r.Group != _group || r.Version != _version) yield break;
                foreach (var p in _pairs)
                    if (p.Singular == r.Resource || p.Plural == r.Resource)
                    {
                        yield return Gvr(p.Plural);
                        yield break;
                    }
            }
            else if (hasGroup)
            {
                var exact = false;
                if (r.Group == _group)
                    foreach (var p in _pairs)
                        if (p.Singular == r.Resource || p.Plural == r.Resource)
                        {
                            exact = true;
                            yield return Gvr(p.Plural);
                        }
                if (exact || !_group.StartsWith(r.Group, StringComparison.Ordinal)) yield break;
                foreach (var p in _pairs)
                    if (p.Singular == r.Resource || p.Plural == r.Resource)
                        yield return Gvr(p.Plural);
            }
            else
            {
                if (hasVersion && r.Version != _version) yield break;
                foreach (var p in _pairs)
                    if (p.Singular == r.Resource || p.Plural == r.Resource)
                        yield return Gvr(p.Plural);
            }
        }

        private GroupVersionResource Gvr(string plural) => new(_group, _version, plural);
    }

    /// <summary>apimachinery's <c>UnsafeGuessKindToResource</c>.</summary>
    internal static (string Plural, string Singular) GuessFromKind(string kind)
    {
        if (kind.Length == 0) return ("", "");
        var singular = kind.ToLowerInvariant();
        if (singular.EndsWith("endpoints", StringComparison.Ordinal)) return (singular, singular);
        return singular[^1] switch
        {
            's' => (singular + "es", singular),
            'y' => (singular[..^1] + "ies", singular),
            _ => (singular + "s", singular),
        };
    }
}
