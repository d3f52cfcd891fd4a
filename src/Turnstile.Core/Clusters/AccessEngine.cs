using Turnstile.Core.AccessPolicies;
using Turnstile.Core.Authn;
using Turnstile.Core.Authz;
using Turnstile.Core.Mapping;
using Turnstile.Core.Rbac;

namespace Turnstile.Core.Clusters;

/// <summary>The whole decision for one cluster: identity mapping, then the authorizer chain.</summary>
public sealed class AccessEngine
{
    public ClusterAccessModel Model { get; }
    public IdentityMapper Mapper { get; }
    public ClusterAuthorizer Authorizer { get; }

    public AccessEngine(ClusterAccessModel model)
    {
        Model = model;
        Mapper = new IdentityMapper(model.ToMappingConfig());
        Authorizer = new ClusterAuthorizer(new RbacAuthorizer(model.Rbac));
    }

    public AccessEvaluation Evaluate(AwsIdentity identity, RequestAttributes request, bool explain = false)
    {
        var mapping = Mapper.Map(identity, explain);
        if (mapping.AuthenticatedUser is not { } user) return new AccessEvaluation(identity, request, mapping, null);
        var policies = mapping.AccessEntry?.AccessPolicies ?? (IReadOnlyList<AssociatedAccessPolicy>)[];
        return new AccessEvaluation(identity, request, mapping, Authorizer.Authorize(user, policies, request));
    }
}

/// <summary>One request's outcome: 401 when the identity is not mapped, else 200 or 403.</summary>
public sealed record AccessEvaluation(AwsIdentity Identity, RequestAttributes Request, MappingResult Mapping, AuthorizationResult? Authorization)
{
    public bool Authenticated => Mapping.IsMapped;
    public bool Allowed => Authorization is { Allowed: true };
    public int StatusCode => !Authenticated ? 401 : Allowed ? 200 : 403;
    public KubeUser? User => Mapping.AuthenticatedUser;
}
