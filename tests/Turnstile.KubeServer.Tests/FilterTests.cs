using System.Text;

namespace Turnstile.KubeServer.Tests;

/// <summary>Every stage of the filter chain over HTTPS: cluster prefix, authentication, impersonation, authorization.</summary>
public sealed class FilterTests(FrontFixture front) : IClassFixture<FrontFixture>
{
    private const string Unauthorized = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"Unauthorized\",\"reason\":\"Unauthorized\",\"code\":401}\n";
    private const string NotFound = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"the server could not find the requested resource\",\"reason\":\"NotFound\",\"details\":{},\"code\":404}\n";

    private async Task<string> ClusterAsync(string name, string mode = "API_AND_CONFIG_MAP")
    {
        await front.CreateClusterAsync(name, mode);
        return name;
    }

    [Fact]
    public async Task The_cluster_prefix_picks_the_cluster_and_unknown_ones_are_404()
    {
        var cluster = await ClusterAsync("prefix");
        var token = front.Token(cluster);
        (await front.KubeAsync("GET", $"/clusters/{cluster}/api/v1/namespaces", token)).Expect(200);
        Assert.Equal(NotFound, (await front.KubeAsync("GET", "/clusters/nope/api/v1/namespaces", token)).Expect(404).Body);
        Assert.Equal(NotFound, (await front.KubeAsync("GET", "/api/v1/namespaces", token)).Expect(404).Body);
        Assert.Equal(NotFound, (await front.KubeAsync("GET", "/clusters/", token)).Expect(404).Body);
    }

    [Fact]
    public async Task Bad_tokens_are_kubes_401()
    {
        var cluster = await ClusterAsync("tokens");
        await ClusterAsync("tokens-other");
        var good = front.Token(cluster);
        var foreign = Turnstile.Core.Authn.Token.EksTokenGenerator.Generate(FrontFixture.Admin, cluster, FrontFixture.Region,
            "https://sts.ap-northeast-2.amazonaws.com", DateTimeOffset.UtcNow).Token;
        var bad = new Dictionary<string, string>
        {
            ["truncated"] = good[..(good.Length / 2)],
            ["wrong prefix"] = "k8s-aws-v2." + good["k8s-aws-v1.".Length..],
            ["bad base64"] = "k8s-aws-v1.!!!not-base64!!!",
            ["foreign host"] = foreign,
            ["expired"] = front.Token(cluster, at: DateTimeOffset.UtcNow.AddMinutes(-16)),
            ["another cluster's"] = front.Token("tokens-other"),
            ["unknown key"] = front.Token(cluster, new("AKIAIOSFODNN7NOTREAL", "secret")),
            ["not a token"] = "eyJhbGciOiJSUzI1NiJ9.e30.c2ln",
        };
        foreach (var (what, token) in bad)
        {
            var response = await front.KubeAsync("GET", $"/clusters/{cluster}/api/v1/namespaces", token);
            Assert.True(response.Status == 401, $"{what}: {response}");
            Assert.Equal(Unauthorized, response.Body);
        }
        (await front.KubeAsync("GET", $"/clusters/{cluster}/api/v1/namespaces", good)).Expect(200);
    }

    [Fact]
    public async Task An_unmapped_principal_is_401_and_a_mapped_one_without_rbac_is_403()
    {
        var cluster = await ClusterAsync("mapping");
        var stranger = await front.CreateUserAsync("stranger");
        Assert.Equal(Unauthorized, (await front.KubeAsync("GET", $"/clusters/{cluster}/api/v1/namespaces/default/pods", front.Token(cluster, stranger))).Expect(401).Body);

        var ops = await front.CreateUserAsync("ops");
        await front.CreateAccessEntryAsync(cluster, FrontFixture.UserArn("ops"), "ops-user");
        var denied = await front.KubeAsync("GET", $"/clusters/{cluster}/api/v1/namespaces/default/pods", front.Token(cluster, ops));
        Assert.Equal("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"pods is forbidden: User \\\"ops-user\\\" cannot list resource \\\"pods\\\" in API group \\\"\\\" in the namespace \\\"default\\\"\",\"reason\":\"Forbidden\",\"details\":{\"kind\":\"pods\"},\"code\":403}\n",
            denied.Expect(403).Body);
        Assert.Equal("nosniff", denied.Headers["X-Content-Type-Options"]);
        // Discovery and /version are open to every authenticated user (system:discovery, system:public-info-viewer).
        (await front.KubeAsync("GET", $"/clusters/{cluster}/api", front.Token(cluster, ops))).Expect(200);
        (await front.KubeAsync("GET", $"/clusters/{cluster}/version", front.Token(cluster, ops))).Expect(200);
    }

