using System.Text.Json.Nodes;
using Turnstile.State;

namespace Turnstile.Aws;

/// <summary>The IAM check an operation needs: action (<c>eks:DescribeCluster</c>), resource ARN, extra condition keys.</summary>
public sealed record AuthorizationRequest(string Action, string Resource, IReadOnlyDictionary<string, IReadOnlyList<string>>? ContextKeys = null);

/// <summary>Computes the IAM check of one call from its input and the state it reads (tags, paths).</summary>
public delegate AuthorizationRequest? OperationAuthorizer(JsonObject input, OperationContext context, OptimisticTransaction state);

/// <summary>Runs one call: reads and stages writes on <paramref name="state"/>, which commits them when the call returns.</summary>
public delegate JsonObject OperationHandler(JsonObject input, OperationContext context, OptimisticTransaction state);

/// <summary>
/// One API operation. Input and output are JSON objects whose members are the service model's member names
/// (the protocol layer converts query/XML or rest-json to and from them). <see cref="Authorize"/> returns null for
/// operations IAM cannot deny (GetCallerIdentity). Credential resolution, the IAM check and the handler of one call
/// read the same transaction, so the permission check and the operation see one revision and the commit compares
/// everything they read. <see cref="ReadOnly"/> operations run on the replica's current view (no store round trip).
/// </summary>
public sealed record AwsOperation(string Name, OperationAuthorizer Authorize, OperationHandler Handle, bool ReadOnly = false);

/// <summary>A service the emulator speaks: its SigV4 signing name, model name and operations.</summary>
public interface IAwsService
{
    /// <summary>The service name in the SigV4 credential scope (<c>iam</c>, <c>sts</c>, <c>eks</c>).</summary>
    string SigningName { get; }
    IReadOnlyDictionary<string, AwsOperation> Operations { get; }

    /// <summary>
    /// Runs before each call, outside its transaction: completes work that was due by <paramref name="now"/> (EKS's
    /// asynchronous changes), so the call reads settled state.
    /// </summary>
    Task PrepareAsync(DateTimeOffset now, CancellationToken cancellationToken = default) => Task.CompletedTask;
}
