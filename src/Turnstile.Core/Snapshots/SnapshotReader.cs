using System.Globalization;
using Turnstile.Core.AccessPolicies;
using Turnstile.Core.Arns;
using Turnstile.Core.Clusters;
using Turnstile.Core.Kube;
using Turnstile.Core.Mapping;
using Turnstile.Core.Rbac;
using Turnstile.Core.Rbac.Bootstrap;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Turnstile.Core.Snapshots;

/// <summary>
/// Reads a snapshot from files recognized by content, not name: Kubernetes objects and Lists (YAML, multi-document,
/// or JSON, as <c>kubectl get -o yaml|json</c> prints them), the JSON of <c>aws eks describe-cluster</c>,
/// <c>describe-access-entry</c> and <c>list-associated-access-policies</c>, and Turnstile's <see cref="SnapshotContext"/>.
/// The default bootstrap RBAC policy is always present; a snapshot object of the same kind and name replaces it.
/// Every file gets at least one message saying what it was read as, or why it could not be.
/// </summary>
public static partial class SnapshotReader
{
    public static Snapshot Read(IEnumerable<SnapshotFile> files)
    {
        var state = new ReadState();
        foreach (var file in files) ReadFile(file, state);
        return new Snapshot(state.Build(), state.Messages);
    }

