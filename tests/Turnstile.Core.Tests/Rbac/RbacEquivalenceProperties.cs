using FsCheck;
using FsCheck.Fluent;
using Turnstile.Core.Authn;
using Turnstile.Core.Authz;
using Turnstile.Core.Rbac;
using static Turnstile.Core.Tests.Rbac.RbacFixtures;

namespace Turnstile.Core.Tests.Rbac;

/// <summary>The indexed authorizer must give exactly the linear walk's answer, reason included.</summary>
public class RbacEquivalenceProperties
{
    private static readonly string[] Names = ["alice", "bob", "carol"];
    private static readonly string[] Groups = ["dev", "ops", "system:authenticated"];
    private static readonly string[] Namespaces = ["a", "b"];
    private static readonly string[] Verbs = ["get", "list", "delete", "*"];
    private static readonly string[] Resources = ["pods", "secrets", "pods/log", "*", "*/scale"];

    private static Gen<T[]> Between<T>(Gen<T> gen, int min, int max) => Gen.Choose(min, max).SelectMany(n => gen.ArrayOf(n));

    private static Gen<PolicyRule> RuleGen =>
        from verb in Gen.Elements(Verbs)
        from resource in Gen.Elements(Resources)
        from apiGroup in Gen.Elements("", "apps", "*")
        select R(verb, apiGroup, resource);

    private static Gen<Subject> SubjectGen =>
        Gen.OneOf(Gen.Elements(Names).Select(Subject.User), Gen.Elements(Groups).Select(Subject.Group));

    private static Gen<(RbacPolicy, KubeUser, RequestAttributes)> ScenarioGen =>
        from roleRules in Between(RuleGen, 1, 3).ArrayOf(4)
        from crbs in Between(Gen.Choose(0, 3).SelectMany(role => Between(SubjectGen, 1, 2).Select(s => (role, s))), 0, 5)
        from rbs in Between(from ns in Gen.Elements(Namespaces) from role in Gen.Choose(0, 4) from s in Between(SubjectGen, 1, 2) select (ns, role, s), 0, 6)
        from user in Gen.Elements(Names)
        from groups in Gen.SubListOf(Groups)
        from verb in Gen.Elements("get", "list", "delete")
        from resource in Gen.Elements("pods", "secrets", "deployments")
        from sub in Gen.Elements("", "log", "scale")
        from ns in Gen.Elements("", "a", "b")
        select (
            new RbacPolicy(
                roleRules.Select((rules, i) => ClusterRole("role" + i, rules.ToArray())),
                crbs.Select((c, i) => Crb("crb" + i, "role" + c.role, c.s)),
                [],
                // role index 4 does not exist: exercises resolution errors
                rbs.Select((r, i) => Rb(r.ns, "rb" + i, "ClusterRole", "role" + r.role, r.s))),
            KubeUser.Of(user, groups.ToArray()),
            RequestAttributes.ForResource(verb, resource == "deployments" ? "apps" : "", resource, ns, subresource: sub));

    [Fact]
    public void Indexed_and_scan_agree()
    {
        Prop.ForAll(ScenarioGen.ToArbitrary(), scenario =>
        {
            var (policy, user, request) = scenario;
            var authorizer = new RbacAuthorizer(policy);
            var indexed = authorizer.Authorize(user, request);
            var scanned = authorizer.AuthorizeByScan(user, request);
            return indexed.Allowed == scanned.Allowed && indexed.Reason == scanned.Reason;
        }).QuickCheckThrowOnFailure();
    }
}
