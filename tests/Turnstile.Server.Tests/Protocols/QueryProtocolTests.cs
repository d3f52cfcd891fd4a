using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Turnstile.Aws;
using Turnstile.Server.Model;
using Turnstile.Server.Protocols;

namespace Turnstile.Server.Tests.Protocols;

public class QueryProtocolTests
{
    private static readonly ServiceModel Iam = ServiceModel.Load("iam");
    private static readonly ServiceModel Sts = ServiceModel.Load("sts");
    private static readonly XNamespace IamNs = "https://iam.amazonaws.com/doc/2010-05-08/";
    private static readonly XNamespace StsNs = "https://sts.amazonaws.com/doc/2011-06-15/";

    /// <summary>A tiny query model with the shapes IAM/STS inputs lack: maps, flattened lists, timestamps, booleans.</summary>
    private static readonly ServiceModel Custom = ServiceModel.Parse("custom", new MemoryStream(Encoding.UTF8.GetBytes("""
        {
          "metadata": { "apiVersion": "2020-01-01", "protocol": "query", "xmlNamespace": "urn:test", "signingName": "custom" },
          "operations": {
            "Put": { "name": "Put", "http": { "method": "POST", "requestUri": "/" },
                     "input": { "shape": "PutInput" }, "output": { "shape": "PutInput", "resultWrapper": "PutResult" } }
          },
          "shapes": {
            "PutInput": { "type": "structure", "members": {
              "Attributes": { "shape": "AttrMap" },
              "Flat": { "shape": "FlatList" },
              "Matrix": { "shape": "Matrix" },
              "When": { "shape": "Time" },
              "Enabled": { "shape": "Bool" },
              "Count": { "shape": "Long" },
              "Renamed": { "shape": "Str", "locationName": "WireName" } } },
            "AttrMap": { "type": "map", "key": { "shape": "Str" }, "value": { "shape": "Str" } },
            "FlatList": { "type": "list", "member": { "shape": "Str" }, "flattened": true },
            "Matrix": { "type": "list", "member": { "shape": "Row" } },
            "Row": { "type": "list", "member": { "shape": "Str" } },
            "Time": { "type": "timestamp" },
            "Bool": { "type": "boolean" },
            "Long": { "type": "long" },
            "Str": { "type": "string" }
          }
        }
        """)));

