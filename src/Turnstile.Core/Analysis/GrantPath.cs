using Turnstile.Core.AccessPolicies;
using Turnstile.Core.Authz;
using Turnstile.Core.Rbac;

namespace Turnstile.Core.Analysis;

public enum GrantKind
{
    SystemMasters,
    Node,
    Rbac,
    AccessPolicy,
}

/// <summary>A RoleBinding or ClusterRoleBinding and the role it refers to.</summary>
public sealed record BindingRef(string Kind, string Name, string Namespace, string RoleKind, string RoleName)
{
    public static BindingRef Of(ResolvedBinding binding) => new(
        binding.IsClusterBinding ? "ClusterRoleBinding" : "RoleBinding", binding.Name, binding.Namespace, binding.RoleRef.Kind, binding.RoleRef.Name);

    public override string ToString() =>
        $"{Kind} {(Namespace.Length > 0 ? Namespace + "/" : "")}{Name} -> {RoleKind} {RoleName}";
}

/// <summary>An associated access policy and its scope.</summary>
public sealed record PolicyRef(string Name, string Arn, string Scope)
{
    public static PolicyRef Of(AssociatedAccessPolicy association) =>
        new(association.Policy?.Name ?? association.PolicyArn, association.PolicyArn, association.Scope.ToString());

    public override string ToString() => $"access policy {Name} ({Scope})";
}

/// <summary>
/// What grants a request: <c>system:masters</c>, the Node authorizer, an RBAC binding with its role and the subject it
/// names, or an access policy with its scope; with the matching rule where there is one.
/// </summary>
public sealed record GrantPath(GrantKind Kind, BindingRef? Binding = null, string? Subject = null, PolicyRef? Policy = null, PolicyRule? Rule = null)
{
    public static GrantPath Masters { get; } = new(GrantKind.SystemMasters);

    public static GrantPath Node { get; } = new(GrantKind.Node);

    /// <summary>The path of an allowing decision of the authorizer chain.</summary>
    public static GrantPath From(AuthorizationResult result) => result.Stage switch
    {
        AuthorizerStage.SystemMasters => Masters,
        AuthorizerStage.Node => Node,
        AuthorizerStage.Rbac => new(GrantKind.Rbac, BindingRef.Of(result.Rbac.Binding!), result.Rbac.Subject!.Describe(result.Rbac.Binding!.Namespace), Rule: result.Rbac.Rule),
        AuthorizerStage.AccessPolicy => new(GrantKind.AccessPolicy, Policy: PolicyRef.Of(result.AccessPolicy.Association!), Rule: result.AccessPolicy.Rule),
        _ => throw new ArgumentException("the decision did not allow", nameof(result)),
    };

    public override string ToString() => Kind switch
    {
        GrantKind.SystemMasters => "system:masters (bypasses every authorizer)",
        GrantKind.Node => "Node authorizer (rules of ClusterRole system:node)",
        GrantKind.Rbac => $"{Binding}{(Subject is null ? "" : " to " + Subject)}",
        _ => Policy!.ToString(),
    };
}
