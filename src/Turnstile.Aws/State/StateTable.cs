using System.Text.Json;

namespace Turnstile.Aws.State;

/// <summary>
/// One collection of records held in memory and persisted as JSON. Reads go to memory; writes are staged
/// in a <see cref="StateTransaction"/> and reach both the store and memory only when it commits.
/// </summary>
public sealed class StateTable<T> where T : class
{
    private readonly Dictionary<string, T> _items;

    public string Collection { get; }

    public StateTable(string collection, IStateStore store, IEqualityComparer<string>? keyComparer = null)
    {
        Collection = collection;
        _items = new Dictionary<string, T>(keyComparer ?? StringComparer.Ordinal);
        foreach (var (key, json) in store.Load(collection))
            _items[key] = JsonSerializer.Deserialize<T>(json, StateJson.Options)
                          ?? throw new InvalidDataException($"state document {collection}/{key} is empty");
    }

    public int Count => _items.Count;

    public IEnumerable<T> Values => _items.Values;

    public IEnumerable<KeyValuePair<string, T>> Entries => _items;

    public bool TryGet(string key, out T value) => _items.TryGetValue(key, out value!);

    public T? Find(string key) => _items.GetValueOrDefault(key);

    public bool Contains(string key) => _items.ContainsKey(key);

    internal void Apply(string key, T? value)
    {
        if (value is null) _items.Remove(key);
        else _items[key] = value;
    }
}

public static class StateJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General) { WriteIndented = false };
}

/// <summary>The writes of one API call: all persisted atomically, then applied to memory, or none at all.</summary>
public sealed class StateTransaction(IStateStore store)
{
    private readonly List<StateChange> _changes = [];
    private readonly List<Action> _apply = [];

    public void Put<T>(StateTable<T> table, string key, T value) where T : class
    {
        _changes.Add(new PutState(table.Collection, key, JsonSerializer.Serialize(value, StateJson.Options)));
        _apply.Add(() => table.Apply(key, value));
    }

    public void Delete<T>(StateTable<T> table, string key) where T : class
    {
        _changes.Add(new DeleteState(table.Collection, key));
        _apply.Add(() => table.Apply(key, null));
    }

    public void Commit()
    {
        store.Commit(_changes);
        foreach (var apply in _apply) apply();
        _changes.Clear();
        _apply.Clear();
    }
}
