namespace Turnstile.Aws.State;

/// <summary>State that lives only as long as the process (<c>--in-memory</c>).</summary>
public sealed class InMemoryStateStore : IStateStore
{
    private readonly Dictionary<string, SortedDictionary<string, string>> _collections = new(StringComparer.Ordinal);
    private readonly Lock _sync = new();

    public string Description => "in-memory (state is lost on exit)";

    public IReadOnlyList<(string Key, string Json)> Load(string collection)
    {
        lock (_sync)
            return _collections.TryGetValue(collection, out var docs) ? docs.Select(d => (d.Key, d.Value)).ToArray() : [];
    }

    public void Commit(IReadOnlyList<StateChange> changes)
    {
        lock (_sync)
        {
            foreach (var change in changes)
            {
                if (!_collections.TryGetValue(change.Collection, out var docs))
                    _collections[change.Collection] = docs = new SortedDictionary<string, string>(StringComparer.Ordinal);
                switch (change)
                {
                    case PutState put: docs[put.Key] = put.Json; break;
                    case DeleteState: docs.Remove(change.Key); break;
                }
            }
        }
    }

    public void Dispose() { }
}
