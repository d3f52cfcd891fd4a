using Turnstile.Server.Tests.EndToEnd;
using Turnstile.Server.Tests.Iam;

namespace Turnstile.Server.Tests.Sts;

/// <summary>IAM and STS on a clock the test moves, so sessions can expire without waiting.</summary>
public sealed class ShiftedClockCliFixture : IamStsCliFixture
{
    public ShiftedClock ShiftedClock { get; } = new();

    protected override TimeProvider Clock => ShiftedClock;
}

/// <summary>
/// Expired sessions as the CLI reports them. Sessions last at least 900 s; the host's clock is moved instead of waiting:
/// issued 14 minutes in the "past", used 14 minutes in the "future", both within the 15 minutes of skew allowed
/// between the CLI's real-time signature and the host's clock.
/// </summary>
public class StsExpiryCliTests(ShiftedClockCliFixture aws) : IClassFixture<ShiftedClockCliFixture>
{
    private static string Arn(string resource) => IamStsCliFixture.Arn(resource);

    [AwsCliFact]
    public async Task Sessions_past_their_expiration_get_ExpiredToken()
    {
        await aws.Ok("iam", "create-user", "--user-name", "temp");
        var temp = IamStsCliFixture.KeyOf(await aws.Ok("iam", "create-access-key", "--user-name", "temp"));
        await aws.Ok("iam", "create-role", "--role-name", "short", "--assume-role-policy-document", IamStsCliFixture.TrustPolicy(Arn("user/temp")));
        await aws.Ok("iam", "attach-role-policy", "--role-name", "short", "--policy-arn", "arn:aws:iam::aws:policy/IAMReadOnlyAccess");

        aws.ShiftedClock.Offset = TimeSpan.FromMinutes(-14);
        var issuedAt = aws.ShiftedClock.GetUtcNow();
        var assumed = await aws.Ok(temp, "sts", "assume-role", "--role-arn", Arn("role/short"), "--role-session-name", "brief", "--duration-seconds", "900");
        var expiration = DateTimeOffset.Parse(assumed.GetProperty("Credentials").GetProperty("Expiration").GetString()!);
        Assert.InRange(expiration, issuedAt.AddSeconds(899), aws.ShiftedClock.GetUtcNow().AddSeconds(900));
        var role = IamStsCliFixture.SessionOf(assumed);
        var user = IamStsCliFixture.SessionOf(await aws.Ok("sts", "get-session-token", "--duration-seconds", "900",
            "--serial-number", Arn("mfa/admin"), "--token-code", "123456"));
        await aws.Ok(role, "iam", "list-roles");
        await aws.Ok(user, "iam", "list-users");

        aws.ShiftedClock.Offset = TimeSpan.FromMinutes(14);
        Assert.Equal("An error occurred (ExpiredToken) when calling the GetCallerIdentity operation: The security token included in the request is expired",
            await aws.Fails(role, "sts", "get-caller-identity"));
        Assert.Equal("An error occurred (ExpiredToken) when calling the ListRoles operation: The security token included in the request is expired",
            await aws.Fails(role, "iam", "list-roles"));
        Assert.Equal("An error occurred (ExpiredToken) when calling the ListUsers operation: The security token included in the request is expired",
            await aws.Fails(user, "iam", "list-users"));
        // A wrong token for an expired session is still just invalid; long-term keys do not expire.
        Assert.Equal("An error occurred (InvalidClientTokenId) when calling the GetCallerIdentity operation: The security token included in the request is invalid.",
            await aws.Fails(role with { SessionToken = "forged" }, "sts", "get-caller-identity"));
        Assert.Equal(Arn("user/temp"), (await aws.Ok(temp, "sts", "get-caller-identity")).GetProperty("Arn").GetString());

        // A fresh session works again.
        var renewed = IamStsCliFixture.SessionOf(await aws.Ok(temp, "sts", "assume-role", "--role-arn", Arn("role/short"), "--role-session-name", "again"));
        Assert.Equal(IamStsCliFixture.AssumedRoleArn("short", "again"), (await aws.Ok(renewed, "sts", "get-caller-identity")).GetProperty("Arn").GetString());
        aws.ShiftedClock.Offset = TimeSpan.Zero;
    }
}
