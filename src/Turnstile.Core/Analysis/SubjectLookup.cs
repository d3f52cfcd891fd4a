using System.Text.RegularExpressions;
using Turnstile.Core.Rbac;

namespace Turnstile.Core.Analysis;

/// <summary>One binding of a subject (rbac-tool lookup's row), with the IAM principals mapped to that subject.</summary>
public sealed record SubjectBinding(string Subject, string SubjectKind, string SubjectNamespace, BindingRef Binding, IReadOnlyList<string> MappedPrincipals);

/// <summary>rbac-tool lookup: the roles bound to subjects whose name matches a pattern, and which IAM principals become them.</summary>
public static class SubjectLookup
{
    public static IReadOnlyList<SubjectBinding> Find(ClusterAnalysis analysis, Regex pattern, bool inverse = false) =>
        Find(analysis, (subject, _) => pattern.IsMatch(subject.Name) != inverse);

    public static IReadOnlyList<SubjectBinding> Find(ClusterAnalysis analysis, Func<Subject, string, bool> matches)
    {
        var byUser = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var byGroup = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var view in analysis.Principals)
        {
            if (view.User is not { } user) continue;
            Add(byUser, user.Username, view.Principal.Arn);
            foreach (var group in user.Groups) Add(byGroup, group, view.Principal.Arn);
        }
        var rows = new List<SubjectBinding>();
        foreach (var binding in analysis.Engine.Authorizer.Rbac.AllBindings.OrderBy(b => b.Ordinal))
            foreach (var subject in binding.Subjects)
            {
                if (!matches(subject, binding.Namespace)) continue;
                var ns = subject.Kind == SubjectKinds.ServiceAccount ? (subject.Namespace.Length > 0 ? subject.Namespace : binding.Namespace) : "";
                var mapped = subject.Kind switch
                {
                    SubjectKinds.User => byUser.GetValueOrDefault(subject.Name),
                    SubjectKinds.Group => byGroup.GetValueOrDefault(subject.Name),
                    SubjectKinds.ServiceAccount => byUser.GetValueOrDefault(SubjectMatcher.ServiceAccountUsername(subject, binding.Namespace) ?? ""),
                    _ => null,
                };
                rows.Add(new SubjectBinding(subject.Name, subject.Kind, ns, BindingRef.Of(binding), mapped ?? []));
            }
        return rows.OrderBy(r => r.Subject, StringComparer.Ordinal).ThenBy(r => r.SubjectKind, StringComparer.Ordinal)
            .ThenBy(r => r.Binding.Namespace, StringComparer.Ordinal).ThenBy(r => r.Binding.Name, StringComparer.Ordinal).ToArray();
    }

    private static void Add(Dictionary<string, List<string>> map, string key, string arn)
    {
        if (!map.TryGetValue(key, out var list)) map[key] = list = [];
        list.Add(arn);
    }
}
