using Turnstile.Core.Rbac;

namespace Turnstile.Core.Kube;

/// <summary>
/// Decodes Kubernetes objects from YAML or JSON text: multi-document YAML (<c>---</c>), one or more concatenated
/// JSON values, and List documents (<c>kind: List</c> or typed lists such as <c>RoleList</c>), whose items are
/// flattened. RBAC objects and ConfigMaps are decoded fully; other kinds are returned with identity fields only.
/// Any malformed input raises <see cref="KubeDecodeException"/>; nothing is skipped silently except empty documents.
/// </summary>
public static class KubeObjectDecoder
{
    public static IReadOnlyList<KubeDocument> DecodeDocuments(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var roots = ParseDocuments(text);
        var result = new List<KubeDocument>();
        for (var i = 0; i < roots.Count; i++)
            if (roots[i] is { } root) DecodeDocument(root, i + 1, result);
        return result;
    }

    /// <summary>One tree per YAML/JSON document of <paramref name="text"/>, null for an empty one.</summary>
    internal static List<KNode?> ParseDocuments(string text)
    {
        try
        {
            return JsonTextParser.LooksLikeJson(text) ? JsonTextParser.Parse(text) : YamlTextParser.Parse(text);
        }
        catch (SyntaxError e)
        {
            throw new KubeDecodeException(e.DocumentNumber, null, e.Line, "", "invalid syntax: " + e.Message);
        }
    }

    /// <summary>Decodes the object (or the items of the List) of one parsed document into <paramref name="output"/>.</summary>
    internal static void DecodeDocument(KNode root, int documentNumber, List<KubeDocument> output) =>
        new DocumentReader(documentNumber).ReadTopLevel(root, output);

    /// <summary>Decodes a text that must hold exactly one object of type <typeparamref name="T"/>.</summary>
    public static T DecodeSingle<T>(string text) where T : class
    {
        var docs = DecodeDocuments(text);
        if (docs.Count != 1)
            throw new KubeDecodeException(1, null, 0, "", $"expected exactly one object, found {docs.Count}");
        return docs[0].As<T>() ?? throw new KubeDecodeException(docs[0].DocumentNumber, docs[0].ItemIndex, 0, "",
            $"expected a {typeof(T).Name}, found {docs[0].ApiVersion} {docs[0].Kind}");
    }

    private sealed class DocumentReader(int documentNumber)
    {
        private int? _itemIndex;
        private List<string> _unknown = [];

        private static readonly string[] ObjectMetaFields =
        [
            "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
            "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations",
            "ownerReferences", "finalizers", "managedFields",
        ];

        public void ReadTopLevel(KNode root, List<KubeDocument> output)
        {
            var map = root as KMap ?? throw Error(root, "", $"expected an object, got {root.Describe}");
            var apiVersion = RequiredString(map, "apiVersion");
            var kind = RequiredString(map, "kind");
            if (IsList(map, kind))
            {
                ReadListItems(map, apiVersion, kind, output);
                return;
            }
            output.Add(ReadObject(map, apiVersion, kind));
        }

        private static bool IsList(KMap map, string kind) =>
            kind == "List" || (kind.EndsWith("List", StringComparison.Ordinal) && map.Get("items") is not null);

        private void ReadListItems(KMap list, string apiVersion, string kind, List<KubeDocument> output)
        {
            var itemsNode = list.Get("items");
            if (itemsNode is null || itemsNode is KScalar { Kind: ScalarKind.Null }) return;
            if (itemsNode is not KSeq items) throw Error(itemsNode, "items", $"expected a list, got {itemsNode.Describe}");

            // Typed lists (RoleList...) as served by the API omit kind/apiVersion on their items.
            var itemKind = kind == "List" ? null : kind[..^"List".Length];
            var outerIndex = _itemIndex;
            for (var i = 0; i < items.Items.Count; i++)
            {
                _itemIndex = outerIndex ?? i;
                var node = items.Items[i];
                var prefix = outerIndex is null ? "" : $"items[{i}].";
                if (node is not KMap item) throw Error(node, prefix.TrimEnd('.'), $"expected an object, got {node.Describe}");
                var itemApiVersion = OptionalString(item, "apiVersion", prefix + "apiVersion");
                var itemKindValue = OptionalString(item, "kind", prefix + "kind");
                if (itemApiVersion.Length == 0)
                {
                    if (itemKind is null) throw Error(item, prefix + "apiVersion", "missing required field \"apiVersion\"");
                    itemApiVersion = apiVersion;
                }
                if (itemKindValue.Length == 0)
                {
                    if (itemKind is null) throw Error(item, prefix + "kind", "missing required field \"kind\"");
                    itemKindValue = itemKind;
                }
                if (IsList(item, itemKindValue)) ReadListItems(item, itemApiVersion, itemKindValue, output);
                else output.Add(ReadObject(item, itemApiVersion, itemKindValue));
            }
            _itemIndex = outerIndex;
        }

