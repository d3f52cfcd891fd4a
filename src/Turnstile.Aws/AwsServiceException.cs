namespace Turnstile.Aws;

/// <summary>
/// An error AWS would return: its code (<c>NoSuchEntity</c>, <c>ResourceNotFoundException</c>...), message and HTTP
/// status. <see cref="Fields"/> carries extra members of rest-json error shapes (e.g. <c>clusterName</c>).
/// </summary>
public sealed class AwsServiceException(string code, string message, int statusCode = 400, bool senderFault = true,
    IReadOnlyDictionary<string, string>? fields = null) : Exception(message)
{
    public string Code { get; } = code;
    public int StatusCode { get; } = statusCode;
    public bool SenderFault { get; } = senderFault;
    public IReadOnlyDictionary<string, string> Fields { get; } = fields ?? new Dictionary<string, string>();
}
