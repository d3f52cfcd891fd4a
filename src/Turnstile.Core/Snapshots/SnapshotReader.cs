using Turnstile.Core.AccessPolicies;
using Turnstile.Core.Arns;
using Turnstile.Core.Kube;
using Turnstile.Core.Mapping;
using Turnstile.Core.Rbac;

namespace Turnstile.Core.Snapshots;

/// <summary>
/// Reads a snapshot from files recognized by content, not name: Kubernetes objects and Lists (YAML, multi-document,
/// or JSON, as <c>kubectl get -o yaml|json</c> prints them), the JSON of <c>aws eks describe-cluster</c>,
/// <c>describe-access-entry</c> and <c>list-associated-access-policies</c>, and Turnstile's <see cref="SnapshotContext"/>.
/// The default bootstrap RBAC policy is always present; a snapshot object of the same kind and name replaces it.
/// Every file gets at least one message saying what it was read as, or why it could not be. Each file is parsed
/// once, within <see cref="TextLimits"/>; every field used is type-checked (a wrong type is an error naming the file
/// and the field); inputs that a cluster has only once (aws-auth, describe-cluster, a SnapshotContext, an access
/// entry per principal, an object per kind and name) are errors when two files give them.
/// </summary>
public static partial class SnapshotReader
{
    /// <summary>One document of a file, as the readers see it.</summary>
    private sealed record Document(SnapshotFile File, int Number, KMap Root, SnapshotReadState State, List<KubeDocument> KubeObjects)
    {
        public SnapshotFields Fields => new(Root, "");
    }

    /// <summary>A kind of input: how a document of it is recognized (by its top-level fields) and how it is read.</summary>
    private sealed record InputKind(string Name, Func<KMap, bool> Recognizes, Action<Document> Read);

    /// <summary>
    /// Every kind of document a snapshot may hold, tried in order; the first that recognizes a document reads it. A new
    /// kind of export is one more entry here (Kubernetes kinds go to <see cref="ReadKubeObjects"/> instead).
    /// </summary>
    private static readonly InputKind[] Inputs =
    [
        new("SnapshotContext", root => root.Get("kind") is KScalar { Value: SnapshotContext.Kind }, ReadContext),
        new("Kubernetes object", root => root.Get("kind") is not null, doc => ReadKubeDocument(doc)),
        new("aws eks describe-cluster", root => root.Get("cluster") is KMap, ReadDescribeCluster),
        new("aws eks describe-access-entry", root => root.Get("accessEntry") is KMap, ReadAccessEntry),
        new("aws eks list-associated-access-policies", root => root.Get("associatedAccessPolicies") is not null, ReadAssociatedPolicies),
        new("aws eks list-access-entries", root => root.Get("accessEntries") is KSeq,
            doc => doc.State.Warning(doc.File, $"is `aws eks list-access-entries` output ({((KSeq)doc.Root.Get("accessEntries")!).Items.Count} principal ARNs); it has no usernames, groups or policies - add `aws eks describe-access-entry` outputs instead")),
        new("aws eks list-access-policies", root => root.Get("accessPolicies") is not null,
            doc => doc.State.Info(doc.File, "is `aws eks list-access-policies` output; the catalogue is built in, ignored")),
    ];

    public static Snapshot Read(IEnumerable<SnapshotFile> files)
    {
        var state = new SnapshotReadState();
        foreach (var file in files) ReadFile(file, state);
        if (!state.HasInput && !state.Messages.Any(m => m.Level == SnapshotMessageLevel.Error))
            state.Error(SnapshotReadState.Whole, "nothing here describes a cluster: no Kubernetes objects, `aws eks` output or SnapshotContext");
        return new Snapshot(state.Build(), state.Messages);
    }

