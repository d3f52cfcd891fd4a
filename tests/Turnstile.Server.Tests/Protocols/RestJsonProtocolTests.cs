using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Turnstile.Aws;
using Turnstile.Server.Model;
using Turnstile.Server.Protocols;

namespace Turnstile.Server.Tests.Protocols;

public class RestJsonProtocolTests
{
    private static readonly ServiceModel Eks = ServiceModel.Load("eks");
    private static readonly RestJsonRouter Router = new(Eks.Operations.Values);

    private const string EncodedArn = "arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fmy%20role%2FAdmin";
    private const string DecodedArn = "arn:aws:iam::111122223333:role/my role/Admin";

    private static RestRequest Request(string method, string path, string query = "", string? body = null,
        Dictionary<string, string>? headers = null) =>
        new(method, path, query, name => headers?.GetValueOrDefault(name), body is null ? default : Encoding.UTF8.GetBytes(body));

    [Theory]
    [InlineData("GET", "/clusters/demo", "DescribeCluster")]
    [InlineData("GET", "/clusters", "ListClusters")]
    [InlineData("POST", "/clusters", "CreateCluster")]
    [InlineData("GET", "/clusters/demo/access-entries", "ListAccessEntries")]
    [InlineData("GET", "/clusters/demo/access-entries/" + EncodedArn, "DescribeAccessEntry")]
    [InlineData("POST", "/clusters/demo/access-entries/" + EncodedArn, "UpdateAccessEntry")]
    [InlineData("DELETE", "/clusters/demo/access-entries/" + EncodedArn, "DeleteAccessEntry")]
    [InlineData("GET", "/clusters/demo/access-entries/" + EncodedArn + "/access-policies", "ListAssociatedAccessPolicies")]
    [InlineData("DELETE", "/clusters/demo/access-entries/" + EncodedArn + "/access-policies/arn%3Aaws%3Aeks%3A%3Aaws%3Acluster-access-policy%2FAmazonEKSViewPolicy", "DisassociateAccessPolicy")]
    [InlineData("POST", "/clusters/demo/update-config", "UpdateClusterConfig")]
    [InlineData("POST", "/clusters/demo/updates", "UpdateClusterVersion")]
    [InlineData("GET", "/clusters/demo/updates/u-1", "DescribeUpdate")]
    [InlineData("GET", "/access-policies", "ListAccessPolicies")]
    public void Routes_on_the_raw_path(string method, string path, string operation)
    {
        Assert.True(Router.TryMatch(method, path, out var matched, out _));
        Assert.Equal(operation, matched!.Name);
    }

    [Theory]
    [InlineData("GET", "/nope")]
    [InlineData("PUT", "/clusters/demo")]
    [InlineData("GET", "/clusters/demo/access-entries/arn:aws:iam::111122223333:role/x/y")]
    [InlineData("GET", "/clusters//access-entries")]
    public void Unknown_routes_do_not_match(string method, string path) =>
        Assert.False(Router.TryMatch(method, path, out _, out _));

    [Fact]
    public void Encoded_slash_in_a_label_stays_in_one_segment_and_is_decoded_after_matching()
    {
        Assert.True(Router.TryMatch("GET", "/clusters/demo/access-entries/" + EncodedArn, out var op, out var labels));
        var input = RestJsonProtocol.ReadInput(op!.Input, Request("GET", ""), labels);
        Assert.Equal("demo", input["clusterName"]!.GetValue<string>());
        Assert.Equal(DecodedArn, input["principalArn"]!.GetValue<string>());
    }

    [Fact]
    public void Greedy_labels_take_the_rest_of_the_path()
    {
        var model = ServiceModel.Parse("g", new MemoryStream("""
            {"metadata":{"apiVersion":"1","protocol":"rest-json"},
             "operations":{"Get":{"name":"Get","http":{"method":"GET","requestUri":"/objects/{Key+}"},"input":{"shape":"In"}}},
             "shapes":{"In":{"type":"structure","members":{"Key":{"shape":"S","location":"uri","locationName":"Key"}}},"S":{"type":"string"}}}
            """u8.ToArray()));
        var router = new RestJsonRouter(model.Operations.Values);
        Assert.True(router.TryMatch("GET", "/objects/a/b%20c/d", out var op, out var labels));
        Assert.Equal("a/b c/d", RestJsonProtocol.ReadInput(op!.Input, Request("GET", ""), labels)["Key"]!.GetValue<string>());
    }

