namespace Turnstile.Core.Arns;

/// <summary>
/// An IAM/STS principal ARN with the canonical form aws-iam-authenticator maps on:
/// <c>assumed-role/Name/Session</c> becomes <c>iam::role/Name</c> (STS never reports the role path),
/// users keep their path, root and federated users pass through.
/// </summary>
public sealed record PrincipalArn
{
    public required string Original { get; init; }
    public required string Canonical { get; init; }
    public required PrincipalType Type { get; init; }
    public required string Partition { get; init; }
    public required string Account { get; init; }
    /// <summary>Last path element: user name, role name, federated user name; the account for root.</summary>
    public required string Name { get; init; }
    /// <summary>Path between the type and the name (<c>/</c> when none), for users and roles.</summary>
    public string Path { get; init; } = "/";
    /// <summary>Session name, for assumed roles only.</summary>
    public string? SessionName { get; init; }

    public bool IsRoleLike => Type is PrincipalType.Role or PrincipalType.AssumedRole;

    /// <summary>Canonicalizes an identity ARN with aws-iam-authenticator's rules and error texts.</summary>
    public static PrincipalArn Parse(string text)
    {
        if (!TryParse(text, out var principal, out var error)) throw new ArnException(error);
        return principal;
    }

    public static bool TryParse(string? text, out PrincipalArn principal, out string error)
    {
        principal = null!;
        if (!Arn.TryParse(text, out var arn, out var parseError))
        {
            error = $"arn '{text}' is invalid: '{parseError}'";
            return false;
        }
        if (!Partitions.IsKnown(arn.Partition))
        {
            error = $"arn '{text}' does not have a recognized partition";
            return false;
        }
        var parts = arn.Resource.Split('/');
        var resourceType = parts[0];
        switch (arn.Service)
        {
            case "sts":
                switch (resourceType)
                {
                    case "federated-user":
                        principal = Make(text!, text!, PrincipalType.FederatedUser, arn, parts[^1]);
                        error = "";
                        return true;
                    case "assumed-role":
                        if (parts.Length < 3)
                        {
                            error = $"assumed-role arn '{text}' does not have a role";
                            return false;
                        }
                        var role = string.Join('/', parts, 1, parts.Length - 2);
                        var canonical = $"arn:{arn.Partition}:iam::{arn.Account}:role/{role}";
                        principal = Make(text!, canonical, PrincipalType.AssumedRole, arn, parts[^2]) with
                        {
                            SessionName = parts[^1],
                            Path = PathOf(parts, 1, parts.Length - 2),
                        };
                        error = "";
                        return true;
                    default:
                        error = $"unrecognized resource {arn.Resource} for service sts";
                        return false;
                }
            case "iam":
                switch (resourceType)
                {
                    case "role" when parts.Length >= 2:
                        principal = Make(text!, text!, PrincipalType.Role, arn, parts[^1]) with { Path = PathOf(parts, 1, parts.Length - 1) };
                        error = "";
                        return true;
                    case "user" when parts.Length >= 2:
                        principal = Make(text!, text!, PrincipalType.User, arn, parts[^1]) with { Path = PathOf(parts, 1, parts.Length - 1) };
                        error = "";
                        return true;
                    case "root":
                        principal = Make(text!, text!, PrincipalType.Root, arn, arn.Account);
                        error = "";
                        return true;
                    default:
                        error = $"unrecognized resource {arn.Resource} for service iam";
                        return false;
                }
            default:
                error = $"service {arn.Service} in arn {text} is not a valid service for identities";
                return false;
        }
    }

    /// <summary>For role ARNs with a path keeps only the role name (<c>role/a/b/Name</c> becomes <c>role/Name</c>).</summary>
    public static string StripPath(string roleArn)
    {
        var arn = Arn.Parse(roleArn);
        if (!Partitions.IsKnown(arn.Partition)) throw new ArnException($"arn '{roleArn}' does not have a recognized partition");
        var parts = arn.Resource.Split('/');
        if (parts[0] != "role" || parts.Length <= 2) return roleArn;
        return (arn with { Resource = "role/" + parts[^1] }).ToString();
    }

    /// <summary>The ARN a role's session presents to STS callers: <c>arn:p:sts::a:assumed-role/Name/Session</c>.</summary>
    public static string AssumedRoleArn(string partition, string account, string roleName, string session) =>
        $"arn:{partition}:sts::{account}:assumed-role/{roleName}/{session}";

    private static PrincipalArn Make(string original, string canonical, PrincipalType type, Arn arn, string name) => new()
    {
        Original = original,
        Canonical = canonical,
        Type = type,
        Partition = arn.Partition,
        Account = arn.Account,
        Name = name,
    };

    /// <summary>The path made of <c>parts[from..toExclusive)</c>, the segments between the resource type and the name.</summary>
    private static string PathOf(string[] parts, int from, int toExclusive) =>
        toExclusive <= from ? "/" : "/" + string.Join('/', parts, from, toExclusive - from) + "/";
}
