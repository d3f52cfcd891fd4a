namespace Turnstile.Core.Iam.Policies;

/// <summary>Where a policy came from, as SimulatePrincipalPolicy's <c>SourcePolicyType</c> names it.</summary>
public enum PolicySourceType
{
    None,
    User,
    Group,
    Role,
    AwsManaged,
    UserManaged,
    Resource,
}

public static class PolicySourceTypes
{
    public static string ToWire(this PolicySourceType type) => type switch
    {
        PolicySourceType.User => "user",
        PolicySourceType.Group => "group",
        PolicySourceType.Role => "role",
        PolicySourceType.AwsManaged => "aws-managed",
        PolicySourceType.UserManaged => "user-managed",
        PolicySourceType.Resource => "resource",
        _ => "none",
    };
}

/// <summary>
/// A policy ready for evaluation: statements with their action, resource and condition matchers built once.
/// <see cref="Source"/> labels it in results (a managed policy ARN, an inline policy name, "trust policy of …").
/// </summary>
public sealed class CompiledPolicy
{
    internal CompiledStatement[] Statements { get; }

    public PolicyDocument Document { get; }
    public string Source { get; }
    public PolicySourceType SourceType { get; }

    private CompiledPolicy(PolicyDocument document, string source, PolicySourceType sourceType)
    {
        Document = document;
        Source = source;
        SourceType = sourceType;
        Statements = document.Statements.Select(s => new CompiledStatement(s, document.SupportsVariables)).ToArray();
    }

    public static CompiledPolicy Compile(PolicyDocument document, string source, PolicySourceType sourceType = PolicySourceType.None) =>
        new(document, source, sourceType);

    /// <summary>Parses, validates and compiles; throws <see cref="PolicyDocumentException"/> with IAM's error when invalid.</summary>
    public static CompiledPolicy Parse(string json, PolicyKind kind, string source, PolicySourceType sourceType = PolicySourceType.None, PolicyValidationOptions? options = null) =>
        new(PolicyParser.ParseOrThrow(json, kind, options), source, sourceType);

    public override string ToString() => $"{Source} ({Document.Statements.Count} statements)";
}