        private KubeDocument ReadObject(KMap map, string apiVersion, string kind)
        {
            _unknown = [];
            var group = apiVersion.Contains('/') ? apiVersion[..apiVersion.IndexOf('/')] : "";
            object? obj = (group, kind) switch
            {
                (RbacGroup.Name, "Role") => ReadRole(map),
                (RbacGroup.Name, "ClusterRole") => ReadClusterRole(map),
                (RbacGroup.Name, "RoleBinding") => ReadRoleBinding(map),
                (RbacGroup.Name, "ClusterRoleBinding") => ReadClusterRoleBinding(map),
                ("", "ConfigMap") when apiVersion == "v1" => ReadConfigMap(map),
                (CustomResourceDefinition.ApiGroup, "CustomResourceDefinition") when apiVersion == CustomResourceDefinition.ApiGroup + "/v1" => ReadCustomResourceDefinition(map),
                _ => null,
            };
            var (name, ns) = obj switch
            {
                Role r => (r.Metadata.Name, r.Metadata.Namespace),
                ClusterRole r => (r.Metadata.Name, r.Metadata.Namespace),
                RoleBinding b => (b.Metadata.Name, b.Metadata.Namespace),
                ClusterRoleBinding b => (b.Metadata.Name, b.Metadata.Namespace),
                ConfigMap c => (c.Metadata.Name, c.Metadata.Namespace),
                CustomResourceDefinition c => (c.Metadata.Name, ""),
                _ => LenientIdentity(map),
            };
            return new KubeDocument(documentNumber, _itemIndex, apiVersion, kind, name, ns, obj, _unknown);
        }

        private static (string Name, string Namespace) LenientIdentity(KMap map)
        {
            if (map.Get("metadata") is not KMap meta) return ("", "");
            return (Text(meta.Get("name")), Text(meta.Get("namespace")));

            static string Text(KNode? n) => n is KScalar { Kind: not ScalarKind.Null } s ? s.Value : "";
        }

        // ---- RBAC objects ----

        private Role ReadRole(KMap map)
        {
            CheckFields(map, "", "apiVersion", "kind", "metadata", "rules");
            return new Role(ReadMeta(map), ReadRules(map.Get("rules"), "rules"));
        }

        private ClusterRole ReadClusterRole(KMap map)
        {
            CheckFields(map, "", "apiVersion", "kind", "metadata", "rules", "aggregationRule");
            return new ClusterRole(ReadMeta(map), ReadRules(map.Get("rules"), "rules"), ReadAggregationRule(map.Get("aggregationRule")));
        }

        private RoleBinding ReadRoleBinding(KMap map)
        {
            CheckFields(map, "", "apiVersion", "kind", "metadata", "subjects", "roleRef");
            return new RoleBinding(ReadMeta(map), ReadRoleRef(map.Get("roleRef")), ReadSubjects(map.Get("subjects")));
        }

        private ClusterRoleBinding ReadClusterRoleBinding(KMap map)
        {
            CheckFields(map, "", "apiVersion", "kind", "metadata", "subjects", "roleRef");
            return new ClusterRoleBinding(ReadMeta(map), ReadRoleRef(map.Get("roleRef")), ReadSubjects(map.Get("subjects")));
        }

        private ConfigMap ReadConfigMap(KMap map)
        {
            CheckFields(map, "", "apiVersion", "kind", "metadata", "data", "binaryData", "immutable");
            return new ConfigMap(ReadMeta(map), StringMap(map.Get("data"), "data"));
        }

        // ---- CustomResourceDefinitions: only what discovery publishes; schemas and conversion are not read ----