    [Fact]
    public async Task A_reused_token_stops_working_as_soon_as_its_key_or_its_mapping_changes()
    {
        // The front remembers tokens STS has verified; none of these changes may be hidden by that.
        var cluster = await ClusterAsync("reused-tokens");
        var path = $"/clusters/{cluster}/version"; // open to every authenticated user
        async Task<string> MappedUserAsync(string name)
        {
            var credentials = await front.CreateUserAsync(name);
            await front.CreateAccessEntryAsync(cluster, FrontFixture.UserArn(name), name);
            var token = front.Token(cluster, credentials);
            (await front.KubeAsync("GET", path, token)).Expect(200);
            (await front.KubeAsync("GET", path, token)).Expect(200);
            return token;
        }

        var deactivated = await MappedUserAsync("reused-deactivated");
        await front.IamAsync($"Action=UpdateAccessKey&UserName=reused-deactivated&Status=Inactive&AccessKeyId={AccessKeyOf(deactivated)}");
        Assert.Equal(Unauthorized, (await front.KubeAsync("GET", path, deactivated)).Expect(401).Body);
        await front.IamAsync($"Action=UpdateAccessKey&UserName=reused-deactivated&Status=Active&AccessKeyId={AccessKeyOf(deactivated)}");
        (await front.KubeAsync("GET", path, deactivated)).Expect(200);

        var deleted = await MappedUserAsync("reused-deleted");
        await front.IamAsync($"Action=DeleteAccessKey&UserName=reused-deleted&AccessKeyId={AccessKeyOf(deleted)}");
        Assert.Equal(Unauthorized, (await front.KubeAsync("GET", path, deleted)).Expect(401).Body);

        var unmapped = await MappedUserAsync("reused-unmapped");
        await front.EksAsync("DELETE", $"/clusters/{cluster}/access-entries/{Uri.EscapeDataString(FrontFixture.UserArn("reused-unmapped"))}");
        Assert.Equal(Unauthorized, (await front.KubeAsync("GET", path, unmapped)).Expect(401).Body);
    }

