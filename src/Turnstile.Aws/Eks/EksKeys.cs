using System.Globalization;
using Turnstile.State;

namespace Turnstile.Aws.Eks;

/// <summary>
/// Where EKS keeps its records: one key per cluster, access entry, node group and update; an index from a principal's
/// IAM unique id to its entry (for the one-entry-per-principal rule); the store-wide CA; and the queue of asynchronous
/// work ordered by due time. A cluster's Kubernetes objects live under <see cref="StateKey.Kube"/>.
/// </summary>
public static class EksKeys
{
    public const string CertificateAuthority = "/aws/eks/ca";
    public const string Clusters = "/aws/eks/clusters/";
    public const string DuePrefix = "/aws/eks/due/";

    public static string Cluster(string name) => Clusters + StateKey.Segment(name);
    public static string AccessEntries(string cluster) => StateKey.Join("aws", "eks", "access-entries", cluster) + "/";
    public static string AccessEntry(string cluster, string principalArn) => AccessEntries(cluster) + StateKey.Segment(principalArn);
    public static string AccessEntryPrincipals(string cluster) => StateKey.Join("aws", "eks", "access-entry-principals", cluster) + "/";
    public static string AccessEntryPrincipal(string cluster, string principalId) => AccessEntryPrincipals(cluster) + StateKey.Segment(principalId);
    public static string Nodegroups(string cluster) => StateKey.Join("aws", "eks", "nodegroups", cluster) + "/";
    public static string Nodegroup(string cluster, string name) => Nodegroups(cluster) + StateKey.Segment(name);
    public static string Updates(string cluster) => StateKey.Join("aws", "eks", "updates", cluster) + "/";
    public static string Update(string cluster, string id) => Updates(cluster) + StateKey.Segment(id);

    /// <summary>Every prefix that holds a cluster's EKS records besides the cluster key itself.</summary>
    public static IEnumerable<string> ClusterChildren(string cluster) =>
        [AccessEntries(cluster), AccessEntryPrincipals(cluster), Nodegroups(cluster), Updates(cluster)];

    /// <summary>A piece of asynchronous work, ordered by when it completes.</summary>
    public static string Due(DateTimeOffset at, string kind, string cluster, string name) =>
        DuePrefix + at.UtcTicks.ToString("D19", CultureInfo.InvariantCulture) + StateKey.Join(kind, cluster, name);

    public static DateTimeOffset DueAt(string dueKey) =>
        new(long.Parse(dueKey.AsSpan(DuePrefix.Length, 19), CultureInfo.InvariantCulture), TimeSpan.Zero);
}