        private CustomResourceDefinition ReadCustomResourceDefinition(KMap map)
        {
            CheckFields(map, "", "apiVersion", "kind", "metadata", "spec", "status");
            var spec = Map(map.Get("spec"), "spec") ?? throw Error(map, "spec", "missing required field \"spec\"");
            CheckFields(spec, "spec", "group", "names", "scope", "versions", "conversion", "preserveUnknownFields");
            var names = Map(spec.Get("names"), "spec.names") ?? throw Error(spec, "spec.names", "missing required field \"names\"");
            CheckFields(names, "spec.names", "plural", "singular", "kind", "listKind", "shortNames", "categories");
            var scopeNode = spec.Get("scope");
            var scope = String(scopeNode, "spec.scope");
            if (scope is not ("Namespaced" or "Cluster"))
                throw Error(scopeNode ?? spec, "spec.scope", $"Unsupported value: {GoQuote.Quote(scope)}: supported values: \"Cluster\", \"Namespaced\"");
            var versions = new List<CustomResourceVersion>();
            var items = Seq(spec.Get("versions"), "spec.versions");
            if (items.Count == 0) throw Error(spec, "spec.versions", "must have exactly one version marked as storage version");
            for (var i = 0; i < items.Count; i++)
            {
                var path = $"spec.versions[{i}]";
                var version = Map(items[i], path) ?? new KMap();
                CheckFields(version, path, "name", "served", "storage", "deprecated", "deprecationWarning", "schema", "subresources", "additionalPrinterColumns", "selectableFields");
                var subresources = Map(version.Get("subresources"), path + ".subresources");
                if (subresources is not null) CheckFields(subresources, path + ".subresources", "status", "scale");
                versions.Add(new CustomResourceVersion(
                    String(version.Get("name"), path + ".name"),
                    Bool(version.Get("served"), path + ".served"),
                    Bool(version.Get("storage"), path + ".storage"),
                    subresources?.Get("status") is not null,
                    subresources?.Get("scale") is not null));
            }
            var plural = String(names.Get("plural"), "spec.names.plural");
            var kind = String(names.Get("kind"), "spec.names.kind");
            if (plural.Length == 0) throw Error(names, "spec.names.plural", "Required value");
            if (kind.Length == 0) throw Error(names, "spec.names.kind", "Required value");
            return new CustomResourceDefinition(
                ReadMeta(map),
                String(spec.Get("group"), "spec.group"),
                new CustomResourceNames(plural, String(names.Get("singular"), "spec.names.singular"), kind,
                    StringList(names.Get("shortNames"), "spec.names.shortNames"), StringList(names.Get("categories"), "spec.names.categories")),
                scope == "Namespaced",
                versions);
        }

        private ObjectMeta ReadMeta(KMap obj)
        {
            var meta = Map(obj.Get("metadata"), "metadata");
            if (meta is null) return new ObjectMeta { Name = "" };
            CheckFields(meta, "metadata", ObjectMetaFields);
            return new ObjectMeta
            {
                Name = String(meta.Get("name"), "metadata.name"),
                Namespace = String(meta.Get("namespace"), "metadata.namespace"),
                Labels = StringMap(meta.Get("labels"), "metadata.labels"),
                Annotations = StringMap(meta.Get("annotations"), "metadata.annotations"),
            };
        }

        private List<PolicyRule> ReadRules(KNode? node, string path)
        {
            var rules = new List<PolicyRule>();
            var items = Seq(node, path);
            for (var i = 0; i < items.Count; i++)
            {
                var rulePath = $"{path}[{i}]";
                var rule = Map(items[i], rulePath) ?? new KMap();
                CheckFields(rule, rulePath, "verbs", "apiGroups", "resources", "resourceNames", "nonResourceURLs");
                rules.Add(new PolicyRule
                {
                    Verbs = StringList(rule.Get("verbs"), rulePath + ".verbs"),
                    ApiGroups = StringList(rule.Get("apiGroups"), rulePath + ".apiGroups"),
                    Resources = StringList(rule.Get("resources"), rulePath + ".resources"),
                    ResourceNames = StringList(rule.Get("resourceNames"), rulePath + ".resourceNames"),
                    NonResourceUrls = StringList(rule.Get("nonResourceURLs"), rulePath + ".nonResourceURLs"),
                });
            }
            return rules;
        }

        private AggregationRule? ReadAggregationRule(KNode? node)
        {
            var map = Map(node, "aggregationRule");
            if (map is null) return null;
            CheckFields(map, "aggregationRule", "clusterRoleSelectors");
            var selectors = new List<LabelSelector>();
            var items = Seq(map.Get("clusterRoleSelectors"), "aggregationRule.clusterRoleSelectors");
            for (var i = 0; i < items.Count; i++)
                selectors.Add(ReadLabelSelector(items[i], $"aggregationRule.clusterRoleSelectors[{i}]"));
            return new AggregationRule(selectors);
        }

