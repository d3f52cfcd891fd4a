using BenchmarkDotNet.Attributes;
using Turnstile.Core.Analysis;
using Turnstile.Core.Analysis.Comparison;
using Turnstile.Core.Analysis.Migration;
using Turnstile.Core.Authz;
using Turnstile.Core.Clusters;

namespace Turnstile.Benchmarks;

/// <summary>
/// The access-analysis toolkit on a generated cluster with 20,000 RoleBindings (plus the default policy and 100
/// ClusterRoleBindings) and 5,000 mapped principals; migrate --verify on 1,000 aws-auth rows of the same RBAC.
/// </summary>
[MemoryDiagnoser]
public class AnalysisBenchmarks
{
    private ClusterAccessModel _model = null!;
    private ClusterAnalysis _analysis = null!;
    private ClusterAccessModel _migrationModel = null!;
    private RequestAttributes _request = null!;
    private PrincipalView _principal = null!;
    private IReadOnlyList<ResourceTarget> _allResources = null!;
    private IReadOnlyList<ResourceTarget> _namespaced = null!;

    [GlobalSetup]
    public void Setup()
    {
        _model = GeneratedCluster.Model(roleBindings: 20_000, mappingRows: 5_000);
        _analysis = new ClusterAnalysis(_model);
        if (_analysis.Principals.Count(p => p.User is not null) != 5_001) throw new InvalidOperationException("expected 5,000 mapped principals and the creator");
        _migrationModel = GeneratedCluster.Model(roleBindings: 20_000, mappingRows: 1_000);
        _request = RequestAttributes.ForResource("delete", "", "pods", GeneratedCluster.Ns(417));
        _principal = _analysis.ForArn($"arn:aws:iam::{GeneratedCluster.Account}:user/user-417");
        _allResources = ResourceTarget.From(_model.ApiResources);
        _namespaced = ResourceTarget.From(_model.ApiResources, namespacedOnly: true);
        if (WhoCan.Run(_analysis, _request).Principals.Count < 2) throw new InvalidOperationException("who-can found too few principals; generator changed");
    }

    /// <summary>who-can on an already loaded cluster: every principal through the engine, every binding's rules.</summary>
    [Benchmark]
    public int WhoCanDeletePods() => WhoCan.Run(_analysis, _request).Principals.Count;

    /// <summary>who-can from the model: map all 5,000 principals first, as a fresh command run does.</summary>
    [Benchmark]
    public int WhoCanIncludingMapping() => WhoCan.Run(new ClusterAnalysis(_model), _request).Principals.Count;

    /// <summary>One principal, every resource x all eight verbs, across all namespaces (rakkess's default view, every verb).</summary>
    [Benchmark]
    public int MatrixOnePrincipalAllResources() =>
        AccessMatrix.For(_analysis.Engine.Authorizer, _principal.User!, _principal.Policies, _allResources, AccessMatrix.AllVerbs, "").Rows.Count;

    /// <summary>Every mapped principal in one namespace: 5,000 matrices of namespaced resources x rakkess's four verbs.</summary>
    [Benchmark]
    public int MatrixEveryPrincipalInANamespace()
    {
        var rows = 0;
        foreach (var p in _analysis.Principals)
            if (p.User is { } user)
                rows += AccessMatrix.For(_analysis.Engine.Authorizer, user, p.Policies, _namespaced, AccessMatrix.DefaultVerbs, GeneratedCluster.Ns(417)).Rows.Count;
        return rows;
    }

    /// <summary>migrate --verify: plan 1,000 aws-auth rows and compare every principal before and after.</summary>
    [Benchmark]
    public bool MigrateVerify1000Rows()
    {
        var plan = MigrationPlanner.Plan(_migrationModel);
        return AccessComparer.Compare(_migrationModel, plan.ApplyTo(_migrationModel), "before", "after").Same;
    }
}
