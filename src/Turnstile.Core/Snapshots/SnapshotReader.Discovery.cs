using Turnstile.Core.Kube;

namespace Turnstile.Core.Snapshots;

// The cluster's API surface: CustomResourceDefinitions (read with the other Kubernetes objects) and the text of
// `kubectl api-resources [-o wide]`, so resource arguments resolve as kubectl resolves them on that cluster.
public static partial class SnapshotReader
{
    private static void ReadApiResources(SnapshotFile file, SnapshotReadState state)
    {
        var table = ApiResourcesTable.Parse(file.Content);
        if (state.ApiResourcesFile is { } first)
        {
            state.Error(file, $"is a second `kubectl api-resources` table (the first is {first}); keep one");
            return;
        }
        state.ApiResourcesFile = file.Name;
        state.ApiResources = table;
        foreach (var problem in table.Problems) state.Warning(file, problem);
        var groups = table.Resources.Select(r => r.Group).Distinct().Count();
        state.Info(file, $"`kubectl api-resources{(table.HasVerbs ? " -o wide" : "")}` output: {table.Resources.Count} resources in {groups} API groups");
        if (!table.HasVerbs)
            state.Warning(file, "has no VERBS column (use `kubectl api-resources -o wide`); verbs come from the built-in EKS catalogue, or the standard eight for unknown resources");
    }
}
