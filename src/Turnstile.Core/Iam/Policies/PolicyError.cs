namespace Turnstile.Core.Iam.Policies;

/// <summary>An IAM error about a policy document: the query-protocol error code plus IAM's message text.</summary>
public sealed record PolicyError(string Code, string Message)
{
    public const string MalformedPolicyDocument = "MalformedPolicyDocument";
    public const string LimitExceeded = "LimitExceeded";

    public static PolicyError Malformed(string message) => new(MalformedPolicyDocument, message);
    public static PolicyError Limit(string message) => new(LimitExceeded, message);

    /// <summary>HTTP status IAM answers with (400 for a malformed document, 409 for a quota).</summary>
    public int HttpStatus => Code == LimitExceeded ? 409 : 400;
}

public sealed class PolicyDocumentException(PolicyError error) : Exception(error.Message)
{
    public PolicyError Error { get; } = error;
}

/// <summary>IAM's own wording for the document errors it reports.</summary>
public static class PolicyMessages
{
    // Identity (permissions) policies.
    public const string SyntaxErrors = "Syntax errors in policy.";
    public const string ShouldNotSpecifyPrincipal = "Policy document should not specify a principal.";
    public const string LegacyParsing = "The policy failed legacy parsing";
    public const string DuplicateSid = "Statement IDs (SID) in a single policy must be unique.";
    public const string SidNotAlphanumeric = "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*";
    public const string MustContainActions = "Policy statement must contain actions.";
    public const string MustContainResources = "Policy statement must contain resources.";
    public const string MissingVendor = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.";
    public const string OneColon = "Actions/Condition can contain only one colon.";
    public const string ResourceVendorNotQualified = "Resource vendor must be fully qualified and cannot contain regexes.";

    public static string InvalidVendor(string vendor) => $"Vendor {vendor} is not valid";
    public static string ResourceNotArn(string resource) => $"Resource {resource} must be in ARN format or \"*\".";
    public static string InvalidPartition(string partition, string resource) => $"Partition \"{partition}\" is not valid for resource \"{resource}\".";
    public static string IamResourceRegion(string resource) => $"IAM resource {resource} cannot contain region information.";
    public static string S3ResourceRegion(string resource) => $"Resource {resource} can not contain region information.";

    public const string IamResourcePath =
        "IAM resource path must either be \"*\" or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, " +
        "server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/.";

    // Trust (assume-role) policies.
    public const string TrustInvalidJson = "This policy contains invalid Json";
    public const string TrustInvalidVersion = "The policy must contain a valid version string";
    public const string TrustStatementEmpty = "Could not parse the policy: Statement is empty!";
    public const string TrustDuplicateSid = "The Statement Ids in the policy are not unique";
    public const string TrustMissingEffect = "Missing required field Effect";
    public const string TrustMissingPrincipal = "Missing required field Principal";
    public const string TrustEmptyPrincipal = "Missing required field Principal cannot be empty!";
    public const string TrustAllowNotPrincipal = "Allow with NotPrincipal is not allowed.";
    public const string TrustNotPrincipal = "AssumeRole policy must not contain NotPrincipal field.";
    public const string TrustMissingAction = "Missing required field Action";
    public const string TrustOnlyStsActions = "AssumeRole policy may only specify STS AssumeRole actions.";
    public const string TrustProhibitedResource = "Has prohibited field Resource";
    public const string TrustNotResource = "AssumeRole policy must not contain resources.";

    public static string TrustInvalidEffect(string effect) => $"Invalid effect: {effect}";

    /// <summary><c>Invalid principal in policy: "AWS":"arn:..."</c>; IAM upper-cases every type but AWS (<c>"SERVICE":"x"</c>).</summary>
    public static string InvalidPrincipal(string type, string value) =>
        $"Invalid principal in policy: \"{(type == PrincipalElement.Aws ? type : type.ToUpperInvariant())}\":\"{value}\"";

    public static string InvalidPrincipalType(string type) => $"Invalid principal in policy: \"{type}\"";

    // Quotas (LimitExceeded, HTTP 409).
    public static string ManagedPolicySize(int limit) => $"Cannot exceed quota for PolicySize: {limit}";
    public static string TrustPolicySize(int limit) => $"Cannot exceed quota for ACLSizePerRole: {limit}";
    public static string InlinePolicySize(int limit, string entityType, string entityName) =>
        $"Maximum policy size of {limit} bytes exceeded for {entityType} {entityName}";
}
