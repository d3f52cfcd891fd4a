using System.Text.Json.Nodes;
using Turnstile.Aws.State;
using Turnstile.Core.AccessPolicies;
using Turnstile.Core.Clusters;
using Turnstile.Core.Mapping;
using Turnstile.Core.Rbac;
using CoreAccessEntry = Turnstile.Core.Mapping.AccessEntry;

namespace Turnstile.Aws.Eks;

/// <summary>
/// Amazon EKS (control-plane API) over the emulator's state: clusters, access entries and access policies,
/// authentication modes, node groups, updates and tags. Every call takes <see cref="EmulatorState.Sync"/>, first
/// completes asynchronous work that is due (cluster creation, updates...; each in its own small commit, since it
/// would have happened without the call), then validates everything and writes its own changes in one transaction,
/// so a refused call writes nothing.
/// </summary>
public sealed partial class EksService : IAwsService
{
    private const string Sep = "|";

    private readonly EmulatorState _state;
    private readonly IIamDirectory _iam;
    private readonly EksTimings _timings;
    private readonly StateTable<ClusterRecord> _clusters;
    private readonly StateTable<AccessEntryRecord> _entries;
    private readonly StateTable<NodegroupRecord> _nodegroups;
    private readonly StateTable<UpdateRecord> _updates;
    private readonly StateTable<ClusterObjects> _objects;
    private readonly StateTable<CertificateAuthorityRecord> _ca;

    public string SigningName => "eks";

    public IReadOnlyDictionary<string, AwsOperation> Operations { get; }

    private EmulatorOptions Options => _state.Options;

    public EksService(EmulatorState state, IIamDirectory iam, EksTimings? timings = null)
    {
        _state = state;
        _iam = iam;
        _timings = timings ?? EksTimings.Realistic;
        _clusters = new StateTable<ClusterRecord>("eks.clusters", state.Store);
        _entries = new StateTable<AccessEntryRecord>("eks.access-entries", state.Store);
        _nodegroups = new StateTable<NodegroupRecord>("eks.nodegroups", state.Store);
        _updates = new StateTable<UpdateRecord>("eks.updates", state.Store);
        _objects = new StateTable<ClusterObjects>("eks.cluster-objects", state.Store);
        _ca = new StateTable<CertificateAuthorityRecord>("eks.certificate-authority", state.Store);

        Operations = new Dictionary<string, AwsOperation>(StringComparer.Ordinal)
        {
            ["CreateCluster"] = Op("CreateCluster", CreateCluster),
            ["DescribeCluster"] = Op("DescribeCluster", DescribeCluster),
            ["ListClusters"] = Op("ListClusters", ListClusters),
            ["DeleteCluster"] = Op("DeleteCluster", DeleteCluster),
            ["UpdateClusterConfig"] = Op("UpdateClusterConfig", UpdateClusterConfig),
            ["DescribeUpdate"] = Op("DescribeUpdate", DescribeUpdate),
            ["ListUpdates"] = Op("ListUpdates", ListUpdates),
            ["CreateAccessEntry"] = Op("CreateAccessEntry", CreateAccessEntry),
            ["DescribeAccessEntry"] = Op("DescribeAccessEntry", DescribeAccessEntry),
            ["ListAccessEntries"] = Op("ListAccessEntries", ListAccessEntries),
            ["UpdateAccessEntry"] = Op("UpdateAccessEntry", UpdateAccessEntry),
            ["DeleteAccessEntry"] = Op("DeleteAccessEntry", DeleteAccessEntry),
            ["AssociateAccessPolicy"] = Op("AssociateAccessPolicy", AssociateAccessPolicy),
            ["DisassociateAccessPolicy"] = Op("DisassociateAccessPolicy", DisassociateAccessPolicy),
            ["ListAssociatedAccessPolicies"] = Op("ListAssociatedAccessPolicies", ListAssociatedAccessPolicies),
            ["ListAccessPolicies"] = Op("ListAccessPolicies", ListAccessPolicies),
            ["TagResource"] = Op("TagResource", TagResource),
            ["UntagResource"] = Op("UntagResource", UntagResource),
            ["ListTagsForResource"] = Op("ListTagsForResource", ListTagsForResource),
            ["CreateNodegroup"] = Op("CreateNodegroup", CreateNodegroup),
            ["DescribeNodegroup"] = Op("DescribeNodegroup", DescribeNodegroup),
            ["ListNodegroups"] = Op("ListNodegroups", ListNodegroups),
            ["DeleteNodegroup"] = Op("DeleteNodegroup", DeleteNodegroup),
        };
    }

