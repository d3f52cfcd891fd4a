using System.Text;
using Turnstile.Core.Rbac;

namespace Turnstile.Core.Kube;

/// <param name="NullCreationTimestamp">
/// Emit <c>creationTimestamp: null</c> in metadata, as kubectl does for objects that were never stored
/// (<c>--dry-run=client -o yaml</c>) and as the upstream bootstrap-policy fixtures contain.
/// </param>
public sealed record KubeEncodeOptions(bool NullCreationTimestamp = false)
{
    public static readonly KubeEncodeOptions Default = new();
}

/// <summary>
/// Renders RBAC objects and ConfigMaps as YAML the way <c>kubectl get -o yaml</c> does: keys sorted as kubectl
/// sorts them (so <c>apiVersion</c>, <c>kind</c>, <c>metadata</c>, then <c>roleRef</c>/<c>rules</c>/<c>subjects</c>,
/// with <c>aggregationRule</c> first), fields omitted where the Kubernetes type omits them when empty.
/// </summary>
public static class KubeObjectEncoder
{
    public const string RbacApiVersion = RbacGroup.Name + "/v1";

    /// <summary>One object as a single YAML document (no <c>---</c> marker).</summary>
    public static string ToYaml(object obj, KubeEncodeOptions? options = null) =>
        YamlWriter.Write(ToTree(obj, options ?? KubeEncodeOptions.Default));

    /// <summary>Several objects wrapped in a <c>v1 List</c>, the shape kubectl prints for more than one object.</summary>
    public static string ToYamlList(IEnumerable<object> objects, KubeEncodeOptions? options = null)
    {
        var opts = options ?? KubeEncodeOptions.Default;
        var items = objects.Select(o => (object?)ToTree(o, opts)).ToList();
        var list = new YMap()
            .Add("apiVersion", "v1")
            .Add("items", items)
            .Add("kind", "List")
            .Add("metadata", new YMap());
        return YamlWriter.Write(list);
    }

    /// <summary>Several objects as a multi-document YAML stream separated by <c>---</c>.</summary>
    public static string ToYamlDocuments(IEnumerable<object> objects, KubeEncodeOptions? options = null)
    {
        var sb = new StringBuilder();
        var first = true;
        foreach (var obj in objects)
        {
            if (!first) sb.Append("---\n");
            first = false;
            sb.Append(ToYaml(obj, options));
        }
        return sb.ToString();
    }

    private static YMap ToTree(object obj, KubeEncodeOptions options) => obj switch
    {
        Role r => Object(RbacApiVersion, "Role", r.Metadata, options).Add("rules", Rules(r.Rules)).Sorted(),
        ClusterRole r => ClusterRoleTree(r, options),
        RoleBinding b => BindingTree("RoleBinding", b.Metadata, b.RoleRef, b.Subjects, options),
        ClusterRoleBinding b => BindingTree("ClusterRoleBinding", b.Metadata, b.RoleRef, b.Subjects, options),
        ConfigMap c => ConfigMapTree(c, options),
        null => throw new ArgumentNullException(nameof(obj)),
        _ => throw new ArgumentException($"cannot encode objects of type {obj.GetType().Name}", nameof(obj)),
    };

    private static YMap ClusterRoleTree(ClusterRole role, KubeEncodeOptions options)
    {
        var tree = Object(RbacApiVersion, "ClusterRole", role.Metadata, options).Add("rules", Rules(role.Rules));
        if (role.AggregationRule is { } agg)
        {
            var aggTree = new YMap();
            if (agg.ClusterRoleSelectors.Count > 0)
                aggTree.Add("clusterRoleSelectors", agg.ClusterRoleSelectors.Select(s => (object?)Selector(s)).ToList());
            tree.Add("aggregationRule", aggTree);
        }
        return tree.Sorted();
    }

