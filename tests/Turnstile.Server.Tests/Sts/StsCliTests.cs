using System.Text.Json;
using Turnstile.Server.Tests.EndToEnd;
using Turnstile.Server.Tests.Iam;
using Turnstile.Storage;

namespace Turnstile.Server.Tests.Sts;

/// <summary>The unmodified aws CLI against the real STS service: identities, AssumeRole (direct and via a profile), session tokens.</summary>
public class StsCliTests(IamStsCliFixture aws) : IClassFixture<IamStsCliFixture>
{
    private static string Arn(string resource) => IamStsCliFixture.Arn(resource);

    private const string Account = IamStsCliFixture.Account;

    [AwsCliFact]
    public async Task Caller_identity_of_the_bootstrap_admin()
    {
        var identity = await aws.Ok("sts", "get-caller-identity");
        Assert.Equal(Arn("user/admin"), identity.GetProperty("Arn").GetString());
        Assert.Equal(Account, identity.GetProperty("Account").GetString());
        Assert.Matches("^AIDA[A-Z2-7]{17}$", identity.GetProperty("UserId").GetString());
        Assert.Equal(Account, (await aws.Ok("sts", "get-access-key-info", "--access-key-id", IamStsCliFixture.Admin.AccessKeyId)).GetProperty("Account").GetString());
    }

    [AwsCliFact]
    public async Task Assume_role_and_act_as_the_session()
    {
        await aws.Ok("iam", "create-user", "--user-name", "dev");
        var dev = IamStsCliFixture.KeyOf(await aws.Ok("iam", "create-access-key", "--user-name", "dev"));
        var roleArn = (await aws.Ok("iam", "create-role", "--role-name", "viewer", "--path", "/eks/",
            "--assume-role-policy-document", IamStsCliFixture.TrustPolicy(Arn("user/dev")))).GetProperty("Role").GetProperty("Arn").GetString()!;
        var roleId = (await aws.Ok("iam", "get-role", "--role-name", "viewer")).GetProperty("Role").GetProperty("RoleId").GetString();

        var assumed = await aws.Ok(dev, "sts", "assume-role", "--role-arn", roleArn, "--role-session-name", "dev-session", "--duration-seconds", "900");
        Assert.Equal($"arn:aws:sts::{Account}:assumed-role/viewer/dev-session", assumed.GetProperty("AssumedRoleUser").GetProperty("Arn").GetString());
        Assert.Equal($"{roleId}:dev-session", assumed.GetProperty("AssumedRoleUser").GetProperty("AssumedRoleId").GetString());
        var session = IamStsCliFixture.SessionOf(assumed);
        Assert.Matches("^ASIA[A-Z2-7]{16}$", session.AccessKeyId);

        var identity = await aws.Ok(session, "sts", "get-caller-identity");
        Assert.Equal($"arn:aws:sts::{Account}:assumed-role/viewer/dev-session", identity.GetProperty("Arn").GetString());
        Assert.Equal($"{roleId}:dev-session", identity.GetProperty("UserId").GetString());

        Assert.Equal(
            $"An error occurred (AccessDenied) when calling the ListRoles operation: User: arn:aws:sts::{Account}:assumed-role/viewer/dev-session is not authorized to perform: iam:ListRoles on resource: {Arn("role/")} because no identity-based policy allows the iam:ListRoles action",
            await aws.Fails(session, "iam", "list-roles"));
        await aws.Ok("iam", "attach-role-policy", "--role-name", "viewer", "--policy-arn", "arn:aws:iam::aws:policy/IAMReadOnlyAccess");
        await aws.Ok(session, "iam", "list-roles");

        // A token the session does not own, or none at all, is refused.
        Assert.Contains("InvalidClientTokenId", await aws.Fails(session with { SessionToken = null }, "sts", "get-caller-identity"));

        Assert.Equal($"An error occurred (AccessDenied) when calling the AssumeRole operation: User: {Arn("user/admin")} is not authorized to perform: sts:AssumeRole on resource: {roleArn}",
            await aws.Fails("sts", "assume-role", "--role-arn", roleArn, "--role-session-name", "admin"));
        Assert.Equal($"An error occurred (AccessDenied) when calling the AssumeRole operation: User: {Arn("user/dev")} is not authorized to perform: sts:AssumeRole on resource: {Arn("role/missing")}",
            await aws.Fails(dev, "sts", "assume-role", "--role-arn", Arn("role/missing"), "--role-session-name", "x1"));
        Assert.Equal("An error occurred (ValidationError) when calling the AssumeRole operation: The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
            await aws.Fails(dev, "sts", "assume-role", "--role-arn", roleArn, "--role-session-name", "long", "--duration-seconds", "7200"));
    }

