using System.Xml.Linq;
using Turnstile.Core.Analysis;
using Turnstile.Core.Analysis.Assertions;
using Turnstile.Core.Rbac;
using static Turnstile.Core.Tests.Analysis.AnalysisFixtures;
using static Turnstile.Core.Tests.Rbac.RbacFixtures;

namespace Turnstile.Core.Tests.Analysis;

public class AssertionTests
{
    private static readonly ClusterAnalysis Cluster1 = new(Cluster(
        mapRoles: Row(RoleArn("devs"), "dev:{{SessionName}}", "developers"),
        bindings: [Rb("app", "devs-edit", "ClusterRole", "edit", Subject.Group("developers"))]));

    private const string Header = "apiVersion: turnstile.dev/v1alpha1\nkind: AccessAssertions\n";

    [Fact]
    public void Expectations_pass_and_fail_with_the_engine_answer()
    {
        var file = AssertionFile.Parse(Header + $$"""
            assertions:
            - principal: {{RoleArn("devs")}}
              verb: create
              resource: deploy
              namespace: app
              expect: allowed
            - name: nodes are cluster-scoped, asked at the cluster scope
              principal: {{RoleArn("devs")}}
              verb: list
              resource: nodes
              expect: allowed
            - principal: {{RoleArn("nobody")}}
              verb: get
              path: /healthz
              expect: unauthenticated
            """);
        var results = AssertionRunner.Run(Cluster1, file.Assertions);
        Assert.Equal([true, false, true], results.Select(r => r.Passed));
        Assert.Equal($"{RoleArn("devs")} allowed to create deployments.apps in namespace app", results[0].Name);
        Assert.Equal((Expectation.Allowed, Expectation.Denied), (results[1].Expected, results[1].Actual!.Value));
        Assert.Equal("list nodes at the cluster scope", results[1].Request);
        Assert.Contains("nodes is forbidden: User \"dev:turnstile\" cannot list resource \"nodes\" in API group \"\" at the cluster scope", results[1].Detail);

        var xml = XDocument.Parse(JUnitReport.Write("suite.yaml", results, TimeSpan.FromMilliseconds(12)));
        var suite = xml.Root!.Element("testsuite")!;
        Assert.Equal(("3", "1", "0.012"), (suite.Attribute("tests")!.Value, suite.Attribute("failures")!.Value, suite.Attribute("time")!.Value));
        Assert.Equal("expected allowed, got denied", suite.Elements("testcase").ElementAt(1).Element("failure")!.Attribute("message")!.Value);
    }

    [Theory]
    [InlineData("assertions: []\n", "line 1: expected apiVersion")]
    [InlineData("apiVersion: turnstile.dev/v1alpha1\nkind: AccessAssertions\nassertions: []\n", "assertions must be a non-empty list")]
    [InlineData("apiVersion: turnstile.dev/v1alpha1\nkind: AccessAssertions\nassertions:\n- principal: x\n  verb: get\n  expect: allowed\n", "line 4: give exactly one of resource and path")]
    [InlineData("apiVersion: turnstile.dev/v1alpha1\nkind: AccessAssertions\nassertions:\n- principal: x\n  verb: get\n  resource: pods\n  expect: maybe\n", "line 4: expect must be allowed, denied or unauthenticated, not maybe")]
    [InlineData("apiVersion: turnstile.dev/v1alpha1\nkind: AccessAssertions\nassertions:\n- principal: x\n  verbs: get\n", "line 5: unknown assertion field verbs")]
    [InlineData("apiVersion: turnstile.dev/v1alpha1\nkind: AccessAssertions\nassertions: [\n", "line 4")]
    public void Malformed_files_are_refused_with_the_line(string text, string message)
    {
        var e = Assert.Throws<FormatException>(() => AssertionFile.Parse(text));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void A_bad_principal_fails_the_assertion_instead_of_the_run()
    {
        var file = AssertionFile.Parse(Header + "assertions:\n- principal: not-an-arn\n  verb: get\n  resource: pods\n  expect: denied\n");
        var result = Assert.Single(AssertionRunner.Run(Cluster1, file.Assertions));
        Assert.False(result.Passed);
        Assert.Null(result.Actual);
        Assert.Contains("line 4: principal: arn 'not-an-arn' is invalid", result.Detail);
    }
}
