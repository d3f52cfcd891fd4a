using System.Text.Json.Nodes;

namespace Turnstile.Aws.Tests.Eks;

public class AuthenticationModeTests
{
    private readonly EksFixture _f = new();

    private JsonObject Update(string cluster, string mode) =>
        (JsonObject)_f.Call("UpdateClusterConfig", $$$"""{"name":"{{{cluster}}}","accessConfig":{"authenticationMode":"{{{mode}}}"}}""")["update"]!;

    private AwsServiceException UpdateFails(string cluster, string mode) =>
        _f.Fails("UpdateClusterConfig", $$$"""{"name":"{{{cluster}}}","accessConfig":{"authenticationMode":"{{{mode}}}"}}""");

    [Fact]
    public void An_access_config_update_is_InProgress_then_Successful_and_then_applies()
    {
        _f.CreateCluster("c");
        var update = Update("c", "API_AND_CONFIG_MAP");
        Assert.Equal("InProgress", (string?)update["status"]);
        Assert.Equal("AccessConfigUpdate", (string?)update["type"]);
        var param = Assert.Single(update["params"]!.AsArray())!;
        Assert.Equal("AuthenticationMode", (string?)param["type"]);
        Assert.Equal("\"API_AND_CONFIG_MAP\"", (string?)param["value"]);
        Assert.Empty(update["errors"]!.AsArray());

        var id = (string)update["id"]!;
        var described = _f.Call("DescribeUpdate", $$"""{"name":"c","updateId":"{{id}}"}""")["update"]!;
        Assert.Equal("Successful", (string?)described["status"]);
        Assert.Equal([id], EksFixture.Strings(_f.Call("ListUpdates", """{"name":"c"}""")["updateIds"]));
        var cluster = _f.Describe("c");
        Assert.Equal("API_AND_CONFIG_MAP", (string?)cluster["accessConfig"]!["authenticationMode"]);
        Assert.Equal("ACTIVE", (string?)cluster["status"]);
    }

    [Theory]
    [InlineData(null, "API", "Unsupported authentication mode update from CONFIG_MAP to API")]
    [InlineData(null, "CONFIG_MAP", "Unsupported authentication mode update from CONFIG_MAP to CONFIG_MAP")]
    [InlineData("API_AND_CONFIG_MAP", "CONFIG_MAP", "Unsupported authentication mode update from API_AND_CONFIG_MAP to CONFIG_MAP")]
    [InlineData("API_AND_CONFIG_MAP", "API_AND_CONFIG_MAP", "Unsupported authentication mode update from API_AND_CONFIG_MAP to API_AND_CONFIG_MAP")]
    [InlineData("API", "API_AND_CONFIG_MAP", "Unsupported authentication mode update from API to API_AND_CONFIG_MAP")]
    [InlineData("API", "CONFIG_MAP", "Unsupported authentication mode update from API to CONFIG_MAP")]
    [InlineData("API", "API", "Unsupported authentication mode update from API to API")]
    public void Only_one_step_forward_is_allowed(string? initial, string target, string message)
    {
        _f.CreateCluster("c", initial);
        var error = UpdateFails("c", target);
        Assert.Equal("InvalidParameterException", error.Code);
        Assert.Equal(message, error.Message);
        Assert.Empty(_f.Call("ListUpdates", """{"name":"c"}""")["updateIds"]!.AsArray());
    }

    [Fact]
    public void Two_kinds_of_change_in_one_call_are_refused()
    {
        _f.CreateCluster("c");
        var error = _f.Fails("UpdateClusterConfig", """{"name":"c","accessConfig":{"authenticationMode":"API_AND_CONFIG_MAP"},"logging":{"clusterLogging":[{"types":["api"],"enabled":true}]}}""");
        Assert.Equal("InvalidParameterException", error.Code);
        Assert.Equal("Only one type of update can be allowed.", error.Message);
    }