    [AwsCliFact]
    public async Task Assume_role_validation_external_id_session_policies_and_chaining()
    {
        await aws.Ok("iam", "create-user", "--user-name", "chainer");
        var chainer = IamStsCliFixture.KeyOf(await aws.Ok("iam", "create-access-key", "--user-name", "chainer"));
        var roleArn = Arn("role/chain/guarded");
        await aws.Ok("iam", "create-role", "--role-name", "guarded", "--path", "/chain/", "--assume-role-policy-document", $$"""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Principal":{"AWS":"{{Arn("user/chainer")}}"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"ticket-42"} } },
              {"Effect":"Allow","Principal":{"AWS":"{{Arn("root")}}"},"Action":"sts:AssumeRole"}]}
            """);
        await aws.Ok("iam", "attach-role-policy", "--role-name", "guarded", "--policy-arn", "arn:aws:iam::aws:policy/IAMFullAccess");
        await aws.Ok("iam", "put-role-policy", "--role-name", "guarded", "--policy-name", "chain", "--policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}""");

        Assert.Equal($"An error occurred (AccessDenied) when calling the AssumeRole operation: User: {Arn("user/chainer")} is not authorized to perform: sts:AssumeRole on resource: {roleArn}",
            await aws.Fails(chainer, "sts", "assume-role", "--role-arn", roleArn, "--role-session-name", "no-id"));
        Assert.Equal($"An error occurred (AccessDenied) when calling the AssumeRole operation: User: {Arn("user/chainer")} is not authorized to perform: sts:AssumeRole on resource: {roleArn}",
            await aws.Fails(chainer, "sts", "assume-role", "--role-arn", roleArn, "--role-session-name", "wrong-id", "--external-id", "ticket-43"));
        Assert.Equal("An error occurred (ValidationError) when calling the AssumeRole operation: 1 validation error detected: Value 'not ok' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
            await aws.Fails(chainer, "sts", "assume-role", "--role-arn", roleArn, "--role-session-name", "not ok", "--external-id", "ticket-42"));
        Assert.Equal("An error occurred (ValidationError) when calling the AssumeRole operation: 1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200",
            await aws.Fails(chainer, "sts", "assume-role", "--role-arn", roleArn, "--role-session-name", "long", "--external-id", "ticket-42", "--duration-seconds", "43201"));
        Assert.Equal("An error occurred (MalformedPolicyDocument) when calling the AssumeRole operation: Syntax errors in policy.",
            await aws.Fails(chainer, "sts", "assume-role", "--role-arn", roleArn, "--role-session-name", "bad-policy", "--external-id", "ticket-42", "--policy", "{oops"));

        // A session policy narrows the role's permissions for this session only.
        var before = DateTimeOffset.UtcNow;
        var narrowed = await aws.Ok(chainer, "sts", "assume-role", "--role-arn", roleArn, "--role-session-name", "narrow", "--external-id", "ticket-42",
            "--duration-seconds", "1800", "--policy", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:ListRoles","sts:AssumeRole"],"Resource":"*"}]}""");
        var expiration = DateTimeOffset.Parse(narrowed.GetProperty("Credentials").GetProperty("Expiration").GetString()!);
        Assert.InRange(expiration, before.AddSeconds(1800 - 2), DateTimeOffset.UtcNow.AddSeconds(1800));
        Assert.InRange(narrowed.GetProperty("PackedPolicySize").GetInt32(), 1, 100);
        var session = IamStsCliFixture.SessionOf(narrowed);
        Assert.Equal(["guarded"], IamStsCliFixture.Names((await aws.Ok(session, "iam", "list-roles", "--path-prefix", "/chain/")).GetProperty("Roles"), "RoleName"));
        Assert.Equal(
            $"An error occurred (AccessDenied) when calling the ListUsers operation: User: {IamStsCliFixture.AssumedRoleArn("guarded", "narrow")} is not authorized to perform: iam:ListUsers on resource: {Arn("user/")} because no session policy allows the iam:ListUsers action",
            await aws.Fails(session, "iam", "list-users"));
        var managed = IamStsCliFixture.SessionOf(await aws.Ok(chainer, "sts", "assume-role", "--role-arn", roleArn, "--role-session-name", "managed",
            "--external-id", "ticket-42", "--policy-arns", "arn=arn:aws:iam::aws:policy/IAMReadOnlyAccess"));
        await aws.Ok(managed, "iam", "list-users");
        Assert.Equal(
            $"An error occurred (AccessDenied) when calling the CreateGroup operation: User: {IamStsCliFixture.AssumedRoleArn("guarded", "managed")} is not authorized to perform: iam:CreateGroup on resource: group g because no session policy allows the iam:CreateGroup action",
            await aws.Fails(managed, "iam", "create-group", "--group-name", "g"));

        // Role chaining: the session (trusted through the account root) assumes the role again, for an hour at most.
        var chained = await aws.Ok(session, "sts", "assume-role", "--role-arn", roleArn, "--role-session-name", "chained", "--duration-seconds", "3600");
        Assert.Equal(IamStsCliFixture.AssumedRoleArn("guarded", "chained"), chained.GetProperty("AssumedRoleUser").GetProperty("Arn").GetString());
        Assert.Equal("An error occurred (ValidationError) when calling the AssumeRole operation: The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
            await aws.Fails(session, "sts", "assume-role", "--role-arn", roleArn, "--role-session-name", "chained", "--duration-seconds", "3601"));
    }

