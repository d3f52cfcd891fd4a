using System.Text.Json;
using System.Text.Json.Nodes;
using Turnstile.Core.Arns;
using Turnstile.Core.Mapping;
using Turnstile.Core.Snapshots;

namespace Turnstile.Cli.Collect;

/// <summary>Which cluster to collect, and how the user's tools reach it.</summary>
public sealed record CollectRequest(string ClusterName, string? Context = null, string? Region = null, string? Profile = null);

/// <summary>One file of a snapshot directory.</summary>
public sealed record SnapshotFile(string Name, string Content);

/// <summary>What an IAM lookup said about a mapped principal.</summary>
public enum LookupOutcome { Found, NoSuchEntity, NotChecked }

/// <summary>A collected snapshot: its files, and the IAM lookups behind its <c>principalIds</c>.</summary>
public sealed record CollectedSnapshot(IReadOnlyList<SnapshotFile> Files, IReadOnlyDictionary<string, string> PrincipalIds,
    IReadOnlyDictionary<string, LookupOutcome> Lookups)
{
    /// <summary>Writes the files into <paramref name="directory"/>, which must be new or empty (a fresh snapshot, never a mix of two).</summary>
    public void WriteTo(string directory)
    {
        if (File.Exists(directory)) throw new CollectException($"--out {directory} is a file; give a new or empty directory");
        if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
            throw new CollectException($"--out {directory} is not empty; collect writes a snapshot into a new or empty directory");
        Directory.CreateDirectory(directory);
        foreach (var file in Files)
        {
            var path = Path.Combine(directory, file.Name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, file.Content);
        }
    }
}

/// <summary>
/// <c>turnstile collect</c>: exports a cluster's access state with the user's own <c>aws</c> and <c>kubectl</c> into the
/// files a snapshot directory holds. Independent calls run in parallel (at most <see cref="Parallelism"/> at once); one
/// progress line per step goes to <paramref name="progress"/>. Any failed call stops the collection.
/// </summary>
public sealed class ClusterCollector(IToolRunner runner, Action<string> progress)
{
    public const int Parallelism = 4;

    private readonly SemaphoreSlim _slots = new(Parallelism);