    [Fact]
    public void While_an_update_runs_another_is_in_use_and_the_old_mode_still_applies()
    {
        var f = new EksFixture(realisticLatency: true);
        f.CreateCluster("c");
        f.Clock.Advance(TimeSpan.FromMinutes(10));
        var update = f.Call("UpdateClusterConfig", """{"name":"c","accessConfig":{"authenticationMode":"API_AND_CONFIG_MAP"}}""")["update"]!;
        Assert.Equal("UPDATING", (string?)f.Describe("c")["status"]);

        var busy = f.Fails("UpdateClusterConfig", """{"name":"c","accessConfig":{"authenticationMode":"API"}}""");
        Assert.Equal("ResourceInUseException", busy.Code);
        Assert.Equal($"Cannot AccessConfigUpdate because cluster c currently has update {(string)update["id"]!} in progress", busy.Message);
        Assert.Equal(409, busy.StatusCode);
        Assert.Equal("InvalidRequestException", f.Fails("CreateAccessEntry", $$"""{"clusterName":"c","principalArn":"{{EksFixture.AdminArn}}"}""").Code);

        f.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("Successful", (string?)f.Call("DescribeUpdate", $$"""{"name":"c","updateId":"{{(string)update["id"]!}}"}""")["update"]!["status"]);
        Assert.Equal("ACTIVE", (string?)f.Describe("c")["status"]);
        Assert.Contains(EksFixture.AdminArn, f.ListEntries("c"));
    }

    [Fact]
    public void Unknown_updates_are_not_found()
    {
        _f.CreateCluster("c");
        var error = _f.Fails("DescribeUpdate", """{"name":"c","updateId":"0a320959-4460-3341-bd02-f93e7a08f9e3"}""");
        Assert.Equal("ResourceNotFoundException", error.Code);
        Assert.Equal("No update found for ID: 0a320959-4460-3341-bd02-f93e7a08f9e3", error.Message);
        Assert.Equal("c", error.Fields["clusterName"]);
        Assert.Equal("No node group found for name: ng.", _f.Fails("ListUpdates", """{"name":"c","nodegroupName":"ng"}""").Message);
    }

    [Fact]
    public void Updates_other_than_the_access_config_are_not_emulated()
    {
        _f.CreateCluster("c");
        Assert.Equal("InvalidRequestException", _f.Fails("UpdateClusterConfig", """{"name":"c","logging":{"clusterLogging":[]}}""").Code);
        Assert.Equal("InvalidParameterException", _f.Fails("UpdateClusterConfig", """{"name":"c"}""").Code);
        Assert.Contains("enum value set", UpdateFails("c", "IAM").Message);
    }

    [Fact]
    public void Leaving_CONFIG_MAP_reveals_the_creator_admin_and_EKS_entries()
    {
        _f.CreateCluster("legacy");
        Assert.Equal(Turnstile.Core.Mapping.AuthenticationMode.ConfigMap, _f.AccessModel("legacy").Mode);
        _f.SwitchMode("legacy", "API_AND_CONFIG_MAP");
        Assert.Equal([EksFixture.SlrArn, EksFixture.AdminArn], _f.ListEntries("legacy"));
        var admin = Assert.Single(_f.Associated("legacy", EksFixture.AdminArn))!;
        Assert.Equal(EksFixture.ClusterAdminPolicy, (string?)admin["policyArn"]);
        Assert.Equal("cluster", (string?)admin["accessScope"]!["type"]);
    }

    [Fact]
    public void A_cluster_created_in_an_API_mode_has_the_creator_entry_only_when_bootstrapped()
    {
        _f.CreateCluster("with", "API");
        Assert.Equal([EksFixture.SlrArn, EksFixture.AdminArn], _f.ListEntries("with"));
        _f.CreateCluster("without", "API", bootstrap: false);
        Assert.Equal([EksFixture.SlrArn], _f.ListEntries("without"));
        var slr = _f.Entry("without", EksFixture.SlrArn);
        Assert.Equal("eks:managed", (string?)slr["username"]);
        Assert.Contains("arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterInsightsPolicy",
            _f.Associated("without", EksFixture.SlrArn).Select(p => (string)p!["policyArn"]!));
    }

    [Fact]
    public void A_creator_calling_through_an_assumed_role_gets_an_entry_for_the_role()
    {
        var role = _f.Iam.AddRole("platform", "/ops/");
        _f.CreateCluster("c", "API", caller: EksFixture.RoleSessionCaller(role, "alice"));
        var canonical = $"arn:aws:iam::{EksFixture.Account}:role/platform";
        Assert.Contains(canonical, _f.ListEntries("c"));
        var entry = _f.Entry("c", canonical);
        Assert.Equal($"arn:aws:sts::{EksFixture.Account}:assumed-role/platform/{{{{SessionName}}}}", (string?)entry["username"]);
        Assert.Equal(role.UniqueId, _f.AccessModel("c").AccessEntries.Single(e => e.PrincipalArn == canonical).PrincipalId);
    }
}