    private static Dictionary<string, string> Form(string form)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        Assert.True(WireValues.TryParseForm(Encoding.UTF8.GetBytes(form), pairs));
        return pairs.ToDictionary(p => p.Key, p => p.Value);
    }

    [Fact]
    public void Nested_list_of_structures_is_parsed_in_index_order()
    {
        var input = QueryProtocol.ReadInput(Iam.Operations["CreateUser"].Input, Form(
            "Action=CreateUser&Version=2010-05-08&UserName=alice&Path=%2Fteam%2F" +
            "&Tags.member.2.Key=b&Tags.member.2.Value=2&Tags.member.1.Key=a&Tags.member.1.Value=hello+world%21"));

        Assert.Equal("alice", input["UserName"]!.GetValue<string>());
        Assert.Equal("/team/", input["Path"]!.GetValue<string>());
        var tags = input["Tags"]!.AsArray();
        Assert.Equal(2, tags.Count);
        Assert.Equal("a", tags[0]!["Key"]!.GetValue<string>());
        Assert.Equal("hello world!", tags[0]!["Value"]!.GetValue<string>());
        Assert.Equal("b", tags[1]!["Key"]!.GetValue<string>());
        Assert.False(input.ContainsKey("Action"));
    }

    [Fact]
    public void Structures_lists_of_scalars_and_integers_are_typed()
    {
        var input = QueryProtocol.ReadInput(Sts.Operations["AssumeRole"].Input, Form(
            "RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fdemo&RoleSessionName=s&DurationSeconds=900" +
            "&PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess&TransitiveTagKeys.member.1=team"));

        Assert.Equal("arn:aws:iam::111122223333:role/demo", input["RoleArn"]!.GetValue<string>());
        Assert.Equal(900, input["DurationSeconds"]!.GetValue<int>());
        Assert.Equal("arn:aws:iam::aws:policy/ReadOnlyAccess", input["PolicyArns"]![0]!["arn"]!.GetValue<string>());
        Assert.Equal("team", input["TransitiveTagKeys"]![0]!.GetValue<string>());
    }

    [Fact]
    public void Maps_flattened_lists_nested_lists_and_scalars()
    {
        var input = QueryProtocol.ReadInput(Custom.Operations["Put"].Input, Form(
            "Attributes.entry.1.key=color&Attributes.entry.1.value=red&Attributes.entry.2.key=size&Attributes.entry.2.value=L" +
            "&Flat.1=x&Flat.2=y&Matrix.member.1.member.1=a&Matrix.member.1.member.2=b&Matrix.member.2.member.1=c" +
            "&When=2013-06-08T03%3A20%3A41Z&Enabled=TRUE&Count=9000000000&WireName=renamed"));

        Assert.Equal("red", input["Attributes"]!["color"]!.GetValue<string>());
        Assert.Equal("L", input["Attributes"]!["size"]!.GetValue<string>());
        Assert.Equal(["x", "y"], input["Flat"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("b", input["Matrix"]![0]![1]!.GetValue<string>());
        Assert.Equal("c", input["Matrix"]![1]![0]!.GetValue<string>());
        Assert.Equal(new DateTimeOffset(2013, 6, 8, 3, 20, 41, TimeSpan.Zero), input["When"]!.GetValue<DateTimeOffset>());
        Assert.True(input["Enabled"]!.GetValue<bool>());
        Assert.Equal(9000000000L, input["Count"]!.GetValue<long>());
        Assert.Equal("renamed", input["Renamed"]!.GetValue<string>());
    }

    [Fact]
    public void Empty_list_parameter_means_empty_list()
    {
        var input = QueryProtocol.ReadInput(Custom.Operations["Put"].Input, Form("Matrix="));
        Assert.Empty(input["Matrix"]!.AsArray());
    }

    [Fact]
    public void Badly_typed_parameter_is_an_aws_error()
    {
        var error = Assert.Throws<AwsServiceException>(() =>
            QueryProtocol.ReadInput(Iam.Operations["ListUsers"].Input, Form("MaxItems=many")));
        Assert.Equal("InvalidParameterValue", error.Code);
        Assert.Equal(400, error.StatusCode);
        Assert.Contains("MaxItems", error.Message);
    }

    [Fact]
    public void Form_decoding_rejects_bad_escapes_and_invalid_utf8()
    {
        var pairs = new List<KeyValuePair<string, string>>();
        Assert.False(WireValues.TryParseForm("a=%zz"u8, pairs));
        Assert.False(WireValues.TryParseForm("a=%C3%28"u8, pairs));
        Assert.True(WireValues.TryParseForm("n=J%C3%BCrgen&empty=&flag"u8, pairs));
        Assert.Equal([new("n", "Jürgen"), new("empty", ""), new("flag", "")], pairs);
    }

    [Fact]
    public void Caller_identity_xml_has_the_aws_envelope()
    {
        var op = Sts.Operations["GetCallerIdentity"];
        var response = QueryProtocol.Success(Sts, op, new JsonObject
        {
            ["Arn"] = "arn:aws:iam::111122223333:user/alice",
            ["UserId"] = "AIDAEXAMPLE",
            ["Account"] = "111122223333",
        }, "req-1", json: false);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("text/xml", response.ContentType);
        Assert.Equal(
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult>" +
            "<Arn>arn:aws:iam::111122223333:user/alice</Arn><UserId>AIDAEXAMPLE</UserId><Account>111122223333</Account>" +
            "</GetCallerIdentityResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>",
            response.BodyText);
    }

    [Fact]
    public void Caller_identity_json_form_is_what_aws_iam_authenticator_parses()
    {
        var op = Sts.Operations["GetCallerIdentity"];
        var response = QueryProtocol.Success(Sts, op, new JsonObject { ["Arn"] = "a", ["UserId"] = "u", ["Account"] = "1" }, "req-2", json: true);
        Assert.Equal("application/json", response.ContentType);
        Assert.Equal(
            """{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Arn":"a","UserId":"u","Account":"1"},"ResponseMetadata":{"RequestId":"req-2"}}}""",
            response.BodyText);
    }

    [Fact]
    public void Lists_wrap_members_timestamps_are_iso_and_booleans_lowercase()
    {
        var op = Iam.Operations["ListUsers"];
        var response = QueryProtocol.Success(Iam, op, new JsonObject
        {
            ["Users"] = new JsonArray(
                new JsonObject { ["UserName"] = "a", ["CreateDate"] = JsonValue.Create(new DateTimeOffset(2013, 6, 8, 3, 20, 41, TimeSpan.Zero)) },
                new JsonObject { ["UserName"] = "b", ["CreateDate"] = JsonValue.Create(new DateTimeOffset(2013, 6, 8, 3, 20, 41, 270, TimeSpan.Zero)), ["Unknown"] = "dropped" }),
            ["IsTruncated"] = true,
            ["Marker"] = "m&<>",
        }, "req-3", json: false);

        var xml = XDocument.Parse(response.BodyText).Root!;
        Assert.Equal(IamNs + "ListUsersResponse", xml.Name);
        var result = xml.Element(IamNs + "ListUsersResult")!;
        var members = result.Element(IamNs + "Users")!.Elements(IamNs + "member").ToList();
        Assert.Equal(2, members.Count);
        Assert.Equal("2013-06-08T03:20:41Z", members[0].Element(IamNs + "CreateDate")!.Value);
        Assert.Equal("2013-06-08T03:20:41.270Z", members[1].Element(IamNs + "CreateDate")!.Value);
        Assert.Null(members[1].Element(IamNs + "Unknown"));
        Assert.Equal("true", result.Element(IamNs + "IsTruncated")!.Value);
        Assert.Equal("m&<>", result.Element(IamNs + "Marker")!.Value);
        Assert.Equal("req-3", xml.Element(IamNs + "ResponseMetadata")!.Element(IamNs + "RequestId")!.Value);
    }

    [Fact]
    public void Empty_list_is_an_empty_element()
    {
        var response = QueryProtocol.Success(Iam, Iam.Operations["ListUsers"], new JsonObject { ["Users"] = new JsonArray(), ["IsTruncated"] = false }, "r", json: false);
        Assert.Contains("<Users /><IsTruncated>false</IsTruncated>", response.BodyText);
    }

    [Fact]
    public void Policy_documents_are_percent_encoded_in_xml()
    {
        const string document = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"eks.amazonaws.com"}}]}""";
        var response = QueryProtocol.Success(Iam, Iam.Operations["GetRole"], new JsonObject
        {
            ["Role"] = new JsonObject { ["RoleName"] = "r", ["AssumeRolePolicyDocument"] = document },
        }, "r", json: false);
        var encoded = XDocument.Parse(response.BodyText).Descendants(IamNs + "AssumeRolePolicyDocument").Single().Value;
        Assert.StartsWith("%7B%22Version%22%3A%222012-10-17%22", encoded);
        Assert.Equal(document, Uri.UnescapeDataString(encoded));
    }

    [Fact]
    public void Operation_without_output_has_only_response_metadata()
    {
        var response = QueryProtocol.Success(Iam, Iam.Operations["TagUser"], new JsonObject(), "req-4", json: false);
        Assert.Equal(
            "<TagUserResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><ResponseMetadata><RequestId>req-4</RequestId></ResponseMetadata></TagUserResponse>",
            response.BodyText);
    }

    [Fact]
    public void Maps_and_flattened_lists_serialize_like_aws()
    {
        var response = QueryProtocol.Success(Custom, Custom.Operations["Put"], new JsonObject
        {
            ["Attributes"] = new JsonObject { ["color"] = "red" },
            ["Flat"] = new JsonArray("x", "y"),
            ["Renamed"] = "r",
        }, "r", json: false);
        Assert.Contains("<Attributes><entry><key>color</key><value>red</value></entry></Attributes><Flat>x</Flat><Flat>y</Flat><WireName>r</WireName>", response.BodyText);
    }

    [Fact]
    public void Error_envelope_xml_and_json()
    {
        var error = new AwsServiceException("InvalidClientTokenId", "The security token included in the request is invalid.", 403);
        var xml = QueryProtocol.Error(error, 403, senderFault: true, Sts.XmlNamespace, "req-5", json: false);
        Assert.Equal(403, xml.StatusCode);
        Assert.Equal(
            "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code>" +
            "<Message>The security token included in the request is invalid.</Message></Error><RequestId>req-5</RequestId></ErrorResponse>",
            xml.BodyText);

        var json = QueryProtocol.Error(new AwsServiceException("ServiceFailure", "x", 500, senderFault: false), 500, false, Sts.XmlNamespace, "req-6", json: true);
        using var doc = JsonDocument.Parse(json.Body);
        Assert.Equal("Receiver", doc.RootElement.GetProperty("Error").GetProperty("Type").GetString());
        Assert.Equal("ServiceFailure", doc.RootElement.GetProperty("Error").GetProperty("Code").GetString());
        Assert.Equal("req-6", doc.RootElement.GetProperty("RequestId").GetString());
    }

    [Fact]
    public void Control_characters_never_break_the_xml()
    {
        var error = new AwsServiceException("ValidationError", "Value 'a\u0001b' is bad");
        var xml = QueryProtocol.Error(error, 400, true, StsNs.NamespaceName, "r", json: false);
        Assert.Contains("a\uFFFDb", XDocument.Parse(xml.BodyText).Root!.Value);
    }
}
