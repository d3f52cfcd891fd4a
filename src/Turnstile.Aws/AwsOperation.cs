using System.Text.Json.Nodes;

namespace Turnstile.Aws;

/// <summary>The IAM check an operation needs: action (<c>eks:DescribeCluster</c>), resource ARN, extra condition keys.</summary>
public sealed record AuthorizationRequest(string Action, string Resource, IReadOnlyDictionary<string, IReadOnlyList<string>>? ContextKeys = null);

/// <summary>
/// One API operation. Input and output are JSON objects whose members are the service model's member names
/// (the protocol layer converts query/XML or rest-json to and from them). <see cref="Authorize"/> returns null for
/// operations IAM cannot deny (GetCallerIdentity).
/// </summary>
public sealed record AwsOperation(
    string Name,
    Func<JsonObject, OperationContext, AuthorizationRequest?> Authorize,
    Func<JsonObject, OperationContext, JsonObject> Handle);

/// <summary>A service the emulator speaks: its SigV4 signing name, model name and operations.</summary>
public interface IAwsService
{
    /// <summary>The service name in the SigV4 credential scope (<c>iam</c>, <c>sts</c>, <c>eks</c>).</summary>
    string SigningName { get; }
    IReadOnlyDictionary<string, AwsOperation> Operations { get; }
}
