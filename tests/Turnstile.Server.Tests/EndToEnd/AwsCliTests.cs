using System.Net;
using System.Text;
using System.Text.Json;
using Turnstile.Server.Tests.Fakes;

namespace Turnstile.Server.Tests.EndToEnd;

/// <summary>The real aws CLI against the host with fake services: proves wire compatibility of the protocol layer.</summary>
public class AwsCliTests(AwsCliFixture aws) : IClassFixture<AwsCliFixture>
{
    [AwsCliFact]
    public async Task Sts_get_caller_identity()
    {
        var result = (await aws.RunAsync("sts", "get-caller-identity")).EnsureSuccess();
        var json = result.Json;
        Assert.Equal(TestKeys.AdminArn, json.GetProperty("Arn").GetString());
        Assert.Equal(TestKeys.AdminUserId, json.GetProperty("UserId").GetString());
        Assert.Equal(TestKeys.Account, json.GetProperty("Account").GetString());
    }

    [AwsCliFact]
    public async Task Sts_with_session_credentials_and_bad_keys()
    {
        var session = (await aws.RunAsync(["sts", "get-caller-identity"],
            new AwsCliCredentials(TestKeys.SessionKey, TestKeys.SessionSecret, TestKeys.SessionToken))).EnsureSuccess();
        Assert.Equal(TestKeys.SessionArn, session.Json.GetProperty("Arn").GetString());

        var unknown = await aws.RunAsync(["sts", "get-caller-identity"], new AwsCliCredentials("AKIAUNKNOWNKEY000000", "x"));
        Assert.NotEqual(0, unknown.ExitCode);
        AssertError(unknown, "An error occurred (InvalidClientTokenId) when calling the GetCallerIdentity operation: The security token included in the request is invalid.");
    }

    [AwsCliFact]
    public async Task Eks_describe_cluster()
    {
        var result = (await aws.RunAsync("eks", "describe-cluster", "--name", "demo")).EnsureSuccess();
        var cluster = result.Json.GetProperty("cluster");
        Assert.Equal("demo", cluster.GetProperty("name").GetString());
        Assert.Equal($"arn:aws:eks:{TestKeys.Region}:{TestKeys.Account}:cluster/demo", cluster.GetProperty("arn").GetString());
        Assert.Equal("ACTIVE", cluster.GetProperty("status").GetString());
        // CLI v1 prints rest-json timestamps as received (epoch seconds); v2 converts them to ISO-8601.
        var createdAt = cluster.GetProperty("createdAt");
        Assert.Equal(FakeServices.Created, createdAt.ValueKind == JsonValueKind.Number
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(createdAt.GetDouble() * 1000))
            : DateTimeOffset.Parse(createdAt.GetString()!));
        Assert.Equal("blue", cluster.GetProperty("tags").GetProperty("team").GetString());
    }

    [AwsCliFact]
    public async Task Eks_error_reaches_the_cli_with_code_and_message()
    {
        var result = await aws.RunAsync("eks", "describe-cluster", "--name", "missing");
        Assert.NotEqual(0, result.ExitCode);
        AssertError(result, "An error occurred (ResourceNotFoundException) when calling the DescribeCluster operation: No cluster found for name: missing.");
    }

    [AwsCliFact]
    public async Task Eks_principal_arn_with_slashes_and_spaces_round_trips()
    {
        const string arn = "arn:aws:iam::111122223333:role/my role/Admin";
        var result = (await aws.RunAsync("eks", "describe-access-entry", "--cluster-name", "demo", "--principal-arn", arn)).EnsureSuccess();
        var entry = result.Json.GetProperty("accessEntry");
        Assert.Equal(arn, entry.GetProperty("principalArn").GetString());
        Assert.Equal("demo", entry.GetProperty("clusterName").GetString());
    }

    [AwsCliFact]
    public async Task Iam_validation_error_and_policy_document_decoding()
    {
        var invalid = await aws.RunAsync("iam", "create-user", "--user-name", "bad name");
        Assert.NotEqual(0, invalid.ExitCode);
        AssertError(invalid, @"An error occurred (ValidationError) when calling the CreateUser operation: 1 validation error detected: Value 'bad name' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+");

        var created = (await aws.RunAsync("iam", "create-user", "--user-name", "alice", "--tags", "Key=team,Value=blue")).EnsureSuccess();
        Assert.Equal("blue", created.Json.GetProperty("User").GetProperty("Tags")[0].GetProperty("Value").GetString());

        // botocore url-decodes and parses policy documents: the CLI prints a JSON object, not a string.
        var role = (await aws.RunAsync("iam", "get-role", "--role-name", "eks-cluster")).EnsureSuccess();
        var document = role.Json.GetProperty("Role").GetProperty("AssumeRolePolicyDocument");
        Assert.Equal(JsonValueKind.Object, document.ValueKind);
        Assert.Equal("eks.amazonaws.com", document.GetProperty("Statement")[0].GetProperty("Principal").GetProperty("Service").GetString());

        var users = (await aws.RunAsync("iam", "list-users")).EnsureSuccess();
        Assert.Equal(2, users.Json.GetProperty("Users").GetArrayLength());
    }

    [AwsCliFact]
    public async Task Eks_get_token_is_a_presigned_caller_identity_the_emulator_accepts()
    {
        var token = (await aws.RunAsync("eks", "get-token", "--cluster-name", "demo")).EnsureSuccess()
            .Json.GetProperty("status").GetProperty("token").GetString()!;
        Assert.StartsWith("k8s-aws-v1.", token);
        var payload = token["k8s-aws-v1.".Length..].Replace('-', '+').Replace('_', '/');
        payload += new string('=', (4 - payload.Length % 4) % 4);
        var url = new Uri(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
        Assert.Equal(aws.Endpoint.Port, url.Port);

        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("x-k8s-aws-id", "demo");
        request.Headers.Add("Accept", "application/json");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(TestKeys.AdminArn, doc.RootElement.GetProperty("GetCallerIdentityResponse")
            .GetProperty("GetCallerIdentityResult").GetProperty("Arn").GetString());
    }

    /// <summary>The CLI's one-line error report for a failed call (exit code 254/255).</summary>
    private static void AssertError(AwsCliResult result, string expected)
    {
        Assert.NotEqual(0, result.ExitCode);
        Assert.True(result.Stderr.Contains(expected, StringComparison.Ordinal), $"expected stderr to contain:\n{expected}\n{result}");
    }
}