    /// <summary>One call's input, context, clock reading (milliseconds, as EKS reports) and write set.</summary>
    private sealed record Call(JsonObject Input, OperationContext Context, DateTimeOffset Now, StateTransaction Tx);

    private AwsOperation Op(string name, Func<Call, JsonObject> handle) =>
        new(name, (input, context) => Authorize(name, input, context), (input, context) => Run(input, context, handle));

    private JsonObject Run(JsonObject input, OperationContext context, Func<Call, JsonObject> handle)
    {
        var now = EksNames.Millis(context.Now);
        lock (_state.Sync)
        {
            SettleDue(now);
            var tx = _state.Begin();
            var result = handle(new Call(input, context, now, tx));
            tx.Commit();
            return result;
        }
    }

    // ---- What other layers use ------------------------------------------------------------------------------------

    /// <summary>
    /// Everything that decides access to the cluster, for the offline engine and the Kubernetes front: the current
    /// mode, aws-auth, access entries with their policies, the creator, node DNS names and principal ids.
    /// <paramref name="rbac"/> is the cluster's RBAC (the Kubernetes front owns those objects).
    /// </summary>
    /// <exception cref="AwsServiceException">ResourceNotFoundException when the cluster does not exist.</exception>
    public ClusterAccessModel BuildAccessModel(string clusterName, RbacPolicy? rbac = null)
    {
        lock (_state.Sync)
        {
            SettleDue(EksNames.Millis(_state.Now));
            var cluster = _clusters.Find(clusterName) ?? throw EksErrors.ClusterNotFound(clusterName);
            var objects = _objects.Find(clusterName);
            var entries = EntriesOf(clusterName).Select(ToCoreEntry).ToArray();
            var principalIds = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (cluster.CreatorPrincipalId is { } creatorId) principalIds[cluster.CreatorArn] = creatorId;
            foreach (var entry in entries)
                if (entry.PrincipalId is { } id) principalIds[entry.PrincipalArn] = id;
            return new ClusterAccessModel
            {
                ClusterName = cluster.Name,
                ClusterArn = cluster.Arn,
                AccountId = Options.AccountId,
                Partition = Options.Partition,
                Region = Options.Region,
                Mode = ModeOf(cluster),
                BootstrapClusterCreatorAdminPermissions = cluster.BootstrapClusterCreatorAdminPermissions,
                AwsAuthData = objects?.AwsAuth?.Data,
                AccessEntries = entries,
                ClusterCreatorArn = cluster.CreatorArn,
                InstanceDnsNames = (objects?.Nodes ?? []).ToDictionary(n => n.InstanceId, n => n.Name),
                PrincipalIds = principalIds,
                Rbac = rbac ?? RbacPolicy.Empty,
            };
        }
    }

    /// <summary>The cluster as the Kubernetes front needs it, or null when there is no such cluster.</summary>
    public EksClusterView? FindCluster(string clusterName)
    {
        lock (_state.Sync)
        {
            SettleDue(EksNames.Millis(_state.Now));
            return _clusters.Find(clusterName) is { } c
                ? new EksClusterView(c.Name, c.Arn, c.Status, c.Version, c.PlatformVersion, c.CreatedAt, Endpoint(c.Name), ModeOf(c))
                : null;
        }
    }

    /// <summary>The cluster's Kubernetes-side objects (an empty set for a cluster that has none yet), or null when there is no such cluster.</summary>
    public ClusterObjects? GetClusterObjects(string clusterName)
    {
        lock (_state.Sync)
        {
            SettleDue(EksNames.Millis(_state.Now));
            if (!_clusters.Contains(clusterName)) return null;
            return _objects.Find(clusterName) ?? new ClusterObjects { ClusterName = clusterName };
        }
    }

    /// <summary>Changes the cluster's Kubernetes-side objects atomically (e.g. <c>kubectl edit configmap aws-auth</c>).</summary>
    /// <exception cref="AwsServiceException">ResourceNotFoundException when the cluster does not exist.</exception>
    public ClusterObjects UpdateClusterObjects(string clusterName, Func<ClusterObjects, ClusterObjects> change)
    {
        lock (_state.Sync)
        {
            SettleDue(EksNames.Millis(_state.Now));
            if (!_clusters.Contains(clusterName)) throw EksErrors.ClusterNotFound(clusterName);
            var updated = change(_objects.Find(clusterName) ?? new ClusterObjects { ClusterName = clusterName }) with { ClusterName = clusterName };
            var tx = _state.Begin();
            tx.Put(_objects, clusterName, updated);
            tx.Commit();
            return updated;
        }
    }

