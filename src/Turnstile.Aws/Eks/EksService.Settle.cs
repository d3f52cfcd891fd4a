using Turnstile.Core.Mapping;
using Turnstile.State;

namespace Turnstile.Aws.Eks;

// Completion of asynchronous work: clusters and node groups leave CREATING/UPDATING/DELETING, updates succeed.
public sealed partial class EksService
{
    /// <summary>
    /// Completes the queued work due by <paramref name="now"/>, oldest first, each item in its own commit guarded by its
    /// queue key: when two replicas settle the same item, one commit wins and the other finds it gone. Costs one
    /// look at the head of the queue when nothing is due.
    /// </summary>
    private async Task SettleDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        while (NextDue(_state.Cache.Current, now) is not null)
        {
            var settled = await _state.Cache.RunAsync(tx =>
            {
                if (NextDue(tx.View, now) is not { } due) return false;
                if (tx.Read<DueRecord>(due.Key) is not { } work) return true;
                tx.Delete(due.Key);
                var at = EksKeys.DueAt(due.Key);
                switch (work.Kind)
                {
                    case DueKinds.Cluster: CompleteCluster(tx, work.ClusterName); break;
                    case DueKinds.Nodegroup: CompleteNodegroup(tx, work.ClusterName, work.Name, at); break;
                    case DueKinds.Update: CompleteUpdate(tx, work.ClusterName, work.Name, at); break;
                }
                return true;
            }, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!settled) return;
        }
    }

    private static KeyValue? NextDue(IStateView view, DateTimeOffset now) =>
        view.List(EksKeys.DuePrefix).FirstOrDefault() is { } head && EksKeys.DueAt(head.Key) <= now ? head : null;

    private void CompleteCluster(OptimisticTransaction tx, string name)
    {
        if (FindCluster(tx, name) is not { } cluster) return;
        if (cluster.Status == ClusterStatuses.Deleting)
        {
            // The cluster's EKS records and its whole Kubernetes state go in one commit.
            tx.Delete(EksKeys.Cluster(name));
            foreach (var prefix in EksKeys.ClusterChildren(name)) tx.DeletePrefix(prefix);
            tx.DeletePrefix(StateKey.Kube(name));
            return;
        }
        SaveCluster(tx, cluster with { Status = ClusterStatuses.Active, StatusDueAt = null });
    }

    private void CompleteUpdate(OptimisticTransaction tx, string clusterName, string id, DateTimeOffset at)
    {
        if (tx.Read<UpdateRecord>(EksKeys.Update(clusterName, id)) is not { } update || FindCluster(tx, clusterName) is not { } cluster) return;
        SaveUpdate(tx, update with { Status = UpdateStatuses.Successful, DueAt = null });
        if (update.NodegroupName is { } nodegroupName)
        {
            if (FindNodegroup(tx, clusterName, nodegroupName) is { } nodegroup) Rescale(tx, nodegroup, update.TargetScaling!, at);
            return;
        }
        var updated = cluster with
        {
            Status = cluster.Status == ClusterStatuses.Updating ? ClusterStatuses.Active : cluster.Status,
            PendingUpdateId = null,
        };
        if (update.TargetAuthenticationMode is { } target && AuthenticationModes.TryParse(target, out var to))
        {
            var from = ModeOf(cluster);
            updated = updated with { AuthenticationMode = target };
            if (!from.UsesAccessEntries() && to.UsesAccessEntries()) AddEksManagedEntries(tx, updated, at);
        }
        SaveCluster(tx, updated);
    }

    /// <summary>A node group update lands: the group takes its new scaling and launches or removes nodes to match.</summary>
    private void Rescale(OptimisticTransaction tx, NodegroupRecord nodegroup, ScalingConfigRecord scaling, DateTimeOffset at)
    {
        var names = nodegroup.NodeNames.ToList();
        if (scaling.DesiredSize > names.Count)
        {
            names.AddRange(ManagedNodes.Launch(tx, Options, nodegroup, scaling.DesiredSize - names.Count, at));
        }
        else
        {
            // The newest nodes go first.
            foreach (var name in names.Skip(scaling.DesiredSize)) tx.Delete(ClusterKubeObjects.NodeKey(nodegroup.ClusterName, name));
            names.RemoveRange(scaling.DesiredSize, names.Count - scaling.DesiredSize);
        }
        SaveNodegroup(tx, nodegroup with
        {
            ScalingConfig = scaling,
            NodeNames = names,
            Status = NodegroupStatuses.Active,
            PendingUpdateId = null,
            ModifiedAt = at,
        });
    }

    private void CompleteNodegroup(OptimisticTransaction tx, string clusterName, string name, DateTimeOffset at)
    {
        if (FindNodegroup(tx, clusterName, name) is not { } nodegroup || FindCluster(tx, clusterName) is not { } cluster) return;
        if (nodegroup.Status == NodegroupStatuses.Deleting)
        {
            tx.Delete(EksKeys.Nodegroup(clusterName, name));
            foreach (var node in nodegroup.NodeNames) tx.Delete(ClusterKubeObjects.NodeKey(clusterName, node));
            var remaining = cluster with { Nodegroups = cluster.Nodegroups.Where(n => n != name).ToArray() };
            SaveCluster(tx, remaining);
            if (!NodegroupsOf(tx, remaining).Any(n => SameRole(n.NodeRole, nodegroup.NodeRole))) ForgetNodeRole(tx, nodegroup, at);
            return;
        }
        var launched = ManagedNodes.Launch(tx, Options, nodegroup, nodegroup.ScalingConfig.DesiredSize, at);
        SaveNodegroup(tx, nodegroup with { Status = NodegroupStatuses.Active, StatusDueAt = null, ModifiedAt = at, NodeNames = launched });
    }

    /// <summary>When the last managed node group of a role goes, EKS removes what it added for the role.</summary>
    private static void ForgetNodeRole(OptimisticTransaction tx, NodegroupRecord nodegroup, DateTimeOffset at)
    {
        foreach (var entry in EntriesOf(tx, nodegroup.ClusterName))
            if (entry.Origin == EntryOrigins.Nodegroup && SameRole(entry.PrincipalArn, nodegroup.NodeRole))
                DeleteEntry(tx, entry);
        if (ClusterKubeObjects.AwsAuthData(tx, nodegroup.ClusterName) is { } data && AwsAuthEditor.RemoveNodeRole(data, nodegroup.NodeRole) is { } changed)
            ClusterKubeObjects.WriteAwsAuthData(tx, nodegroup.ClusterName, changed, at);
    }
}
