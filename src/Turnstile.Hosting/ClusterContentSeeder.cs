using Turnstile.Aws.Eks;
using Turnstile.Kube.Seeding;
using Turnstile.State;

namespace Turnstile.Hosting;

/// <summary>
/// EKS's cluster-creation hook filled with what a new cluster's Kubernetes API shows (<see cref="ClusterContent"/>):
/// every object is created in CreateCluster's own transaction, so the cluster and its content appear in one commit.
/// </summary>
public sealed class ClusterContentSeeder(Func<string>? newUid = null) : IClusterSeeder
{
    private readonly Func<string> _newUid = newUid ?? (() => Guid.NewGuid().ToString());

    public void Seed(ClusterSeed cluster, OptimisticTransaction tx)
    {
        // arn:<partition>:eks:<region>:<account>:cluster/<name>
        var region = cluster.Arn.Split(':') is { Length: > 3 } parts ? parts[3] : "";
        foreach (var obj in ClusterContent.Build(new ClusterContentRequest(cluster.Name, cluster.KubernetesVersion, region, cluster.CreatedAt, _newUid)))
        {
            tx.RequireAbsent(obj.Key);
            tx.Put(obj.Key, obj.Value);
        }
    }
}
