using Turnstile.Core.AccessPolicies;
using Turnstile.Core.Authn;
using Turnstile.Core.Clusters;
using Turnstile.Core.Mapping;
using Turnstile.Kube.Reviews;

namespace Turnstile.Kube.Tests.Reviews;

public sealed class ReviewTests
{
    private const string Authz = "authorization.k8s.io";
    private const string Authn = "authentication.k8s.io";
    private const string TesterArn = "arn:aws:iam::111122223333:user/tester";

    private static readonly KubeUser Ops = KubeUser.Of("ops", "devs", KubeUser.AuthenticatedGroup);

    private static readonly ClusterAccessModel Model = new()
    {
        ClusterName = KubeFixture.Cluster,
        AccessEntries =
        [
            new AccessEntry
            {
                ClusterName = KubeFixture.Cluster,
                PrincipalArn = TesterArn,
                Username = TesterArn,
                AccessPolicies = [new AssociatedAccessPolicy("arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", AccessScope.ForNamespaces("team"))],
            },
        ],
    };

    private sealed class FixedTokens : ITokenAuthenticator
    {
        public ValueTask<TokenAuthentication> AuthenticateAsync(string cluster, string token, CancellationToken cancellationToken) =>
            ValueTask.FromResult(token == "good" ? new TokenAuthentication(Ops, "") : TokenAuthentication.Failed("invalid token"));
    }

    private static async Task<KubeFixture> StartAsync(ITokenAuthenticator? tokens = null)
    {
        var k = await KubeFixture.StartSeededAsync(Model, tokens);
        await k.CreateAsync("namespaces", "", """{"metadata":{"name":"team"}}""");
        await k.CreateAsync("roles", "team", """{"metadata":{"name":"pods"},"rules":[{"verbs":["get","list"],"apiGroups":[""],"resources":["pods"]}]}""", "rbac.authorization.k8s.io");
        await k.CreateAsync("rolebindings", "team", """{"metadata":{"name":"devs"},"roleRef":{"kind":"Role","name":"pods"},"subjects":[{"kind":"Group","name":"devs"}]}""", "rbac.authorization.k8s.io");
        return k;
    }

    [Fact]
    public async Task Self_subject_access_reviews_answer_as_kubectl_auth_can_i_reads_them()
    {
        await using var k = await StartAsync();
        var yes = await k.SendAsync("create", "selfsubjectaccessreviews", group: Authz, user: Ops,
            body: """{"kind":"SelfSubjectAccessReview","apiVersion":"authorization.k8s.io/v1","metadata":{"creationTimestamp":null},"spec":{"resourceAttributes":{"namespace":"team","verb":"list","resource":"pods"}},"status":{"allowed":false}}""");
        Assert.Equal("""{"kind":"SelfSubjectAccessReview","apiVersion":"authorization.k8s.io/v1","metadata":{"creationTimestamp":null},"spec":{"resourceAttributes":{"namespace":"team","verb":"list","resource":"pods"}},"status":{"allowed":true,"reason":"RBAC: allowed by RoleBinding \"devs/team\" of Role \"pods\" to Group \"devs\""}}""" + "\n",
            yes.AssertCode(201).BodyText);
        var no = await k.SendAsync("create", "selfsubjectaccessreviews", group: Authz, user: Ops,
            body: """{"spec":{"resourceAttributes":{"namespace":"default","verb":"list","resource":"pods"}}}""");
        Assert.Equal("""{"allowed":false}""", no.AssertCode(201).Json()["status"]!.ToJsonString());
        var path = await k.SendAsync("create", "selfsubjectaccessreviews", group: Authz, user: Ops, body: """{"spec":{"nonResourceAttributes":{"path":"/version","verb":"get"}}}""");
        Assert.Equal("RBAC: allowed by ClusterRoleBinding \"system:discovery\" of ClusterRole \"system:discovery\" to Group \"system:authenticated\"",
            path.AssertCode(201).Json().Str("status.reason"));
    }

