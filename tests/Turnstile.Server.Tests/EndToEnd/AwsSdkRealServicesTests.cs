using System.Net;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Turnstile.Server.Tests.Eks;

namespace Turnstile.Server.Tests.EndToEnd;

/// <summary>The AWS SDK for .NET (its own SigV4 and query protocol code) against the real IAM and STS services.</summary>
public class AwsSdkRealServicesTests(RealServicesHost host) : IClassFixture<RealServicesHost>
{
    private static readonly string AdminArn = EksCliFixture.IamArn("user/admin");

    private AmazonSecurityTokenServiceClient Sts(AWSCredentials credentials) => new(credentials, new AmazonSecurityTokenServiceConfig
    {
        ServiceURL = host.Endpoint.ToString(),
        AuthenticationRegion = EksCliFixture.DefaultRegion,
        MaxErrorRetry = 0,
    });

    private static BasicAWSCredentials AdminKeys => new(RealServicesHost.Admin.AccessKeyId, RealServicesHost.Admin.SecretAccessKey);

    /// <summary>Creates a role the admin may assume (over the wire, IAM has no SDK package here) and returns its id.</summary>
    private async Task<string> CreateRoleTrustingAdmin(string name)
    {
        var trust = Uri.EscapeDataString(EksCliFixture.TrustPolicy(AdminArn));
        using var response = await host.QueryAsync("iam", $"Action=CreateRole&Version=2010-05-08&RoleName={name}&AssumeRolePolicyDocument={trust}");
        var xml = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, xml);
        return System.Xml.Linq.XDocument.Parse(xml).Descendants().Single(e => e.Name.LocalName == "RoleId").Value;
    }

    [Fact]
    public async Task Get_caller_identity_as_the_bootstrap_admin()
    {
        using var sts = Sts(AdminKeys);
        var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        Assert.Equal(AdminArn, identity.Arn);
        Assert.Equal(EksCliFixture.Account, identity.Account);
        Assert.Matches("^AIDA[A-Z2-7]{17}$", identity.UserId);
        Assert.Equal(HttpStatusCode.OK, identity.HttpStatusCode);
    }

    [Fact]
    public async Task Assume_role_then_act_as_the_session()
    {
        var roleId = await CreateRoleTrustingAdmin("sdk-reader");
        using var admin = Sts(AdminKeys);
        var before = DateTime.UtcNow;
        var assumed = await admin.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = EksCliFixture.IamArn("role/sdk-reader"),
            RoleSessionName = "sdk-session",
            DurationSeconds = 900,
        });
        var assumedArn = $"arn:aws:sts::{EksCliFixture.Account}:assumed-role/sdk-reader/sdk-session";
        Assert.Equal(assumedArn, assumed.AssumedRoleUser.Arn);
        Assert.Equal($"{roleId}:sdk-session", assumed.AssumedRoleUser.AssumedRoleId);
        Assert.Matches("^ASIA[A-Z2-7]{16}$", assumed.Credentials.AccessKeyId);
        Assert.InRange(assumed.Credentials.Expiration!.Value.ToUniversalTime(), before.AddSeconds(890), DateTime.UtcNow.AddSeconds(910));

        var session = assumed.Credentials;
        using var asRole = Sts(new SessionAWSCredentials(session.AccessKeyId, session.SecretAccessKey, session.SessionToken));
        var identity = await asRole.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        Assert.Equal(assumedArn, identity.Arn);
        Assert.Equal($"{roleId}:sdk-session", identity.UserId);

        // The session key without its token is not a credential.
        using var tokenless = Sts(new BasicAWSCredentials(session.AccessKeyId, session.SecretAccessKey));
        var refused = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => tokenless.GetCallerIdentityAsync(new GetCallerIdentityRequest()));
        Assert.Equal(("InvalidClientTokenId", HttpStatusCode.Forbidden, "The security token included in the request is invalid."),
            (refused.ErrorCode, refused.StatusCode, refused.Message));

        var missing = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => admin.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = EksCliFixture.IamArn("role/sdk-missing"),
            RoleSessionName = "nope",
        }));
        Assert.Equal(("AccessDenied", HttpStatusCode.Forbidden, ErrorType.Sender), (missing.ErrorCode, missing.StatusCode, missing.ErrorType));
        Assert.Equal($"User: {AdminArn} is not authorized to perform: sts:AssumeRole on resource: {EksCliFixture.IamArn("role/sdk-missing")}", missing.Message);
    }

    [Fact]
    public async Task Get_session_token_acts_as_the_user()
    {
        using var admin = Sts(AdminKeys);
        var token = await admin.GetSessionTokenAsync(new GetSessionTokenRequest { DurationSeconds = 900 });
        Assert.Matches("^ASIA[A-Z2-7]{16}$", token.Credentials.AccessKeyId);
        Assert.False(string.IsNullOrEmpty(token.Credentials.SessionToken));

        var session = token.Credentials;
        using var asSession = Sts(new SessionAWSCredentials(session.AccessKeyId, session.SecretAccessKey, session.SessionToken));
        var identity = await asSession.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        Assert.Equal(AdminArn, identity.Arn);

        var again = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => asSession.GetSessionTokenAsync(new GetSessionTokenRequest()));
        Assert.Equal(("AccessDenied", HttpStatusCode.Forbidden, "Cannot call GetSessionToken with session credentials"),
            (again.ErrorCode, again.StatusCode, again.Message));
    }
}
