using Turnstile.Core.Iam.Policies;

namespace Turnstile.Aws.Iam;

/// <summary>IAM's error codes, HTTP statuses and message texts.</summary>
public static class IamErrors
{
    public static AwsServiceException NoSuchEntity(string message) => new("NoSuchEntity", message, 404);
    public static AwsServiceException AlreadyExists(string message) => new("EntityAlreadyExists", message, 409);
    public static AwsServiceException DeleteConflict(string message) => new("DeleteConflict", message, 409);
    public static AwsServiceException LimitExceeded(string message) => new("LimitExceeded", message, 409);
    public static AwsServiceException InvalidInput(string message) => new("InvalidInput", message, 400);
    public static AwsServiceException Validation(string message) => new("ValidationError", message, 400);
    public static AwsServiceException Malformed(string message) => new("MalformedPolicyDocument", message, 400);
    public static AwsServiceException AccessDenied(string message) => new("AccessDenied", message, 403);

    public static AwsServiceException From(PolicyError error) => new(error.Code, error.Message, error.HttpStatus);

    public static AwsServiceException NoSuchUser(string name) => NoSuchEntity($"The user with name {name} cannot be found.");
    public static AwsServiceException NoSuchRole(string name) => NoSuchEntity($"The role with name {name} cannot be found.");
    public static AwsServiceException NoSuchGroup(string name) => NoSuchEntity($"The group with name {name} cannot be found.");
    public static AwsServiceException NoSuchInstanceProfile(string name) => NoSuchEntity($"Instance Profile {name} cannot be found.");
    public static AwsServiceException NoSuchAccessKey(string id) => NoSuchEntity($"The Access Key with id {id} cannot be found.");
    public static AwsServiceException NoSuchPolicy(string arn) => NoSuchEntity($"Policy {arn} was not found.");
    public static AwsServiceException NotAttachable(string arn) => NoSuchEntity($"Policy {arn} does not exist or is not attachable.");
    public static AwsServiceException NoSuchPolicyVersion(string arn, string version) =>
        NoSuchEntity($"Policy {arn} version {version} does not exist or is not attachable.");
    public static AwsServiceException NoSuchInlinePolicy(string entityType, string policyName) =>
        NoSuchEntity($"The {entityType} policy with name {policyName} cannot be found.");
    public static AwsServiceException NoSuchLoginProfile(string userName) => NoSuchEntity($"Login Profile for User {userName} cannot be found.");

    public static AwsServiceException InvalidArn(string arn) => InvalidInput($"ARN {arn} is not valid.");

    public static AwsServiceException NotNull(string member) =>
        Validation($"1 validation error detected: Value null at '{LowerFirst(member)}' failed to satisfy constraint: Member must not be null");

    public static AwsServiceException NonUserCredentials() => Validation("Must specify userName when calling with non-User credentials");

    public static AwsServiceException DuplicateTagKeys() => InvalidInput("Duplicate tag keys found. Please note that Tag keys are case insensitive.");

    public static string LowerFirst(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];
}
