namespace Turnstile.State;

/// <summary>
/// A watch or a paged list asked for history older than the store keeps (kube-apiserver answers 410 Gone,
/// "too old resource version").
/// </summary>
public sealed class RevisionCompactedException(long requested, long compacted)
    : Exception($"required revision {requested} has been compacted; the oldest available is {compacted + 1}")
{
    public long Requested { get; } = requested;
    public long Compacted { get; } = compacted;
}

/// <summary>A continue token that this store did not issue or cannot read.</summary>
public sealed class InvalidContinueTokenException(string message) : Exception(message);
