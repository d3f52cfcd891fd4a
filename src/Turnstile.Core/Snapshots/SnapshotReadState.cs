using Turnstile.Core.Kube;
using Turnstile.Core.AccessPolicies;
using Turnstile.Core.Clusters;
using Turnstile.Core.Mapping;
using Turnstile.Core.Rbac;
using Turnstile.Core.Rbac.Bootstrap;

namespace Turnstile.Core.Snapshots;

/// <summary>What the files of one snapshot have given so far, where each unique input came from, and the messages.</summary>
internal sealed class SnapshotReadState
{
    /// <summary>The name messages about the snapshot as a whole carry instead of a file name.</summary>
    public static readonly SnapshotFile Whole = new("(snapshot)", "");

    private readonly Dictionary<string, string> _sources = new(StringComparer.Ordinal);

    public List<SnapshotMessage> Messages { get; } = [];
    public bool HasInput { get; set; }
    public List<ClusterRole> ClusterRoles { get; } = [];
    public List<ClusterRoleBinding> ClusterRoleBindings { get; } = [];
    public List<Role> Roles { get; } = [];
    public List<RoleBinding> RoleBindings { get; } = [];
    public IReadOnlyDictionary<string, string>? AwsAuthData { get; set; }
    public Dictionary<string, AccessEntry> Entries { get; } = new(StringComparer.OrdinalIgnoreCase);
    public Dictionary<string, IReadOnlyList<AssociatedAccessPolicy>> Associations { get; } = new(StringComparer.OrdinalIgnoreCase);
    public HashSet<string> EntryClusterNames { get; } = new(StringComparer.Ordinal);
    public SnapshotContext? Context { get; set; }
    public string? ClusterName { get; set; }
    public string? ClusterArn { get; set; }
    public string? Partition { get; set; }
    public string? Region { get; set; }
    public string? AccountId { get; set; }
    public AuthenticationMode? Mode { get; set; }
    public bool? Bootstrap { get; set; }
    public List<CustomResourceDefinition> CustomResources { get; } = [];
    public ApiResourcesTable? ApiResources { get; set; }
    public string? ApiResourcesFile { get; set; }

    public void Info(SnapshotFile file, string text) => Messages.Add(new SnapshotMessage(file.Name, SnapshotMessageLevel.Info, text));
    public void Warning(SnapshotFile file, string text) => Messages.Add(new SnapshotMessage(file.Name, SnapshotMessageLevel.Warning, text));
    public void Error(SnapshotFile file, string text) => Messages.Add(new SnapshotMessage(file.Name, SnapshotMessageLevel.Error, text));

    /// <summary>
    /// Records that <paramref name="file"/> gives the input a cluster has only once (<paramref name="key"/>). A second
    /// one is an error naming both files: which one the cluster has is unknowable, and two snapshots side by side
    /// (the parent directory of <c>before/</c> and <c>after/</c>) must not be merged into one that never existed.
    /// </summary>
    public bool Claim(SnapshotFile file, string key, string description)
    {
        if (_sources.TryAdd(key, file.Name)) return true;
        var first = _sources[key];
        var where = first == file.Name ? "twice in this file" : $"also in {first}";
        var hint = SiblingDirectories(first, file.Name) is var (a, b)
            ? $"; {a}/ and {b}/ look like two snapshots: pass one of them to --snapshot"
            : "; a snapshot holds one cluster's state, so keep one of them";
        Error(file, $"{description} is {where}{hint}");
        return false;
    }

    /// <summary>The first directories where two file names part (<c>w1/before</c> and <c>w1/after</c>), if they do.</summary>
    private static (string, string)? SiblingDirectories(string a, string b)
    {
        var x = a.Split('/', '\\');
        var y = b.Split('/', '\\');
        for (var i = 0; i < Math.Min(x.Length, y.Length) - 1; i++)
            if (x[i] != y[i])
                return (string.Join('/', x[..(i + 1)]), string.Join('/', y[..(i + 1)]));
        return null;
    }

    public ClusterAccessModel Build()
    {
        var context = Context ?? new SnapshotContext();
        var mode = Mode ?? (context.AuthenticationMode is { } m && AuthenticationModes.TryParse(m, out var parsed) ? parsed : (AuthenticationMode?)null);
        if (mode is null)
        {
            mode = AuthenticationMode.ConfigMap;
            if (Entries.Count > 0)
                Warning(Whole, "access entries are present but no describe-cluster output or SnapshotContext gives the authentication mode; CONFIG_MAP assumed, so they are not used");
        }
        var entries = new List<AccessEntry>();
        foreach (var entry in Entries.Values)
            entries.Add(Associations.TryGetValue(entry.PrincipalArn, out var policies) ? entry with { AccessPolicies = policies } : entry);
        foreach (var (principal, policies) in Associations)
        {
            if (Entries.ContainsKey(principal)) continue;
            Warning(Whole, $"policies are associated with {principal} but its describe-access-entry output is missing; a STANDARD entry with the default username and no groups is assumed");
            entries.Add(new AccessEntry { ClusterName = ClusterName ?? "", PrincipalArn = principal, Username = AccessEntryRules.DefaultUsername(principal, AccessEntryTypes.Standard), AccessPolicies = policies });
        }
        var principalIds = new Dictionary<string, string>(context.PrincipalIds, StringComparer.OrdinalIgnoreCase);
        return new ClusterAccessModel
        {
            ClusterName = ClusterName ?? context.ClusterName ?? EntryClusterNames.FirstOrDefault() ?? "",
            ClusterArn = ClusterArn,
            AccountId = AccountId ?? context.AccountId,
            Partition = Partition ?? "aws",
            Region = Region ?? context.Region,
            Mode = mode.Value,
            BootstrapClusterCreatorAdminPermissions = Bootstrap ?? context.BootstrapClusterCreatorAdminPermissions ?? true,
            AwsAuthData = AwsAuthData,
            AccessEntries = entries.Select(e => principalIds.TryGetValue(e.PrincipalArn, out var id) ? e with { PrincipalId = id } : e).ToArray(),
            ClusterCreatorArn = context.ClusterCreatorArn,
            InstanceDnsNames = context.Ec2Instances,
            PrincipalIds = principalIds,
            Rbac = new RbacPolicy(
                BootstrapPolicy.ClusterRoles.Concat(ClusterRoles),
                BootstrapPolicy.ClusterRoleBindings.Concat(ClusterRoleBindings),
                BootstrapPolicy.Roles.Concat(Roles),
                BootstrapPolicy.RoleBindings.Concat(RoleBindings)),
            ApiResources = ClusterDiscovery.Build(ApiResourceCatalog.Eks, CustomResources, ApiResources),
        };
    }
}
