using Turnstile.Core.Kube;
using Turnstile.Core.Rbac;

namespace Turnstile.Core.Tests.Kube;

public class KubeObjectDecoderTests
{
    [Fact]
    public void DecodesMultiDocumentYamlAndKeepsUnsupportedKindsAsIdentityOnly()
    {
        const string yaml = """
            # leading comment
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: pod-reader
              namespace: team-a
              labels:
                app: web
              annotations:
                note: "hello: world"
            rules:
            - apiGroups: [""]
              resources: ["pods", "pods/log"]
              verbs: ["get", "list"]
              resourceNames: ["a"]
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: team-a
            spec:
              replicas: 3
            ---
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: aws-auth
              namespace: kube-system
            data:
              mapRoles: |
                - rolearn: arn:aws:iam::111122223333:role/admin
                  username: admin
              empty: ""
            """;

        var docs = KubeObjectDecoder.DecodeDocuments(yaml);

        Assert.Equal(3, docs.Count);
        var role = docs[0].As<Role>()!;
        Assert.Equal((1, "Role", "pod-reader", "team-a"), (docs[0].DocumentNumber, docs[0].Kind, docs[0].Name, docs[0].Namespace));
        Assert.Equal("rbac.authorization.k8s.io/v1", docs[0].ApiVersion);
        Assert.Equal("web", role.Metadata.Labels["app"]);
        Assert.Equal("hello: world", role.Metadata.Annotations["note"]);
        Assert.Equal(PolicyRule.ForResources(["get", "list"], [""], ["pods", "pods/log"], ["a"]), Assert.Single(role.Rules));

        Assert.False(docs[1].IsSupported);
        Assert.Equal(("Deployment", "web", "team-a", 2), (docs[1].Kind, docs[1].Name, docs[1].Namespace, docs[1].DocumentNumber));
        Assert.Null(docs[1].Object);

        var cm = docs[2].As<ConfigMap>()!;
        // an empty document (3) sits between the Deployment and the ConfigMap
        Assert.Equal(4, docs[2].DocumentNumber);
        Assert.Equal("- rolearn: arn:aws:iam::111122223333:role/admin\n  username: admin\n", cm.Data["mapRoles"]);
        Assert.Equal("", cm.Data["empty"]);
    }

    [Fact]
    public void DecodesJsonIncludingCompactAndConcatenatedValues()
    {
        const string json = "{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"ClusterRoleBinding\",\t\"metadata\":{\"name\":\"crb\"}," +
                            "\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"ClusterRole\",\"name\":\"view\"}," +
                            "\"subjects\":[{\"kind\":\"ServiceAccount\",\"name\":\"sa\",\"namespace\":\"ns\"},{\"kind\":\"Group\",\"apiGroup\":\"rbac.authorization.k8s.io\",\"name\":\"devs\"}]}\n" +
                            "{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"ClusterRole\",\"metadata\":{\"name\":\"cr\"},\"rules\":null}";

        var docs = KubeObjectDecoder.DecodeDocuments(json);

        Assert.Equal(2, docs.Count);
        var crb = docs[0].As<ClusterRoleBinding>()!;
        Assert.Equal(new RoleRef("ClusterRole", "view"), crb.RoleRef);
        Assert.Equal([Subject.ServiceAccount("ns", "sa"), Subject.Group("devs")], crb.Subjects);
        var cr = docs[1].As<ClusterRole>()!;
        Assert.Equal(2, docs[1].DocumentNumber);
        Assert.Empty(cr.Rules);
        Assert.Null(cr.AggregationRule);
    }

    [Fact]
    public void PrettyPrintedJsonFileWorks()
    {
        const string json = """
            {
                "apiVersion": "v1",
                "kind": "List",
                "items": [
                    {
                        "apiVersion": "rbac.authorization.k8s.io/v1",
                        "kind": "Role",
                        "metadata": { "name": "r", "namespace": "default" },
                        "rules": [ { "apiGroups": [ "apps" ], "resources": [ "deployments" ], "verbs": [ "*" ] } ]
                    }
                ]
            }
            """;
        var doc = Assert.Single(KubeObjectDecoder.DecodeDocuments(json));
        Assert.Equal(0, doc.ItemIndex);
        Assert.Equal("default", doc.As<Role>()!.Namespace);
    }

