namespace Turnstile.Core.Iam.Policies;

/// <summary>Action patterns, matched case-insensitively; literal names go to a hash set, wildcards are bucketed by service.</summary>
internal sealed class ActionSet
{
    private readonly bool _matchAll;
    private readonly HashSet<string> _exact = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, List<WildcardPattern>> _byService = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, List<WildcardPattern>>.AlternateLookup<ReadOnlySpan<char>> _byServiceLookup;
    private readonly List<WildcardPattern> _anyService = [];

    public ActionSet(IEnumerable<string> patterns)
    {
        _byServiceLookup = _byService.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var pattern in patterns)
        {
            var compiled = WildcardPattern.Compile(pattern, ignoreCase: true);
            if (compiled.Source == "*" && compiled.HasWildcards)
            {
                _matchAll = true;
                continue;
            }
            if (!compiled.HasWildcards)
            {
                _exact.Add(pattern);
                continue;
            }
            var colon = pattern.IndexOf(':');
            var service = colon < 0 ? "" : pattern[..colon];
            if (colon < 0 || service.AsSpan().IndexOfAny('*', '?') >= 0)
            {
                _anyService.Add(compiled);
                continue;
            }
            if (!_byService.TryGetValue(service, out var list)) _byService[service] = list = [];
            list.Add(compiled);
        }
    }

    public bool Matches(string action)
    {
        if (_matchAll || _exact.Contains(action)) return true;
        var colon = action.IndexOf(':');
        if (colon > 0 && _byServiceLookup.TryGetValue(action.AsSpan(0, colon), out var patterns))
        {
            foreach (var pattern in patterns)
            {
                if (pattern.IsMatch(action)) return true;
            }
        }
        foreach (var pattern in _anyService)
        {
            if (pattern.IsMatch(action)) return true;
        }
        return false;
    }
}

/// <summary>Resource patterns; entries with policy variables are resolved per request.</summary>
internal sealed class ResourceSet
{
    private readonly bool _matchAll;
    private readonly ArnPattern[] _patterns;
    private readonly PolicyTemplate[] _templates;

    public ResourceSet(IEnumerable<string> patterns, bool variablesEnabled)
    {
        var fixedPatterns = new List<ArnPattern>();
        var templates = new List<PolicyTemplate>();
        foreach (var pattern in patterns)
        {
            var template = PolicyTemplate.Parse(pattern, variablesEnabled);
            if (template.HasVariables)
            {
                templates.Add(template);
                continue;
            }
            var compiled = ArnPattern.Compile(pattern);
            if (compiled.MatchesEverything) _matchAll = true;
            fixedPatterns.Add(compiled);
        }
        _patterns = fixedPatterns.ToArray();
        _templates = templates.ToArray();
    }

    public bool Matches(string resource, IReadOnlyDictionary<string, ContextValue> keys, ref List<string>? missingKeys)
    {
        if (_matchAll) return true;
        foreach (var pattern in _patterns)
        {
            if (pattern.IsMatch(resource)) return true;
        }
        foreach (var template in _templates)
        {
            var tokens = new List<GlobToken>();
            if (template.TryResolveTokens(keys, tokens))
            {
                if (ArnPattern.FromTokens(tokens).IsMatch(resource)) return true;
                continue;
            }
            foreach (var key in template.VariableKeys)
            {
                if (!keys.ContainsKey(key)) (missingKeys ??= []).Add(key);
            }
        }
        return false;
    }
}

internal sealed class CompiledStatement
{
    private readonly ActionSet? _actions;
    private readonly bool _notAction;
    private readonly ResourceSet? _resources;
    private readonly bool _notResource;
    private readonly PrincipalMatcher? _principal;
    private readonly PrincipalMatcher? _notPrincipal;
    private readonly CompiledCondition[] _conditions;

    public PolicyStatement Statement { get; }
    public PolicyEffect Effect => Statement.Effect;

    public CompiledStatement(PolicyStatement statement, bool variablesEnabled)
    {
        Statement = statement;
        if (statement.Action is { } action) _actions = new ActionSet(action);
        else if (statement.NotAction is { } notAction)
        {
            _actions = new ActionSet(notAction);
            _notAction = true;
        }
        if (statement.Resource is { } resource) _resources = new ResourceSet(resource, variablesEnabled);
        else if (statement.NotResource is { } notResource)
        {
            _resources = new ResourceSet(notResource, variablesEnabled);
            _notResource = true;
        }
        if (statement.Principal is { } principal) _principal = new PrincipalMatcher(principal);
        if (statement.NotPrincipal is { } notPrincipal) _notPrincipal = new PrincipalMatcher(notPrincipal);
        _conditions = statement.Conditions.Select(c => new CompiledCondition(c, variablesEnabled)).ToArray();
    }

    /// <summary>A statement without Action/NotAction never applies (IAM rejects such documents anyway).</summary>
    public bool MatchesAction(string action) => _actions is not null && _actions.Matches(action) != _notAction;

    /// <summary>A statement without Resource/NotResource (a trust policy) applies to any resource.</summary>
    public bool MatchesResource(string resource, IReadOnlyDictionary<string, ContextValue> keys, ref List<string>? missingKeys) =>
        _resources is null || _resources.Matches(resource, keys, ref missingKeys) != _notResource;

    /// <summary>All conditions must hold (AND across operators and keys). Every one is evaluated so missing keys are all reported.</summary>
    public bool ConditionsHold(IReadOnlyDictionary<string, ContextValue> keys, ref List<string>? missingKeys)
    {
        var holds = true;
        foreach (var condition in _conditions)
        {
            if (!condition.Evaluate(keys, ref missingKeys)) holds = false;
        }
        return holds;
    }

    /// <summary>Principal: how the caller is named. NotPrincipal: applies to everyone it does not name (always "direct").</summary>
    public TrustGrant MatchPrincipal(TrustCaller caller)
    {
        if (_principal is not null) return _principal.Match(caller);
        if (_notPrincipal is not null) return _notPrincipal.Match(caller) == TrustGrant.None ? TrustGrant.Direct : TrustGrant.None;
        return TrustGrant.None;
    }
}
