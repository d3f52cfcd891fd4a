namespace Turnstile.Core.Arns;

public enum PrincipalType
{
    User,
    Role,
    AssumedRole,
    FederatedUser,
    Root,
}
