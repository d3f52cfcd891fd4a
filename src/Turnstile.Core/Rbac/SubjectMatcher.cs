using Turnstile.Core.Authn;

namespace Turnstile.Core.Rbac;

/// <summary>Which binding subjects apply to a user (kube's appliesTo).</summary>
public static class SubjectMatcher
{
    public const string ServiceAccountUserPrefix = "system:serviceaccount:";

    public static bool AppliesTo(Subject subject, KubeUser user, string bindingNamespace) => subject.Kind switch
    {
        SubjectKinds.User => string.Equals(subject.Name, user.Username, StringComparison.Ordinal),
        SubjectKinds.Group => user.InGroup(subject.Name),
        SubjectKinds.ServiceAccount => ServiceAccountUsername(subject, bindingNamespace) is { } sa &&
                                       string.Equals(sa, user.Username, StringComparison.Ordinal),
        _ => false,
    };

    /// <summary>Index of the first subject that applies, or -1.</summary>
    public static int FirstApplying(IReadOnlyList<Subject> subjects, KubeUser user, string bindingNamespace)
    {
        for (var i = 0; i < subjects.Count; i++)
            if (AppliesTo(subjects[i], user, bindingNamespace)) return i;
        return -1;
    }

    /// <summary><c>system:serviceaccount:ns:name</c>, with the namespace defaulted from a RoleBinding; null when unknowable.</summary>
    public static string? ServiceAccountUsername(Subject subject, string bindingNamespace)
    {
        var ns = subject.Namespace.Length > 0 ? subject.Namespace : bindingNamespace;
        return ns.Length == 0 ? null : $"{ServiceAccountUserPrefix}{ns}:{subject.Name}";
    }
}
