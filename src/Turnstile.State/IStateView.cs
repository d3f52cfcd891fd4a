namespace Turnstile.State;

/// <summary>A consistent, read-only view of the whole store at one revision (no half-applied commit is ever visible).</summary>
public interface IStateView
{
    long Revision { get; }

    KeyValue? Get(string key);

    /// <summary>The keys under <paramref name="prefix"/> in key order.</summary>
    IEnumerable<KeyValue> List(string prefix);
}
