using Turnstile.Core.Arns;

namespace Turnstile.Core.Iam.Policies;

/// <summary>Who is asking a resource-based (trust) policy: an IAM identity, an AWS service, or a federated identity provider.</summary>
public sealed record TrustCaller
{
    /// <summary>The caller's identity, for IAM users, role sessions, federated users and the account root.</summary>
    public PrincipalArn? Principal { get; init; }

    /// <summary>A service principal such as <c>ec2.amazonaws.com</c> when a service assumes the role.</summary>
    public string? Service { get; init; }

    /// <summary>The identity provider (OIDC/SAML provider ARN, or e.g. <c>cognito-identity.amazonaws.com</c>) for web-identity/SAML calls.</summary>
    public string? FederatedProvider { get; init; }

    public string? Account => Principal?.Account;

    public static TrustCaller ForPrincipal(string arn) => new() { Principal = PrincipalArn.Parse(arn) };
    public static TrustCaller ForService(string service) => new() { Service = service };
    public static TrustCaller ForFederated(string provider) => new() { FederatedProvider = provider };

    public override string ToString() => Principal?.Original ?? Service ?? FederatedProvider ?? "anonymous";
}

/// <summary>How a Principal element names the caller; it decides whether an identity policy must also allow the call.</summary>
public enum TrustGrant
{
    None,

    /// <summary>Named through its account (<c>123456789012</c> or <c>arn:aws:iam::123456789012:root</c>): the account delegates, its identity policies decide.</summary>
    Account,

    /// <summary>Named directly (user, role, session, federated user, service, provider, or <c>*</c>).</summary>
    Direct,
}

/// <summary>A compiled Principal/NotPrincipal element.</summary>
internal sealed class PrincipalMatcher
{
    private readonly bool _everyone;
    private bool _anyAws;
    private readonly HashSet<string> _accounts = new(StringComparer.Ordinal);
    private readonly HashSet<string> _exactArns = new(StringComparer.Ordinal);
    private readonly HashSet<string> _roles = new(StringComparer.Ordinal);
    private readonly HashSet<string> _services = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _federated = new(StringComparer.Ordinal);

    public PrincipalMatcher(PrincipalElement element)
    {
        _everyone = element.IsWildcard;
        foreach (var value in element.Get(PrincipalElement.Aws)) AddAws(value);
        foreach (var value in element.Get(PrincipalElement.Service)) _services.Add(value);
        foreach (var value in element.Get(PrincipalElement.Federated)) _federated.Add(value);
    }

    public TrustGrant Match(TrustCaller caller)
    {
        if (_everyone) return TrustGrant.Direct;
        if (caller.Service is { } service && _services.Contains(service)) return TrustGrant.Direct;
        if (caller.FederatedProvider is { } provider && _federated.Contains(provider)) return TrustGrant.Direct;
        if (caller.Principal is not { } principal) return TrustGrant.None;
        if (_anyAws || _exactArns.Contains(principal.Original)) return TrustGrant.Direct;
        // A role ARN matches every session of the role; session ARNs carry no path, so compare by account and name.
        if (principal.Type == PrincipalType.AssumedRole && _roles.Contains(RoleKey(principal.Account, principal.Name))) return TrustGrant.Direct;
        return _accounts.Contains(principal.Account) ? TrustGrant.Account : TrustGrant.None;
    }

    private void AddAws(string value)
    {
        if (value == "*")
        {
            _anyAws = true;
            return;
        }
        if (IsAccountId(value))
        {
            _accounts.Add(value);
            return;
        }
        if (!PrincipalArn.TryParse(value, out var principal, out _)) return;
        switch (principal.Type)
        {
            case PrincipalType.Root:
                _accounts.Add(principal.Account);
                break;
            case PrincipalType.Role:
                _roles.Add(RoleKey(principal.Account, principal.Name));
                break;
            default:
                _exactArns.Add(value);
                break;
        }
    }

    internal static bool IsAccountId(string value) => value.Length == 12 && value.All(char.IsAsciiDigit);

    private static string RoleKey(string account, string name) => account + "/" + name;
}
