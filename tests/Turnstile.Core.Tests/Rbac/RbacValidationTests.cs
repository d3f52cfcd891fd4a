using Turnstile.Core.Kube;
using Turnstile.Core.Rbac;

namespace Turnstile.Core.Tests.Rbac;

/// <summary>Cases 45-55 of the spec (from upstream validation_test.go) plus message formatting.</summary>
public class RbacValidationTests
{
    private static ObjectMeta Meta(string name, string ns = "") => new() { Name = name, Namespace = ns };

    private static readonly RoleRef ClusterRoleRef = new("ClusterRole", "valid");

    private static void AssertSingle(IReadOnlyList<FieldError> errors, FieldErrorType type, string field)
    {
        var error = Assert.Single(errors);
        Assert.Equal((type, field), (error.Type, error.Field));
    }

    [Fact]
    public void Case45_ClusterRoleBindingWithWrongRoleRefApiGroup()
    {
        var crb = new ClusterRoleBinding(Meta("master"), new RoleRef("ClusterRole", "valid", "rbac.GroupName"), []);
        var errors = RbacValidation.ValidateClusterRoleBinding(crb);
        AssertSingle(errors, FieldErrorType.NotSupported, "roleRef.apiGroup");
        Assert.Equal("roleRef.apiGroup: Unsupported value: \"rbac.GroupName\": supported values: \"rbac.authorization.k8s.io\"", errors[0].ToString());
    }

    [Fact]
    public void Case46_ClusterRoleBindingCannotReferenceARole()
    {
        var crb = new ClusterRoleBinding(Meta("master"), new RoleRef("Role", "valid"), []);
        var errors = RbacValidation.ValidateClusterRoleBinding(crb);
        AssertSingle(errors, FieldErrorType.NotSupported, "roleRef.kind");
        Assert.Equal("roleRef.kind: Unsupported value: \"Role\": supported values: \"ClusterRole\"", errors[0].ToString());
    }

    [Fact]
    public void Case47_ClusterRoleBindingServiceAccountNeedsNamespace()
    {
        var crb = new ClusterRoleBinding(Meta("master"), ClusterRoleRef, [new Subject("ServiceAccount", "valid")]);
        AssertSingle(RbacValidation.ValidateClusterRoleBinding(crb), FieldErrorType.Required, "subjects[0].namespace");
    }

    [Fact]
    public void Case48_ServiceAccountNameMustBeDnsSubdomain()
    {
        var rb = new RoleBinding(Meta("master", "default"), ClusterRoleRef, [new Subject("ServiceAccount", "subject:bad", "default")]);
        var errors = RbacValidation.ValidateRoleBinding(rb);
        AssertSingle(errors, FieldErrorType.Invalid, "subjects[0].name");
        Assert.StartsWith("subjects[0].name: Invalid value: \"subject:bad\": a lowercase RFC 1123 subdomain must consist of", errors[0].ToString());
        Assert.EndsWith("(e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')", errors[0].ToString());
    }

    [Fact]
    public void Case49_SubjectWithoutKind()
    {
        var rb = new RoleBinding(Meta("master", "default"), new RoleRef("Role", "valid"), [new Subject("", "valid")]);
        var errors = RbacValidation.ValidateRoleBinding(rb);
        AssertSingle(errors, FieldErrorType.NotSupported, "subjects[0].kind");
        Assert.Equal("subjects[0].kind: Unsupported value: \"\": supported values: \"ServiceAccount\", \"User\", \"Group\"", errors[0].ToString());
    }

    [Fact]
    public void Case50_RoleBindingWithoutNamespace()
    {
        var rb = new RoleBinding(Meta("master"), new RoleRef("Role", "valid"), [Subject.User("alice")]);
        AssertSingle(RbacValidation.ValidateRoleBinding(rb), FieldErrorType.Required, "metadata.namespace");
    }

