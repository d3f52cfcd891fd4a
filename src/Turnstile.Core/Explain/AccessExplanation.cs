using Turnstile.Core.Authz;
using Turnstile.Core.Clusters;
using Turnstile.Core.Mapping;
using Turnstile.Core.Rbac;

namespace Turnstile.Core.Explain;

/// <summary>
/// Every stage of one access decision, as data: the request, the IAM identity, how it was mapped (mode, source,
/// row or entry, trace), the Kubernetes user, each authorizer's answer and the HTTP response the client gets.
/// Serializes to the JSON that <c>turnstile explain -o json</c> prints.
/// </summary>
public sealed record AccessExplanation(
    ExplainedRequest Request,
    ExplainedIdentity Identity,
    ExplainedAuthentication Authentication,
    ExplainedUser? User,
    ExplainedAuthorization? Authorization,
    ExplainedResponse Response)
{
    public static AccessExplanation From(AccessEvaluation evaluation, bool principalIdKnown, string responseMessage)
    {
        var id = evaluation.Identity;
        var mapping = evaluation.Mapping;
        var user = evaluation.User;
        return new AccessExplanation(
            ExplainedRequest.From(evaluation.Request),
            new ExplainedIdentity(id.Arn, id.CanonicalArn, id.AccountId, id.UserId, principalIdKnown, id.SessionName, id.AccessKeyId, id.Type.ToString()),
            new ExplainedAuthentication(
                mapping.IsMapped,
                mapping.Source?.ToString(),
                mapping.RoleRow is { } role ? new ExplainedRow("mapRoles", role.Index, role.RoleArn ?? role.SsoPattern ?? "", role.Username, role.Groups) :
                mapping.UserRow is { } row ? new ExplainedRow("mapUsers", row.Index, row.UserArn, row.Username, row.Groups) : null,
                mapping.AccessEntry is { } entry ? new ExplainedAccessEntry(entry.PrincipalArn, entry.Type, entry.Username, entry.KubernetesGroups,
                    entry.AccessPolicies.Select(p => new ExplainedAssociation(p.Policy?.Name ?? p.PolicyArn, p.PolicyArn, p.Scope.Type, p.Scope.Namespaces)).ToArray()) : null,
                mapping.Error,
                mapping.Trace),
            user is null ? null : new ExplainedUser(user.Username, user.Uid, user.Groups, user.Extra),
            evaluation.Authorization is { } authz ? ExplainedAuthorization.From(authz) : null,
            new ExplainedResponse(evaluation.StatusCode, responseMessage));
    }
}

public sealed record ExplainedRequest(bool ResourceRequest, string Verb, string ApiGroup, string Resource, string Subresource, string Name, string Namespace, string Path)
{
    public static ExplainedRequest From(RequestAttributes r) => new(r.IsResourceRequest, r.Verb, r.ApiGroup, r.Resource, r.Subresource, r.Name, r.Namespace, r.Path);

    public override string ToString()
    {
        if (!ResourceRequest) return $"{Verb} {Path}";
        var resource = (Subresource.Length > 0 ? $"{Resource}/{Subresource}" : Resource) + (ApiGroup.Length > 0 ? "." + ApiGroup : "");
        var name = Name.Length > 0 ? $" \"{Name}\"" : "";
        var scope = Namespace.Length > 0 ? $" in namespace \"{Namespace}\"" : " at the cluster scope";
        return $"{Verb} {resource}{name}{scope}";
    }
}

public sealed record ExplainedIdentity(string Arn, string CanonicalArn, string AccountId, string PrincipalId, bool PrincipalIdKnown, string SessionName, string AccessKeyId, string Type);

public sealed record ExplainedRow(string Section, int Index, string Arn, string Username, IReadOnlyList<string> Groups);

public sealed record ExplainedAssociation(string Policy, string PolicyArn, string ScopeType, IReadOnlyList<string> Namespaces);

public sealed record ExplainedAccessEntry(string PrincipalArn, string Type, string Username, IReadOnlyList<string> KubernetesGroups, IReadOnlyList<ExplainedAssociation> AccessPolicies);

public sealed record ExplainedAuthentication(bool Mapped, string? Source, ExplainedRow? Row, ExplainedAccessEntry? AccessEntry, string? Error, IReadOnlyList<string> Trace);

public sealed record ExplainedUser(string Username, string Uid, IReadOnlyList<string> Groups, IReadOnlyDictionary<string, IReadOnlyList<string>> Extra);

public sealed record ExplainedRule(IReadOnlyList<string> Verbs, IReadOnlyList<string> ApiGroups, IReadOnlyList<string> Resources, IReadOnlyList<string> ResourceNames, IReadOnlyList<string> NonResourceUrls)
{
    public static ExplainedRule From(PolicyRule r) => new(r.Verbs, r.ApiGroups, r.Resources, r.ResourceNames, r.NonResourceUrls);
}

public sealed record ExplainedRbac(bool Allowed, string? BindingKind, string? Binding, string? BindingNamespace, string? RoleKind, string? Role, string? Subject, ExplainedRule? Rule, string? ResolutionErrors);

public sealed record ExplainedAccessPolicy(bool Allowed, string? Policy, string? ScopeType, IReadOnlyList<string>? Namespaces, ExplainedRule? Rule);

public sealed record ExplainedAuthorization(string Decision, string Stage, string Reason, bool SystemMasters, ExplainedRbac? Rbac, ExplainedAccessPolicy? AccessPolicy)
{
    public static ExplainedAuthorization From(AuthorizationResult result)
    {
        var masters = result.Stage == AuthorizerStage.SystemMasters;
        var ranRbac = !masters && result.Stage != AuthorizerStage.Node;
        var ranPolicies = result.Stage is AuthorizerStage.AccessPolicy or AuthorizerStage.None;
        var rbac = result.Rbac;
        return new ExplainedAuthorization(
            result.Allowed ? "allow" : "deny",
            result.Stage.ToString(),
            result.Reason,
            masters,
            ranRbac
                ? new ExplainedRbac(rbac.Allowed,
                    rbac.Binding is null ? null : rbac.Binding.IsClusterBinding ? "ClusterRoleBinding" : "RoleBinding",
                    rbac.Binding?.Name, rbac.Binding?.Namespace, rbac.Binding?.RoleRef.Kind, rbac.Binding?.RoleRef.Name,
                    rbac.Subject?.Describe(rbac.Binding!.Namespace), rbac.Rule is null ? null : ExplainedRule.From(rbac.Rule), rbac.ResolutionErrors)
                : null,
            ranPolicies
                ? new ExplainedAccessPolicy(result.AccessPolicy.Allowed, result.AccessPolicy.Association?.Policy?.Name,
                    result.AccessPolicy.Association?.Scope.Type, result.AccessPolicy.Association?.Scope.Namespaces,
                    result.AccessPolicy.Rule is null ? null : ExplainedRule.From(result.AccessPolicy.Rule))
                : null);
    }
}

public sealed record ExplainedResponse(int Status, string Message);