    [Fact]
    public void Query_string_and_body_members_are_bound_by_wire_name()
    {
        Assert.True(Router.TryMatch("GET", "/clusters", out var list, out var noLabels));
        var listInput = RestJsonProtocol.ReadInput(list!.Input, Request("GET", "/clusters", "maxResults=5&nextToken=abc%3D%3D&include=all&include=x"), noLabels);
        Assert.Equal(5, listInput["maxResults"]!.GetValue<int>());
        Assert.Equal("abc==", listInput["nextToken"]!.GetValue<string>());
        Assert.Equal(["all", "x"], listInput["include"]!.AsArray().Select(n => n!.GetValue<string>()));

        Assert.True(Router.TryMatch("POST", "/clusters/demo/access-entries", out var create, out var labels));
        var input = RestJsonProtocol.ReadInput(create!.Input, Request("POST", "", body: """
            {"principalArn":"arn:aws:iam::111122223333:role/dev","kubernetesGroups":["a","b"],"tags":{"k":"v"},"unknownField":1}
            """), labels);
        Assert.Equal("demo", input["clusterName"]!.GetValue<string>());
        Assert.Equal("arn:aws:iam::111122223333:role/dev", input["principalArn"]!.GetValue<string>());
        Assert.Equal(2, input["kubernetesGroups"]!.AsArray().Count);
        Assert.Equal("v", input["tags"]!["k"]!.GetValue<string>());
        Assert.False(input.ContainsKey("unknownField"));
        Assert.True(Guid.TryParse(input["clientRequestToken"]!.GetValue<string>(), out _)); // idempotency token filled in
    }

    [Fact]
    public void Malformed_json_and_wrong_types_are_bad_requests()
    {
        Assert.True(Router.TryMatch("POST", "/clusters/demo/access-entries", out var create, out var labels));
        var malformed = Assert.Throws<AwsServiceException>(() => RestJsonProtocol.ReadInput(create!.Input, Request("POST", "", body: "{\"principalArn\":"), labels));
        Assert.Equal("BadRequestException", malformed.Code);
        var wrongType = Assert.Throws<AwsServiceException>(() => RestJsonProtocol.ReadInput(create!.Input, Request("POST", "", body: """{"kubernetesGroups":"admins"}"""), labels));
        Assert.Equal("BadRequestException", wrongType.Code);
        Assert.Contains("kubernetesGroups", wrongType.Message);

        Assert.True(Router.TryMatch("GET", "/clusters", out var list, out _));
        Assert.Throws<AwsServiceException>(() => RestJsonProtocol.ReadInput(list!.Input, Request("GET", "/clusters", "maxResults=lots"), null));
    }

    [Fact]
    public void Output_uses_epoch_seconds_and_skips_unknown_members()
    {
        var op = Eks.Operations["DescribeAccessEntry"];
        var response = RestJsonProtocol.Success(op, new JsonObject
        {
            ["accessEntry"] = new JsonObject
            {
                ["clusterName"] = "demo",
                ["principalArn"] = DecodedArn,
                ["kubernetesGroups"] = new JsonArray("viewers"),
                ["createdAt"] = JsonValue.Create(new DateTimeOffset(2023, 5, 30, 19, 32, 43, 532, TimeSpan.Zero)),
                ["secret"] = "not in the model",
            },
        });
        Assert.Equal(200, response.StatusCode);
        Assert.Equal("application/json", response.ContentType);
        using var doc = JsonDocument.Parse(response.Body);
        var entry = doc.RootElement.GetProperty("accessEntry");
        Assert.Equal(1685475163.532, entry.GetProperty("createdAt").GetDouble());
        Assert.Equal(DecodedArn, entry.GetProperty("principalArn").GetString());
        Assert.False(entry.TryGetProperty("secret", out _));
    }

    [Fact]
    public void Error_has_type_header_message_and_fields()
    {
        var error = new AwsServiceException("ResourceNotFoundException", "No cluster found for name: x.", 404,
            fields: new Dictionary<string, string> { ["clusterName"] = "x" });
        var response = RestJsonProtocol.Error(error, 404);
        Assert.Equal(404, response.StatusCode);
        Assert.Contains(new KeyValuePair<string, string>("x-amzn-ErrorType", "ResourceNotFoundException"), response.Headers!);
        Assert.Equal("""{"message":"No cluster found for name: x.","clusterName":"x"}""", response.BodyText);
    }
}