    private static void ReadFile(SnapshotFile file, SnapshotReadState state)
    {
        if (ApiResourcesTable.IsTable(file.Content))
        {
            ReadApiResources(file, state);
            return;
        }
        List<KNode?> roots;
        try
        {
            roots = KubeObjectDecoder.ParseDocuments(file.Content);
        }
        catch (KubeDecodeException e)
        {
            state.Error(file, $"cannot be parsed as YAML or JSON{(e.Line > 0 ? $" (line {e.Line})" : "")}: {e.Reason}");
            return;
        }
        if (roots.All(r => r is null))
        {
            state.Warning(file, "is empty");
            return;
        }

        var kubeObjects = new List<KubeDocument>();
        var several = roots.Count > 1;
        for (var i = 0; i < roots.Count; i++)
        {
            var where = several ? $"document {i + 1}: " : "";
            if (roots[i] is not { } root) continue;
            if (root is not KMap map)
            {
                state.Error(file, $"{where}is not a Kubernetes object, an `aws eks` JSON output or a SnapshotContext (top level is not an object)");
                continue;
            }
            if (Array.Find(Inputs, input => input.Recognizes(map)) is not { } kind)
            {
                state.Error(file, $"{where}is not recognized: expected a Kubernetes object or List, `aws eks describe-cluster`, `describe-access-entry` or `list-associated-access-policies` JSON, or a SnapshotContext");
                continue;
            }
            try
            {
                kind.Read(new Document(file, i + 1, map, state, kubeObjects));
                state.HasInput = true;
            }
            catch (SnapshotFormatException e)
            {
                state.Error(file, $"{where}{kind.Name}: {e.Message}");
            }
            catch (KubeDecodeException e)
            {
                state.Error(file, e.Message);
            }
        }
        if (kubeObjects.Count > 0) ReadKubeObjects(file, kubeObjects, state);
    }

    private static void ReadKubeDocument(Document doc) => KubeObjectDecoder.DecodeDocument(doc.Root, doc.Number, doc.KubeObjects);

