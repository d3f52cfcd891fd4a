using System.Runtime.CompilerServices;
using Turnstile.Core.Arns;
using Turnstile.State;

namespace Turnstile.Aws.Iam;

/// <summary>
/// Resolves access key ids for SigV4: IAM users' long-term keys (and the root's, if it created any) and STS session
/// keys. The caller is built from current state, so a renamed user signs as its new name. Expired sessions still
/// resolve (with their expiry) so the protocol layer can answer ExpiredToken.
/// </summary>
public sealed class IamCredentialSource(IamAccount account) : ICredentialSource
{
    /// <summary>
    /// A user key's credentials, built once per stored version of the key and of its user: decoded records are shared
    /// while their stored version is unchanged (<see cref="StoredJson"/>), so the same pair of instances means the same
    /// answer. Every signed call resolves its key; this spares it the caller's ARN and records.
    /// </summary>
    private readonly ConditionalWeakTable<AccessKeyRecord, UserKeyCredentials> _userKeys = new();

    private sealed record UserKeyCredentials(UserRecord User, ResolvedCredentials Credentials);

    public bool TryResolve(OptimisticTransaction tx, string accessKeyId, out ResolvedCredentials credentials)
    {
        var state = new IamState(account, tx);
        credentials = null!;
        if (accessKeyId.StartsWith(IamIds.TemporaryKeyPrefix, StringComparison.Ordinal))
        {
            if (state.FindSession(accessKeyId) is not { } session || CallerForSession(state, session) is not { } caller) return false;
            credentials = new ResolvedCredentials(session.SecretAccessKey, session.SessionToken, session.Expiration, true, caller);
            return true;
        }
        if (state.FindAccessKey(accessKeyId) is not { } key) return false;
        if (key.IsRootKey)
        {
            credentials = new ResolvedCredentials(key.SecretAccessKey, null, null, key.IsActive, RootCaller(state, key.AccessKeyId, null, false));
            return true;
        }
        if (state.UserById(key.UserId!) is not { } user) return false;
        if (_userKeys.TryGetValue(key, out var known) && ReferenceEquals(known.User, user))
        {
            credentials = known.Credentials;
            return true;
        }
        credentials = new ResolvedCredentials(key.SecretAccessKey, null, null, key.IsActive, UserCaller(state, user, key.AccessKeyId, null, false));
        _userKeys.AddOrUpdate(key, new UserKeyCredentials(user, credentials));
        return true;
    }

    private static Caller? CallerForSession(IamState state, SessionRecord session)
    {
        switch (session.Kind)
        {
            case SessionKind.Root:
                return RootCaller(state, session.AccessKeyId, session.Expiration, session.MfaPresent);
            case SessionKind.User:
                return state.UserById(session.PrincipalId!) is { } user ? UserCaller(state, user, session.AccessKeyId, session.Expiration, session.MfaPresent) : null;
            default:
                // The session keeps the role name it was issued for: its ARN does not change if the role goes away.
                var roleName = state.RoleById(session.PrincipalId!)?.RoleName ?? session.PrincipalName!;
                return new Caller
                {
                    Arn = state.Arns.AssumedRole(roleName, session.SessionName!),
                    AccountId = state.AccountId,
                    UserId = $"{session.PrincipalId}:{session.SessionName}",
                    Type = PrincipalType.AssumedRole,
                    AccessKeyId = session.AccessKeyId,
                    PrincipalName = roleName,
                    SessionName = session.SessionName,
                    MfaPresent = session.MfaPresent,
                    CredentialsExpireAt = session.Expiration,
                };
        }
    }

    private static Caller RootCaller(IamState state, string accessKeyId, DateTimeOffset? expires, bool mfa) => new()
    {
        Arn = state.Arns.Root,
        AccountId = state.AccountId,
        UserId = state.AccountId,
        Type = PrincipalType.Root,
        AccessKeyId = accessKeyId,
        MfaPresent = mfa,
        CredentialsExpireAt = expires,
    };

    private static Caller UserCaller(IamState state, UserRecord user, string accessKeyId, DateTimeOffset? expires, bool mfa) => new()
    {
        Arn = state.Arns.User(user.Path, user.UserName),
        AccountId = state.AccountId,
        UserId = user.UserId,
        Type = PrincipalType.User,
        AccessKeyId = accessKeyId,
        PrincipalName = user.UserName,
        MfaPresent = mfa,
        CredentialsExpireAt = expires,
    };
}

/// <summary>Finds users and roles by ARN for other services (EKS access entries bind to the unique id).</summary>
public sealed class IamDirectory(IamAccount account) : IIamDirectory
{
    public PrincipalInfo? FindPrincipal(OptimisticTransaction tx, string arn)
    {
        if (!PrincipalArn.TryParse(arn, out var principal, out _)) return null;
        if (principal.Account != account.AccountId || principal.Partition != account.Partition) return null;
        var state = new IamState(account, tx);
        switch (principal.Type)
        {
            case PrincipalType.User when state.FindUser(principal.Name) is { } user && user.Path == principal.Path:
                return new PrincipalInfo(state.Arns.User(user.Path, user.UserName), user.UserId, PrincipalType.User, user.UserName, user.Path, user.CreateDate);
            case PrincipalType.Role when state.FindRole(principal.Name) is { } role && role.Path == principal.Path:
                return new PrincipalInfo(state.Arns.Role(role.Path, role.RoleName), role.RoleId, PrincipalType.Role, role.RoleName, role.Path, role.CreateDate);
            default:
                return null;
        }
    }
}