    /// <summary>The store's cluster CA with its key, made (and persisted) on first use.</summary>
    public ClusterCertificateAuthority GetCertificateAuthority()
    {
        lock (_state.Sync)
        {
            if (_ca.Find(CaKey) is null)
            {
                var tx = _state.Begin();
                EnsureCertificateAuthority(tx, _state.Now);
                tx.Commit();
            }
            var record = _ca.Find(CaKey)!;
            return new ClusterCertificateAuthority(record.CertificatePem, record.PrivateKeyPem);
        }
    }

    /// <summary>
    /// The API server endpoint DescribeCluster reports: one HTTPS front serves every cluster under the path prefix
    /// <c>/clusters/&lt;name&gt;</c> (kubectl keeps a server URL's path as a prefix).
    /// </summary>
    public string Endpoint(string clusterName)
    {
        var host = Options.KubeHost.Contains(':') && !Options.KubeHost.StartsWith('[') ? $"[{Options.KubeHost}]" : Options.KubeHost;
        return $"https://{host}:{Options.KubePort}/clusters/{clusterName}";
    }

    // ---- Shared helpers ------------------------------------------------------------------------------------------

    private const string CaKey = "ca";

    private CertificateAuthorityRecord EnsureCertificateAuthority(StateTransaction tx, DateTimeOffset now)
    {
        if (_ca.Find(CaKey) is { } existing) return existing;
        var created = ClusterCertificateAuthority.Generate(now);
        tx.Put(_ca, CaKey, created);
        return created;
    }

    private static AuthenticationMode ModeOf(ClusterRecord cluster) =>
        AuthenticationModes.TryParse(cluster.AuthenticationMode, out var mode) ? mode : AuthenticationMode.ConfigMap;

    private static string EntryKey(string cluster, string principalArn) => cluster + Sep + principalArn;

    private static string ChildKey(string cluster, string child) => cluster + Sep + child;

    private static string ClusterNameOf(JsonObject input) =>
        Input.String(input, "clusterName") ?? Input.String(input, "name") ?? throw EksErrors.Missing("name");

    private ClusterRecord RequireCluster(string name) => _clusters.Find(name) ?? throw EksErrors.ClusterNotFound(name);

    private IEnumerable<AccessEntryRecord> EntriesOf(string cluster) =>
        _entries.Values.Where(e => e.ClusterName == cluster).OrderBy(e => e.PrincipalArn, StringComparer.Ordinal);

    private IEnumerable<NodegroupRecord> NodegroupsOf(string cluster) =>
        _nodegroups.Values.Where(n => n.ClusterName == cluster).OrderBy(n => n.Name, StringComparer.Ordinal);

    private IEnumerable<UpdateRecord> UpdatesOf(string cluster) =>
        _updates.Values.Where(u => u.ClusterName == cluster);

    /// <summary>When asynchronous work started now completes: at the next call, or after a realistic delay.</summary>
    private DateTimeOffset DueAt(DateTimeOffset now, TimeSpan realistic) => Options.RealisticLatency ? now + realistic : now;

    private static CoreAccessEntry ToCoreEntry(AccessEntryRecord e) => new()
    {
        ClusterName = e.ClusterName,
        PrincipalArn = e.PrincipalArn,
        PrincipalId = e.PrincipalId,
        Type = e.Type,
        Username = e.Username,
        KubernetesGroups = e.KubernetesGroups,
        AccessPolicies = e.Policies.Select(p => new AssociatedAccessPolicy(p.PolicyArn, new AccessScope(p.ScopeType, p.Namespaces))
        {
            AssociatedAt = p.AssociatedAt,
            ModifiedAt = p.ModifiedAt,
        }).ToArray(),
        AccessEntryArn = e.AccessEntryArn,
        CreatedAt = e.CreatedAt,
        ModifiedAt = e.ModifiedAt,
        Tags = e.Tags,
    };
}

/// <summary>A cluster as the Kubernetes front sees it.</summary>
public sealed record EksClusterView(
    string Name,
    string Arn,
    string Status,
    string Version,
    string PlatformVersion,
    DateTimeOffset CreatedAt,
    string Endpoint,
    AuthenticationMode AuthenticationMode);
