using System.Text;
using Turnstile.Core.AccessPolicies;
using Turnstile.Core.Authn;
using Turnstile.Core.Authz;
using Turnstile.Core.Rbac;

namespace Turnstile.Core.Analysis;

public sealed record GraphNode(string Id, string Kind, IReadOnlyList<string> Label);

public sealed record GraphEdge(string From, string To, string Label);

/// <summary>
/// rbac-tool viz extended to IAM: the path from an IAM principal through its mapping (aws-auth row or access entry), its
/// Kubernetes user and groups, the bindings that name them, to roles and rules; access policies and system:masters
/// appear where they grant. From a Kubernetes subject it shows the bindings that name it and the principals mapped to it.
/// </summary>
public sealed class AccessGraph
{
    private readonly List<GraphNode> _nodes = [];
    private readonly List<GraphEdge> _edges = [];
    private readonly Dictionary<string, string> _ids = new(StringComparer.Ordinal);

    public IReadOnlyList<GraphNode> Nodes => _nodes;
    public IReadOnlyList<GraphEdge> Edges => _edges;

    public static AccessGraph ForPrincipal(ClusterAnalysis analysis, PrincipalView view)
    {
        var graph = new AccessGraph();
        var kind = Arns.PrincipalArn.TryParse(view.Principal.Arn, out var parsed, out _) ? parsed.Type.ToString().ToLowerInvariant() : "principal";
        var principal = graph.Node("principal", "principal:" + view.Principal.Arn, $"IAM {kind}", view.Principal.Display);
        if (view.User is not { } user)
        {
            graph.Edge(principal, graph.Node("refused", "refused", "401 Unauthorized", view.Mapping.Error ?? ""), "not mapped");
            return graph;
        }
        var mapping = graph.Node("mapping", "mapping", [view.MappedBy, .. MappingDetail(view)]);
        graph.Edge(principal, mapping, "authenticates via");
        var userNode = graph.Node("user", "user:" + user.Username, "User", user.Username);
        graph.Edge(mapping, userNode, "username");
        var subjects = new Dictionary<string, string> { ["User\0" + user.Username] = userNode };
        foreach (var group in user.Groups)
        {
            var groupNode = graph.Node("group", "group:" + group, "Group", group);
            subjects["Group\0" + group] = groupNode;
            graph.Edge(group == KubeUser.AuthenticatedGroup ? userNode : mapping, groupNode, group == KubeUser.AuthenticatedGroup ? "added by the API server" : "group");
        }
        if (user.InGroup(KubeUser.MastersGroup))
            graph.Edge(subjects["Group\0" + KubeUser.MastersGroup], graph.Node("masters", "masters", "system:masters authorizer", "every request allowed, RBAC not consulted"), "bypasses RBAC");
        if (user.Username.StartsWith(ClusterAuthorizer.NodeUserPrefix, StringComparison.Ordinal) && user.InGroup(ClusterAuthorizer.NodesGroup))
            graph.Edge(subjects["Group\0" + ClusterAuthorizer.NodesGroup], graph.Node("node", "node-authorizer", "Node authorizer", "rules of ClusterRole system:node"), "node identity");

        var rbac = analysis.Engine.Authorizer.Rbac;
        foreach (var binding in rbac.BindingsApplyingTo(user))
        {
            var subject = binding.Subjects[SubjectMatcher.FirstApplying(binding.Subjects, user, binding.Namespace)];
            var from = subject.Kind == SubjectKinds.Group ? subjects["Group\0" + subject.Name] : userNode;
            graph.Edge(from, graph.Binding(binding), "bound by");
        }
        foreach (var association in view.Policies)
        {
            var policy = graph.Node("policy", "policy:" + association.PolicyArn + association.Scope, "access policy " + (association.Policy?.Name ?? association.PolicyArn), $"scope: {association.Scope}");
            graph.Edge(mapping, policy, "associated");
            foreach (var rule in association.Policy?.Rules ?? [])
                graph.Edge(policy, graph.Rule(rule), association.Scope.IsCluster ? "everywhere" : "in " + string.Join(", ", association.Scope.Namespaces));
        }
        return graph;
    }

    public static AccessGraph ForSubject(ClusterAnalysis analysis, string kind, string name, string ns)
    {
        var graph = new AccessGraph();
        var subjectNode = graph.Node("subject", $"{kind}:{ns}:{name}", kind, kind == SubjectKinds.ServiceAccount ? $"{ns}/{name}" : name);
        var username = kind switch
        {
            SubjectKinds.User => name,
            SubjectKinds.ServiceAccount => SubjectMatcher.ServiceAccountUsername(Subject.ServiceAccount(ns, name), ns),
            _ => null,
        };
        foreach (var view in analysis.Principals)
        {
            if (view.User is not { } user) continue;
            var maps = kind == SubjectKinds.Group ? user.InGroup(name) : user.Username == username;
            if (!maps) continue;
            var principal = graph.Node("principal", "principal:" + view.Principal.Arn, "IAM principal", view.Principal.Display);
            graph.Edge(principal, subjectNode, view.MappedBy);
        }
        if (kind == SubjectKinds.Group && name == KubeUser.MastersGroup)
            graph.Edge(subjectNode, graph.Node("masters", "masters", "system:masters authorizer", "every request allowed, RBAC not consulted"), "bypasses RBAC");
        foreach (var binding in analysis.Engine.Authorizer.Rbac.AllBindings.OrderBy(b => b.Ordinal))
            if (binding.Subjects.Any(s => s.Kind == kind && s.Name == name &&
                                          (kind != SubjectKinds.ServiceAccount || (s.Namespace.Length > 0 ? s.Namespace : binding.Namespace) == ns)))
                graph.Edge(subjectNode, graph.Binding(binding), "bound by");
        return graph;
    }

