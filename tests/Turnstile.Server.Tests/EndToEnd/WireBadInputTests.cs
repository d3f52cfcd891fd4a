using System.Net;
using System.Text.Json;
using Turnstile.Server.Tests.Eks;

namespace Turnstile.Server.Tests.EndToEnd;

/// <summary>
/// Bad input straight over HTTP to the real services: every malformed request gets AWS's error envelope with a 4xx
/// status, code and message (never a 500), and a refused call writes nothing.
/// </summary>
public class WireBadInputTests(RealServicesHost host) : IClassFixture<RealServicesHost>
{
    private const string Iam = "Version=2010-05-08";

    private static string Form(string value) => Uri.EscapeDataString(value);

    private async Task<WireError> IamFails(string form)
    {
        using var response = await host.QueryAsync("iam", form);
        return await RealServicesHost.QueryError(response);
    }

    private async Task<WireError> EksFails(string method, string path, string? json = null)
    {
        using var response = await host.EksAsync(method, path, json);
        return await RealServicesHost.RestJsonError(response);
    }

    private async Task<JsonElement> EksOk(string method, string path, string? json = null)
    {
        using var response = await host.EksAsync(method, path, json);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private async Task<string> IamOk(string form)
    {
        using var response = await host.QueryAsync("iam", form);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{form}: {(int)response.StatusCode} {text}");
        return text;
    }

    /// <summary>The policy ARNs in a ListAttached*Policies answer.</summary>
    private static string[] Attached(string xml) =>
        System.Xml.Linq.XDocument.Parse(xml).Descendants().Where(e => e.Name.LocalName == "PolicyArn").Select(e => e.Value).ToArray();

    [Fact]
    public async Task Query_protocol_rejects_malformed_requests()
    {
        Assert.Equal(new WireError(HttpStatusCode.BadRequest, "MalformedQueryString", "The request parameters are not valid form encoding or UTF-8.", "Sender"),
            await IamFails($"Action=CreateUser&{Iam}&UserName=%ZZbad"));
        Assert.Equal(new WireError(HttpStatusCode.BadRequest, "InvalidAction", "Could not find operation FlyToTheMoon for version 2010-05-08", "Sender"),
            await IamFails($"Action=FlyToTheMoon&{Iam}"));
        Assert.Equal(new WireError(HttpStatusCode.BadRequest, "MissingAction", "The request is missing an action or a required parameter.", "Sender"),
            await IamFails($"{Iam}&UserName=nobody"));
        Assert.Equal(new WireError(HttpStatusCode.BadRequest, "InvalidParameterValue", "Value 'abc' for parameter MaxItems is invalid: expected an integer.", "Sender"),
            await IamFails($"Action=ListUsers&{Iam}&MaxItems=abc"));
        Assert.Equal(new WireError(HttpStatusCode.BadRequest, "ValidationError", @"1 validation error detected: Value 'bad name!' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+", "Sender"),
            await IamFails($"Action=CreateUser&{Iam}&UserName={Form("bad name!")}"));

        var oversized = $"Action=CreateUser&{Iam}&UserName=big&Path={new string('a', EmulatorHostOptions.DefaultMaxRequestBodyBytes)}";
        Assert.Equal(new WireError(HttpStatusCode.RequestEntityTooLarge, "RequestEntityTooLarge",
                $"Request body exceeds the maximum allowed size of {EmulatorHostOptions.DefaultMaxRequestBodyBytes} bytes.", "Sender"),
            await IamFails(oversized));

        // None of them made a user.
        var users = await IamOk($"Action=ListUsers&{Iam}");
        Assert.Contains("<UserName>admin</UserName>", users);
        Assert.DoesNotContain("nobody", users);
        Assert.DoesNotContain("<UserName>big</UserName>", users);
    }

    [Fact]
    public async Task Iam_rejects_invalid_arns_and_malformed_policies_without_writing()
    {
        var attachedBefore = await IamOk($"Action=ListAttachedUserPolicies&{Iam}&UserName=admin");
        Assert.Equal(new WireError(HttpStatusCode.BadRequest, "ValidationError",
                "1 validation error detected: Value 'not-an-arn' at 'policyArn' failed to satisfy constraint: Member must have length greater than or equal to 20", "Sender"),
            await IamFails($"Action=AttachUserPolicy&{Iam}&UserName=admin&PolicyArn=not-an-arn"));
        Assert.Equal(new WireError(HttpStatusCode.BadRequest, "InvalidInput", "ARN this-is-not-an-arn-at-all is not valid.", "Sender"),
            await IamFails($"Action=AttachUserPolicy&{Iam}&UserName=admin&PolicyArn=this-is-not-an-arn-at-all"));
        Assert.Equal(new WireError(HttpStatusCode.BadRequest, "InvalidInput", "ARN arn:aws:iam::111122223333:user/admin is not valid.", "Sender"),
            await IamFails($"Action=AttachUserPolicy&{Iam}&UserName=admin&PolicyArn={Form("arn:aws:iam::111122223333:user/admin")}"));

        var syntax = new WireError(HttpStatusCode.BadRequest, "MalformedPolicyDocument", "Syntax errors in policy.", "Sender");
        Assert.Equal(syntax,
            await IamFails($"Action=CreatePolicy&{Iam}&PolicyName=broken&PolicyDocument={Form("""{"Version":"2012-10-17","Statement":[""")}"));
        Assert.Equal(syntax,
            await IamFails($"Action=CreatePolicy&{Iam}&PolicyName=broken&PolicyDocument={Form("""{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"s3:*","Resource":"*"}]}""")}"));
        Assert.Equal(new WireError(HttpStatusCode.BadRequest, "MalformedPolicyDocument", "Resource not-an-arn must be in ARN format or \"*\".", "Sender"),
            await IamFails($"Action=CreatePolicy&{Iam}&PolicyName=broken&PolicyDocument={Form("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"not-an-arn"}]}""")}"));
        Assert.Equal(syntax,
            await IamFails($"Action=CreateRole&{Iam}&RoleName=broken&AssumeRolePolicyDocument={Form("""{"Version":"2012-10-17","Statement":"sts:AssumeRole"}""")}"));
        Assert.Equal(syntax,
            await IamFails($"Action=PutUserPolicy&{Iam}&UserName=admin&PolicyName=inline&PolicyDocument={Form("not json")}"));
        // Found by the fuzzer: a lone surrogate escape passed the JSON parse and threw when read (500 ServiceFailure).
        Assert.Equal(syntax,
            await IamFails($"Action=CreatePolicy&{Iam}&PolicyName=broken&PolicyDocument={Form("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"\udfff\ud800","Resource":"*"}]}""")}"));
        Assert.Equal(new WireError(HttpStatusCode.BadRequest, "MalformedPolicyDocument", "This policy contains invalid Json", "Sender"),
            await IamFails($"Action=CreateRole&{Iam}&RoleName=broken&AssumeRolePolicyDocument={Form("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"\ud800"},"Action":"sts:AssumeRole"}]}""")}"));

        Assert.DoesNotContain("broken", await IamOk($"Action=ListPolicies&{Iam}&Scope=Local"));
        Assert.Equal("NoSuchEntity", (await IamFails($"Action=GetRole&{Iam}&RoleName=broken")).Code);
        Assert.DoesNotContain("inline", await IamOk($"Action=ListUserPolicies&{Iam}&UserName=admin"));
        Assert.Equal(Attached(attachedBefore), Attached(await IamOk($"Action=ListAttachedUserPolicies&{Iam}&UserName=admin")));
    }

    [Fact]
    public async Task Rest_json_rejects_malformed_bodies_and_wrong_types_without_writing()
    {
        const string vpc = """ "resourcesVpcConfig":{"subnetIds":["subnet-1","subnet-2"]} """;
        const string role = """ "roleArn":"arn:aws:iam::111122223333:role/eks" """;

        var malformed = await EksFails("POST", "/clusters", """{"name":"broken",""");
        Assert.Equal((HttpStatusCode.BadRequest, "BadRequestException"), (malformed.Status, malformed.Code));
        Assert.StartsWith("Could not parse request body into json: ", malformed.Message);
        Assert.Equal(new WireError(HttpStatusCode.BadRequest, "BadRequestException", "Request body must be a JSON object."),
            await EksFails("POST", "/clusters", """["broken"]"""));
        Assert.Equal(new WireError(HttpStatusCode.BadRequest, "BadRequestException", "Invalid value for parameter name: expected a string."),
            await EksFails("POST", "/clusters", $$"""{"name":5,{{role}},{{vpc}}}"""));
        Assert.Equal(new WireError(HttpStatusCode.BadRequest, "BadRequestException", "Invalid value for parameter subnetIds: expected a JSON array."),
            await EksFails("POST", "/clusters", $$$"""{"name":"broken",{{{role}}},"resourcesVpcConfig":{"subnetIds":"subnet-1"}}"""));
        Assert.Equal(new WireError(HttpStatusCode.BadRequest, "BadRequestException", "Invalid value for parameter bootstrapClusterCreatorAdminPermissions: expected a boolean."),
            await EksFails("POST", "/clusters", $$$"""{"name":"broken",{{{role}}},{{{vpc}}},"accessConfig":{"bootstrapClusterCreatorAdminPermissions":"yes"}}"""));
        Assert.Equal(new WireError(HttpStatusCode.BadRequest, "InvalidParameterException",
                @"1 validation error detected: Value 'bad name' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[0-9A-Za-z][A-Za-z0-9\-_]*"),
            await EksFails("POST", "/clusters", $$"""{"name":"bad name",{{role}},{{vpc}}}"""));
        Assert.Equal(new WireError(HttpStatusCode.BadRequest, "InvalidParameterException",
                "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null"),
            await EksFails("POST", "/clusters", $$"""{"name":"broken",{{vpc}}}"""));
        Assert.Equal(new WireError(HttpStatusCode.BadRequest, "InvalidParameterException", "roleArn arn:aws:iam::111122223333:user/eks is not a valid IAM role ARN."),
            await EksFails("POST", "/clusters", $$"""{"name":"broken","roleArn":"arn:aws:iam::111122223333:user/eks",{{vpc}}}"""));
        Assert.Equal(new WireError(HttpStatusCode.BadRequest, "InvalidParameterException", "roleArn not-an-arn is not a valid IAM role ARN."),
            await EksFails("POST", "/clusters", $$"""{"name":"broken","roleArn":"not-an-arn",{{vpc}}}"""));

        var oversized = $$$"""{"name":"broken",{{{role}}},{{{vpc}}},"tags":{"big":"{{{new string('a', EmulatorHostOptions.DefaultMaxRequestBodyBytes)}}}"}}""";
        Assert.Equal(new WireError(HttpStatusCode.RequestEntityTooLarge, "RequestEntityTooLargeException",
                $"Request body exceeds the maximum allowed size of {EmulatorHostOptions.DefaultMaxRequestBodyBytes} bytes."),
            await EksFails("POST", "/clusters", oversized));
        Assert.Equal(new WireError(HttpStatusCode.NotFound, "UnknownOperationException", "No operation matches GET /no/such/route"),
            await EksFails("GET", "/no/such/route"));

        Assert.DoesNotContain("broken", (await EksOk("GET", "/clusters")).GetProperty("clusters").EnumerateArray().Select(c => c.GetString()));
    }

    /// <summary>Issue 6: bodies System.Text.Json parses lazily used to surface as 500 ServerException.</summary>
    [Theory]
    [InlineData("duplicate key", """{"principalArn":"arn:aws:iam::111122223333:user/a","principalArn":"arn:aws:iam::111122223333:user/b"}""")]
    [InlineData("duplicate key in a map", """{"principalArn":"arn:aws:iam::111122223333:user/a","tags":{"k":"1","k":"2"}}""")]
    [InlineData("lone high surrogate", """{"principalArn":"\ud800"}""")]
    [InlineData("lone low surrogate in a key", """{"\udc00":"x","principalArn":"arn:aws:iam::111122223333:user/a"}""")]
    [InlineData("lone surrogate in an unread member", """{"principalArn":"arn:aws:iam::111122223333:user/a","other":"\ud800"}""")]
    public async Task Rest_json_rejects_bodies_that_are_not_strict_json(string what, string body)
    {
        await EnsureApiCluster("strict");
        var error = await EksFails("POST", "/clusters/strict/access-entries", body);
        Assert.True((error.Status, error.Code) == (HttpStatusCode.BadRequest, "BadRequestException"), $"{what}: {error}");
        Assert.StartsWith("Could not parse request body into json: ", error.Message);
        Assert.Equal("[]", await UserEntries("strict"));
    }

    [Theory]
    [InlineData(new byte[] { 0xff, 0xfe })]
    [InlineData(new byte[] { 0xc3 })]
    [InlineData(new byte[] { 0xed, 0xa0, 0x80 })]
    public async Task Rest_json_rejects_invalid_utf8_in_strings(byte[] bad)
    {
        await EnsureApiCluster("utf8");
        var body = """{"principalArn":"arn:aws:iam::111122223333:user/"""u8.ToArray().Concat(bad).Concat("\"}"u8.ToArray()).ToArray();
        using var response = await host.SendAsync("POST", "/clusters/utf8/access-entries", body, "eks", "application/json");
        var error = await RealServicesHost.RestJsonError(response);
        Assert.Equal((HttpStatusCode.BadRequest, "BadRequestException"), (error.Status, error.Code));
        Assert.Equal("[]", await UserEntries("utf8"));
    }

    [Fact]
    public async Task Rest_json_rejects_deep_nesting()
    {
        var deep = string.Concat(Enumerable.Repeat("""{"a":""", 30_000)) + "1" + new string('}', 30_000);
        var error = await EksFails("POST", "/clusters", deep);
        Assert.Equal((HttpStatusCode.BadRequest, "BadRequestException"), (error.Status, error.Code));
        Assert.Contains("depth", error.Message);
    }

    [Fact]
    public async Task Requests_with_two_authorization_headers_are_refused()
    {
        var extra = new[] { new KeyValuePair<string, string>("Authorization",
            "AWS4-HMAC-SHA256 Credential=AKIAOTHER/20260101/ap-northeast-2/eks/aws4_request, SignedHeaders=host, Signature=00") };
        const string message = "The request has more than one Authorization header; send exactly one.";
        using (var response = await host.SendAsync("GET", "/clusters", (byte[]?)null, "eks", null, extraHeaders: extra))
            Assert.Equal(new WireError(HttpStatusCode.BadRequest, "IncompleteSignatureException", message), await RealServicesHost.RestJsonError(response));
        using (var response = await host.SendAsync("POST", "/", "Action=ListUsers&" + Iam, "iam", RealServicesHost.FormContentType, extraHeaders: extra))
            Assert.Equal(new WireError(HttpStatusCode.BadRequest, "IncompleteSignature", message, "Sender"), await RealServicesHost.QueryError(response));

        // HttpClient joins repeated headers into one line; a raw request sends them as two lines.
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(host.Endpoint.Host, host.Endpoint.Port);
        var stream = tcp.GetStream();
        var raw = $"GET /clusters HTTP/1.1\r\nHost: {host.Endpoint.Authority}\r\nAuthorization: {extra[0].Value}\r\nAuthorization: {extra[0].Value}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(raw));
        var answer = await new StreamReader(stream).ReadToEndAsync();
        Assert.StartsWith("HTTP/1.1 400", answer);
        Assert.Contains("x-amzn-ErrorType: IncompleteSignatureException", answer);
    }

    [Theory]
    [InlineData("arn:aws:iam::1234:user/x")]
    [InlineData("arn:aws:iam::*:user/x")]
    [InlineData("arn:aws:iam::11112222333a:role/x")]
    [InlineData("arn:aws:iam::111122223333:user/")]
    [InlineData("arn:aws:iam::111122223333:role/dev*")]
    [InlineData("arn:aws:iam::111122223333:user/a b")]
    [InlineData("arn:aws:iam:us-east-1:111122223333:user/x")]
    [InlineData("arn:nope:iam::111122223333:user/x")]
    [InlineData("arn:aws:iam::111122223333:group/devs")]
    [InlineData("arn:aws:iam::111122223333:policy/p")]
    public async Task Access_entries_refuse_principal_arns_that_cannot_name_a_principal(string arn)
    {
        await EnsureApiCluster("arns");
        Assert.Equal(new WireError(HttpStatusCode.BadRequest, "InvalidParameterException", "The principalArn parameter format is not valid"),
            await EksFails("POST", "/clusters/arns/access-entries", $$"""{"principalArn":"{{arn}}"}"""));
        Assert.Equal("[]", await UserEntries("arns"));
    }

    private async Task EnsureApiCluster(string name)
    {
        using var response = await host.EksAsync("POST", "/clusters",
            $$$"""{"name":"{{{name}}}","roleArn":"arn:aws:iam::111122223333:role/eks","resourcesVpcConfig":{"subnetIds":["subnet-1","subnet-2"]},"accessConfig":{"authenticationMode":"API","bootstrapClusterCreatorAdminPermissions":false}}""");
        Assert.True(response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.Conflict, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The cluster's access entries other than the ones EKS makes itself (its service-linked role's).</summary>
    private async Task<string> UserEntries(string cluster) =>
        "[" + string.Join(",", (await EksOk("GET", $"/clusters/{cluster}/access-entries")).GetProperty("accessEntries").EnumerateArray()
            .Select(e => e.GetString()!).Where(a => !a.Contains("aws-service-role", StringComparison.Ordinal))) + "]";

    [Fact]
    public async Task Rest_json_rejects_invalid_principal_arns_without_writing()
    {
        await EksOk("POST", "/clusters",
            """{"name":"wire","roleArn":"arn:aws:iam::111122223333:role/eks","resourcesVpcConfig":{"subnetIds":["subnet-1","subnet-2"]},"accessConfig":{"authenticationMode":"API"}}""");
        var before = (await EksOk("GET", "/clusters/wire/access-entries")).GetProperty("accessEntries").GetRawText();
        Assert.Equal(new WireError(HttpStatusCode.Conflict, "ResourceInUseException", "The specified access entry resource is already in use on this cluster."),
            await EksFails("POST", "/clusters/wire/access-entries", """{"principalArn":"arn:aws:iam::111122223333:user/admin"}"""));

        foreach (var arn in new[] { "not-an-arn", "arn:aws:sts::111122223333:assumed-role/eks/session", "arn:aws:iam::111122223333:root", "arn:aws:s3:::bucket" })
            Assert.Equal(new WireError(HttpStatusCode.BadRequest, "InvalidParameterException", "The principalArn parameter format is not valid"),
                await EksFails("POST", "/clusters/wire/access-entries", $$"""{"principalArn":"{{arn}}"}"""));
        Assert.Equal(new WireError(HttpStatusCode.BadRequest, "BadRequestException", "Invalid value for parameter principalArn: expected a string."),
            await EksFails("POST", "/clusters/wire/access-entries", """{"principalArn":["arn:aws:iam::111122223333:user/admin"]}"""));
        Assert.Equal(new WireError(HttpStatusCode.BadRequest, "BadRequestException", "Invalid value for parameter kubernetesGroups: expected a JSON array."),
            await EksFails("POST", "/clusters/wire/access-entries", """{"principalArn":"arn:aws:iam::111122223333:user/x","kubernetesGroups":"ops"}"""));
        Assert.Equal(new WireError(HttpStatusCode.BadRequest, "InvalidParameterException",
                "1 validation error detected: Value null at 'principalArn' failed to satisfy constraint: Member must not be null"),
            await EksFails("POST", "/clusters/wire/access-entries", "{}"));
        Assert.Equal(new WireError(HttpStatusCode.BadRequest, "BadRequestException", "Invalid value for parameter a: expected a string."),
            await EksFails("POST", $"/tags/{Uri.EscapeDataString("arn:aws:eks:ap-northeast-2:111122223333:cluster/wire")}", """{"tags":{"a":1}}"""));
        Assert.Equal(new WireError(HttpStatusCode.BadRequest, "BadRequestException", "Invalid resource ARN: arn:nope"),
            await EksFails("POST", $"/tags/{Uri.EscapeDataString("arn:nope")}", """{"tags":{"a":"b"}}"""));
        Assert.Equal(new WireError(HttpStatusCode.BadRequest, "BadRequestException", "Invalid percent-encoding in URI label principalArn."),
            await EksFails("GET", "/clusters/wire/access-entries/arn%ZZaws"));
        Assert.Equal(new WireError(HttpStatusCode.BadRequest, "BadRequestException", "Invalid value for parameter maxResults: 'lots' is not a valid integer."),
            await EksFails("GET", "/clusters/wire/access-entries?maxResults=lots"));
        Assert.Equal(new WireError(HttpStatusCode.BadRequest, "InvalidParameterException",
                "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1"),
            await EksFails("GET", "/clusters/wire/access-entries?maxResults=0"));

        Assert.Equal(before, (await EksOk("GET", "/clusters/wire/access-entries")).GetProperty("accessEntries").GetRawText());
        Assert.Equal("{}", (await EksOk("GET", $"/tags/{Uri.EscapeDataString("arn:aws:eks:ap-northeast-2:111122223333:cluster/wire")}")).GetProperty("tags").GetRawText());
    }
}