        private LabelSelector ReadLabelSelector(KNode node, string path)
        {
            var map = Map(node, path) ?? new KMap();
            CheckFields(map, path, "matchLabels", "matchExpressions");
            var expressions = new List<LabelSelectorRequirement>();
            var items = Seq(map.Get("matchExpressions"), path + ".matchExpressions");
            for (var i = 0; i < items.Count; i++)
            {
                var exprPath = $"{path}.matchExpressions[{i}]";
                var expr = Map(items[i], exprPath) ?? new KMap();
                CheckFields(expr, exprPath, "key", "operator", "values");
                var opNode = expr.Get("operator");
                var op = String(opNode, exprPath + ".operator");
                LabelSelectorOperator parsed = op switch
                {
                    "In" => LabelSelectorOperator.In,
                    "NotIn" => LabelSelectorOperator.NotIn,
                    "Exists" => LabelSelectorOperator.Exists,
                    "DoesNotExist" => LabelSelectorOperator.DoesNotExist,
                    _ => throw Error(opNode ?? expr, exprPath + ".operator",
                        $"unsupported operator {GoQuote.Quote(op)}: supported values: \"In\", \"NotIn\", \"Exists\", \"DoesNotExist\""),
                };
                expressions.Add(new LabelSelectorRequirement(
                    String(expr.Get("key"), exprPath + ".key"), parsed, StringList(expr.Get("values"), exprPath + ".values")));
            }
            return new LabelSelector
            {
                MatchLabels = StringMap(map.Get("matchLabels"), path + ".matchLabels"),
                MatchExpressions = expressions,
            };
        }

        private RoleRef ReadRoleRef(KNode? node)
        {
            var map = Map(node, "roleRef") ?? new KMap();
            CheckFields(map, "roleRef", "apiGroup", "kind", "name");
            return new RoleRef(
                String(map.Get("kind"), "roleRef.kind"),
                String(map.Get("name"), "roleRef.name"),
                String(map.Get("apiGroup"), "roleRef.apiGroup"));
        }

        private List<Subject> ReadSubjects(KNode? node)
        {
            var subjects = new List<Subject>();
            var items = Seq(node, "subjects");
            for (var i = 0; i < items.Count; i++)
            {
                var path = $"subjects[{i}]";
                var map = Map(items[i], path) ?? new KMap();
                CheckFields(map, path, "kind", "apiGroup", "name", "namespace");
                subjects.Add(new Subject(
                    String(map.Get("kind"), path + ".kind"),
                    String(map.Get("name"), path + ".name"),
                    String(map.Get("namespace"), path + ".namespace"),
                    String(map.Get("apiGroup"), path + ".apiGroup")));
            }
            return subjects;
        }

        // ---- primitive readers: null or absent means empty, a wrong type is an error ----

        private string RequiredString(KMap map, string key)
        {
            var value = OptionalString(map, key, key);
            if (value.Length == 0) throw Error(map, key, $"missing required field \"{key}\"");
            return value;
        }

        private string OptionalString(KMap map, string key, string path) => String(map.Get(key), path);

        private string String(KNode? node, string path) => node switch
        {
            null or KScalar { Kind: ScalarKind.Null } => "",
            KScalar { Kind: ScalarKind.String } s => s.Value,
            _ => throw Error(node, path, $"expected a string, got {node.Describe}"),
        };

        private bool Bool(KNode? node, string path) => node switch
        {
            null or KScalar { Kind: ScalarKind.Null } => false,
            KScalar { Kind: ScalarKind.Bool } s => s.Value.ToLowerInvariant() is "true" or "y" or "yes" or "on",
            _ => throw Error(node, path, $"expected a boolean, got {node.Describe}"),
        };

        private List<string> StringList(KNode? node, string path)
        {
            var items = Seq(node, path);
            var result = new List<string>(items.Count);
            for (var i = 0; i < items.Count; i++) result.Add(String(items[i], $"{path}[{i}]"));
            return result;
        }

        private Dictionary<string, string> StringMap(KNode? node, string path)
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            var map = Map(node, path);
            if (map is null) return result;
            foreach (var (key, value) in map.Entries) result[key] = String(value, $"{path}.{key}");
            return result;
        }

        private KMap? Map(KNode? node, string path) => node switch
        {
            null or KScalar { Kind: ScalarKind.Null } => null,
            KMap m => m,
            _ => throw Error(node, path, $"expected an object, got {node.Describe}"),
        };

        private List<KNode> Seq(KNode? node, string path) => node switch
        {
            null or KScalar { Kind: ScalarKind.Null } => [],
            KSeq s => s.Items,
            _ => throw Error(node, path, $"expected a list, got {node.Describe}"),
        };

        private void CheckFields(KMap map, string path, params string[] known)
        {
            foreach (var (key, _) in map.Entries)
                if (Array.IndexOf(known, key) < 0) _unknown.Add(path.Length == 0 ? key : $"{path}.{key}");
        }

        private KubeDecodeException Error(KNode node, string field, string reason) =>
            new(documentNumber, _itemIndex, node.Line, field, reason);
    }
}
