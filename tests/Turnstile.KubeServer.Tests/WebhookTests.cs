using System.Text.Json.Nodes;

namespace Turnstile.KubeServer.Tests;

/// <summary>Webhook mode: the TokenReview and SubjectAccessReview endpoints a real kube-apiserver would call.</summary>
public sealed class WebhookTests(FrontFixture front) : IClassFixture<FrontFixture>
{
    private static string TokenReview(string token) =>
        new JsonObject { ["apiVersion"] = "authentication.k8s.io/v1beta1", ["kind"] = "TokenReview", ["spec"] = new JsonObject { ["token"] = token } }.ToJsonString();

    private static string Review(string verb, string resource, string? canonicalArn, string ns = "default")
    {
        var spec = new JsonObject
        {
            ["resourceAttributes"] = new JsonObject { ["namespace"] = ns, ["verb"] = verb, ["version"] = "v1", ["resource"] = resource },
            ["user"] = "someone",
            ["groups"] = new JsonArray("system:authenticated"),
        };
        if (canonicalArn is not null) spec["extra"] = new JsonObject { ["canonicalArn"] = new JsonArray(canonicalArn) };
        return new JsonObject { ["apiVersion"] = "authorization.k8s.io/v1", ["kind"] = "SubjectAccessReview", ["spec"] = spec }.ToJsonString();
    }

    [Fact]
    public async Task The_authenticate_webhook_speaks_aws_iam_authenticators_protocol()
    {
        await front.CreateClusterAsync("hook-authn");
        var dev = await front.CreateUserAsync("hook-dev");
        await front.CreateAccessEntryAsync("hook-authn", FrontFixture.UserArn("hook-dev"), "dev", "devs");
        const string path = "/clusters/hook-authn/authenticate";

        var ok = (await front.KubeAsync("POST", path, body: TokenReview(front.Token("hook-authn", dev)))).Expect(200);
        Assert.Equal("application/json; charset=UTF-8", ok.ContentType);
        var status = ok.Json["status"]!;
        Assert.True((bool)status["authenticated"]!);
        Assert.Equal("dev", (string?)status["user"]!["username"]);
        Assert.Equal(["devs"], status["user"]!["groups"]!.AsArray().Select(g => (string?)g));
        Assert.Equal(FrontFixture.UserArn("hook-dev"), (string?)status["user"]!["extra"]!["canonicalArn"]![0]);

        var stranger = await front.CreateUserAsync("hook-stranger");
        var refused = (await front.KubeAsync("POST", path, body: TokenReview(front.Token("hook-authn", stranger)))).Expect(403);
        Assert.Equal("{\"metadata\":{},\"spec\":{},\"status\":{\"user\":{}}}\n", refused.Body);
        (await front.KubeAsync("POST", path, body: TokenReview(front.Token("hook-authn-elsewhere", dev)))).Expect(403);

        Assert.Equal("expected POST\n", (await front.KubeAsync("GET", path)).Expect(405).Body);
        Assert.Equal("expected a request body to be a TokenReview\n", (await front.KubeAsync("POST", path, body: "[1]")).Expect(400).Body);
        Assert.Equal("expected a request body to be a TokenReview\n", (await front.KubeAsync("POST", path, body: "{\"spec\":{\"token\":5}}")).Expect(400).Body);
    }

    [Fact]
    public async Task The_authorize_webhook_answers_with_the_callers_access_policies_only()
    {
        await front.CreateClusterAsync("hook-authz");
        await front.CreateUserAsync("hook-viewer");
        var viewer = FrontFixture.UserArn("hook-viewer");
        await front.CreateAccessEntryAsync("hook-authz", viewer);
        await front.EksAsync("POST", $"/clusters/hook-authz/access-entries/{Uri.EscapeDataString(viewer)}/access-policies",
            """{"policyArn":"arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy","accessScope":{"type":"cluster"}}""");
        const string path = "/clusters/hook-authz/authorize";

        var allowed = (await front.KubeAsync("POST", path, body: Review("list", "pods", viewer))).Expect(200).Json;
        Assert.Equal("SubjectAccessReview", (string?)allowed["kind"]);
        Assert.True((bool)allowed["status"]!["allowed"]!);
        Assert.Contains("AmazonEKSViewPolicy", (string?)allowed["status"]!["reason"]);

        var write = (await front.KubeAsync("POST", path, body: Review("create", "pods", viewer))).Expect(200).Json;
        Assert.Equal("{\"allowed\":false}", write["status"]!.ToJsonString());
        var nobody = (await front.KubeAsync("POST", path, body: Review("list", "pods", null))).Expect(200).Json;
        Assert.False((bool)nobody["status"]!["allowed"]!);

        var bad = (await front.KubeAsync("POST", path, body: "{\"apiVersion\":\"authorization.k8s.io/v1\",\"spec\":{}}")).Expect(400);
        Assert.Contains("exactly one of nonResourceAttributes or resourceAttributes", bad.Body);
    }
}
