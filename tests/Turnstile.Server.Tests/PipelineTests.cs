using System.Net;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Turnstile.Core.Aws.Sigv4;
using Turnstile.Server.Tests.Fakes;

namespace Turnstile.Server.Tests;

/// <summary>The whole request path over real HTTP: authentication, routing, validation, authorization, envelopes.</summary>
public class PipelineTests : IAsyncLifetime
{
    private static readonly XNamespace StsNs = "https://sts.amazonaws.com/doc/2011-06-15/";
    private static readonly XNamespace IamNs = "https://iam.amazonaws.com/doc/2010-05-08/";
    private const string GetCallerIdentity = "Action=GetCallerIdentity&Version=2011-06-15";

    private TestEmulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await TestEmulator.StartAsync(maxBodyBytes: 64 * 1024);

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    private static async Task<(string Code, string Message, string Type)> QueryError(HttpResponseMessage response)
    {
        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        var ns = xml.Name.Namespace;
        Assert.Equal("ErrorResponse", xml.Name.LocalName);
        var error = xml.Element(ns + "Error")!;
        Assert.False(string.IsNullOrEmpty(xml.Element(ns + "RequestId")?.Value));
        return (error.Element(ns + "Code")!.Value, error.Element(ns + "Message")!.Value, error.Element(ns + "Type")!.Value);
    }