    [Fact]
    public async Task Access_reviews_refuse_bad_specs_with_kubes_texts()
    {
        await using var k = await StartAsync();
        var neither = await k.SendAsync("create", "selfsubjectaccessreviews", group: Authz, user: Ops, body: """{"spec":{}}""");
        Assert.Equal("SelfSubjectAccessReview.authorization.k8s.io \"\" is invalid: spec.resourceAttributes: Invalid value: \"null\": exactly one of nonResourceAttributes or resourceAttributes must be specified",
            neither.AssertCode(422).Message());
        var both = await k.SendAsync("create", "subjectaccessreviews", group: Authz, user: Ops,
            body: """{"spec":{"user":"u","resourceAttributes":{"verb":"get"},"nonResourceAttributes":{"path":"/","verb":"get"}}}""");
        Assert.Equal("SubjectAccessReview.authorization.k8s.io \"\" is invalid: spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes{Path:\"/\", Verb:\"get\"}: cannot be specified in combination with resourceAttributes",
            both.AssertCode(422).Message());
        var nobody = await k.SendAsync("create", "subjectaccessreviews", group: Authz, user: Ops, body: """{"spec":{"resourceAttributes":{"verb":"get"}}}""");
        Assert.Equal("SubjectAccessReview.authorization.k8s.io \"\" is invalid: spec.user: Invalid value: \"\": at least one of user or group must be specified",
            nobody.AssertCode(422).Message());
        var named = await k.SendAsync("create", "selfsubjectaccessreviews", group: Authz, user: Ops, body: """{"metadata":{"name":"x"},"spec":{"resourceAttributes":{"verb":"get"}}}""");
        Assert.StartsWith("SelfSubjectAccessReview.authorization.k8s.io \"\" is invalid: metadata: Invalid value: v1.ObjectMeta{Name:\"x\", ", named.AssertCode(422).Message());
        Assert.EndsWith(": must be empty", named.Message());
        var elsewhere = await k.SendAsync("create", "localsubjectaccessreviews", "team", group: Authz, user: Ops,
            body: """{"spec":{"user":"u","resourceAttributes":{"namespace":"default","verb":"get"}}}""");
        Assert.Equal("spec.resourceAttributes.namespace must match namespace: team", elsewhere.AssertCode(400).Message());
        Assert.Equal(405, (await k.SendAsync("list", "selfsubjectaccessreviews", group: Authz, user: Ops)).StatusCode);
    }

    [Fact]
    public async Task Subject_access_reviews_decide_for_the_named_subject_with_access_policies_only_for_its_iam_principal()
    {
        await using var k = await StartAsync();
        var sar = await k.SendAsync("create", "subjectaccessreviews", group: Authz, user: KubeUser.Of("root", KubeUser.MastersGroup),
            body: """{"spec":{"resourceAttributes":{"namespace":"team","verb":"get","resource":"pods"},"user":"someone","groups":["devs"]}}""");
        var json = sar.AssertCode(201).Json();
        Assert.Equal("""{"resourceAttributes":{"namespace":"team","verb":"get","resource":"pods"},"user":"someone","groups":["devs"]}""", json["spec"]!.ToJsonString());
        Assert.Equal("true", json.Str("status.allowed"));

        // The tester's access entry holds AmazonEKSViewPolicy in team: it counts when the extra names the principal.
        const string configMapsInTeam = "\"resourceAttributes\":{\"namespace\":\"team\",\"verb\":\"list\",\"resource\":\"configmaps\"}";
        var bare = await k.SendAsync("create", "subjectaccessreviews", group: Authz, body: "{\"spec\":{" + configMapsInTeam + ",\"user\":\"" + TesterArn + "\"}}");
        Assert.Equal("false", bare.AssertCode(201).Json().Str("status.allowed"));
        var principal = await k.SendAsync("create", "subjectaccessreviews", group: Authz,
            body: "{\"spec\":{" + configMapsInTeam + ",\"user\":\"" + TesterArn + "\",\"extra\":{\"canonicalArn\":[\"" + TesterArn + "\"]}}}");
        Assert.Equal("true", principal.AssertCode(201).Json().Str("status.allowed"));

        var local = await k.SendAsync("create", "localsubjectaccessreviews", "team", group: Authz,
            body: """{"metadata":{"namespace":"team"},"spec":{"resourceAttributes":{"namespace":"team","verb":"list","resource":"pods"},"groups":["devs"]}}""");
        Assert.Equal("""{"creationTimestamp":null,"namespace":"team"}""", local.AssertCode(201).Json()["metadata"]!.ToJsonString());
        Assert.Equal("true", local.Json().Str("status.allowed"));
    }

