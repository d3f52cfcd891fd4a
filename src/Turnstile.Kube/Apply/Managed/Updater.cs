using System.Text.Json.Nodes;
using Turnstile.Kube.Apply.FieldPaths;
using Turnstile.Kube.Apply.Schema;
using Turnstile.Kube.Apply.Typed;

namespace Turnstile.Kube.Apply.Managed;

/// <summary>A field another manager owns that an apply would change.</summary>
internal sealed record Conflict(ManagerKey Manager, FieldPath Path);

/// <summary>
/// structured-merge-diff's <c>merge.Updater</c> for one type: ownership after an update, and the merge, prune and
/// ownership of an apply. Every manager's set is read in the request's version (Turnstile serves one schema per
/// kind, so there is nothing to convert). <paramref name="reset"/> are fields a strategy resets (never owned).
/// </summary>
internal sealed class Updater(ApplyType type, FieldSet? reset)
{
    /// <summary>Records an update by <paramref name="manager"/>: it takes every changed field from the others.</summary>
    public void Update(JsonNode oldView, JsonNode newView, string version, ManagedFields managed, ManagerKey manager)
    {
        var compare = TransferChanges(oldView, newView, managed, manager, force: true, out _);
        var previous = managed.Fields.GetValueOrDefault(manager)?.Set ?? new FieldSet();
        var set = previous.Difference(compare.Removed).Union(compare.Modified).Union(compare.Added);
        if (reset is not null) set = set.RecursiveDifference(reset);
        managed.Fields[manager] = new VersionedSet(set, version, false);
        if (set.IsEmpty) managed.Fields.Remove(manager);
    }

    /// <summary>
    /// Merges <paramref name="config"/> into <paramref name="live"/>, prunes what the applier stopped applying,
    /// and moves ownership. Returns the new object, or null when nothing changed; fills <paramref name="conflicts"/>
    /// (and changes nothing) when another manager owns a field the apply changes and <paramref name="force"/> is off.
    /// </summary>
    public JsonObject? Apply(JsonObject live, JsonObject config, string version, ManagedFields managed, ManagerKey manager, bool force,
        out IReadOnlyList<Conflict> conflicts)
    {
        var merged = TypedMerge.Merge(live, config, type);
        var lastSet = managed.Fields.GetValueOrDefault(manager);
        var set = TypedFieldSet.Of(config, type);
        if (reset is not null) set = set.RecursiveDifference(reset);
        managed.Fields[manager] = new VersionedSet(set, version, true);
        merged = Prune(merged, managed, lastSet);
        TransferChanges(TypedView.Of(live, type)!, TypedView.Of(merged, type)!, managed, manager, force, out conflicts);
        if (conflicts.Count > 0) return null;
        return Values.Equal(live, merged) ? null : merged;
    }

    /// <summary>
    /// Takes the fields that changed from every manager but <paramref name="workflow"/>, and drops managers left
    /// with nothing; without <paramref name="force"/>, changed fields owned by others are conflicts instead.
    /// </summary>
    private Comparison TransferChanges(JsonNode oldView, JsonNode newView, ManagedFields managed, ManagerKey workflow, bool force,
        out IReadOnlyList<Conflict> conflicts)
    {
        var compare = TypedCompare.Compare(oldView, newView, type).Without(reset);
        var changed = compare.Modified.Union(compare.Added);
        var taken = new Dictionary<ManagerKey, FieldSet>();
        foreach (var (manager, owned) in managed.Fields)
        {
            if (manager == workflow) continue;
            var conflictSet = owned.Set.Intersection(changed);
            if (!conflictSet.IsEmpty) taken[manager] = conflictSet;
        }
        if (!force && taken.Count > 0)
        {
            conflicts = taken.OrderBy(kv => kv.Key.Identifier, Utf8Order.Comparer)
                .SelectMany(kv => kv.Value.Paths.Select(p => new Conflict(kv.Key, p))).ToList();
            return compare;
        }
        conflicts = [];
        foreach (var (manager, conflictSet) in taken)
            managed.Fields[manager] = managed.Fields[manager] with { Set = managed.Fields[manager].Set.Difference(conflictSet) };
        if (!compare.Removed.IsEmpty)
            foreach (var manager in managed.Fields.Keys.Where(m => m != workflow).ToList())
                managed.Fields[manager] = managed.Fields[manager] with { Set = managed.Fields[manager].Set.Difference(compare.Removed) };
        foreach (var manager in managed.Fields.Where(kv => kv.Value.Set.IsEmpty).Select(kv => kv.Key).ToList())
            managed.Fields.Remove(manager);
        return compare;
    }

    /// <summary>
    /// Removes a field, list item or map entry when the applier applied it last time, does not apply it now, and no
    /// other manager owns it (structured-merge-diff's <c>prune</c> with its add-back passes).
    /// </summary>
    private JsonObject Prune(JsonObject merged, ManagedFields managed, VersionedSet? lastSet)
    {
        if (lastSet is null || lastSet.Set.IsEmpty) return merged;
        var last = Named(lastSet.Set);
        var pruned = TypedRemove.Remove(merged, type, last);

        // Add back what any manager (the applier's new configuration included) owns.
        var owned = managed.Fields.Values.Aggregate(new FieldSet(), (all, m) => all.Union(m.Set));
        var mergedSet = Named(TypedFieldSet.Of(merged, type));
        pruned = TypedRemove.Remove(merged, type, mergedSet.Difference(Named(TypedFieldSet.Of(pruned, type)).Union(Named(owned))));

        // Only what the applier owned may go: add back unowned fields it never applied.
        var removed = mergedSet.Difference(Named(TypedFieldSet.Of(pruned, type)));
        return TypedRemove.Remove(merged, type, removed.Intersection(last));
    }

    private FieldSet Named(FieldSet set) => set.EnsureNamedFieldsAreMembers(type);
}
