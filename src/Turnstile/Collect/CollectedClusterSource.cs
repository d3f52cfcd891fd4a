using Turnstile.Cli.Offline;
using Turnstile.Core.Arns;
using Turnstile.Core.Analysis;
using Turnstile.Core.Clusters;

namespace Turnstile.Cli.Collect;

/// <summary>
/// A live cluster (the emulator with <c>--endpoint</c>, or any EKS cluster the user's tools reach) as a cluster
/// source: collected with <see cref="ClusterCollector"/> into a temporary directory, read as a snapshot, and deleted.
/// Which principals exist is answered from the IAM lookups the collection made.
/// </summary>
public sealed class CollectedClusterSource(CollectRequest request, string? endpoint) : IClusterSource
{
    public string Description => endpoint is null ? $"cluster {request.ClusterName}" : $"cluster {request.ClusterName} at {endpoint}";

    public LoadedCluster Load()
    {
        var overrides = endpoint is null ? null : new Dictionary<string, string> { ["AWS_ENDPOINT_URL"] = endpoint };
        var collector = new ClusterCollector(new ProcessToolRunner(overrides), line => Console.Error.WriteLine("collect: " + line));
        CollectedSnapshot collected;
        try
        {
            collected = collector.CollectAsync(request).GetAwaiter().GetResult();
        }
        catch (CollectException e)
        {
            throw new Commands.UsageException(e.Message);
        }
        var directory = Directory.CreateTempSubdirectory("turnstile-collect-").FullName;
        try
        {
            collected.WriteTo(directory);
            var snapshot = SnapshotDirectory.Load(directory);
            return new LoadedCluster(snapshot.Model, snapshot.Messages, new LookedUpPrincipals(collected));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Principals as IAM answered during the collection: found, gone (NoSuchEntity), or not checked (another account, a denied call).</summary>
    private sealed class LookedUpPrincipals(CollectedSnapshot collected) : IPrincipalDirectory
    {
        private readonly Dictionary<string, (LookupOutcome Outcome, string? Id)> _byKey = collected.Lookups
            .GroupBy(l => KnownPrincipal.KeyOf(l.Key), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (g.First().Value, collected.PrincipalIds.GetValueOrDefault(g.First().Key)), StringComparer.Ordinal);

        public string Source => "IAM (aws iam get-role / get-user)";

        public PrincipalExistence Find(string principalArn, out string? uniqueId)
        {
            uniqueId = null;
            if (!PrincipalArn.TryParse(principalArn, out _, out _) || !_byKey.TryGetValue(KnownPrincipal.KeyOf(principalArn), out var lookup))
                return PrincipalExistence.Unknown;
            uniqueId = lookup.Id;
            return lookup.Outcome switch
            {
                LookupOutcome.Found => PrincipalExistence.Exists,
                LookupOutcome.NoSuchEntity => PrincipalExistence.Missing,
                _ => PrincipalExistence.Unknown,
            };
        }
    }
}