    [Fact]
    public void FlattensV1ListAndTypedLists()
    {
        const string yaml = """
            apiVersion: v1
            kind: List
            metadata: {}
            items:
            - apiVersion: rbac.authorization.k8s.io/v1
              kind: ClusterRole
              metadata: {name: a}
              rules: []
            - apiVersion: v1
              kind: Secret
              metadata: {name: s, namespace: x}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBindingList
            items:
            - metadata: {name: rb, namespace: ns}
              roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
            """;

        var docs = KubeObjectDecoder.DecodeDocuments(yaml);

        Assert.Equal(3, docs.Count);
        Assert.Equal((1, (int?)0, "ClusterRole"), (docs[0].DocumentNumber, docs[0].ItemIndex, docs[0].Kind));
        Assert.Equal((1, (int?)1, "Secret", false), (docs[1].DocumentNumber, docs[1].ItemIndex, docs[1].Kind, docs[1].IsSupported));
        Assert.Equal((2, (int?)0, "RoleBinding", "rbac.authorization.k8s.io/v1"), (docs[2].DocumentNumber, docs[2].ItemIndex, docs[2].Kind, docs[2].ApiVersion));
        var rb = docs[2].As<RoleBinding>()!;
        Assert.Empty(rb.Subjects);
        Assert.Equal(new RoleRef("Role", "r"), rb.RoleRef);
        Assert.Equal("document 2, items[0]", docs[2].Source);
    }

    [Fact]
    public void DecodesAggregationRuleSelectors()
    {
        const string yaml = """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: monitoring
            aggregationRule:
              clusterRoleSelectors:
              - matchLabels:
                  rbac.example.com/aggregate-to-monitoring: "true"
              - matchExpressions:
                - key: tier
                  operator: In
                  values: [a, b]
                - key: legacy
                  operator: DoesNotExist
            rules: null
            """;

        var role = KubeObjectDecoder.DecodeSingle<ClusterRole>(yaml);

        var selectors = role.AggregationRule!.ClusterRoleSelectors;
        Assert.Equal(2, selectors.Count);
        Assert.Equal("true", selectors[0].MatchLabels["rbac.example.com/aggregate-to-monitoring"]);
        Assert.Empty(selectors[0].MatchExpressions);
        Assert.Equal(new[] { ("tier", LabelSelectorOperator.In, "a,b"), ("legacy", LabelSelectorOperator.DoesNotExist, "") },
            selectors[1].MatchExpressions.Select(e => (e.Key, e.Operator, string.Join(",", e.Values))));
        Assert.Empty(role.Rules);
    }

    [Fact]
    public void MissingOptionalFieldsDecodeAsEmpty()
    {
        const string yaml = """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata:
              name: rb
            roleRef:
              name: r
            subjects:
            - kind: User
              name: alice
            """;
        var rb = KubeObjectDecoder.DecodeSingle<RoleBinding>(yaml);
        Assert.Equal(new RoleRef("", "r", ""), rb.RoleRef);
        Assert.Equal(new Subject("User", "alice"), Assert.Single(rb.Subjects));
        Assert.Equal("", rb.Namespace);
        Assert.Empty(rb.Metadata.Labels);
    }

    [Fact]
    public void YamlOneOneBooleansAreNotStrings()
    {
        // Kubernetes reads YAML with YAML 1.1 rules: an unquoted n/yes/on is a boolean, not a string.
        var ex = Assert.Throws<KubeDecodeException>(() =>
            KubeObjectDecoder.DecodeDocuments("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: n}\n"));
        Assert.Equal("metadata.namespace", ex.Field);
    }

    [Fact]
    public void UnknownFieldsAreReportedNotFatal()
    {
        const string yaml = """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata: {name: r, namespace: ns, uid: abc, resourceVersion: "1", foo: bar}
            rules:
            - verb: [get]
              verbs: [get]
              apiGroups: [""]
              resources: [pods]
            extra: 1
            """;
        var doc = Assert.Single(KubeObjectDecoder.DecodeDocuments(yaml));
        Assert.Equal(["extra", "metadata.foo", "rules[0].verb"], doc.UnknownFields);
    }

    [Fact]
    public void EmptyAndCommentOnlyInputYieldsNothing()
    {
        Assert.Empty(KubeObjectDecoder.DecodeDocuments(""));
        Assert.Empty(KubeObjectDecoder.DecodeDocuments("# nothing\n---\n---\n"));
    }