    [AwsCliFact]
    public async Task Session_tags_need_sts_TagSession_and_become_principal_tags()
    {
        await aws.Ok("iam", "create-user", "--user-name", "labeler");
        var labeler = IamStsCliFixture.KeyOf(await aws.Ok("iam", "create-access-key", "--user-name", "labeler"));
        var roleArn = Arn("role/tags/labelled");
        await aws.Ok("iam", "create-role", "--role-name", "labelled", "--path", "/tags/", "--assume-role-policy-document", IamStsCliFixture.TrustPolicy(Arn("user/labeler")));
        await aws.Ok("iam", "put-role-policy", "--role-name", "labelled", "--policy-name", "by-project", "--policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/project":"alpha"}}}]}""");

        Assert.Equal($"An error occurred (AccessDenied) when calling the AssumeRole operation: User: {Arn("user/labeler")} is not authorized to perform: sts:TagSession on resource: {roleArn}",
            await aws.Fails(labeler, "sts", "assume-role", "--role-arn", roleArn, "--role-session-name", "tagged", "--tags", "Key=project,Value=alpha"));
        await aws.Ok("iam", "update-assume-role-policy", "--role-name", "labelled", "--policy-document", $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"{{Arn("user/labeler")}}"},"Action":["sts:AssumeRole","sts:TagSession"]}]}
            """);

        var alphaOutput = await aws.Ok(labeler, "sts", "assume-role", "--role-arn", roleArn, "--role-session-name", "alpha", "--tags", "Key=project,Value=alpha");
        Assert.InRange(alphaOutput.GetProperty("PackedPolicySize").GetInt32(), 1, 100);
        var alpha = IamStsCliFixture.SessionOf(alphaOutput);
        Assert.Equal(["labelled"], IamStsCliFixture.Names((await aws.Ok(alpha, "iam", "list-roles", "--path-prefix", "/tags/")).GetProperty("Roles"), "RoleName"));
        var beta = IamStsCliFixture.SessionOf(await aws.Ok(labeler, "sts", "assume-role", "--role-arn", roleArn, "--role-session-name", "beta",
            "--tags", "Key=project,Value=beta"));
        Assert.Equal(
            $"An error occurred (AccessDenied) when calling the ListRoles operation: User: {IamStsCliFixture.AssumedRoleArn("labelled", "beta")} is not authorized to perform: iam:ListRoles on resource: {Arn("role/tags/")} because no identity-based policy allows the iam:ListRoles action",
            await aws.Fails(beta, "iam", "list-roles", "--path-prefix", "/tags/"));
    }

    [AwsCliFact]
    public async Task Session_token_and_access_key_info_errors()
    {
        Assert.Equal("An error occurred (ValidationError) when calling the GetSessionToken operation: 1 validation error detected: Value '129601' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 129600",
            await aws.Fails("sts", "get-session-token", "--duration-seconds", "129601"));
        Assert.Equal("Parameter validation failed:\nInvalid value for parameter DurationSeconds, value: 899, valid min value: 900",
            await aws.Fails("sts", "get-session-token", "--duration-seconds", "899"));
        var token = await aws.Ok("sts", "get-session-token", "--duration-seconds", "129600");
        Assert.Matches("^ASIA[A-Z2-7]{16}$", token.GetProperty("Credentials").GetProperty("AccessKeyId").GetString());
        Assert.InRange(DateTimeOffset.Parse(token.GetProperty("Credentials").GetProperty("Expiration").GetString()!),
            DateTimeOffset.UtcNow.AddSeconds(129600 - 60), DateTimeOffset.UtcNow.AddSeconds(129600));

        // Keys carry their account: one this emulator never issued still answers.
        var foreign = Turnstile.Aws.Iam.IamIds.NewAccessKeyId("444455556666");
        Assert.Equal("444455556666", (await aws.Ok("sts", "get-access-key-info", "--access-key-id", foreign)).GetProperty("Account").GetString());
        Assert.Equal("An error occurred (ValidationError) when calling the GetAccessKeyInfo operation: 1 validation error detected: Value 'AKIA!!!!!!!!!!!!!!!!' at 'accessKeyId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w]*",
            await aws.Fails("sts", "get-access-key-info", "--access-key-id", "AKIA!!!!!!!!!!!!!!!!"));
        Assert.Equal("An error occurred (InvalidClientTokenId) when calling the GetCallerIdentity operation: The security token included in the request is invalid.",
            await aws.Fails(new AwsCliCredentials(foreign, "not-the-secret"), "sts", "get-caller-identity"));
        Assert.Equal("An error occurred (SignatureDoesNotMatch) when calling the GetCallerIdentity operation: The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
            await aws.Fails(IamStsCliFixture.Admin with { SecretAccessKey = "wrong" }, "sts", "get-caller-identity"));
    }

    [AwsCliFact]
    public async Task A_profile_with_role_arn_and_source_profile_assumes_the_role()
    {
        await aws.Ok("iam", "create-user", "--user-name", "builder");
        var builder = IamStsCliFixture.KeyOf(await aws.Ok("iam", "create-access-key", "--user-name", "builder"));
        var roleArn = (await aws.Ok("iam", "create-role", "--role-name", "deployer",
            "--assume-role-policy-document", IamStsCliFixture.TrustPolicy(Arn("user/builder")))).GetProperty("Role").GetProperty("Arn").GetString()!;

        var directory = Directory.CreateTempSubdirectory("turnstile-profile-").FullName;
        try
        {
            var environment = new Dictionary<string, string?>
            {
                ["AWS_CONFIG_FILE"] = Path.Combine(directory, "config"),
                ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(directory, "credentials"),
                ["AWS_ACCESS_KEY_ID"] = null,
                ["AWS_SECRET_ACCESS_KEY"] = null,
                ["AWS_SESSION_TOKEN"] = null,
                // botocore caches assumed-role credentials under ~/.aws/cli/cache; keep that out of the real home.
                ["HOME"] = directory,
                ["USERPROFILE"] = directory,
            };
            var pyenv = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".pyenv");
            if (Environment.GetEnvironmentVariable("PYENV_ROOT") is null && Directory.Exists(pyenv)) environment["PYENV_ROOT"] = pyenv;
            async Task<AwsCliResult> Run(params string[] args) => await aws.RunAsync(args, environment: environment);

            (await Run("configure", "set", "aws_access_key_id", builder.AccessKeyId, "--profile", "base")).EnsureSuccess();
            (await Run("configure", "set", "aws_secret_access_key", builder.SecretAccessKey, "--profile", "base")).EnsureSuccess();
            (await Run("configure", "set", "role_arn", roleArn, "--profile", "deploy")).EnsureSuccess();
            (await Run("configure", "set", "source_profile", "base", "--profile", "deploy")).EnsureSuccess();
            (await Run("configure", "set", "role_session_name", "pipeline", "--profile", "deploy")).EnsureSuccess();

            var identity = (await Run("sts", "get-caller-identity", "--profile", "deploy")).EnsureSuccess().Json;
            Assert.Equal($"arn:aws:sts::{Account}:assumed-role/deployer/pipeline", identity.GetProperty("Arn").GetString());
            var plain = (await Run("sts", "get-caller-identity", "--profile", "base")).EnsureSuccess().Json;
            Assert.Equal(Arn("user/builder"), plain.GetProperty("Arn").GetString());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [AwsCliFact]
    public async Task Session_tokens_act_as_the_user()
    {
        var output = await aws.Ok("sts", "get-session-token", "--duration-seconds", "900");
        var session = IamStsCliFixture.SessionOf(output);
        Assert.Equal(Arn("user/admin"), (await aws.Ok(session, "sts", "get-caller-identity")).GetProperty("Arn").GetString());
        Assert.Equal("An error occurred (InvalidClientTokenId) when calling the ListUsers operation: The security token included in the request is invalid.",
            await aws.Fails(session, "iam", "list-users"));
        var withMfa = IamStsCliFixture.SessionOf(await aws.Ok("sts", "get-session-token", "--serial-number", Arn("mfa/admin"), "--token-code", "123456"));
        await aws.Ok(withMfa, "iam", "list-users");
        Assert.Equal("An error occurred (AccessDenied) when calling the GetSessionToken operation: Cannot call GetSessionToken with session credentials",
            await aws.Fails(session, "sts", "get-session-token"));
    }

    [AwsCliFact]
    public async Task Users_roles_and_sessions_survive_a_restart()
    {
        var directory = Directory.CreateTempSubdirectory("turnstile-restart-").FullName;
        var database = Path.Combine(directory, "state.db");
        try
        {
            AwsCliCredentials keeper;
            AwsCliCredentials session;
            await using (var store = await StoreFactory.OpenAsync(new SqliteLocation(database)))
            {
                var runtime = await IamStsCliFixture.StartRuntimeAsync(store);
                await using var first = await AwsCliFixture.StartAsync(IamStsCliFixture.HostOptions(runtime), IamStsCliFixture.Admin, runtime);
                (await first.RunAsync("iam", "create-user", "--user-name", "keeper")).EnsureSuccess();
                keeper = IamStsCliFixture.KeyOf((await first.RunAsync("iam", "create-access-key", "--user-name", "keeper")).EnsureSuccess().Json);
                (await first.RunAsync("iam", "create-role", "--role-name", "kept", "--assume-role-policy-document",
                    IamStsCliFixture.TrustPolicy(Arn("user/keeper")))).EnsureSuccess();
                session = IamStsCliFixture.SessionOf((await first.RunAsync(["sts", "assume-role", "--role-arn", Arn("role/kept"), "--role-session-name", "before"],
                    keeper)).EnsureSuccess().Json);
            }

            await using (var store = await StoreFactory.OpenAsync(new SqliteLocation(database)))
            {
                var runtime = await IamStsCliFixture.StartRuntimeAsync(store);
                await using var second = await AwsCliFixture.StartAsync(IamStsCliFixture.HostOptions(runtime), IamStsCliFixture.Admin, runtime);
                var user = (await second.RunAsync(["sts", "get-caller-identity"], keeper)).EnsureSuccess().Json;
                Assert.Equal(Arn("user/keeper"), user.GetProperty("Arn").GetString());
                var role = (await second.RunAsync(["sts", "get-caller-identity"], session)).EnsureSuccess().Json;
                Assert.Equal($"arn:aws:sts::{Account}:assumed-role/kept/before", role.GetProperty("Arn").GetString());
                var users = (await second.RunAsync("iam", "list-users")).EnsureSuccess().Json.GetProperty("Users");
                Assert.Equal(["admin", "keeper"], users.EnumerateArray().Select(u => u.GetProperty("UserName").GetString()));
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
