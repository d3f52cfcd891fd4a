using Turnstile.Core.Authn;
using Turnstile.Core.Authz;
using Turnstile.Core.Rbac;

namespace Turnstile.Core.Analysis;

/// <summary>A Kubernetes subject (User, Group, ServiceAccount, or the node identities) and every path that grants it the request.</summary>
public sealed record SubjectGrant(string Kind, string Name, string Namespace, IReadOnlyList<GrantPath> GrantedBy)
{
    public const string NodeKind = "Node";
}

/// <summary>An IAM principal allowed to make the request, how it is mapped and the path the authorizer chain took.</summary>
public sealed record PrincipalGrant(string Principal, string Display, IReadOnlyList<string> NamedBy, string MappedBy, string Username, IReadOnlyList<string> Groups, GrantPath GrantedBy);

public sealed record WhoCanResult(RequestAttributes Request, IReadOnlyList<PrincipalGrant> Principals, IReadOnlyList<SubjectGrant> Subjects);

/// <summary>
/// Who may make a request: every Kubernetes subject whose bindings grant it (plus <c>system:masters</c> and node
/// identities), and every IAM principal the cluster maps whose decision by the engine is allow.
/// </summary>
public static class WhoCan
{
    public static WhoCanResult Run(ClusterAnalysis analysis, RequestAttributes request)
    {
        var principals = new List<PrincipalGrant>();
        foreach (var view in analysis.Principals)
        {
            if (view.User is not { } user) continue;
            var result = analysis.Authorize(view, request);
            if (!result.Allowed) continue;
            principals.Add(new PrincipalGrant(view.Principal.Arn, view.Principal.Display, view.Principal.NamedBy.Select(r => r.Location).ToArray(),
                view.MappedBy, user.Username, user.Groups, GrantPath.From(result)));
        }
        return new WhoCanResult(request, principals, Subjects(analysis, request));
    }

    private static IReadOnlyList<SubjectGrant> Subjects(ClusterAnalysis analysis, RequestAttributes request)
    {
        // system:masters first: the authorizer allows it before RBAC, whatever binds the group.
        var masters = (SubjectKinds.Group, KubeUser.MastersGroup, "");
        var grants = new Dictionary<(string Kind, string Name, string Namespace), List<GrantPath>> { [masters] = [GrantPath.Masters] };
        var order = new List<(string, string, string)>();
        var subjects = new List<SubjectGrant>();
        var authorizer = analysis.Engine.Authorizer;
        var node = authorizer.Authorize(KubeUser.Of(ClusterAuthorizer.NodeUserPrefix + "*", ClusterAuthorizer.NodesGroup), [], request);
        if (node.Stage == AuthorizerStage.Node) subjects.Add(new SubjectGrant(SubjectGrant.NodeKind, ClusterAuthorizer.NodeUserPrefix + "*", "", [GrantPath.Node]));
        var rbac = authorizer.Rbac;
        var bindings = request.Namespace.Length == 0 ? rbac.ClusterBindings : rbac.ClusterBindings.Concat(rbac.RoleBindingsIn(request.Namespace));
        foreach (var binding in bindings)
        {
            var rule = binding.Rules.FirstOrDefault(r => RuleMatcher.Allows(r, request));
            if (rule is null) continue;
            foreach (var subject in binding.Subjects)
            {
                if (subject.Kind is not (SubjectKinds.User or SubjectKinds.Group or SubjectKinds.ServiceAccount)) continue;
                var ns = subject.Kind == SubjectKinds.ServiceAccount ? (subject.Namespace.Length > 0 ? subject.Namespace : binding.Namespace) : "";
                if (subject.Kind == SubjectKinds.ServiceAccount && ns.Length == 0) continue; // names no service account
                var key = (subject.Kind, subject.Name, ns);
                if (!grants.TryGetValue(key, out var paths))
                {
                    grants[key] = paths = [];
                    order.Add(key);
                }
                paths.Add(new GrantPath(GrantKind.Rbac, BindingRef.Of(binding), subject.Describe(binding.Namespace), Rule: rule));
            }
        }
        subjects.Insert(0, new SubjectGrant(SubjectKinds.Group, KubeUser.MastersGroup, "", grants[masters]));
        subjects.AddRange(order
            .OrderBy(k => k.Item1, StringComparer.Ordinal).ThenBy(k => k.Item3, StringComparer.Ordinal).ThenBy(k => k.Item2, StringComparer.Ordinal)
            .Select(k => new SubjectGrant(k.Item1, k.Item2, k.Item3, grants[k])));
        return subjects;
    }
}
