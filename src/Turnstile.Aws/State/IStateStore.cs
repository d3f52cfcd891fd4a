namespace Turnstile.Aws.State;

/// <summary>A change to persisted state: put (insert or replace) a JSON document, or delete it.</summary>
public abstract record StateChange(string Collection, string Key);

public sealed record PutState(string Collection, string Key, string Json) : StateChange(Collection, Key);

public sealed record DeleteState(string Collection, string Key) : StateChange(Collection, Key);

/// <summary>
/// Durable storage of the emulator's state as JSON documents in named collections. Services keep their
/// state in memory and write every API call's changes through <see cref="Commit"/>, which is atomic.
/// </summary>
public interface IStateStore : IDisposable
{
    /// <summary>All documents of a collection, in key order.</summary>
    IReadOnlyList<(string Key, string Json)> Load(string collection);

    /// <summary>Applies all changes in one transaction, or none.</summary>
    void Commit(IReadOnlyList<StateChange> changes);

    /// <summary>A short description for the ready line (e.g. the database file).</summary>
    string Description { get; }
}