    [Fact]
    public void Case51_RoleRefIsImmutable()
    {
        var old = new RoleBinding(Meta("master", "default"), new RoleRef("Role", "valid"), []);
        var changed = old with { RoleRef = new RoleRef("Role", "changed") };

        Assert.Empty(RbacValidation.ValidateUpdate(old, old with { Subjects = [Subject.User("bob")] }));
        var errors = RbacValidation.ValidateUpdate(old, changed);
        AssertSingle(errors, FieldErrorType.Invalid, "roleRef");
        Assert.Equal("roleRef: Invalid value: rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", Kind:\"Role\", Name:\"changed\"}: cannot change roleRef",
            errors[0].ToString());

        var oldCrb = new ClusterRoleBinding(Meta("crb"), ClusterRoleRef, []);
        AssertSingle(RbacValidation.ValidateUpdate(oldCrb, oldCrb with { RoleRef = new RoleRef("ClusterRole", "admin") }),
            FieldErrorType.Invalid, "roleRef");
    }

    [Fact]
    public void Case52_NamespacedRuleCannotUseNonResourceUrls()
    {
        var role = new Role(Meta("r", "default"), [PolicyRule.ForUrls(["get"], ["/*"])]);
        var errors = RbacValidation.ValidateRole(role);
        AssertSingle(errors, FieldErrorType.Invalid, "rules[0].nonResourceURLs");
        Assert.Equal("rules[0].nonResourceURLs: Invalid value: []string{\"/*\"}: namespaced rules cannot apply to non-resource URLs", errors[0].ToString());
    }

    [Fact]
    public void Case53_RuleWithoutVerbs()
    {
        var role = new ClusterRole(Meta("r"), [PolicyRule.ForUrls([], ["/*"])]);
        var errors = RbacValidation.ValidateClusterRole(role);
        AssertSingle(errors, FieldErrorType.Required, "rules[0].verbs");
        Assert.Equal("rules[0].verbs: Required value: verbs must contain at least one value", errors[0].ToString());
    }

    [Fact]
    public void Case54_RuleMixingResourcesAndUrls()
    {
        var rule = new PolicyRule { Verbs = ["get"], NonResourceUrls = ["/*"], ApiGroups = ["v1"], Resources = ["pods"] };
        var errors = RbacValidation.ValidateClusterRole(new ClusterRole(Meta("r"), [rule]));
        AssertSingle(errors, FieldErrorType.Invalid, "rules[0].nonResourceURLs");
        Assert.EndsWith("rules cannot apply to both regular resources and non-resource URLs", errors[0].ToString());
    }

    [Fact]
    public void Case55_ResourceRuleWithoutApiGroups()
    {
        var rule = new PolicyRule { Verbs = ["get"], Resources = ["pods"] };
        var errors = RbacValidation.ValidateRole(new Role(Meta("r", "default"), [rule]));
        AssertSingle(errors, FieldErrorType.Required, "rules[0].apiGroups");
        Assert.Equal("rules[0].apiGroups: Required value: resource rules must supply at least one api group", errors[0].ToString());
    }

    [Fact]
    public void ValidObjectsPass()
    {
        Assert.Empty(RbacValidation.ValidateRoleBinding(new RoleBinding(Meta("system:foo", "kube-system"),
            new RoleRef("ClusterRole", "kubeadm:bar"), [Subject.User("u"), Subject.Group("g"), Subject.ServiceAccount("ns", "sa")])));
        Assert.Empty(RbacValidation.ValidateClusterRole(new ClusterRole(Meta("x"),
            [PolicyRule.ForResources(["frobnicate"], ["*"], ["*"]), PolicyRule.ForUrls(["get"], ["/x"])])));
    }

    [Fact]
    public void MetadataNameRulesAndClusterScope()
    {
        AssertSingle(RbacValidation.ValidateClusterRole(new ClusterRole(Meta("a/b"), [])), FieldErrorType.Invalid, "metadata.name");
        AssertSingle(RbacValidation.ValidateClusterRole(new ClusterRole(Meta(".."), [])), FieldErrorType.Invalid, "metadata.name");
        AssertSingle(RbacValidation.ValidateClusterRole(new ClusterRole(Meta(""), [])), FieldErrorType.Required, "metadata.name");
        AssertSingle(RbacValidation.ValidateClusterRole(new ClusterRole(Meta("x", "ns"), [])), FieldErrorType.Forbidden, "metadata.namespace");
        AssertSingle(RbacValidation.ValidateRole(new Role(Meta("x", "Bad_NS"), [])), FieldErrorType.Invalid, "metadata.namespace");
        var badLabel = new ClusterRole(new ObjectMeta { Name = "x", Labels = new Dictionary<string, string> { ["a"] = "not ok" } }, []);
        AssertSingle(RbacValidation.ValidateClusterRole(badLabel), FieldErrorType.Invalid, "metadata.labels");
    }