    private static void ReadFile(SnapshotFile file, ReadState state)
    {
        if (ApiResourcesTable.IsTable(file.Content))
        {
            ReadApiResources(file, state);
            return;
        }
        List<YamlDocument> documents;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(file.Content));
            documents = stream.Documents.ToList();
        }
        catch (YamlException e)
        {
            state.Error(file, $"cannot be parsed as YAML or JSON (line {e.Start.Line}): {e.InnerException?.Message ?? e.Message}");
            return;
        }
        if (documents.Count == 0 || documents.All(d => d.RootNode is YamlScalarNode { Value: null or "" }))
        {
            state.Warning(file, "is empty");
            return;
        }

        var hasKubeObjects = false;
        foreach (var document in documents)
        {
            if (document.RootNode is not YamlMappingNode root)
            {
                state.Error(file, "is not a Kubernetes object, an `aws eks` JSON output or a SnapshotContext (top level is not an object)");
                continue;
            }
            try
            {
                if (Text(root, "kind") is { } kind)
                {
                    if (kind == SnapshotContext.Kind) ReadContext(file, root, state);
                    else hasKubeObjects = true;
                }
                else if (root.Children.TryGetValue("cluster", out var cluster) && cluster is YamlMappingNode clusterNode)
                    ReadDescribeCluster(file, clusterNode, state);
                else if (root.Children.TryGetValue("accessEntry", out var entry) && entry is YamlMappingNode entryNode)
                    ReadAccessEntry(file, entryNode, state);
                else if (root.Children.ContainsKey("associatedAccessPolicies"))
                    ReadAssociatedPolicies(file, root, state);
                else if (root.Children.TryGetValue("accessEntries", out var list) && list is YamlSequenceNode listNode)
                    state.Warning(file, $"is `aws eks list-access-entries` output ({listNode.Children.Count} principal ARNs); it has no usernames, groups or policies - add `aws eks describe-access-entry` outputs instead");
                else if (root.Children.ContainsKey("accessPolicies"))
                    state.Info(file, "is `aws eks list-access-policies` output; the catalogue is built in, ignored");
                else
                    state.Error(file, "is not recognized: expected a Kubernetes object or List, `aws eks describe-cluster`, `describe-access-entry` or `list-associated-access-policies` JSON, or a SnapshotContext");
            }
            catch (SnapshotFormatException e)
            {
                state.Error(file, e.Message);
            }
        }
        if (hasKubeObjects) ReadKubeObjects(file, state);
    }

    private static void ReadKubeObjects(SnapshotFile file, ReadState state)
    {
        IReadOnlyList<KubeDocument> objects;
        try
        {
            objects = KubeObjectDecoder.DecodeDocuments(file.Content);
        }
        catch (KubeDecodeException e)
        {
            state.Error(file, e.Message);
            return;
        }
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var doc in objects)
        {
            switch (doc.Object)
            {
                case ClusterRole role: state.ClusterRoles.Add(role); break;
                case ClusterRoleBinding binding: state.ClusterRoleBindings.Add(binding); break;
                case Role role: state.Roles.Add(role); break;
                case RoleBinding binding: state.RoleBindings.Add(binding); break;
                case ConfigMap { Namespace: "kube-system", Name: "aws-auth" } awsAuth:
                    state.AwsAuthData = awsAuth.Data;
                    state.Info(file, "aws-auth ConfigMap read" + (AwsAuthConfig.Parse(awsAuth.Data).ErrorSummary is { } errors ? $"; the authenticator would log: {errors}" : ""));
                    break;
                case CustomResourceDefinition crd: state.CustomResources.Add(crd); break;
                case ConfigMap other:
                    state.Info(file, $"ConfigMap {other.Namespace}/{other.Name} ignored (only kube-system/aws-auth matters for access)");
                    continue;
                default:
                    state.Info(file, $"{doc.Kind} {(doc.Namespace.Length > 0 ? doc.Namespace + "/" : "")}{doc.Name} ignored ({doc.Source}): not an RBAC object, a CustomResourceDefinition or the aws-auth ConfigMap");
                    continue;
            }
            counts[doc.Kind] = counts.GetValueOrDefault(doc.Kind) + 1;
            foreach (var field in doc.UnknownFields)
                state.Warning(file, $"{doc.Kind} {doc.Name}: unknown field {field} ignored");
        }
        if (counts.Count > 0)
            state.Info(file, "read " + string.Join(", ", counts.Select(c => $"{c.Value} {c.Key}")));
    }

    private static void ReadContext(SnapshotFile file, YamlMappingNode root, ReadState state)
    {
        if (Text(root, "apiVersion") != SnapshotContext.ApiVersion)
            throw new SnapshotFormatException($"SnapshotContext must have apiVersion {SnapshotContext.ApiVersion}");
        var known = new HashSet<string> { "apiVersion", "kind", "clusterName", "accountId", "region", "authenticationMode", "clusterCreatorArn", "bootstrapClusterCreatorAdminPermissions", "ec2Instances", "principalIds" };
        foreach (var key in root.Children.Keys.OfType<YamlScalarNode>())
            if (!known.Contains(key.Value!)) state.Warning(file, $"SnapshotContext: unknown field {key.Value} ignored");
        var mode = Text(root, "authenticationMode");
        if (mode is not null && !AuthenticationModes.TryParse(mode, out _))
            throw new SnapshotFormatException($"SnapshotContext: authenticationMode {mode} is not one of CONFIG_MAP, API_AND_CONFIG_MAP, API");
        var creator = Text(root, "clusterCreatorArn");
        if (creator is not null && !PrincipalArn.TryParse(creator, out _, out var arnError))
            throw new SnapshotFormatException($"SnapshotContext: clusterCreatorArn: {arnError}");
        bool? bootstrap = Text(root, "bootstrapClusterCreatorAdminPermissions") is { } b
            ? bool.TryParse(b, out var parsed) ? parsed : throw new SnapshotFormatException($"SnapshotContext: bootstrapClusterCreatorAdminPermissions must be true or false, got {b}")
            : null;
        state.Context = new SnapshotContext
        {
            ClusterName = Text(root, "clusterName"),
            AccountId = Text(root, "accountId"),
            Region = Text(root, "region"),
            AuthenticationMode = mode,
            ClusterCreatorArn = creator,
            BootstrapClusterCreatorAdminPermissions = bootstrap,
            Ec2Instances = StringMap(root, "ec2Instances"),
            PrincipalIds = StringMap(root, "principalIds"),
        };
        state.Info(file, "SnapshotContext read");
    }

    private static void ReadDescribeCluster(SnapshotFile file, YamlMappingNode cluster, ReadState state)
    {
        var name = Text(cluster, "name") ?? throw new SnapshotFormatException("describe-cluster output without cluster.name");
        state.ClusterName = name;
        state.ClusterArn = Text(cluster, "arn");
        if (state.ClusterArn is { } arn && Arn.TryParse(arn, out var parsed, out _))
        {
            state.Partition = parsed.Partition;
            state.Region = parsed.Region;
            state.AccountId = parsed.Account;
        }
        if (cluster.Children.TryGetValue("accessConfig", out var access) && access is YamlMappingNode accessNode)
        {
            if (Text(accessNode, "authenticationMode") is { } mode)
            {
                if (!AuthenticationModes.TryParse(mode, out var parsedMode))
                    throw new SnapshotFormatException($"describe-cluster: unknown authenticationMode {mode}");
                state.Mode = parsedMode;
            }
            if (Text(accessNode, "bootstrapClusterCreatorAdminPermissions") is { } b && bool.TryParse(b, out var bootstrap))
                state.Bootstrap = bootstrap;
        }
        state.Info(file, $"`aws eks describe-cluster` output for {name}" + (state.Mode is { } m ? $" (authentication mode {m.ToWire()})" : " (no accessConfig: CONFIG_MAP assumed)"));
    }

    private static void ReadAccessEntry(SnapshotFile file, YamlMappingNode entry, ReadState state)
    {
        var principal = Text(entry, "principalArn") ?? throw new SnapshotFormatException("describe-access-entry output without accessEntry.principalArn");
        if (!PrincipalArn.TryParse(principal, out _, out var arnError))
            throw new SnapshotFormatException($"describe-access-entry: principalArn: {arnError}");
        var type = Text(entry, "type") ?? AccessEntryTypes.Standard;
        state.Entries[principal] = new AccessEntry
        {
            ClusterName = Text(entry, "clusterName") ?? "",
            PrincipalArn = principal,
            Type = type,
            Username = Text(entry, "username") ?? AccessEntryRules.DefaultUsername(principal, type),
            KubernetesGroups = StringList(entry, "kubernetesGroups"),
            AccessEntryArn = Text(entry, "accessEntryArn") ?? "",
            CreatedAt = Time(entry, "createdAt"),
            ModifiedAt = Time(entry, "modifiedAt"),
        };
        if (Text(entry, "clusterName") is { } cluster) state.EntryClusterNames.Add(cluster);
        state.Info(file, $"`aws eks describe-access-entry` output for {principal}");
    }

    private static void ReadAssociatedPolicies(SnapshotFile file, YamlMappingNode root, ReadState state)
    {
        var principal = Text(root, "principalArn") ?? throw new SnapshotFormatException("list-associated-access-policies output without principalArn");
        if (root.Children["associatedAccessPolicies"] is not YamlSequenceNode items)
            throw new SnapshotFormatException("associatedAccessPolicies must be a list");
        var associations = new List<AssociatedAccessPolicy>();
        foreach (var item in items.OfType<YamlMappingNode>())
        {
            var policyArn = Text(item, "policyArn") ?? throw new SnapshotFormatException("associatedAccessPolicies item without policyArn");
            if (AccessPolicyCatalog.FindByArn(policyArn) is null)
                state.Warning(file, $"{policyArn} is not a known access policy; it grants nothing here");
            var scope = item.Children.TryGetValue("accessScope", out var s) && s is YamlMappingNode scopeNode
                ? new AccessScope(Text(scopeNode, "type") ?? AccessScopeTypes.Cluster, StringList(scopeNode, "namespaces"))
                : AccessScope.Cluster;
            associations.Add(new AssociatedAccessPolicy(policyArn, scope) { AssociatedAt = Time(item, "associatedAt"), ModifiedAt = Time(item, "modifiedAt") });
        }
        state.Associations[principal] = associations;
        if (Text(root, "clusterName") is { } cluster) state.EntryClusterNames.Add(cluster);
        state.Info(file, $"`aws eks list-associated-access-policies` output for {principal} ({associations.Count} policies)");
    }

    private static string? Text(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(key, out var node) && node is YamlScalarNode { Value: { } value } scalar &&
        !(scalar.Style == ScalarStyle.Plain && value is "null" or "~")
            ? value
            : null;

    private static IReadOnlyList<string> StringList(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(key, out var node) && node is YamlSequenceNode seq
            ? seq.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "").ToArray()
            : [];

    private static IReadOnlyDictionary<string, string> StringMap(YamlMappingNode map, string key)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!map.Children.TryGetValue(key, out var node) || node is YamlScalarNode) return result;
        if (node is not YamlMappingNode mapping) throw new SnapshotFormatException($"SnapshotContext: {key} must be a map");
        foreach (var (k, v) in mapping.Children)
            result[((YamlScalarNode)k).Value ?? ""] = (v as YamlScalarNode)?.Value ?? throw new SnapshotFormatException($"SnapshotContext: {key} values must be strings");
        return result;
    }

    /// <summary>The CLI prints ISO-8601; the raw API sends epoch seconds. Both are accepted.</summary>
    private static DateTimeOffset Time(YamlMappingNode map, string key)
    {
        var text = Text(map, key);
        if (text is null) return default;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var epoch))
            return DateTimeOffset.FromUnixTimeMilliseconds((long)(epoch * 1000));
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : default;
    }

    private sealed class SnapshotFormatException(string message) : Exception(message);

    private sealed partial class ReadState
    {
        public List<SnapshotMessage> Messages { get; } = [];
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

        public void Info(SnapshotFile file, string text) => Messages.Add(new SnapshotMessage(file.Name, SnapshotMessageLevel.Info, text));
        public void Warning(SnapshotFile file, string text) => Messages.Add(new SnapshotMessage(file.Name, SnapshotMessageLevel.Warning, text));
        public void Error(SnapshotFile file, string text) => Messages.Add(new SnapshotMessage(file.Name, SnapshotMessageLevel.Error, text));

        public ClusterAccessModel Build()
        {
            var context = Context ?? new SnapshotContext();
            var mode = Mode ?? (context.AuthenticationMode is { } m && AuthenticationModes.TryParse(m, out var parsed) ? parsed : (AuthenticationMode?)null);
            if (mode is null)
            {
                mode = AuthenticationMode.ConfigMap;
                if (Entries.Count > 0)
                    Messages.Add(new SnapshotMessage("(snapshot)", SnapshotMessageLevel.Warning, "access entries are present but no describe-cluster output or SnapshotContext gives the authentication mode; CONFIG_MAP assumed, so they are not used"));
            }
            var entries = new List<AccessEntry>();
            foreach (var entry in Entries.Values)
                entries.Add(Associations.TryGetValue(entry.PrincipalArn, out var policies) ? entry with { AccessPolicies = policies } : entry);
            foreach (var (principal, policies) in Associations)
            {
                if (Entries.ContainsKey(principal)) continue;
                Messages.Add(new SnapshotMessage("(snapshot)", SnapshotMessageLevel.Warning,
                    $"policies are associated with {principal} but its describe-access-entry output is missing; a STANDARD entry with the default username and no groups is assumed"));
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
                ApiResources = BuildApiResources(),
            };
        }
    }
}