    private string Binding(ResolvedBinding binding)
    {
        var reference = BindingRef.Of(binding);
        var node = Node("binding", $"binding:{binding.Namespace}/{binding.Name}:{binding.IsClusterBinding}", reference.Kind,
            (binding.IsClusterBinding ? "" : binding.Namespace + "/") + binding.Name);
        var roleKey = $"role:{reference.RoleKind}:{(reference.RoleKind == "Role" ? binding.Namespace : "")}/{reference.RoleName}";
        var known = _ids.ContainsKey(roleKey);
        var role = Node("role", roleKey, binding.ResolutionError is null ? reference.RoleKind : "missing " + reference.RoleKind,
            (reference.RoleKind == "Role" ? binding.Namespace + "/" : "") + reference.RoleName);
        Edge(node, role, binding.IsClusterBinding ? "everywhere" : "in " + binding.Namespace);
        if (!known)
            foreach (var rule in binding.Rules) Edge(role, Rule(rule), "rule");
        return node;
    }

    private string Rule(PolicyRule rule)
    {
        var lines = new List<string> { "verbs: " + string.Join(' ', rule.Verbs) };
        if (rule.IsNonResource) lines.Add("URLs: " + string.Join(' ', rule.NonResourceUrls));
        else
        {
            lines.Add("resources: " + string.Join(' ', rule.Resources));
            lines.Add("groups: " + string.Join(' ', rule.ApiGroups.Select(g => g.Length == 0 ? "\"\"" : g)));
        }
        if (rule.ResourceNames.Count > 0) lines.Add("names: " + string.Join(' ', rule.ResourceNames));
        return Node("rule", "rule:" + string.Join("|", lines), lines);
    }

    private static string[] MappingDetail(PrincipalView view)
    {
        if (view.Mapping.RoleRow is { } role) return [$"rolearn {role.RoleArn}", $"username {role.Username}", $"groups [{string.Join(' ', role.Groups)}]"];
        if (view.Mapping.UserRow is { } row) return [$"userarn {row.UserArn}", $"username {row.Username}", $"groups [{string.Join(' ', row.Groups)}]"];
        if (view.Mapping.AccessEntry is { } entry) return [$"username {entry.Username}", $"groups [{string.Join(' ', entry.KubernetesGroups)}]"];
        return [];
    }

    private string Node(string kind, string key, params IReadOnlyList<string> label)
    {
        if (_ids.TryGetValue(key, out var id)) return id;
        id = "n" + (_nodes.Count + 1);
        _ids[key] = id;
        _nodes.Add(new GraphNode(id, kind, label.Where(l => l.Length > 0).ToArray()));
        return id;
    }

    private void Edge(string from, string to, string label)
    {
        if (!_edges.Any(e => e.From == from && e.To == to)) _edges.Add(new GraphEdge(from, to, label));
    }

    public string ToDot()
    {
        var sb = new StringBuilder("digraph turnstile {\n  rankdir=LR;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n");
        foreach (var node in _nodes)
            sb.Append($"  {node.Id} [label=\"{string.Join("\\n", node.Label.Select(DotEscape))}\"{DotStyle(node.Kind)}];\n");
        foreach (var edge in _edges)
            sb.Append($"  {edge.From} -> {edge.To} [label=\"{DotEscape(edge.Label)}\"];\n");
        return sb.Append("}\n").ToString();
    }

    public string ToMermaid()
    {
        var sb = new StringBuilder("flowchart LR\n");
        foreach (var node in _nodes)
            sb.Append($"  {node.Id}[\"{string.Join("<br/>", node.Label.Select(MermaidEscape))}\"]\n");
        foreach (var edge in _edges)
            sb.Append($"  {edge.From} -->|\"{MermaidEscape(edge.Label)}\"| {edge.To}\n");
        return sb.ToString();
    }

    private static string DotStyle(string kind) => kind switch
    {
        "principal" => ", style=\"rounded,filled\", fillcolor=\"#ffe8b0\"",
        "masters" or "node" => ", style=\"rounded,filled\", fillcolor=\"#ffc0c0\"",
        "refused" => ", style=\"rounded,filled\", fillcolor=\"#dddddd\"",
        "rule" => ", shape=note",
        _ => "",
    };

    private static string DotEscape(string text) => text.Replace("\\", "\\\\").Replace("\"", "\\\"");

    private static string MermaidEscape(string text) => text.Replace("\"", "#quot;").Replace("<", "#lt;").Replace(">", "#gt;");
}