    [Fact]
    public void AggregationRuleNeedsSelectors()
    {
        var role = new ClusterRole(Meta("agg"), [], new AggregationRule([]));
        var errors = RbacValidation.ValidateClusterRole(role);
        AssertSingle(errors, FieldErrorType.Required, "aggregationRule.clusterRoleSelectors");
        Assert.Equal("aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil",
            errors[0].ToString());

        var badSelector = new ClusterRole(Meta("agg"), [], new AggregationRule(
            [new LabelSelector { MatchExpressions = [new LabelSelectorRequirement("k", LabelSelectorOperator.In, [])] }]));
        AssertSingle(RbacValidation.ValidateClusterRole(badSelector), FieldErrorType.Required,
            "aggregationRule.clusterRoleSelectors[0].matchExpressions[0].values");
    }

    [Fact]
    public void SubjectApiGroupRules()
    {
        var crb = new ClusterRoleBinding(Meta("x"), ClusterRoleRef,
            [new Subject("User", "u"), new Subject("ServiceAccount", "sa", "ns", "rbac.authorization.k8s.io"), new Subject("Group", "", ApiGroup: RbacGroup.Name)]);
        var errors = RbacValidation.ValidateClusterRoleBinding(crb);
        Assert.Equal(
            ["subjects[0].apiGroup", "subjects[1].apiGroup", "subjects[2].name"],
            errors.Select(e => e.Field));
        Assert.Equal("subjects[1].apiGroup: Unsupported value: \"rbac.authorization.k8s.io\": supported values: \"\"", errors[1].ToString());
        Assert.Equal("subjects[2].name: Required value", errors[2].ToString());

        var defaulted = RbacDefaults.Apply(crb with { Subjects = [new Subject("User", "u"), new Subject("ServiceAccount", "sa", "ns")] });
        Assert.Empty(RbacValidation.ValidateClusterRoleBinding(defaulted));
    }

    [Fact]
    public void DefaultsFillRoleRefApiGroup()
    {
        var rb = new RoleBinding(Meta("x", "ns"), new RoleRef("Role", "r", ""), [new Subject("Group", "g")]);
        var defaulted = RbacDefaults.Apply(rb);
        Assert.Equal(RbacGroup.Name, defaulted.RoleRef.ApiGroup);
        Assert.Equal(RbacGroup.Name, defaulted.Subjects[0].ApiGroup);
    }

    [Fact]
    public void InvalidStatusMessages()
    {
        var crb = new ClusterRoleBinding(Meta("bad"), new RoleRef("Role", "x", "wrong"), [new Subject("ServiceAccount", "sa")]);
        var errors = RbacValidation.ValidateClusterRoleBinding(crb);

        var status = RbacValidation.Invalid("ClusterRoleBinding", "bad", errors);
        Assert.Equal((422, KubeStatus.ReasonInvalid), (status.Code, status.Reason));
        Assert.Equal(
            "ClusterRoleBinding.rbac.authorization.k8s.io \"bad\" is invalid: [roleRef.apiGroup: Unsupported value: \"wrong\": supported values: \"rbac.authorization.k8s.io\", " +
            "roleRef.kind: Unsupported value: \"Role\": supported values: \"ClusterRole\", subjects[0].namespace: Required value]",
            status.Message);
        Assert.Equal(
            "ClusterRoleBinding.rbac.authorization.k8s.io \"bad\" is invalid: subjects[0].namespace: Required value",
            RbacValidation.Invalid("ClusterRoleBinding", "bad", [errors[2], errors[2]]).Message);
        Assert.Equal(
            "The ClusterRoleBinding \"bad\" is invalid: \n* roleRef.apiGroup: Unsupported value: \"wrong\": supported values: \"rbac.authorization.k8s.io\"\n" +
            "* roleRef.kind: Unsupported value: \"Role\": supported values: \"ClusterRole\"\n* subjects[0].namespace: Required value\n",
            KubectlErrorText.FromStatus(status));
        Assert.Equal(["FieldValueNotSupported", "FieldValueNotSupported", "FieldValueRequired"], status.Details!.Causes.Select(c => c.Reason));
    }
}