    public async Task<CollectedSnapshot> CollectAsync(CollectRequest request, CancellationToken cancellationToken = default)
    {
        var files = new List<SnapshotFile>();
        progress($"describe-cluster {request.ClusterName}");
        var describe = await AwsJson(request, cancellationToken, "eks", "describe-cluster", "--name", request.ClusterName);
        files.Add(new("cluster.json", describe.ToJsonString(Indented)));
        var cluster = ClusterFacts.From(describe, request.ClusterName);

        var context = request.Context ?? await ContextFor(cluster.Arn, cancellationToken);
        var entries = cluster.Mode == AuthenticationMode.ConfigMap.ToWire()
            ? Task.FromResult<IReadOnlyList<AccessEntryFiles>>([])
            : CollectEntries(request, cancellationToken);
        var awsAuth = Kubectl(context, "aws-auth ConfigMap", cancellationToken, allowNotFound: true, "get", "configmap", "aws-auth", "-n", "kube-system", "-o", "json");
        var rbac = Kubectl(context, "RBAC (clusterroles, clusterrolebindings, roles, rolebindings)", cancellationToken, allowNotFound: false,
            "get", "clusterroles,clusterrolebindings,roles,rolebindings", "--all-namespaces", "-o", "json");
        var crds = Kubectl(context, "CustomResourceDefinitions", cancellationToken, allowNotFound: false, "get", "customresourcedefinitions", "-o", "json");
        var apiResources = Kubectl(context, "api-resources", cancellationToken, allowNotFound: false, "api-resources", "-o", "wide");
        await Task.WhenAll(entries, awsAuth, rbac, crds, apiResources);

        if (await awsAuth is { } configMap) files.Add(new("aws-auth.json", configMap));
        files.Add(new("rbac.json", (await rbac)!));
        files.Add(new("crds.json", (await crds)!));
        files.Add(new("api-resources.txt", (await apiResources)!));
        var entryFiles = await entries;
        for (var i = 0; i < entryFiles.Count; i++)
        {
            files.Add(new($"access-entries/{i + 1:D3}-entry.json", entryFiles[i].Entry));
            files.Add(new($"access-entries/{i + 1:D3}-policies.json", entryFiles[i].Policies));
        }

        var principals = MappedPrincipals(await awsAuth, entryFiles.Select(e => e.PrincipalArn), cluster.Account);
        var lookups = await LookUp(request, principals, cancellationToken);
        var ids = lookups.Where(l => l.Value.Id is not null).ToDictionary(l => l.Key, l => l.Value.Id!, StringComparer.Ordinal);
        var snapshotContext = new JsonObject
        {
            ["apiVersion"] = SnapshotContext.ApiVersion,
            ["kind"] = SnapshotContext.Kind,
            ["clusterName"] = request.ClusterName,
            ["accountId"] = cluster.Account,
            ["region"] = cluster.Region,
            ["principalIds"] = new JsonObject(ids.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
        };
        files.Add(new("snapshot-context.json", snapshotContext.ToJsonString(Indented) + "\n"));
        return new CollectedSnapshot(files, ids, lookups.ToDictionary(l => l.Key, l => l.Value.Outcome, StringComparer.Ordinal));
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private sealed record AccessEntryFiles(string PrincipalArn, string Entry, string Policies);

    private sealed record Lookup(LookupOutcome Outcome, string? Id);

    /// <summary>What the collection needs from describe-cluster: account and region (from the ARN) and the mode.</summary>
    private sealed record ClusterFacts(string Arn, string Account, string Region, string Mode)
    {
        public static ClusterFacts From(JsonNode describe, string name)
        {
            var arnText = describe["cluster"]?["arn"]?.GetValue<string>();
            if (arnText is null || !Core.Arns.Arn.TryParse(arnText, out var arn, out _))
                throw new CollectException($"aws eks describe-cluster --name {name} printed no cluster ARN");
            var mode = describe["cluster"]?["accessConfig"]?["authenticationMode"]?.GetValue<string>() ?? AuthenticationMode.ConfigMap.ToWire();
            return new ClusterFacts(arnText, arn.Account, arn.Region, mode);
        }
    }

    private async Task<IReadOnlyList<AccessEntryFiles>> CollectEntries(CollectRequest request, CancellationToken cancellationToken)
    {
        progress($"list-access-entries {request.ClusterName}");
        var list = await AwsJson(request, cancellationToken, "eks", "list-access-entries", "--cluster-name", request.ClusterName);
        var arns = list["accessEntries"]?.AsArray().Select(e => e!.GetValue<string>()).ToArray() ?? [];
        progress($"describe-access-entry and list-associated-access-policies for {arns.Length} access entries");
        return await Task.WhenAll(arns.Select(async arn =>
        {
            var entry = AwsJson(request, cancellationToken, "eks", "describe-access-entry", "--cluster-name", request.ClusterName, "--principal-arn", arn);
            var policies = AwsJson(request, cancellationToken, "eks", "list-associated-access-policies", "--cluster-name", request.ClusterName, "--principal-arn", arn);
            return new AccessEntryFiles(arn, (await entry).ToJsonString(Indented), (await policies).ToJsonString(Indented));
        }));
    }

    /// <summary>
    /// The kube context to read: the one <c>aws eks update-kubeconfig</c> names after the cluster ARN when the
    /// kubeconfig has it, else kubectl's current context (null).
    /// </summary>
    private async Task<string?> ContextFor(string clusterArn, CancellationToken cancellationToken)
    {
        var contexts = await Run("kubectl", ["config", "get-contexts", "-o", "name"], cancellationToken);
        var names = contexts.Succeeded ? contexts.Stdout.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : [];
        var chosen = names.Contains(clusterArn, StringComparer.Ordinal) ? clusterArn : null;
        progress(chosen is null ? "kubectl context: the current context (none is named after the cluster ARN)" : $"kubectl context: {chosen}");
        return chosen;
    }

    /// <summary>The same-account IAM users and roles aws-auth rows and access entries name (other accounts' IAM is not readable).</summary>
    private static IReadOnlyList<PrincipalArn> MappedPrincipals(string? awsAuthJson, IEnumerable<string> entryArns, string account)
    {
        var arns = new List<string>(entryArns);
        if (awsAuthJson is not null && JsonNode.Parse(awsAuthJson)?["data"] is JsonObject data)
        {
            var config = AwsAuthConfig.Parse(data.Where(p => p.Value is JsonValue).ToDictionary(p => p.Key, p => p.Value!.ToString()));
            arns.AddRange(config.Roles.Select(r => r.RoleArn).OfType<string>());
            arns.AddRange(config.Users.Select(u => u.UserArn));
        }
        return arns.Distinct(StringComparer.Ordinal)
            .Select(a => PrincipalArn.TryParse(a, out var p, out _) ? p : null)
            .OfType<PrincipalArn>()
            .Where(p => p.Type is PrincipalType.User or PrincipalType.Role && p.Account == account)
            .ToArray();
    }

    private async Task<Dictionary<string, Lookup>> LookUp(CollectRequest request, IReadOnlyList<PrincipalArn> principals, CancellationToken cancellationToken)
    {
        progress($"IAM unique ids of {principals.Count} mapped principals (get-role / get-user)");
        var results = await Task.WhenAll(principals.Select(async p =>
        {
            var role = p.Type == PrincipalType.Role;
            var result = await Run("aws", AwsArgs(request, "iam", role ? "get-role" : "get-user", role ? "--role-name" : "--user-name", p.Name), cancellationToken);
            if (result.Succeeded)
            {
                var body = JsonNode.Parse(result.Stdout);
                return (p.Original, new Lookup(LookupOutcome.Found, body?[role ? "Role" : "User"]?[role ? "RoleId" : "UserId"]?.GetValue<string>()));
            }
            if (result.Stderr.Contains("(NoSuchEntity)", StringComparison.Ordinal)) return (p.Original, new Lookup(LookupOutcome.NoSuchEntity, null));
            progress($"warning: {p.Original}: not checked ({result.ErrorLine})");
            return (p.Original, new Lookup(LookupOutcome.NotChecked, null));
        }));
        return results.ToDictionary(r => r.Original, r => r.Item2, StringComparer.Ordinal);
    }

    private async Task<JsonNode> AwsJson(CollectRequest request, CancellationToken cancellationToken, params string[] args)
    {
        var fullArgs = AwsArgs(request, args);
        var result = await Run("aws", fullArgs, cancellationToken);
        if (!result.Succeeded) throw new CollectException($"aws {string.Join(' ', args)} failed: {result.ErrorLine}");
        try
        {
            return JsonNode.Parse(result.Stdout) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new CollectException($"aws {string.Join(' ', args)} printed no JSON ({e.Message})");
        }
    }

    private static List<string> AwsArgs(CollectRequest request, params string[] args)
    {
        var list = new List<string>(args) { "--output", "json" };
        if (request.Region is { } region) list.AddRange(["--region", region]);
        if (request.Profile is { } profile) list.AddRange(["--profile", profile]);
        return list;
    }

    /// <summary>Runs kubectl in the context; null when <paramref name="allowNotFound"/> and the object does not exist.</summary>
    private async Task<string?> Kubectl(string? context, string what, CancellationToken cancellationToken, bool allowNotFound, params string[] args)
    {
        progress($"kubectl: {what}");
        var fullArgs = new List<string>(args);
        if (context is not null) fullArgs.AddRange(["--context", context]);
        var result = await Run("kubectl", fullArgs, cancellationToken);
        if (result.Succeeded) return result.Stdout;
        if (allowNotFound && result.Stderr.Contains("(NotFound)", StringComparison.Ordinal))
        {
            progress($"kubectl: no {what}");
            return null;
        }
        throw new CollectException($"kubectl {string.Join(' ', fullArgs)} failed: {result.ErrorLine}");
    }

    private async Task<ToolResult> Run(string tool, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        try
        {
            return await runner.RunAsync(tool, args, cancellationToken);
        }
        finally
        {
            _slots.Release();
        }
    }
}
