using System.Text.Json.Nodes;
using Turnstile.Core.Rbac;

namespace Turnstile.Kube.Seeding;

/// <summary>
/// The four RBAC kinds as <c>rbac.authorization.k8s.io/v1</c> JSON in Go's field order (the order kube-apiserver
/// serializes them): rules before aggregationRule, subjects before roleRef, a rule's lists in PolicyRule's order with
/// the empty optional ones left out.
/// </summary>
public static class RbacJson
{
    public const string ApiVersion = RbacGroup.Name + "/v1";

    public static JsonObject ClusterRole(ClusterRole role, JsonObject metadata)
    {
        var obj = Header("ClusterRole", metadata);
        obj["rules"] = Rules(role.Rules);
        if (role.AggregationRule is { } aggregation)
            obj["aggregationRule"] = new JsonObject
            {
                ["clusterRoleSelectors"] = new JsonArray(aggregation.ClusterRoleSelectors.Select(s => (JsonNode?)Selector(s)).ToArray()),
            };
        return obj;
    }

    public static JsonObject Role(Role role, JsonObject metadata)
    {
        var obj = Header("Role", metadata);
        obj["rules"] = Rules(role.Rules);
        return obj;
    }

    public static JsonObject ClusterRoleBinding(ClusterRoleBinding binding, JsonObject metadata) =>
        Binding("ClusterRoleBinding", metadata, binding.Subjects, binding.RoleRef);

    public static JsonObject RoleBinding(RoleBinding binding, JsonObject metadata) =>
        Binding("RoleBinding", metadata, binding.Subjects, binding.RoleRef);

    public static JsonArray Rules(IEnumerable<PolicyRule> rules) => new(rules.Select(r => (JsonNode?)Rule(r)).ToArray());

    public static JsonObject Rule(PolicyRule rule)
    {
        var obj = new JsonObject { ["verbs"] = Strings(rule.Verbs) };
        if (rule.ApiGroups.Count > 0) obj["apiGroups"] = Strings(rule.ApiGroups);
        if (rule.Resources.Count > 0) obj["resources"] = Strings(rule.Resources);
        if (rule.ResourceNames.Count > 0) obj["resourceNames"] = Strings(rule.ResourceNames);
        if (rule.NonResourceUrls.Count > 0) obj["nonResourceURLs"] = Strings(rule.NonResourceUrls);
        return obj;
    }

    private static JsonObject Header(string kind, JsonObject metadata) => new()
    {
        ["kind"] = kind,
        ["apiVersion"] = ApiVersion,
        ["metadata"] = metadata,
    };

    private static JsonObject Binding(string kind, JsonObject metadata, IReadOnlyList<Subject> subjects, RoleRef roleRef)
    {
        var obj = Header(kind, metadata);
        if (subjects.Count > 0) obj["subjects"] = new JsonArray(subjects.Select(s => (JsonNode?)SubjectJson(s)).ToArray());
        obj["roleRef"] = new JsonObject { ["apiGroup"] = roleRef.ApiGroup, ["kind"] = roleRef.Kind, ["name"] = roleRef.Name };
        return obj;
    }

    private static JsonObject SubjectJson(Subject subject)
    {
        var obj = new JsonObject { ["kind"] = subject.Kind };
        if (subject.ApiGroup.Length > 0) obj["apiGroup"] = subject.ApiGroup;
        obj["name"] = subject.Name;
        if (subject.Namespace.Length > 0) obj["namespace"] = subject.Namespace;
        return obj;
    }

    private static JsonObject Selector(LabelSelector selector)
    {
        var obj = new JsonObject();
        if (selector.MatchLabels.Count > 0)
        {
            var labels = new JsonObject();
            foreach (var (k, v) in selector.MatchLabels.OrderBy(p => p.Key, StringComparer.Ordinal)) labels[k] = v;
            obj["matchLabels"] = labels;
        }
        if (selector.MatchExpressions.Count > 0)
            obj["matchExpressions"] = new JsonArray(selector.MatchExpressions.Select(e => (JsonNode?)new JsonObject
            {
                ["key"] = e.Key,
                ["operator"] = e.Operator.ToString(),
                ["values"] = Strings(e.Values),
            }).ToArray());
        return obj;
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
}
