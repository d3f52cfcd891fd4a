using Spectre.Console;
using Turnstile.Core.Clusters;
using Turnstile.Core.Explain;

namespace Turnstile.Cli.Output;

/// <summary>Renders an <see cref="AccessExplanation"/> as a tree, one branch per stage of the chain.</summary>
public static class ExplainRenderer
{
    public static void Render(AccessExplanation e, ClusterAccessModel model)
    {
        var console = Terminal.Out;
        var tree = new Tree(Text($"{e.Request} as {e.Identity.Arn}" + (model.ClusterName.Length > 0 ? $" on cluster {model.ClusterName}" : "")));

        var identity = tree.AddNode(Bold("1. IAM identity"));
        identity.AddNode(Text($"caller ARN: {e.Identity.Arn}"));
        identity.AddNode(Text($"canonical ARN: {e.Identity.CanonicalArn}" + (e.Identity.Arn != e.Identity.CanonicalArn ? " (assumed-role sessions map as their role, without any role path)" : "")));
        identity.AddNode(Text($"account {e.Identity.AccountId}, principal id {e.Identity.PrincipalId}" +
                              (e.Identity.PrincipalIdKnown ? "" : " (synthesized: not in the snapshot's principalIds)") +
                              (e.Identity.SessionName.Length > 0 ? $", session {e.Identity.SessionName}" : "")));

        var auth = tree.AddNode(Bold("2. Authentication (aws-iam-authenticator)"));
        foreach (var line in e.Authentication.Trace) auth.AddNode(Text(line));
        if (e.Authentication.Row is { } row)
            auth.AddNode(Text($"=> mapped by aws-auth {row.Section}[{row.Index}]: {row.Arn}, username {row.Username}, groups [{string.Join(' ', row.Groups)}]"));
        else if (e.Authentication.AccessEntry is { } entry)
        {
            var node = auth.AddNode(Text($"=> mapped by access entry {entry.PrincipalArn} ({entry.Type}): username {entry.Username}, groups [{string.Join(' ', entry.KubernetesGroups)}]"));
            foreach (var p in entry.AccessPolicies)
                node.AddNode(Text($"access policy {p.Policy}, scope {p.ScopeType}" + (p.Namespaces.Count > 0 ? $" [{string.Join(' ', p.Namespaces)}]" : "")));
        }
        else if (e.Authentication.Mapped)
            auth.AddNode(Text($"=> mapped by {e.Authentication.Source}"));
        else
            auth.AddNode(Red($"=> not mapped: {e.Authentication.Error}"));

        if (e.User is { } user)
        {
            var node = tree.AddNode(Bold("3. Kubernetes user"));
            node.AddNode(Text($"username: {user.Username}"));
            node.AddNode(Text($"uid: {user.Uid}"));
            node.AddNode(Text($"groups: [{string.Join(' ', user.Groups)}]"));
            foreach (var (key, values) in user.Extra) node.AddNode(Text($"extra {key}: [{string.Join(' ', values)}]"));
        }

        if (e.Authorization is { } authz)
        {
            var node = tree.AddNode(Bold("4. Authorization"));
            node.AddNode(Text(authz.SystemMasters ? "system:masters: member => allowed, nothing else is consulted" : "system:masters: not a member"));
            if (authz.Stage == "Node") node.AddNode(Text("Node authorizer: a node identity, allowed by the system:node rules"));
            if (authz.Rbac is { } rbac)
            {
                if (rbac.Allowed)
                    node.AddNode(Green($"RBAC: allowed by {rbac.BindingKind} {rbac.Binding}{(rbac.BindingNamespace is { Length: > 0 } ns ? $" in {ns}" : "")} of {rbac.RoleKind} {rbac.Role} to {rbac.Subject}, rule {Rule(rbac.Rule!)}"));
                else
                    node.AddNode(Text("RBAC: no binding for this user or its groups grants it" + (rbac.ResolutionErrors is { } errors ? $" (errors: {errors})" : "")));
            }
            if (authz.AccessPolicy is { } policy)
            {
                if (policy.Allowed)
                    node.AddNode(Green($"EKS access policies: allowed by {policy.Policy} (scope {policy.ScopeType}{(policy.Namespaces is { Count: > 0 } n ? " " + string.Join(' ', n) : "")}), rule {Rule(policy.Rule!)}"));
                else
                    node.AddNode(Text(e.Authentication.AccessEntry is { AccessPolicies.Count: > 0 }
                        ? "EKS access policies: none of the associated policies covers it in this scope"
                        : "EKS access policies: none associated (no access entry, or an entry without policies)"));
            }
        }

        var status = e.Response.Status;
        tree.AddNode(status == 200 ? Green($"Response: 200 {e.Response.Message}") : Red($"Response: {status} {e.Response.Message}"));
        console.Write(tree);
    }

    private static string Rule(ExplainedRule r)
    {
        var parts = new List<string> { "verbs [" + string.Join(' ', r.Verbs) + "]" };
        if (r.NonResourceUrls.Count > 0) parts.Add("urls [" + string.Join(' ', r.NonResourceUrls) + "]");
        else
        {
            parts.Add("apiGroups [" + string.Join(' ', r.ApiGroups.Select(g => g.Length == 0 ? "\"\"" : g)) + "]");
            parts.Add("resources [" + string.Join(' ', r.Resources) + "]");
        }
        if (r.ResourceNames.Count > 0) parts.Add("names [" + string.Join(' ', r.ResourceNames) + "]");
        return "{" + string.Join(", ", parts) + "}";
    }

    private static Markup Text(string text) => new(Markup.Escape(text));
    private static Markup Bold(string text) => new($"[bold]{Markup.Escape(text)}[/]");
    private static Markup Green(string text) => new($"[green]{Markup.Escape(text)}[/]");
    private static Markup Red(string text) => new($"[red]{Markup.Escape(text)}[/]");
}