    [Fact]
    public async Task Self_subject_rules_reviews_list_the_rbac_rules_and_need_a_namespace()
    {
        await using var k = await StartAsync();
        var rules = await k.SendAsync("create", "selfsubjectrulesreviews", group: Authz, user: Ops, body: """{"spec":{"namespace":"team"}}""");
        var status = rules.AssertCode(201).Json()["status"]!;
        Assert.Contains("""{"verbs":["get","list"],"apiGroups":[""],"resources":["pods"]}""", status["resourceRules"]!.ToJsonString());
        Assert.Contains("""{"verbs":["create"],"apiGroups":["authorization.k8s.io"],"resources":["selfsubjectaccessreviews","selfsubjectrulesreviews"]}""", status["resourceRules"]!.ToJsonString());
        Assert.Equal("false", status.Str("incomplete"));
        Assert.Equal("no namespace on request",
            (await k.SendAsync("create", "selfsubjectrulesreviews", group: Authz, user: Ops, body: """{"spec":{}}""")).AssertCode(400).Message());
    }

    [Fact]
    public async Task Self_subject_reviews_show_the_caller_and_token_reviews_ask_the_authenticator()
    {
        await using var k = await StartAsync(new FixedTokens());
        var user = new KubeUser("tester", "aws-iam-authenticator:111122223333:AIDAEXAMPLE", ["system:authenticated"],
            new Dictionary<string, IReadOnlyList<string>> { ["arn"] = [TesterArn] });
        var whoami = await k.SendAsync("create", "selfsubjectreviews", group: Authn, user: user,
            body: """{"kind":"SelfSubjectReview","apiVersion":"authentication.k8s.io/v1","metadata":{"creationTimestamp":null},"status":{"userInfo":{}}}""");
        Assert.Equal("""{"kind":"SelfSubjectReview","apiVersion":"authentication.k8s.io/v1","metadata":{"creationTimestamp":"2026-12-02T13:00:00Z"},"status":{"userInfo":{"username":"tester","uid":"aws-iam-authenticator:111122223333:AIDAEXAMPLE","groups":["system:authenticated"],"extra":{"arn":["arn:aws:iam::111122223333:user/tester"]}}}}""" + "\n",
            whoami.AssertCode(201).BodyText);

        var good = await k.SendAsync("create", "tokenreviews", group: Authn, body: """{"spec":{"token":"good"}}""");
        Assert.Equal("""{"authenticated":true,"user":{"username":"ops","groups":["devs","system:authenticated"]}}""", good.AssertCode(201).Json()["status"]!.ToJsonString());
        var bad = await k.SendAsync("create", "tokenreviews", group: Authn, body: """{"spec":{"token":"bad"}}""");
        Assert.Equal("""{"authenticated":false,"error":"invalid token"}""", bad.AssertCode(201).Json()["status"]!.ToJsonString());
        Assert.Equal("token is required for TokenReview in authentication",
            (await k.SendAsync("create", "tokenreviews", group: Authn, body: """{"spec":{}}""")).AssertCode(400).Message());
    }

    [Fact]
    public async Task Without_a_token_authenticator_token_reviews_are_unauthenticated()
    {
        await using var k = await StartAsync();
        var review = await k.SendAsync("create", "tokenreviews", group: Authn, body: """{"spec":{"token":"k8s-aws-v1.abc"}}""");
        Assert.Equal("false", review.AssertCode(201).Json().Str("status.authenticated"));
    }
}
