namespace Turnstile.Core.Iam.Policies;

/// <summary>Which grammar a document is validated against.</summary>
public enum PolicyKind
{
    /// <summary>Managed or inline policy attached to a user, group or role: no Principal, Resource required.</summary>
    Identity,

    /// <summary>A role's trust (assume-role) policy: Principal required, Resource prohibited, STS actions only.</summary>
    Trust,
}

public enum PolicyEffect
{
    Allow,
    Deny,
}

public static class PolicyVersions
{
    public const string V2012 = "2012-10-17";
    public const string V2008 = "2008-10-17";

    public static bool IsKnown(string? version) => version is V2012 or V2008;
}

/// <summary>A parsed policy document. <see cref="Json"/> keeps the text exactly as submitted.</summary>
public sealed record PolicyDocument(string? Version, string? Id, IReadOnlyList<PolicyStatement> Statements)
{
    public string Json { get; init; } = "";

    /// <summary>Policy variables (<c>${aws:username}</c>) are only recognised in 2012-10-17 documents; older ones treat them as text.</summary>
    public bool SupportsVariables => Version == PolicyVersions.V2012;
}

/// <summary>One statement. List-valued elements are null when absent; a single string becomes a one-element list.</summary>
public sealed record PolicyStatement
{
    public string? Sid { get; init; }
    public PolicyEffect Effect { get; init; }
    public PrincipalElement? Principal { get; init; }
    public PrincipalElement? NotPrincipal { get; init; }
    public IReadOnlyList<string>? Action { get; init; }
    public IReadOnlyList<string>? NotAction { get; init; }
    public IReadOnlyList<string>? Resource { get; init; }
    public IReadOnlyList<string>? NotResource { get; init; }
    public IReadOnlyList<ConditionEntry> Conditions { get; init; } = [];

    /// <summary>Position of the statement in the document (0-based).</summary>
    public int Index { get; init; }
}

/// <summary>
/// A Principal or NotPrincipal element: either the bare wildcard <c>"*"</c> or a map from principal type
/// (<c>AWS</c>, <c>Service</c>, <c>Federated</c>, <c>CanonicalUser</c>) to one or more values.
/// </summary>
public sealed record PrincipalElement(bool IsWildcard, IReadOnlyDictionary<string, IReadOnlyList<string>> Values)
{
    public const string Aws = "AWS";
    public const string Service = "Service";
    public const string Federated = "Federated";
    public const string CanonicalUser = "CanonicalUser";

    public static PrincipalElement Wildcard { get; } = new(true, new Dictionary<string, IReadOnlyList<string>>());

    public IReadOnlyList<string> Get(string type) => Values.TryGetValue(type, out var values) ? values : [];
}

/// <summary>One <c>operator -&gt; key -&gt; values</c> entry of a Condition block; values are kept as text.</summary>
public sealed record ConditionEntry(string Operator, string Key, IReadOnlyList<string> Values);