    private static async Task<(string Type, string Message)> RestError(HttpResponseMessage response)
    {
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.Headers.GetValues("x-amzn-ErrorType").Single(), doc.RootElement.GetProperty("message").GetString()!);
    }

    private static string RequestId(HttpResponseMessage response) => response.Headers.GetValues("x-amzn-RequestId").Single();

    [Fact]
    public async Task Signed_GetCallerIdentity_returns_the_caller()
    {
        using var response = await _emulator.QueryAsync(GetCallerIdentity);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/xml", response.Content.Headers.ContentType!.MediaType);
        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        var result = xml.Element(StsNs + "GetCallerIdentityResult")!;
        Assert.Equal(TestKeys.AdminArn, result.Element(StsNs + "Arn")!.Value);
        Assert.Equal(TestKeys.Account, result.Element(StsNs + "Account")!.Value);
        var requestId = RequestId(response);
        Assert.True(Guid.TryParse(requestId, out _));
        Assert.Equal(requestId, xml.Element(StsNs + "ResponseMetadata")!.Element(StsNs + "RequestId")!.Value);

        var call = _emulator.Sts.Calls.Single();
        Assert.Equal(TestKeys.Region, call.Context.Region);
        Assert.Equal(requestId, call.Context.RequestId);
        Assert.Equal("127.0.0.1", call.Context.SourceIp);
    }

    [Fact]
    public async Task Session_credentials_need_their_token()
    {
        using var ok = await _emulator.QueryAsync(GetCallerIdentity, keyId: TestKeys.SessionKey, secret: TestKeys.SessionSecret, token: TestKeys.SessionToken);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Contains(TestKeys.SessionArn, await ok.Content.ReadAsStringAsync());

        using var missing = await _emulator.QueryAsync(GetCallerIdentity, keyId: TestKeys.SessionKey, secret: TestKeys.SessionSecret);
        Assert.Equal(HttpStatusCode.Forbidden, missing.StatusCode);
        Assert.Equal("InvalidClientTokenId", (await QueryError(missing)).Code);

        using var wrong = await _emulator.QueryAsync(GetCallerIdentity, keyId: TestKeys.SessionKey, secret: TestKeys.SessionSecret, token: "other");
        Assert.Equal("InvalidClientTokenId", (await QueryError(wrong)).Code);

        using var tokenOnLongTermKey = await _emulator.QueryAsync(GetCallerIdentity, token: "unexpected");
        Assert.Equal("InvalidClientTokenId", (await QueryError(tokenOnLongTermKey)).Code);
    }

    [Theory]
    [InlineData("AKIAUNKNOWNKEY000000", "InvalidClientTokenId", "The security token included in the request is invalid.")]
    [InlineData(TestKeys.InactiveKey, "InvalidClientTokenId", "The security token included in the request is invalid.")]
    public async Task Unknown_or_inactive_keys_are_refused(string keyId, string code, string message)
    {
        using var response = await _emulator.QueryAsync(GetCallerIdentity, keyId: keyId);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var error = await QueryError(response);
        Assert.Equal((code, message, "Sender"), error);
    }

    [Fact]
    public async Task Expired_session_is_refused()
    {
        using var response = await _emulator.QueryAsync(GetCallerIdentity, keyId: TestKeys.ExpiredKey, secret: TestKeys.SessionSecret, token: TestKeys.ExpiredToken);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(("ExpiredToken", "The security token included in the request is expired", "Sender"), await QueryError(response));
    }

    [Fact]
    public async Task Wrong_secret_is_a_signature_mismatch()
    {
        using var response = await _emulator.QueryAsync(GetCallerIdentity, secret: "wrong");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var error = await QueryError(response);
        Assert.Equal("SignatureDoesNotMatch", error.Code);
        Assert.StartsWith("The request signature we calculated does not match", error.Message);
    }

    [Fact]
    public async Task Old_signature_is_expired()
    {
        using var response = await _emulator.QueryAsync(GetCallerIdentity, time: DateTimeOffset.UtcNow.AddMinutes(-20));
        var error = await QueryError(response);
        Assert.Equal("SignatureDoesNotMatch", error.Code);
        Assert.StartsWith("Signature expired:", error.Message);
    }

    [Fact]
    public async Task Unsigned_requests_get_the_protocols_missing_token_error()
    {
        using var query = await _emulator.SendRawAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(_emulator.Endpoint, "/"))
        {
            Content = new StringContent(GetCallerIdentity, Encoding.UTF8, "application/x-www-form-urlencoded"),
        });
        Assert.Equal(HttpStatusCode.Forbidden, query.StatusCode);
        Assert.Equal("MissingAuthenticationToken", (await QueryError(query)).Code);

        using var rest = await _emulator.SendRawAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(_emulator.Endpoint, "/clusters/demo")));
        Assert.Equal(HttpStatusCode.Forbidden, rest.StatusCode);
        Assert.Equal(("MissingAuthenticationTokenException", "Missing Authentication Token"), await RestError(rest));
    }

    [Fact]
    public async Task Unsigned_operations_run_anonymously()
    {
        using var response = await _emulator.SendRawAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(_emulator.Endpoint, "/"))
        {
            Content = new StringContent("Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fweb" +
                "&RoleSessionName=s1&WebIdentityToken=eyJhbGciOi", Encoding.UTF8, "application/x-www-form-urlencoded"),
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("<AccessKeyId>ASIAEXAMPLEWEBIDENT1</AccessKeyId>", body);
        Assert.Contains("<Expiration>2024-05-06T08:08:09.123Z</Expiration>", body);
    }

    [Fact]
    public async Task Unknown_and_missing_actions()
    {
        using var unknown = await _emulator.QueryAsync("Action=DoMagic&Version=2011-06-15");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal(("InvalidAction", "Could not find operation DoMagic for version 2011-06-15", "Sender"), await QueryError(unknown));

        using var missing = await _emulator.QueryAsync("Version=2011-06-15");
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal("MissingAction", (await QueryError(missing)).Code);

        using var notImplemented = await _emulator.QueryAsync("Action=DecodeAuthorizationMessage&Version=2011-06-15&EncodedMessage=x");
        Assert.Equal("InvalidAction", (await QueryError(notImplemented)).Code);
    }

    [Fact]
    public async Task Validation_errors_use_the_model()
    {
        using var response = await _emulator.QueryAsync("Action=CreateUser&Version=2010-05-08&UserName=bad%20name", service: "iam");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        Assert.Equal(IamNs + "ErrorResponse", xml.Name);
        Assert.Equal("ValidationError", xml.Element(IamNs + "Error")!.Element(IamNs + "Code")!.Value);
        Assert.Equal(
            @"1 validation error detected: Value 'bad name' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+",
            xml.Element(IamNs + "Error")!.Element(IamNs + "Message")!.Value);
        Assert.Empty(_emulator.Iam.Calls);
    }

    [Fact]
    public async Task Query_input_reaches_the_service_typed()
    {
        using var response = await _emulator.QueryAsync(
            "Action=TagUser&Version=2010-05-08&UserName=alice&Tags.member.1.Key=team&Tags.member.1.Value=blue&Tags.member.2.Key=env&Tags.member.2.Value=dev",
            service: "iam");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("<TagUserResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><ResponseMetadata><RequestId>" + RequestId(response) +
                     "</RequestId></ResponseMetadata></TagUserResponse>", await response.Content.ReadAsStringAsync());
        var input = _emulator.Iam.Calls.Single().Input;
        Assert.Equal("env", input["Tags"]![1]!["Key"]!.GetValue<string>());
    }

    [Fact]
    public async Task Denied_calls_get_access_denied()
    {
        using var query = await _emulator.QueryAsync("Action=ListUsers&Version=2010-05-08", service: "iam", keyId: TestKeys.DeniedKey);
        Assert.Equal(HttpStatusCode.Forbidden, query.StatusCode);
        var error = await QueryError(query);
        Assert.Equal("AccessDenied", error.Code);
        Assert.Equal($"User: {TestKeys.DeniedArn} is not authorized to perform: iam:ListUsers on resource: * because no identity-based policy allows the iam:ListUsers action", error.Message);

        using var rest = await _emulator.SendSignedAsync("GET", "/clusters/demo", null, "eks", keyId: TestKeys.DeniedKey);
        Assert.Equal(HttpStatusCode.Forbidden, rest.StatusCode);
        var restError = await RestError(rest);
        Assert.Equal("AccessDeniedException", restError.Type);
        Assert.Contains("eks:DescribeCluster on resource: arn:aws:eks:eu-west-1:111122223333:cluster/demo", restError.Message);

        // GetCallerIdentity cannot be denied: its Authorize returns null and the authorizer is never asked.
        using var gci = await _emulator.QueryAsync(GetCallerIdentity, keyId: TestKeys.DeniedKey);
        Assert.Equal(HttpStatusCode.OK, gci.StatusCode);
    }

    [Fact]
    public async Task Accept_json_answers_json_for_success_and_errors()
    {
        var accept = new[] { new KeyValuePair<string, string>("Accept", "application/json") };
        using var ok = await _emulator.QueryAsync(GetCallerIdentity, extraHeaders: accept);
        using var doc = JsonDocument.Parse(await ok.Content.ReadAsStringAsync());
        var result = doc.RootElement.GetProperty("GetCallerIdentityResponse").GetProperty("GetCallerIdentityResult");
        Assert.Equal(TestKeys.AdminArn, result.GetProperty("Arn").GetString());
        Assert.Equal(RequestId(ok), doc.RootElement.GetProperty("GetCallerIdentityResponse").GetProperty("ResponseMetadata").GetProperty("RequestId").GetString());

        using var denied = await _emulator.QueryAsync(GetCallerIdentity, keyId: "AKIAUNKNOWNKEY000000", extraHeaders: accept);
        using var error = JsonDocument.Parse(await denied.Content.ReadAsStringAsync());
        Assert.Equal("InvalidClientTokenId", error.RootElement.GetProperty("Error").GetProperty("Code").GetString());
    }

    [Fact]
    public async Task Presigned_get_caller_identity_like_an_eks_token()
    {
        // What aws-iam-authenticator does with a token: GET the presigned URL with the signed x-k8s-aws-id header.
        var host = $"{_emulator.Endpoint.Host}:{_emulator.Endpoint.Port}";
        var request = new SigV4HttpRequest
        {
            Method = "GET",
            RawPath = "/",
            RawQuery = GetCallerIdentity,
            Headers = [new HttpHeader("Host", host), new HttpHeader("x-k8s-aws-id", "demo")],
        };
        // Signed 5 minutes ago for 60 seconds: STS still accepts it (15-minute window), as EKS tokens require.
        var presigned = SigV4Signer.Presign(request, new Core.Aws.Sigv4.AwsCredentials(TestKeys.SessionKey, TestKeys.SessionSecret, TestKeys.SessionToken),
            TestKeys.Region, "sts", DateTimeOffset.UtcNow.AddMinutes(-5), TimeSpan.FromSeconds(60));
        using var message = new HttpRequestMessage(HttpMethod.Get, new Uri(_emulator.Endpoint, "/?" + presigned.SignedRequest.RawQuery));
        message.Headers.Add("x-k8s-aws-id", "demo");
        message.Headers.Add("Accept", "application/json");
        using var response = await _emulator.SendRawAsync(message);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(TestKeys.SessionArn, doc.RootElement.GetProperty("GetCallerIdentityResponse").GetProperty("GetCallerIdentityResult").GetProperty("Arn").GetString());

        using var otherCluster = new HttpRequestMessage(HttpMethod.Get, new Uri(_emulator.Endpoint, "/?" + presigned.SignedRequest.RawQuery));
        otherCluster.Headers.Add("x-k8s-aws-id", "other");
        using var mismatch = await _emulator.SendRawAsync(otherCluster);
        Assert.Equal("SignatureDoesNotMatch", (await QueryError(mismatch)).Code);
    }

    [Fact]
    public async Task Rest_json_routes_encoded_labels_and_answers_json()
    {
        const string arn = "arn:aws:iam::111122223333:role/my role/Admin";
        var path = "/clusters/demo/access-entries/" + Uri.EscapeDataString(arn);
        using var response = await _emulator.SendSignedAsync("GET", path, null, "eks");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.True(Guid.TryParse(RequestId(response), out _));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(arn, doc.RootElement.GetProperty("accessEntry").GetProperty("principalArn").GetString());
        Assert.Equal(1714979289.123, doc.RootElement.GetProperty("accessEntry").GetProperty("createdAt").GetDouble());
        Assert.Equal(arn, _emulator.Eks.Calls.Single().Input["principalArn"]!.GetValue<string>());
    }

    [Fact]
    public async Task Rest_json_errors_carry_model_status_type_and_fields()
    {
        using var missing = await _emulator.SendSignedAsync("GET", "/clusters/missing", null, "eks");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("{\"message\":\"No cluster found for name: missing.\",\"clusterName\":\"missing\"}", await missing.Content.ReadAsStringAsync());
        Assert.Equal("ResourceNotFoundException", missing.Headers.GetValues("x-amzn-ErrorType").Single());

        using var invalid = await _emulator.SendSignedAsync("GET", "/clusters?maxResults=500", null, "eks");
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal(("InvalidParameterException",
            "1 validation error detected: Value '500' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100"),
            await RestError(invalid));

        using var badJson = await _emulator.SendSignedAsync("POST", "/clusters/demo/access-entries", "{not json", "eks", "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, badJson.StatusCode);
        Assert.Equal("BadRequestException", (await RestError(badJson)).Type);

        using var unknownRoute = await _emulator.SendSignedAsync("GET", "/nothing/here", null, "eks");
        Assert.Equal(HttpStatusCode.NotFound, unknownRoute.StatusCode);
        Assert.Equal("UnknownOperationException", (await RestError(unknownRoute)).Type);

        using var badKey = await _emulator.SendSignedAsync("GET", "/clusters/demo", null, "eks", keyId: "AKIAUNKNOWNKEY000000");
        Assert.Equal(HttpStatusCode.Forbidden, badKey.StatusCode);
        Assert.Equal(("UnrecognizedClientException", "The security token included in the request is invalid."), await RestError(badKey));

        using var badSignature = await _emulator.SendSignedAsync("GET", "/clusters/demo", null, "eks", secret: "wrong");
        Assert.Equal("InvalidSignatureException", (await RestError(badSignature)).Type);
    }

    [Fact]
    public async Task Malformed_and_oversized_bodies_are_aws_errors_not_500s()
    {
        using var badEscape = await _emulator.QueryAsync("Action=GetCallerIdentity&Version=2011-06-15&X=%zz");
        Assert.Equal(HttpStatusCode.BadRequest, badEscape.StatusCode);
        Assert.Equal("MalformedQueryString", (await QueryError(badEscape)).Code);

        using var badUtf8 = await _emulator.QueryAsync("Action=GetCallerIdentity&Version=2011-06-15&X=%C3%28");
        Assert.Equal("MalformedQueryString", (await QueryError(badUtf8)).Code);

        var big = GetCallerIdentity + "&Pad=" + new string('a', 70 * 1024);
        using var tooLarge = await _emulator.QueryAsync(big);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal("RequestEntityTooLarge", (await QueryError(tooLarge)).Code);

        using var tooLargeChunked = await _emulator.SendRawAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(_emulator.Endpoint, "/clusters/demo/access-entries"))
        {
            Content = new ChunkedContent(new byte[70 * 1024]),
        });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLargeChunked.StatusCode);
    }

    [Fact]
    public async Task Unhandled_exception_is_a_receiver_fault()
    {
        using var response = await _emulator.QueryAsync("Action=GetSessionToken&Version=2011-06-15");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(("ServiceFailure", "The request processing has failed because of an unknown error, exception or failure.", "Receiver"), await QueryError(response));
    }

    [Fact]
    public async Task Service_not_hosted_is_refused()
    {
        using var response = await _emulator.SendSignedAsync("GET", "/", null, "s3");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Many_concurrent_requests()
    {
        var tasks = Enumerable.Range(0, 200).Select(async _ =>
        {
            using var r = await _emulator.QueryAsync(GetCallerIdentity);
            return r.StatusCode;
        });
        var codes = await Task.WhenAll(tasks);
        Assert.All(codes, c => Assert.Equal(HttpStatusCode.OK, c));
    }

    /// <summary>Content without a length, so it goes out chunked.</summary>
    private sealed class ChunkedContent(byte[] data) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(data).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
