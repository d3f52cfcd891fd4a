namespace Turnstile.Core.Rbac;

/// <summary>
/// RBAC's answer: Allow naming the binding, role, subject and rule that matched, or NoOpinion with the
/// resolution errors met on the way. The reason text is formatted only when asked for.
/// </summary>
public readonly struct RbacDecision
{
    private readonly string? _errors;

    private RbacDecision(bool allowed, ResolvedBinding? binding, int subjectIndex, PolicyRule? rule, string? errors)
    {
        Allowed = allowed;
        Binding = binding;
        SubjectIndex = subjectIndex;
        Rule = rule;
        _errors = errors;
    }

    public bool Allowed { get; }
    public ResolvedBinding? Binding { get; }
    public int SubjectIndex { get; }
    public PolicyRule? Rule { get; }

    public Subject? Subject => Binding is null ? null : Binding.Subjects[SubjectIndex];

    /// <summary>kube-apiserver's reason: <c>RBAC: allowed by ...</c>, <c>RBAC: &lt;errors&gt;</c> or empty.</summary>
    public string Reason => Allowed
        ? "RBAC: allowed by " + Binding!.Describe() + " to " + Subject!.Describe(Binding.Namespace)
        : _errors is null ? "" : "RBAC: " + _errors;

    public string? ResolutionErrors => _errors;

    internal static RbacDecision Allow(ResolvedBinding binding, int subjectIndex, PolicyRule rule) => new(true, binding, subjectIndex, rule, null);

    internal static RbacDecision NoOpinion(string? errors) => new(false, null, -1, null, errors);
}
