using Turnstile.Core.Kube;
using Turnstile.Core.Rbac;
using Turnstile.Core.Tests.Rbac;

namespace Turnstile.Core.Tests.Kube;

public class KubeObjectEncoderTests
{
    private static ObjectMeta Meta(string name, string ns = "", Dictionary<string, string>? labels = null) =>
        new() { Name = name, Namespace = ns, Labels = labels ?? [] };

    [Fact]
    public void RoleBindingUsesKubectlFieldOrderAndOmitsEmptyFields()
    {
        var binding = new RoleBinding(Meta("read-pods", "default"), new RoleRef("Role", "pod-reader"),
            [Subject.User("jane"), Subject.ServiceAccount("ci", "deployer")]);

        Assert.Equal("""
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata:
              name: read-pods
              namespace: default
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: Role
              name: pod-reader
            subjects:
            - apiGroup: rbac.authorization.k8s.io
              kind: User
              name: jane
            - kind: ServiceAccount
              name: deployer
              namespace: ci

            """, KubeObjectEncoder.ToYaml(binding));
    }

    [Fact]
    public void ClusterRoleWithAggregationAndNoRules()
    {
        var role = new ClusterRole(Meta("monitoring"), [], new AggregationRule(
        [
            new LabelSelector
            {
                MatchLabels = new Dictionary<string, string> { ["b"] = "true", ["a"] = "1" },
                MatchExpressions = [new LabelSelectorRequirement("tier", LabelSelectorOperator.Exists, [])],
            },
        ]));

        Assert.Equal("""
            aggregationRule:
              clusterRoleSelectors:
              - matchExpressions:
                - key: tier
                  operator: Exists
                matchLabels:
                  a: "1"
                  b: "true"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: monitoring
            rules: null

            """, KubeObjectEncoder.ToYaml(role));
    }

    [Fact]
    public void RuleFieldsAndQuoting()
    {
        var role = new Role(Meta("r", "ns"),
        [
            PolicyRule.ForResources(["*"], ["", "apps"], ["*/scale", "pods"], ["true", "yes", "a: b", "x #y", "- z", "it's", "1:20"]),
        ]);

        Assert.Equal("""
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: r
              namespace: ns
            rules:
            - apiGroups:
              - ""
              - apps
              resourceNames:
              - "true"
              - "yes"
              - 'a: b'
              - 'x #y'
              - '- z'
              - it's
              - "1:20"
              resources:
              - '*/scale'
              - pods
              verbs:
              - '*'

            """, KubeObjectEncoder.ToYaml(role));
    }

    [Fact]
    public void ConfigMapMultiLineValuesUseLiteralBlocks()
    {
        var cm = new ConfigMap(Meta("aws-auth", "kube-system"), new Dictionary<string, string>
        {
            ["mapRoles"] = "- rolearn: arn:aws:iam::111122223333:role/admin\n  username: admin\n",
            ["noTrailingNewline"] = "a\nb",
            ["number"] = "42",
            ["empty"] = "",
        });

        Assert.Equal("""
            apiVersion: v1
            data:
              empty: ""
              mapRoles: |
                - rolearn: arn:aws:iam::111122223333:role/admin
                  username: admin
              noTrailingNewline: |-
                a
                b
              number: "42"
            kind: ConfigMap
            metadata:
              name: aws-auth
              namespace: kube-system

            """, KubeObjectEncoder.ToYaml(cm));
    }

    [Fact]
    public void KeysSortLikeKubectl()
    {
        var meta = Meta("x", labels: new Dictionary<string, string> { ["item10"] = "a", ["item9"] = "b", ["Zeta"] = "c", ["_x"] = "d" });
        var yaml = KubeObjectEncoder.ToYaml(new ClusterRole(meta, []));
        // a non-letter sorts before any letter, digit runs compare by value
        Assert.Contains("  labels:\n    _x: d\n    Zeta: c\n    item9: b\n    item10: a\n", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void DocumentsAndListsRoundTripThroughTheDecoder()
    {
        var objects = new object[]
        {
            new ClusterRoleBinding(Meta("crb"), new RoleRef("ClusterRole", "view"), [Subject.Group("devs")]),
            new Role(Meta("r", "ns", new() { ["app"] = "x" }), [PolicyRule.ForUrls(["get"], ["/healthz"])]),
            new ConfigMap(Meta("c", "ns"), new Dictionary<string, string> { ["k"] = " leading space\nline\n" }),
        };

        foreach (var text in new[] { KubeObjectEncoder.ToYamlDocuments(objects), KubeObjectEncoder.ToYamlList(objects) })
        {
            var docs = KubeObjectDecoder.DecodeDocuments(text);
            Assert.Equal(3, docs.Count);
            RbacAssert.Equal((ClusterRoleBinding)objects[0], docs[0].As<ClusterRoleBinding>()!);
            RbacAssert.Equal((Role)objects[1], docs[1].As<Role>()!);
            RbacAssert.Equal((ConfigMap)objects[2], docs[2].As<ConfigMap>()!);
        }
    }

    [Fact]
    public void UnsupportedTypesAreRejected() =>
        Assert.Throws<ArgumentException>(() => KubeObjectEncoder.ToYaml("not an object"));
}
