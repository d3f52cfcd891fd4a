using Turnstile.Core.AccessPolicies;
using Turnstile.Core.Authn;
using Turnstile.Core.Authz;
using Turnstile.Core.Clusters;
using Turnstile.Core.Mapping;

namespace Turnstile.Core.Analysis;

/// <summary>A principal as the cluster sees it: the identity STS would report, its mapping and the Kubernetes user.</summary>
public sealed class PrincipalView
{
    public PrincipalView(KnownPrincipal principal, AwsIdentity identity, MappingResult mapping)
    {
        Principal = principal;
        Identity = identity;
        Mapping = mapping;
        User = mapping.AuthenticatedUser;
    }

    public KnownPrincipal Principal { get; }
    public AwsIdentity Identity { get; }
    public MappingResult Mapping { get; }
    /// <summary>The user as the API server sees it (with <c>system:authenticated</c>); null when the answer is 401.</summary>
    public KubeUser? User { get; }
    public IReadOnlyList<AssociatedAccessPolicy> Policies => Mapping.AccessEntry?.AccessPolicies ?? [];

    /// <summary>What mapped the principal: <c>aws-auth mapRoles[1]</c>, <c>access entry (STANDARD)</c>...; the error when unmapped.</summary>
    public string MappedBy => Mapping.Source switch
    {
        MappingSource.AccessEntry => $"access entry ({Mapping.AccessEntry!.Type})",
        MappingSource.ClusterCreator => "cluster creator",
        MappingSource.AwsAuthMapRoles => $"aws-auth mapRoles[{Mapping.RoleRow!.Index}]",
        MappingSource.AwsAuthMapUsers => $"aws-auth mapUsers[{Mapping.UserRow!.Index}]",
        MappingSource.AwsAuthMapAccounts => "aws-auth mapAccounts",
        _ => "",
    } is { Length: > 0 } source && User is not null ? source : "not mapped: " + Mapping.Error;
}

/// <summary>
/// One cluster's access engine with the principals its configuration names: the shared ground of who-can, the access
/// matrix, lint, migration and the other analyses. Every decision goes through <see cref="AccessEngine"/>.
/// </summary>
public sealed class ClusterAnalysis
{
    private readonly Lazy<IReadOnlyList<PrincipalView>> _principals;
    private readonly Dictionary<string, KnownPrincipal> _byKey;

    public ClusterAnalysis(ClusterAccessModel model)
    {
        Engine = new AccessEngine(model);
        Known = PrincipalCatalog.From(model, Engine.Mapper.Config.AwsAuth);
        _byKey = Known.ToDictionary(p => KnownPrincipal.KeyOf(p.Arn), StringComparer.Ordinal);
        _principals = new Lazy<IReadOnlyList<PrincipalView>>(() => Known.Select(View).ToArray());
    }

    public AccessEngine Engine { get; }
    public ClusterAccessModel Model => Engine.Model;
    public IReadOnlyList<KnownPrincipal> Known { get; }

    /// <summary>Every named principal with its mapping, in <see cref="Known"/> order.</summary>
    public IReadOnlyList<PrincipalView> Principals => _principals.Value;

    public PrincipalView View(KnownPrincipal principal)
    {
        var (identity, _) = OfflineIdentity.For(principal.Arn, principal.SessionName, null, Model.PrincipalIds);
        return new PrincipalView(principal, identity, Engine.Mapper.Map(identity));
    }

    /// <summary>The principal named on the command line (<c>--as-arn</c>); throws <see cref="Arns.ArnException"/> for a bad ARN.</summary>
    public PrincipalView ForArn(string arn, string? sessionName = null, string? accessKeyId = null)
    {
        var known = _byKey.GetValueOrDefault(KnownPrincipal.KeyOf(arn));
        var principal = new KnownPrincipal(arn, sessionName ?? known?.SessionName, known?.NamedBy ?? []);
        var (identity, _) = OfflineIdentity.For(arn, principal.SessionName, accessKeyId, Model.PrincipalIds);
        return new PrincipalView(principal, identity, Engine.Mapper.Map(identity));
    }

    /// <summary>The authorizer chain's answer for a mapped principal.</summary>
    public AuthorizationResult Authorize(PrincipalView principal, RequestAttributes request) =>
        Engine.Authorizer.Authorize(principal.User ?? throw new InvalidOperationException("the principal is not mapped"), principal.Policies, request);
}