    /// <summary>The access key id a token was signed with (its presigned URL's X-Amz-Credential).</summary>
    private static string AccessKeyOf(string token)
    {
        var base64 = token["k8s-aws-v1.".Length..].Replace('-', '+').Replace('_', '/');
        var url = Encoding.UTF8.GetString(Convert.FromBase64String(base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=')));
        var credential = Uri.UnescapeDataString(url.Split("X-Amz-Credential=")[1].Split('&')[0]);
        return credential.Split('/')[0];
    }

    [Fact]
    public async Task Anonymous_requests_get_only_what_system_unauthenticated_may()
    {
        var cluster = await ClusterAsync("anonymous");
        var version = (await front.KubeAsync("GET", $"/clusters/{cluster}/version")).Expect(200).Json;
        Assert.Matches(@"^v1\.32\.\d+-eks-[0-9a-f]{7}$", version["gitVersion"]!.GetValue<string>());
        Assert.Equal("ok", (await front.KubeAsync("GET", $"/clusters/{cluster}/healthz")).Expect(200).Body);
        Assert.Equal("forbidden: User \"system:anonymous\" cannot get path \"/api\"",
            (await front.KubeAsync("GET", $"/clusters/{cluster}/api")).Expect(403).Json["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Impersonation_is_checked_with_the_impersonate_verb_and_runs_as_the_impersonated_user()
    {
        var cluster = await ClusterAsync("impersonation");
        var admin = front.Token(cluster);
        var asBob = await front.KubeAsync("GET", $"/clusters/{cluster}/api/v1/namespaces/default/configmaps", admin, headers: [("Impersonate-User", "bob")]);
        Assert.Equal("configmaps is forbidden: User \"bob\" cannot list resource \"configmaps\" in API group \"\" in the namespace \"default\"",
            asBob.Expect(403).Json["message"]!.GetValue<string>());
        (await front.KubeAsync("GET", $"/clusters/{cluster}/api/v1/namespaces/default/configmaps", admin,
            headers: [("Impersonate-User", "bob"), ("Impersonate-Group", "system:masters")])).Expect(200);

        var ops = await front.CreateUserAsync("impersonator");
        await front.CreateAccessEntryAsync(cluster, FrontFixture.UserArn("impersonator"), "alice");
        var refused = await front.KubeAsync("GET", $"/clusters/{cluster}/api/v1/namespaces/default/configmaps", front.Token(cluster, ops),
            headers: [("Impersonate-User", "bob")]);
        Assert.Equal("users \"bob\" is forbidden: User \"alice\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope",
            refused.Expect(403).Json["message"]!.GetValue<string>());
        var groupOnly = await front.KubeAsync("GET", $"/clusters/{cluster}/api", admin, headers: [("Impersonate-Group", "g")]);
        groupOnly.Expect(400);
    }

    [Fact]
    public async Task Edits_of_aws_auth_take_effect_on_the_next_request()
    {
        var cluster = await ClusterAsync("awsauth", "CONFIG_MAP");
        var admin = front.Token(cluster);
        var dev = await front.CreateUserAsync("dev");
        var devToken = front.Token(cluster, dev);
        (await front.KubeAsync("GET", $"/clusters/{cluster}/api", devToken)).Expect(401);
        var awsAuth = $$$"""
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"aws-auth","namespace":"kube-system"},
             "data":{"mapUsers":"- userarn: {{{FrontFixture.UserArn("dev")}}}\n  username: dev\n  groups:\n  - system:masters\n"}}
            """;
        await EnsureNamespaceAsync(cluster, admin, "kube-system");
        (await front.KubeAsync("POST", $"/clusters/{cluster}/api/v1/namespaces/kube-system/configmaps", admin, awsAuth)).Expect(201);
        (await front.KubeAsync("GET", $"/clusters/{cluster}/api/v1/namespaces", devToken)).Expect(200);
        (await front.KubeAsync("DELETE", $"/clusters/{cluster}/api/v1/namespaces/kube-system/configmaps/aws-auth", admin)).Expect(200);
        (await front.KubeAsync("GET", $"/clusters/{cluster}/api/v1/namespaces", devToken)).Expect(401);
    }

    [Fact]
    public async Task Bad_bodies_are_415_413_and_400_never_500()
    {
        var cluster = await ClusterAsync("bodies");
        var admin = front.Token(cluster);
        await EnsureNamespaceAsync(cluster, admin, "default");
        var url = $"/clusters/{cluster}/api/v1/namespaces/default/configmaps";
        (await front.KubeAsync("POST", url, admin, "name=x", "text/plain")).Expect(415);
        var huge = "{\"metadata\":{\"name\":\"big\"},\"data\":{\"a\":\"" + new string('x', 4 << 20) + "\"}}";
        (await front.KubeAsync("POST", url, admin, huge)).Expect(413);
        var deep = "{\"metadata\":{\"name\":\"deep\"},\"data\":" + new string('[', 5000) + new string(']', 5000) + "}";
        var nested = await front.KubeAsync("POST", url, admin, deep);
        Assert.InRange(nested.Status, 400, 422);
        (await front.KubeAsync("POST", url, admin, "{\"metadata\":{\"name\":")).Expect(400);
        (await front.KubeAsync("PATCH", url + "/none", admin, "{}", "application/x-unknown-patch")).Expect(415);
        (await front.KubeAsync("GET", $"/clusters/{cluster}/apis/nope.example.com/v1/things", admin)).Expect(404);
    }

    internal async Task EnsureNamespaceAsync(string cluster, string token, string name)
    {
        var response = await front.KubeAsync("POST", $"/clusters/{cluster}/api/v1/namespaces", token, $"{{\"metadata\":{{\"name\":\"{name}\"}}}}");
        Assert.True(response.Status is 201 or 409, response.ToString());
    }

    internal static string Utf8(byte[] b) => Encoding.UTF8.GetString(b);
}