    private static YMap BindingTree(string kind, ObjectMeta meta, RoleRef roleRef, IReadOnlyList<Subject> subjects, KubeEncodeOptions options)
    {
        var tree = Object(RbacApiVersion, kind, meta, options)
            .Add("roleRef", new YMap().Add("apiGroup", roleRef.ApiGroup).Add("kind", roleRef.Kind).Add("name", roleRef.Name));
        if (subjects.Count > 0) tree.Add("subjects", subjects.Select(s => (object?)SubjectTree(s)).ToList());
        return tree.Sorted();
    }

    private static YMap SubjectTree(Subject subject)
    {
        var tree = new YMap();
        if (subject.ApiGroup.Length > 0) tree.Add("apiGroup", subject.ApiGroup);
        tree.Add("kind", subject.Kind).Add("name", subject.Name);
        if (subject.Namespace.Length > 0) tree.Add("namespace", subject.Namespace);
        return tree;
    }

    private static YMap ConfigMapTree(ConfigMap configMap, KubeEncodeOptions options)
    {
        var tree = Object("v1", "ConfigMap", configMap.Metadata, options);
        if (configMap.Data.Count > 0) tree.Add("data", StringMap(configMap.Data));
        return tree.Sorted();
    }

    private static YMap Object(string apiVersion, string kind, ObjectMeta meta, KubeEncodeOptions options) =>
        new YMap().Add("apiVersion", apiVersion).Add("kind", kind).Add("metadata", Metadata(meta, options));

    private static YMap Metadata(ObjectMeta meta, KubeEncodeOptions options)
    {
        var tree = new YMap();
        if (meta.Annotations.Count > 0) tree.Add("annotations", StringMap(meta.Annotations));
        if (options.NullCreationTimestamp) tree.Add("creationTimestamp", null);
        if (meta.Labels.Count > 0) tree.Add("labels", StringMap(meta.Labels));
        if (meta.Name.Length > 0) tree.Add("name", meta.Name);
        if (meta.Namespace.Length > 0) tree.Add("namespace", meta.Namespace);
        return tree.Sorted();
    }

    // `rules` has no omitempty in the Kubernetes type: an empty list is served as null.
    private static object? Rules(IReadOnlyList<PolicyRule> rules) =>
        rules.Count == 0 ? null : rules.Select(r => (object?)RuleTree(r)).ToList();

    private static YMap RuleTree(PolicyRule rule)
    {
        var tree = new YMap();
        if (rule.ApiGroups.Count > 0) tree.Add("apiGroups", Strings(rule.ApiGroups));
        if (rule.NonResourceUrls.Count > 0) tree.Add("nonResourceURLs", Strings(rule.NonResourceUrls));
        if (rule.ResourceNames.Count > 0) tree.Add("resourceNames", Strings(rule.ResourceNames));
        if (rule.Resources.Count > 0) tree.Add("resources", Strings(rule.Resources));
        tree.Add("verbs", rule.Verbs.Count == 0 ? null : Strings(rule.Verbs));
        return tree;
    }

    private static YMap Selector(LabelSelector selector)
    {
        var tree = new YMap();
        if (selector.MatchExpressions.Count > 0)
        {
            tree.Add("matchExpressions", selector.MatchExpressions.Select(e =>
            {
                var expr = new YMap().Add("key", e.Key).Add("operator", e.Operator.ToString());
                if (e.Values.Count > 0) expr.Add("values", Strings(e.Values));
                return (object?)expr;
            }).ToList());
        }
        if (selector.MatchLabels.Count > 0) tree.Add("matchLabels", StringMap(selector.MatchLabels));
        return tree;
    }

    private static List<object?> Strings(IEnumerable<string> values) => values.Select(v => (object?)v).ToList();

    private static YMap StringMap(IReadOnlyDictionary<string, string> values)
    {
        var tree = new YMap();
        foreach (var (k, v) in values) tree.Add(k, v);
        return tree.Sorted();
    }
}