    private static void ReadKubeObjects(SnapshotFile file, List<KubeDocument> objects, SnapshotReadState state)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var doc in objects)
        {
            var identity = $"{doc.Kind} {(doc.Namespace.Length > 0 ? doc.Namespace + "/" : "")}{doc.Name}";
            if (doc.Object is ClusterRole or ClusterRoleBinding or Role or RoleBinding && !state.Claim(file, identity, identity)) continue;
            switch (doc.Object)
            {
                case ClusterRole role: state.ClusterRoles.Add(role); break;
                case ClusterRoleBinding binding: state.ClusterRoleBindings.Add(binding); break;
                case Role role: state.Roles.Add(role); break;
                case RoleBinding binding: state.RoleBindings.Add(binding); break;
                case ConfigMap { Namespace: "kube-system", Name: "aws-auth" } awsAuth:
                    if (!state.Claim(file, "aws-auth", "the aws-auth ConfigMap")) continue;
                    state.AwsAuthData = awsAuth.Data;
                    ReportAwsAuth(file, AwsAuthConfig.Parse(awsAuth.Data), state);
                    break;
                case CustomResourceDefinition crd: state.CustomResources.Add(crd); break;
                case ConfigMap other:
                    state.Info(file, $"ConfigMap {other.Namespace}/{other.Name} ignored (only kube-system/aws-auth matters for access)");
                    continue;
                default:
                    state.Info(file, $"{identity} ignored ({doc.Source}): not an RBAC object, a CustomResourceDefinition or the aws-auth ConfigMap");
                    continue;
            }
            counts[doc.Kind] = counts.GetValueOrDefault(doc.Kind) + 1;
            foreach (var field in doc.UnknownFields)
                state.Warning(file, $"{doc.Kind} {doc.Name}: unknown field {field} ignored");
        }
        if (counts.Count > 0)
            state.Info(file, "read " + string.Join(", ", counts.Select(c => $"{c.Value} {c.Key}")));
    }

    /// <summary>
    /// What aws-iam-authenticator makes of the ConfigMap: a section that does not parse maps nobody (a warning, since
    /// it changes every answer for its rows), an invalid row maps nobody; the authenticator's own log line with
    /// <c>--verbose</c>.
    /// </summary>
    private static void ReportAwsAuth(SnapshotFile file, AwsAuthConfig config, SnapshotReadState state)
    {
        foreach (var dropped in config.DroppedSections)
            state.Warning(file, $"aws-auth {dropped.Section} cannot be parsed ({dropped.Reason}); EKS drops the whole {dropped.Section} section, so none of its rows map anyone");
        var droppedErrors = config.DroppedSections.Select(d => $"{d.Section}: {d.Reason}").ToHashSet(StringComparer.Ordinal);
        foreach (var error in config.Errors.Where(e => !droppedErrors.Contains(e)))
            state.Warning(file, $"aws-auth {error}; EKS skips it");
        state.Info(file, "aws-auth ConfigMap read" + (config.ErrorSummary is { } summary ? $"; the authenticator would log: {summary}" : ""));
    }

    private static readonly HashSet<string> ContextFields =
    [
        "apiVersion", "kind", "clusterName", "accountId", "region", "authenticationMode", "clusterCreatorArn",
        "bootstrapClusterCreatorAdminPermissions", "ec2Instances", "principalIds",
    ];

    private static void ReadContext(Document doc)
    {
        var fields = doc.Fields;
        if (fields.String("apiVersion") != SnapshotContext.ApiVersion)
            throw fields.Error("apiVersion", $"must be {SnapshotContext.ApiVersion}");
        foreach (var (key, _) in fields.Map.Entries)
            if (!ContextFields.Contains(key)) doc.State.Warning(doc.File, $"SnapshotContext: unknown field {key} ignored");
        var accountId = fields.String("accountId");
        if (accountId is not null && !IamIdentityRules.IsAccountId(accountId))
            throw fields.Error("accountId", $"'{accountId}' is not a 12-digit AWS account id");
        var mode = fields.String("authenticationMode");
        if (mode is not null && !AuthenticationModes.TryParse(mode, out _))
            throw fields.Error("authenticationMode", $"{mode} is not one of CONFIG_MAP, API_AND_CONFIG_MAP, API");
        var creator = fields.String("clusterCreatorArn");
        if (creator is not null) ValidPrincipal(fields, "clusterCreatorArn", creator);
        var principalIds = fields.StringMap("principalIds");
        foreach (var arn in principalIds.Keys) ValidPrincipal(fields, "principalIds", arn);
        var context = new SnapshotContext
        {
            ClusterName = fields.String("clusterName"),
            AccountId = accountId,
            Region = fields.String("region"),
            AuthenticationMode = mode,
            ClusterCreatorArn = creator,
            BootstrapClusterCreatorAdminPermissions = fields.Bool("bootstrapClusterCreatorAdminPermissions"),
            Ec2Instances = fields.StringMap("ec2Instances"),
            PrincipalIds = principalIds,
        };
        if (!doc.State.Claim(doc.File, "SnapshotContext", "a SnapshotContext")) return;
        doc.State.Context = context;
        doc.State.Info(doc.File, "SnapshotContext read");
    }

    private static void ReadDescribeCluster(Document doc)
    {
        var cluster = doc.Fields.Object("cluster")!;
        var name = cluster.RequiredString("name");
        var arnText = cluster.String("arn");
        Arn? arn = null;
        if (arnText is not null && !Arn.TryParse(arnText, out arn, out var arnError))
            throw cluster.Error("arn", arnError);
        AuthenticationMode? mode = null;
        bool? bootstrap = null;
        if (cluster.Object("accessConfig") is { } access)
        {
            if (access.String("authenticationMode") is { } text)
                mode = AuthenticationModes.TryParse(text, out var parsed)
                    ? parsed
                    : throw access.Error("authenticationMode", $"{text} is not one of CONFIG_MAP, API_AND_CONFIG_MAP, API");
            bootstrap = access.Bool("bootstrapClusterCreatorAdminPermissions");
        }
        var state = doc.State;
        if (!state.Claim(doc.File, "describe-cluster", "`aws eks describe-cluster` output")) return;
        state.ClusterName = name;
        state.ClusterArn = arnText;
        state.Partition = arn?.Partition;
        state.Region = arn?.Region;
        state.AccountId = arn?.Account;
        state.Mode = mode;
        state.Bootstrap = bootstrap;
        state.Info(doc.File, $"`aws eks describe-cluster` output for {name}" + (mode is { } m ? $" (authentication mode {m.ToWire()})" : " (no accessConfig: CONFIG_MAP assumed)"));
    }

    private static void ReadAccessEntry(Document doc)
    {
        var entry = doc.Fields.Object("accessEntry")!;
        var principal = entry.RequiredString("principalArn");
        ValidPrincipal(entry, "principalArn", principal, usersAndRolesOnly: true);
        var type = entry.String("type") ?? AccessEntryTypes.Standard;
        if (!AccessEntryTypes.IsKnown(type))
            throw entry.Error("type", $"{type} is not an access entry type ({string.Join(", ", AccessEntryTypes.All)})");
        var clusterName = entry.String("clusterName");
        var model = new AccessEntry
        {
            ClusterName = clusterName ?? "",
            PrincipalArn = principal,
            Type = type,
            Username = entry.String("username") ?? AccessEntryRules.DefaultUsername(principal, type),
            KubernetesGroups = entry.StringList("kubernetesGroups"),
            AccessEntryArn = entry.String("accessEntryArn") ?? "",
            CreatedAt = entry.Time("createdAt") ?? default,
            ModifiedAt = entry.Time("modifiedAt") ?? default,
        };
        if (!doc.State.Claim(doc.File, "access entry " + principal.ToLowerInvariant(), $"the access entry of {principal}")) return;
        doc.State.Entries[principal] = model;
        if (clusterName is not null) doc.State.EntryClusterNames.Add(clusterName);
        doc.State.Info(doc.File, $"`aws eks describe-access-entry` output for {principal}");
    }

    private static void ReadAssociatedPolicies(Document doc)
    {
        var root = doc.Fields;
        var principal = root.RequiredString("principalArn");
        ValidPrincipal(root, "principalArn", principal, usersAndRolesOnly: true);
        var associations = new List<AssociatedAccessPolicy>();
        foreach (var item in root.Objects("associatedAccessPolicies"))
        {
            var policyArn = item.RequiredString("policyArn");
            if (AccessPolicyCatalog.FindByArn(policyArn) is null)
                doc.State.Warning(doc.File, $"{policyArn} is not a known access policy; it grants nothing here");
            var scope = AccessScope.Cluster;
            if (item.Object("accessScope") is { } scopeFields)
            {
                var type = scopeFields.String("type") ?? AccessScopeTypes.Cluster;
                if (type is not (AccessScopeTypes.Cluster or AccessScopeTypes.Namespace))
                    throw scopeFields.Error("type", $"{type} is not an access scope type (cluster, namespace)");
                scope = new AccessScope(type, scopeFields.StringList("namespaces"));
            }
            associations.Add(new AssociatedAccessPolicy(policyArn, scope)
            {
                AssociatedAt = item.Time("associatedAt") ?? default,
                ModifiedAt = item.Time("modifiedAt") ?? default,
            });
        }
        var clusterName = root.String("clusterName");
        if (!doc.State.Claim(doc.File, "associated policies " + principal.ToLowerInvariant(), $"the associated access policies of {principal}")) return;
        doc.State.Associations[principal] = associations;
        if (clusterName is not null) doc.State.EntryClusterNames.Add(clusterName);
        doc.State.Info(doc.File, $"`aws eks list-associated-access-policies` output for {principal} ({associations.Count} policies)");
    }

    /// <summary>A principal ARN as IAM could issue it (access entries: users and roles only).</summary>
    private static void ValidPrincipal(SnapshotFields fields, string key, string text, bool usersAndRolesOnly = false)
    {
        if (!PrincipalArn.TryParse(text, out var principal, out var error)) throw fields.Error(key, error);
        if (IamIdentityRules.Problem(principal) is { } problem) throw fields.Error(key, $"{text}: {problem}");
        if (usersAndRolesOnly && principal.Type is not (PrincipalType.User or PrincipalType.Role))
            throw fields.Error(key, $"{text} is not an IAM user or role ARN");
    }
}