    [Theory]
    [InlineData("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r}\nrules:\n- verbs: get\n",
        1, null, "rules[0].verbs", "expected a list, got a string")]
    [InlineData("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    enabled: true\n",
        1, null, "metadata.labels.enabled", "expected a string, got a boolean (true)")]
    [InlineData("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  port: 8080\n",
        1, null, "data.port", "expected a string, got a number (8080)")]
    [InlineData("---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nmetadata: {name: b}\n",
        2, null, "apiVersion", "missing required field \"apiVersion\"")]
    [InlineData("apiVersion: v1\nkind: List\nitems:\n- apiVersion: rbac.authorization.k8s.io/v1\n  kind: Role\n  metadata: {name: ok, namespace: ns}\n- kind: Role\n",
        1, 1, "apiVersion", "missing required field \"apiVersion\"")]
    [InlineData("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\naggregationRule:\n  clusterRoleSelectors:\n  - matchExpressions:\n    - {key: a, operator: Equals}\n",
        1, null, "aggregationRule.clusterRoleSelectors[0].matchExpressions[0].operator", "unsupported operator \"Equals\"")]
    [InlineData("apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: r}\nsubjects: {kind: User}\n",
        1, null, "subjects", "expected a list, got an object")]
    [InlineData("- a\n- b\n", 1, null, "", "expected an object, got a list")]
    public void InvalidDocumentsRaiseErrorsNamingDocumentAndField(string text, int document, int? item, string field, string reason)
    {
        var ex = Assert.Throws<KubeDecodeException>(() => KubeObjectDecoder.DecodeDocuments(text));
        Assert.Equal(document, ex.DocumentNumber);
        Assert.Equal(item, ex.ItemIndex);
        Assert.Equal(field, ex.Field);
        Assert.StartsWith(reason, ex.Reason);
        Assert.Contains($"document {document}", ex.Message);
        Assert.Contains(reason, ex.Message);
    }

    [Fact]
    public void ErrorMessageCarriesLineNumber()
    {
        const string yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: \"x\"\n  b: [1]\n";
        var ex = Assert.Throws<KubeDecodeException>(() => KubeObjectDecoder.DecodeDocuments(yaml));
        Assert.Equal("document 1 (line 7): data.b: expected a string, got a list", ex.Message);
    }

    [Fact]
    public void SyntaxErrorsNameTheDocument()
    {
        const string yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: [unclosed\n";
        var ex = Assert.Throws<KubeDecodeException>(() => KubeObjectDecoder.DecodeDocuments(yaml));
        Assert.Equal(2, ex.DocumentNumber);
        Assert.StartsWith("document 2", ex.Message);
        Assert.Contains("invalid syntax", ex.Message);
    }

    [Fact]
    public void DuplicateKeysAreRejected()
    {
        var ex = Assert.Throws<KubeDecodeException>(() =>
            KubeObjectDecoder.DecodeDocuments("apiVersion: v1\nkind: ConfigMap\nkind: Secret\n"));
        Assert.Contains("duplicate key \"kind\"", ex.Message);

        var jsonEx = Assert.Throws<KubeDecodeException>(() =>
            KubeObjectDecoder.DecodeDocuments("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"kind\":\"Secret\"}"));
        Assert.Contains("duplicate key \"kind\"", jsonEx.Message);
    }

    [Fact]
    public void BrokenJsonReportsTheJsonError()
    {
        var ex = Assert.Throws<KubeDecodeException>(() => KubeObjectDecoder.DecodeDocuments("{\"apiVersion\": \"v1\", \"kind\": }"));
        Assert.Equal(1, ex.DocumentNumber);
        Assert.Contains("invalid syntax", ex.Message);
    }

    [Fact]
    public void YamlFlowMappingThatIsNotJsonStillDecodes()
    {
        var doc = Assert.Single(KubeObjectDecoder.DecodeDocuments("{apiVersion: v1, kind: ConfigMap, metadata: {name: x}, data: {a: b}}"));
        Assert.Equal("b", doc.As<ConfigMap>()!.Data["a"]);
    }

    [Fact]
    public void QuotedScalarsStayStringsAndAnchorsResolve()
    {
        const string yaml = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: c
              labels: &l
                on: "yes"
            data:
              a: 'true'
              b: !!str 123
              c: "null"
            """;
        var cm = KubeObjectDecoder.DecodeSingle<ConfigMap>(yaml);
        Assert.Equal("yes", cm.Metadata.Labels["on"]);
        Assert.Equal(("true", "123", "null"), (cm.Data["a"], cm.Data["b"], cm.Data["c"]));
    }

    [Fact]
    public void DecodeSingleRejectsWrongKindOrCount()
    {
        Assert.Throws<KubeDecodeException>(() => KubeObjectDecoder.DecodeSingle<Role>("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"));
        Assert.Throws<KubeDecodeException>(() => KubeObjectDecoder.DecodeSingle<Role>(""));
    }
}
