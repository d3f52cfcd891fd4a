using Turnstile.Aws.State;
using Turnstile.Core.Mapping;

namespace Turnstile.Aws.Eks;

// Completion of asynchronous work: clusters and node groups leave CREATING/DELETING, updates succeed.
public sealed partial class EksService
{
    private void SettleDue(DateTimeOffset now)
    {
        // Each completion commits on its own and clears its due marker, so the next one sees its effects.
        while (NextDue(now) is { } complete)
        {
            var tx = _state.Begin();
            complete(tx);
            tx.Commit();
        }
    }

    private Action<StateTransaction>? NextDue(DateTimeOffset now)
    {
        var candidates = new List<(DateTimeOffset At, Action<StateTransaction> Complete)>();
        foreach (var update in _updates.Values)
            if (update.Status == UpdateStatuses.InProgress && update.DueAt is { } at && at <= now)
                candidates.Add((at, tx => CompleteUpdate(tx, update)));
        foreach (var nodegroup in _nodegroups.Values)
            if (nodegroup.StatusDueAt is { } at && at <= now)
                candidates.Add((at, tx => CompleteNodegroup(tx, nodegroup)));
        foreach (var cluster in _clusters.Values)
            if (cluster.StatusDueAt is { } at && at <= now)
                candidates.Add((at, tx => CompleteCluster(tx, cluster)));
        return candidates.Count == 0 ? null : candidates.MinBy(c => c.At).Complete;
    }

    private void CompleteCluster(StateTransaction tx, ClusterRecord cluster)
    {
        if (cluster.Status == ClusterStatuses.Deleting)
        {
            tx.Delete(_clusters, cluster.Name);
            foreach (var entry in EntriesOf(cluster.Name)) tx.Delete(_entries, EntryKey(cluster.Name, entry.PrincipalArn));
            foreach (var update in UpdatesOf(cluster.Name)) tx.Delete(_updates, ChildKey(cluster.Name, update.Id));
            foreach (var nodegroup in NodegroupsOf(cluster.Name)) tx.Delete(_nodegroups, ChildKey(cluster.Name, nodegroup.Name));
            if (_objects.Contains(cluster.Name)) tx.Delete(_objects, cluster.Name);
            return;
        }
        tx.Put(_clusters, cluster.Name, cluster with { Status = ClusterStatuses.Active, StatusDueAt = null });
    }

    private void CompleteUpdate(StateTransaction tx, UpdateRecord update)
    {
        tx.Put(_updates, ChildKey(update.ClusterName, update.Id), update with { Status = UpdateStatuses.Successful, DueAt = null });
        if (_clusters.Find(update.ClusterName) is not { } cluster) return;
        var at = update.DueAt ?? update.CreatedAt;
        var updated = cluster with { Status = cluster.Status == ClusterStatuses.Updating ? ClusterStatuses.Active : cluster.Status };
        if (update.TargetAuthenticationMode is { } target && AuthenticationModes.TryParse(target, out var to))
        {
            var from = ModeOf(cluster);
            updated = updated with { AuthenticationMode = target };
            if (!from.UsesAccessEntries() && to.UsesAccessEntries()) AddEksManagedEntries(tx, updated, at);
        }
        tx.Put(_clusters, cluster.Name, updated);
    }

    private void CompleteNodegroup(StateTransaction tx, NodegroupRecord nodegroup)
    {
        var key = ChildKey(nodegroup.ClusterName, nodegroup.Name);
        var objects = _objects.Find(nodegroup.ClusterName) ?? new ClusterObjects { ClusterName = nodegroup.ClusterName };
        var at = nodegroup.StatusDueAt ?? nodegroup.ModifiedAt;
        if (nodegroup.Status == NodegroupStatuses.Deleting)
        {
            tx.Delete(_nodegroups, key);
            objects = objects with { Nodes = objects.Nodes.Where(n => n.NodegroupName != nodegroup.Name).ToArray() };
            if (!NodegroupsOf(nodegroup.ClusterName).Any(n => n.Name != nodegroup.Name && SameRole(n.NodeRole, nodegroup.NodeRole)))
                objects = ForgetNodeRole(tx, objects, nodegroup, at);
            tx.Put(_objects, nodegroup.ClusterName, objects);
            return;
        }
        tx.Put(_nodegroups, key, nodegroup with { Status = NodegroupStatuses.Active, StatusDueAt = null, ModifiedAt = at });
        tx.Put(_objects, nodegroup.ClusterName, objects with { Nodes = objects.Nodes.Concat(LaunchNodes(nodegroup, objects.Nodes, at)).ToArray() });
    }

    /// <summary>When the last managed node group of a role goes, EKS removes what it added for the role.</summary>
    private ClusterObjects ForgetNodeRole(StateTransaction tx, ClusterObjects objects, NodegroupRecord nodegroup, DateTimeOffset at)
    {
        foreach (var entry in EntriesOf(nodegroup.ClusterName))
            if (entry.Origin == EntryOrigins.Nodegroup && SameRole(entry.PrincipalArn, nodegroup.NodeRole))
                tx.Delete(_entries, EntryKey(entry.ClusterName, entry.PrincipalArn));
        if (objects.AwsAuth is { } awsAuth && AwsAuthEditor.RemoveNodeRole(awsAuth.Data, nodegroup.NodeRole) is { } data)
            objects = objects with { AwsAuth = awsAuth with { Data = data, ModifiedAt = at } };
        return objects;
    }

    private IEnumerable<ClusterNode> LaunchNodes(NodegroupRecord nodegroup, IReadOnlyList<ClusterNode> existing, DateTimeOffset at)
    {
        var used = existing.Select(n => n.PrivateIp).ToHashSet(StringComparer.Ordinal);
        var domain = EksNames.PrivateDnsDomain(Options.Region);
        var instanceType = nodegroup.InstanceTypes.FirstOrDefault() ?? DefaultInstanceType;
        for (var i = 0; i < nodegroup.ScalingConfig.DesiredSize; i++)
        {
            var zone = i % 3;
            string ip;
            do ip = $"10.0.{zone + 1}.{Random.Shared.Next(2, 255)}";
            while (!used.Add(ip));
            yield return new ClusterNode
            {
                Name = $"ip-{ip.Replace('.', '-')}.{domain}",
                InstanceId = EksNames.InstanceId(),
                PrivateIp = ip,
                AvailabilityZone = Options.Region + (char)('a' + zone),
                InstanceType = instanceType,
                NodegroupName = nodegroup.Name,
                KubeletVersion = KubeletVersion(nodegroup.Version),
                CreatedAt = at,
            };
        }
    }
}
