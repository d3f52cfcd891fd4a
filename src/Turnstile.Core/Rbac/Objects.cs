namespace Turnstile.Core.Rbac;

public sealed record ObjectMeta
{
    public required string Name { get; init; }
    public string Namespace { get; init; } = "";
    public IReadOnlyDictionary<string, string> Labels { get; init; } = Empty;
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = Empty;

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();
}

public static class SubjectKinds
{
    public const string User = "User";
    public const string Group = "Group";
    public const string ServiceAccount = "ServiceAccount";
}

public sealed record Subject(string Kind, string Name, string Namespace = "", string ApiGroup = "")
{
    public static Subject User(string name) => new(SubjectKinds.User, name, ApiGroup: RbacGroup.Name);
    public static Subject Group(string name) => new(SubjectKinds.Group, name, ApiGroup: RbacGroup.Name);
    public static Subject ServiceAccount(string ns, string name) => new(SubjectKinds.ServiceAccount, name, ns);

    /// <summary>How kube prints a subject in reason strings: <c>User "x"</c>, <c>ServiceAccount "name/ns"</c>.</summary>
    public string Describe(string bindingNamespace = "")
    {
        if (Kind == SubjectKinds.ServiceAccount)
        {
            var ns = Namespace.Length > 0 ? Namespace : bindingNamespace;
            return $"ServiceAccount {GoQuote.Quote(Name + "/" + ns)}";
        }
        return $"{Kind} {GoQuote.Quote(Name)}";
    }
}

public sealed record RoleRef(string Kind, string Name, string ApiGroup = RbacGroup.Name);

public static class RbacGroup
{
    public const string Name = "rbac.authorization.k8s.io";
}

public enum LabelSelectorOperator { In, NotIn, Exists, DoesNotExist }

public sealed record LabelSelectorRequirement(string Key, LabelSelectorOperator Operator, IReadOnlyList<string> Values);

public sealed record LabelSelector
{
    public IReadOnlyDictionary<string, string> MatchLabels { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<LabelSelectorRequirement> MatchExpressions { get; init; } = [];

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        foreach (var (key, value) in MatchLabels)
            if (!labels.TryGetValue(key, out var actual) || actual != value) return false;
        foreach (var req in MatchExpressions)
        {
            var has = labels.TryGetValue(req.Key, out var actual);
            var ok = req.Operator switch
            {
                LabelSelectorOperator.In => has && req.Values.Contains(actual!),
                LabelSelectorOperator.NotIn => !has || !req.Values.Contains(actual!),
                LabelSelectorOperator.Exists => has,
                LabelSelectorOperator.DoesNotExist => !has,
                _ => false,
            };
            if (!ok) return false;
        }
        return true;
    }
}

public sealed record AggregationRule(IReadOnlyList<LabelSelector> ClusterRoleSelectors);

public sealed record Role(ObjectMeta Metadata, IReadOnlyList<PolicyRule> Rules)
{
    public string Name => Metadata.Name;
    public string Namespace => Metadata.Namespace;
}

public sealed record ClusterRole(ObjectMeta Metadata, IReadOnlyList<PolicyRule> Rules, AggregationRule? AggregationRule = null)
{
    public string Name => Metadata.Name;
}

public sealed record RoleBinding(ObjectMeta Metadata, RoleRef RoleRef, IReadOnlyList<Subject> Subjects)
{
    public string Name => Metadata.Name;
    public string Namespace => Metadata.Namespace;
}

public sealed record ClusterRoleBinding(ObjectMeta Metadata, RoleRef RoleRef, IReadOnlyList<Subject> Subjects)
{
    public string Name => Metadata.Name;
}
