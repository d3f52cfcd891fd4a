using Turnstile.Core.Kube;
using Turnstile.Core.Rbac;
using Turnstile.Core.Rbac.Bootstrap;

namespace Turnstile.Core.Tests.Rbac.Bootstrap;

/// <summary>Checks <see cref="BootstrapPolicy"/> against the upstream v1.32 fixtures in TestData/bootstrap.</summary>
public class BootstrapPolicyGoldenTests
{
    private static string FixturePath(string file) => Path.Combine(AppContext.BaseDirectory, "TestData", "bootstrap", file);

    private static List<T> Load<T>(string file) where T : class
    {
        var docs = KubeObjectDecoder.DecodeDocuments(File.ReadAllText(FixturePath(file)));
        Assert.All(docs, d => Assert.True(d.Object is T, $"{d.Source}: {d.Kind} {d.Name} is not a {typeof(T).Name}"));
        Assert.All(docs, d => Assert.Empty(d.UnknownFields));
        return docs.Select(d => d.As<T>()!).ToList();
    }

    private static void AssertSameObjects<T>(IReadOnlyList<T> expected, IReadOnlyList<T> actual, Func<T, string> key, Action<T, T> equal)
    {
        var expectedKeys = expected.Select(key).ToList();
        var actualKeys = actual.Select(key).ToList();
        var missing = expectedKeys.Except(actualKeys).ToList();
        var extra = actualKeys.Except(expectedKeys).ToList();
        Assert.True(missing.Count == 0, "missing from BootstrapPolicy: " + string.Join(", ", missing));
        Assert.True(extra.Count == 0, "not in the upstream fixture: " + string.Join(", ", extra));
        Assert.Equal(expectedKeys, actualKeys);
        for (var i = 0; i < expected.Count; i++) equal(expected[i], actual[i]);
    }

    [Fact]
    public void DefaultClusterRolesMatchFixture()
    {
        var fixture = Load<ClusterRole>("cluster-roles.yaml");
        Assert.Equal(31, fixture.Count);
        AssertSameObjects(fixture, BootstrapPolicy.DefaultClusterRoles, r => r.Name, RbacAssert.Equal);
    }

    [Fact]
    public void ControllerRolesMatchFixture()
    {
        var fixture = Load<ClusterRole>("controller-roles.yaml");
        Assert.Equal(33, fixture.Count);
        AssertSameObjects(fixture, BootstrapPolicy.ControllerClusterRoles, r => r.Name, RbacAssert.Equal);
    }

    [Fact]
    public void DefaultClusterRoleBindingsMatchFixture()
    {
        var fixture = Load<ClusterRoleBinding>("cluster-role-bindings.yaml");
        Assert.Equal(12, fixture.Count);
        AssertSameObjects(fixture, BootstrapPolicy.DefaultClusterRoleBindings, b => b.Name, RbacAssert.Equal);
    }

    [Fact]
    public void ControllerRoleBindingsMatchFixture()
    {
        var fixture = Load<ClusterRoleBinding>("controller-role-bindings.yaml");
        Assert.Equal(33, fixture.Count);
        AssertSameObjects(fixture, BootstrapPolicy.ControllerClusterRoleBindings, b => b.Name, RbacAssert.Equal);
    }

    [Fact]
    public void NamespaceRolesMatchFixture()
    {
        var fixture = Load<Role>("namespace-roles.yaml");
        Assert.Equal(7, fixture.Count);
        AssertSameObjects(fixture, BootstrapPolicy.Roles, r => r.Namespace + "/" + r.Name, RbacAssert.Equal);
    }

    [Fact]
    public void NamespaceRoleBindingsMatchFixture()
    {
        var fixture = Load<RoleBinding>("namespace-role-bindings.yaml");
        Assert.Equal(7, fixture.Count);
        AssertSameObjects(fixture, BootstrapPolicy.RoleBindings, b => b.Namespace + "/" + b.Name, RbacAssert.Equal);
    }

    public static TheoryData<string> FixtureFiles() =>
    [
        "cluster-roles.yaml", "controller-roles.yaml", "cluster-role-bindings.yaml",
        "controller-role-bindings.yaml", "namespace-roles.yaml", "namespace-role-bindings.yaml",
    ];

