using System.Text.Json.Nodes;
using Turnstile.Core.AccessPolicies;
using Turnstile.Core.Clusters;
using Turnstile.Core.Mapping;
using Turnstile.Core.Rbac;
using Turnstile.State;
using CoreAccessEntry = Turnstile.Core.Mapping.AccessEntry;

namespace Turnstile.Aws.Eks;

/// <summary>
/// Amazon EKS (control-plane API) over the revisioned store: clusters, access entries and access policies,
/// authentication modes, node groups, updates and tags. Each call is one optimistic transaction (validate, then stage
/// writes; a refused call writes nothing). Asynchronous work (cluster creation, updates...) waits in a due queue in the
/// store; before a call, whatever is due is completed, each item in its own compare-guarded commit (it would have
/// happened without the call), so every replica sees the same outcome whichever one settles it.
/// </summary>
public sealed partial class EksService : IAwsService
{
    private readonly EmulatorState _state;
    private readonly IIamDirectory _iam;
    private readonly EksTimings _timings;
    private readonly IClusterSeeder _seeder;

    public string SigningName => "eks";

    public IReadOnlyDictionary<string, AwsOperation> Operations { get; }

    private EmulatorOptions Options => _state.Options;

    public EksService(EmulatorState state, IIamDirectory iam, EksTimings? timings = null, IClusterSeeder? seeder = null)
    {
        _state = state;
        _iam = iam;
        _timings = timings ?? EksTimings.Realistic;
        _seeder = seeder ?? IClusterSeeder.None;

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
            ["UpdateNodegroupConfig"] = Op("UpdateNodegroupConfig", UpdateNodegroupConfig),
            ["DeleteNodegroup"] = Op("DeleteNodegroup", DeleteNodegroup),
        };
    }

    /// <summary>One call's input, context, clock reading (milliseconds, as EKS reports) and transaction.</summary>
    private sealed record Call(JsonObject Input, OperationContext Context, DateTimeOffset Now, OptimisticTransaction Tx);

    private AwsOperation Op(string name, Func<Call, JsonObject> handle) =>
        new(name, (input, context, tx) => Authorize(name, input, tx),
            (input, context, tx) => handle(new Call(input, context, EksNames.Millis(context.Now), tx)),
            ReadOnly: name.StartsWith("Describe", StringComparison.Ordinal) || name.StartsWith("List", StringComparison.Ordinal));

    /// <summary>Completes the asynchronous work due by <paramref name="now"/> before a call reads the state.</summary>
    public Task PrepareAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        SettleDueAsync(EksNames.Millis(now), cancellationToken);

    // ---- What other layers use (the Kubernetes front) ----------------------------------------------------------------

    /// <summary>
    /// A view of the store with every asynchronous EKS change due by now applied (so a cluster created a moment ago
    /// is ACTIVE, a finished mode switch is in effect, a node group's nodes exist). Read clusters, access models and
    /// the cluster's Kubernetes objects from it.
    /// </summary>
    public async Task<IStateView> SettledViewAsync(CancellationToken cancellationToken = default)
    {
        await SettleDueAsync(EksNames.Millis(_state.Now), cancellationToken).ConfigureAwait(false);
        return _state.Cache.Current;
    }

    /// <summary>
    /// Everything that decides access to the cluster, for the offline engine and the Kubernetes front: the current
    /// mode, aws-auth (read from the cluster's stored ConfigMap), access entries with their policies, the creator, node
    /// DNS names and principal ids. <paramref name="rbac"/> is the cluster's RBAC (the Kubernetes front owns those
    /// objects). Null when the cluster does not exist in <paramref name="view"/>.
    /// </summary>
    public ClusterAccessModel? BuildAccessModel(IStateView view, string clusterName, RbacPolicy? rbac = null)
    {
        if (view.Get(EksKeys.Cluster(clusterName)) is not { } stored) return null;
        var cluster = StoredJson.Decode<ClusterRecord>(stored);
        var entries = view.List(EksKeys.AccessEntries(clusterName)).Select(StoredJson.Decode<AccessEntryRecord>)
            .OrderBy(e => e.PrincipalArn, StringComparer.Ordinal).Select(ToCoreEntry).ToArray();
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
            AwsAuthData = ClusterKubeObjects.AwsAuthData(view, clusterName),
            AccessEntries = entries,
            ClusterCreatorArn = cluster.CreatorArn,
            InstanceDnsNames = ClusterKubeObjects.InstanceDnsNames(view, clusterName),
            PrincipalIds = principalIds,
            Rbac = rbac ?? RbacPolicy.Empty,
        };
    }

    /// <summary>The access model of the cluster as of now (see <see cref="SettledViewAsync"/>).</summary>
    /// <exception cref="AwsServiceException">ResourceNotFoundException when the cluster does not exist.</exception>
    public async Task<ClusterAccessModel> BuildAccessModelAsync(string clusterName, RbacPolicy? rbac = null, CancellationToken cancellationToken = default)
    {
        var view = await SettledViewAsync(cancellationToken).ConfigureAwait(false);
        return BuildAccessModel(view, clusterName, rbac) ?? throw EksErrors.ClusterNotFound(clusterName);
    }

    /// <summary>The cluster as the Kubernetes front sees it, or null when there is no such cluster in <paramref name="view"/>.</summary>
    public EksClusterView? FindCluster(IStateView view, string clusterName) =>
        view.Get(EksKeys.Cluster(clusterName)) is { } stored && StoredJson.Decode<ClusterRecord>(stored) is var c
            ? new EksClusterView(c.Name, c.Arn, c.Status, c.Version, c.PlatformVersion, c.CreatedAt, Endpoint(c.Name), ModeOf(c))
            : null;

    /// <summary>The store's cluster CA with its key, made (and persisted, once for all replicas) on first use.</summary>
    public async Task<ClusterCertificateAuthority> GetCertificateAuthorityAsync(CancellationToken cancellationToken = default)
    {
        if (_state.Cache.Current.Get(EksKeys.CertificateAuthority) is not { } stored)
        {
            await _state.Cache.RunAsync(tx => EnsureCertificateAuthority(tx, _state.Now), cancellationToken: cancellationToken).ConfigureAwait(false);
            stored = _state.Cache.Current.Get(EksKeys.CertificateAuthority)!;
        }
        return CertificateAuthorities.Of(StoredJson.Decode<CertificateAuthorityRecord>(stored));
    }

    /// <summary>
    /// The API server endpoint DescribeCluster reports: one HTTPS front serves every cluster under the path prefix
    /// <c>/clusters/&lt;name&gt;</c> (kubectl keeps a server URL's path as a prefix).
    /// </summary>
    public string Endpoint(string clusterName)
    {
        var host = Options.KubeHost.Contains(':') && !Options.KubeHost.StartsWith('[') ? $"[{Options.KubeHost}]" : Options.KubeHost;
        return $"https://{host}:{_state.KubePort}/clusters/{clusterName}";
    }

    // ---- Shared helpers ------------------------------------------------------------------------------------------

    /// <summary>The CA's certificate and key objects, built once per stored version.</summary>
    private static readonly PerRecord<CertificateAuthorityRecord, ClusterCertificateAuthority> CertificateAuthorities =
        new(r => new ClusterCertificateAuthority(r.CertificatePem, r.PrivateKeyPem));

    private static CertificateAuthorityRecord EnsureCertificateAuthority(OptimisticTransaction tx, DateTimeOffset now)
    {
        if (tx.Read<CertificateAuthorityRecord>(EksKeys.CertificateAuthority) is { } existing) return existing;
        var created = ClusterCertificateAuthority.Generate(now);
        tx.Create(EksKeys.CertificateAuthority, created);
        return created;
    }

    private static AuthenticationMode ModeOf(ClusterRecord cluster) =>
        AuthenticationModes.TryParse(cluster.AuthenticationMode, out var mode) ? mode : AuthenticationMode.ConfigMap;

    private static string ClusterNameOf(JsonObject input) =>
        Input.String(input, "clusterName") ?? Input.String(input, "name") ?? throw EksErrors.Missing("name");

    private static ClusterRecord? FindCluster(OptimisticTransaction tx, string name) => tx.Read<ClusterRecord>(EksKeys.Cluster(name));

    private static ClusterRecord RequireCluster(OptimisticTransaction tx, string name) => FindCluster(tx, name) ?? throw EksErrors.ClusterNotFound(name);

    private static void SaveCluster(OptimisticTransaction tx, ClusterRecord cluster) => tx.Write(EksKeys.Cluster(cluster.Name), cluster);

    /// <summary>The cluster's entries in principal ARN order (a listing: not guarded).</summary>
    private static IEnumerable<AccessEntryRecord> EntriesOf(OptimisticTransaction tx, string cluster) =>
        tx.List(EksKeys.AccessEntries(cluster)).Select(StoredJson.Decode<AccessEntryRecord>).OrderBy(e => e.PrincipalArn, StringComparer.Ordinal);

    private static AccessEntryRecord? FindEntry(OptimisticTransaction tx, string cluster, string principalArn) =>
        tx.Read<AccessEntryRecord>(EksKeys.AccessEntry(cluster, principalArn));

    /// <summary>Stores a new entry and its principal-id index key; the commit fails if either appeared meanwhile.</summary>
    private static void CreateEntry(OptimisticTransaction tx, AccessEntryRecord entry)
    {
        tx.Create(EksKeys.AccessEntry(entry.ClusterName, entry.PrincipalArn), entry);
        if (entry.PrincipalId is { } id) tx.Create(EksKeys.AccessEntryPrincipal(entry.ClusterName, id), new Iam.NameRef(entry.PrincipalArn));
    }

    private static void SaveEntry(OptimisticTransaction tx, AccessEntryRecord entry) =>
        tx.Write(EksKeys.AccessEntry(entry.ClusterName, entry.PrincipalArn), entry);

    private static void DeleteEntry(OptimisticTransaction tx, AccessEntryRecord entry)
    {
        tx.Delete(EksKeys.AccessEntry(entry.ClusterName, entry.PrincipalArn));
        if (entry.PrincipalId is { } id) tx.Delete(EksKeys.AccessEntryPrincipal(entry.ClusterName, id));
    }

    /// <summary>Whether an entry already binds the principal: by ARN, or by its IAM unique id.</summary>
    private static bool HasEntryFor(OptimisticTransaction tx, string cluster, string principalArn, string? principalId) =>
        FindEntry(tx, cluster, principalArn) is not null ||
        (principalId is not null && tx.Get(EksKeys.AccessEntryPrincipal(cluster, principalId)) is not null);

    private static NodegroupRecord? FindNodegroup(OptimisticTransaction tx, string cluster, string name) =>
        tx.Read<NodegroupRecord>(EksKeys.Nodegroup(cluster, name));

    private static IEnumerable<NodegroupRecord> NodegroupsOf(OptimisticTransaction tx, ClusterRecord cluster) =>
        cluster.Nodegroups.Select(name => FindNodegroup(tx, cluster.Name, name)).OfType<NodegroupRecord>();

    private static void SaveNodegroup(OptimisticTransaction tx, NodegroupRecord nodegroup) =>
        tx.Write(EksKeys.Nodegroup(nodegroup.ClusterName, nodegroup.Name), nodegroup);

    private static IEnumerable<UpdateRecord> UpdatesOf(OptimisticTransaction tx, string cluster) =>
        tx.List(EksKeys.Updates(cluster)).Select(StoredJson.Decode<UpdateRecord>);

    private static void SaveUpdate(OptimisticTransaction tx, UpdateRecord update) => tx.Write(EksKeys.Update(update.ClusterName, update.Id), update);

    /// <summary>When asynchronous work started now completes: at the next call, or after a realistic delay.</summary>
    private DateTimeOffset DueAt(DateTimeOffset now, TimeSpan realistic) => Options.RealisticLatency ? now + realistic : now;

    /// <summary>Queues work that completes at <paramref name="at"/>.</summary>
    private static void Schedule(OptimisticTransaction tx, DateTimeOffset at, string kind, string cluster, string name) =>
        tx.Create(EksKeys.Due(at, kind, cluster, name), new DueRecord(kind, cluster, name));

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

/// <summary>
/// The extension point through which a later layer (the Kubernetes front) seeds a new cluster's initial Kubernetes
/// objects: namespaces, bootstrap RBAC, EKS's <c>eks:*</c> roles... <see cref="Seed"/> runs inside CreateCluster's
/// transaction, so the cluster and its objects appear in one commit; it writes full objects at
/// <see cref="StateKey.KubeObject"/> keys of the cluster (without <c>metadata.resourceVersion</c>).
/// </summary>
public interface IClusterSeeder
{
    void Seed(ClusterSeed cluster, OptimisticTransaction tx);

    /// <summary>Seeds nothing (the AWS endpoint alone has no use for the objects).</summary>
    static IClusterSeeder None { get; } = new NoSeeder();

    private sealed class NoSeeder : IClusterSeeder
    {
        public void Seed(ClusterSeed cluster, OptimisticTransaction tx)
        {
        }
    }
}

/// <summary>What a seeder knows of the cluster being created.</summary>
public sealed record ClusterSeed(string Name, string Arn, string KubernetesVersion, AuthenticationMode Mode, string CreatorArn, DateTimeOffset CreatedAt);
