using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Turnstile.Server.Tests.Fakes;

namespace Turnstile.Server.Tests.EndToEnd;

/// <summary>The AWS SDK for .NET against the host: a second, independent client implementation of SigV4 and the query protocol.</summary>
public class AwsSdkTests : IAsyncLifetime
{
    private TestEmulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await TestEmulator.StartAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    private AmazonSecurityTokenServiceClient Client(AWSCredentials credentials) => new(credentials, new AmazonSecurityTokenServiceConfig
    {
        ServiceURL = _emulator.Endpoint.ToString(),
        AuthenticationRegion = TestKeys.Region,
        MaxErrorRetry = 0,
    });

    [Fact]
    public async Task Get_caller_identity()
    {
        using var client = Client(new BasicAWSCredentials(TestKeys.AdminKey, TestKeys.AdminSecret));
        var response = await client.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        Assert.Equal(TestKeys.AdminArn, response.Arn);
        Assert.Equal(TestKeys.AdminUserId, response.UserId);
        Assert.Equal(TestKeys.Account, response.Account);
        Assert.True(Guid.TryParse(response.ResponseMetadata.RequestId, out _));
    }

    [Fact]
    public async Task Session_credentials()
    {
        using var client = Client(new SessionAWSCredentials(TestKeys.SessionKey, TestKeys.SessionSecret, TestKeys.SessionToken));
        var response = await client.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        Assert.Equal(TestKeys.SessionArn, response.Arn);
    }

    [Fact]
    public async Task Errors_map_to_sdk_exceptions()
    {
        using var client = Client(new BasicAWSCredentials("AKIAUNKNOWNKEY000000", "secret"));
        var error = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => client.GetCallerIdentityAsync(new GetCallerIdentityRequest()));
        Assert.Equal("InvalidClientTokenId", error.ErrorCode);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Equal("The security token included in the request is invalid.", error.Message);
        Assert.Equal(ErrorType.Sender, error.ErrorType);
    }
}