    /// <summary>The encoder reproduces each fixture byte for byte, which pins both the data and the YAML style.</summary>
    [Theory]
    [MemberData(nameof(FixtureFiles))]
    public void EncodingThePolicyReproducesTheFixtureText(string file)
    {
        IEnumerable<object> objects = file switch
        {
            "cluster-roles.yaml" => BootstrapPolicy.DefaultClusterRoles,
            "controller-roles.yaml" => BootstrapPolicy.ControllerClusterRoles,
            "cluster-role-bindings.yaml" => BootstrapPolicy.DefaultClusterRoleBindings,
            "controller-role-bindings.yaml" => BootstrapPolicy.ControllerClusterRoleBindings,
            "namespace-roles.yaml" => BootstrapPolicy.Roles,
            _ => BootstrapPolicy.RoleBindings,
        };
        var yaml = KubeObjectEncoder.ToYamlList(objects, new KubeEncodeOptions(NullCreationTimestamp: true));
        Assert.Equal(File.ReadAllText(FixturePath(file)), yaml);
    }

    [Fact]
    public void CombinedListsAreDefaultsThenControllers()
    {
        Assert.Equal(64, BootstrapPolicy.ClusterRoles.Count);
        Assert.Equal(45, BootstrapPolicy.ClusterRoleBindings.Count);
        Assert.Equal(BootstrapPolicy.DefaultClusterRoles.Concat(BootstrapPolicy.ControllerClusterRoles), BootstrapPolicy.ClusterRoles);
        Assert.All(BootstrapPolicy.ControllerClusterRoles, r => Assert.StartsWith(BootstrapPolicy.ControllerRolePrefix, r.Name));
        Assert.Same(BootstrapPolicy.ClusterRoles, BootstrapPolicy.ClusterRoles);
    }

    [Fact]
    public void EveryObjectCarriesTheBootstrapLabelAndAutoupdateAnnotation()
    {
        var metas = BootstrapPolicy.ClusterRoles.Select(r => r.Metadata)
            .Concat(BootstrapPolicy.ClusterRoleBindings.Select(b => b.Metadata))
            .Concat(BootstrapPolicy.Roles.Select(r => r.Metadata))
            .Concat(BootstrapPolicy.RoleBindings.Select(b => b.Metadata));
        Assert.All(metas, m =>
        {
            Assert.Equal("rbac-defaults", m.Labels[BootstrapPolicy.BootstrappingLabel]);
            Assert.Equal("true", m.Annotations[BootstrapPolicy.AutoUpdateAnnotation]);
        });
    }

    [Fact]
    public void DefaultPolicyIsValid()
    {
        Assert.All(BootstrapPolicy.ClusterRoles, r => Assert.Empty(RbacValidation.ValidateClusterRole(r)));
        Assert.All(BootstrapPolicy.ClusterRoleBindings, b => Assert.Empty(RbacValidation.ValidateClusterRoleBinding(b)));
        Assert.All(BootstrapPolicy.Roles, r => Assert.Empty(RbacValidation.ValidateRole(r)));
        Assert.All(BootstrapPolicy.RoleBindings, b => Assert.Empty(RbacValidation.ValidateRoleBinding(b)));
    }

    [Fact]
    public void VersionDriftIsAbsent()
    {
        var edit = BootstrapPolicy.DefaultClusterRoles.Single(r => r.Name == "system:aggregate-to-edit");
        var view = BootstrapPolicy.DefaultClusterRoles.Single(r => r.Name == "system:aggregate-to-view");
        var all = edit.Rules.Concat(view.Rules).ToList();
        Assert.DoesNotContain(all, r => r.ApiGroups.Contains("resource.k8s.io"));       // DRA rules arrive in 1.33
        Assert.DoesNotContain(all, r => r.ApiGroups.Contains("events.k8s.io"));         // events.k8s.io arrives in 1.35
        Assert.DoesNotContain(edit.Rules, r => r.Resources.Contains("endpoints"));       // removed in 1.22, OpenShift re-adds
        Assert.DoesNotContain(BootstrapPolicy.ClusterRoles, r => r.Name.Contains("openshift"));
    }
}
