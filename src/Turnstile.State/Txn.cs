namespace Turnstile.State;

/// <summary>A condition a transaction checks before it writes; all must hold or nothing is written.</summary>
public abstract record Compare(string Key);

/// <summary>The key does not exist (create-if-absent).</summary>
public sealed record KeyAbsent(string Key) : Compare(Key);

/// <summary>The key exists and was last written at <see cref="ModRevision"/> (compare-and-swap). 0 means absent.</summary>
public sealed record KeyAtRevision(string Key, long ModRevision) : Compare(Key);

/// <summary>A write of a transaction.</summary>
public abstract record Operation;

/// <summary>Creates or replaces the value of a key.</summary>
public sealed record Put(string Key, byte[] Value) : Operation;

/// <summary>Deletes a key; deleting an absent key is no change.</summary>
public sealed record Delete(string Key) : Operation;

/// <summary>Deletes every key that starts with <see cref="Prefix"/> (e.g. a whole cluster).</summary>
public sealed record DeletePrefix(string Prefix) : Operation;

/// <summary>Compares, then writes, all-or-nothing, as one commit with one new revision.</summary>
public sealed record TxnRequest(IReadOnlyList<Compare> Compares, IReadOnlyList<Operation> Operations)
{
    public static TxnRequest Of(params Operation[] operations) => new([], operations);
}

/// <summary>
/// The outcome of a transaction. On success <see cref="Revision"/> is the commit's revision (unchanged when the
/// transaction wrote nothing); on failure it is the store's revision when the compares were evaluated, so a caller
/// with a cache can catch up to at least that revision before it retries. <see cref="FailedCompare"/> names the
/// first compare that did not hold.
/// </summary>
public sealed record TxnResult(bool Succeeded, long Revision, Compare? FailedCompare = null);
