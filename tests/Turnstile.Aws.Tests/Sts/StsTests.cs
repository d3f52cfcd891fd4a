using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Turnstile.Aws.Tests.Iam;
using Turnstile.Core.Arns;

namespace Turnstile.Aws.Tests.Sts;

public sealed class StsTests
{
    private readonly TestAccount _account = new();

    private string DeployerRole(string trustPrincipal, string path = "/", int? maxSessionDuration = null) =>
        _account.CreateRole("deployer", TestAccount.TrustPolicy(trustPrincipal), path, maxSessionDuration)["Arn"]!.GetValue<string>();

    private JsonObject AssumeRaw(Caller caller, string roleArn, string session = "s1", int? duration = null)
    {
        var input = new JsonObject { ["RoleArn"] = roleArn, ["RoleSessionName"] = session };
        if (duration is { } d) input["DurationSeconds"] = d;
        return _account.StsCall("AssumeRole", input, caller);
    }

    private AwsServiceException AssumeFails(Caller caller, string roleArn, string session = "s1", int? duration = null) =>
        Assert.Throws<AwsServiceException>(() => AssumeRaw(caller, roleArn, session, duration));

    [Fact]
    public void GetCallerIdentity_reports_users_sessions_and_root_as_STS_does()
    {
        var user = _account.StsCall("GetCallerIdentity");
        Assert.Equal(TestAccount.Arn("user/admin"), user["Arn"]!.GetValue<string>());
        Assert.Matches(new Regex("^AIDA[A-Z2-7]{17}$"), user["UserId"]!.GetValue<string>());
        Assert.Equal(TestAccount.AccountId, user["Account"]!.GetValue<string>());

        var roleArn = DeployerRole(TestAccount.Arn("user/admin"), "/ci/");
        var roleId = _account.IamCall("GetRole", new JsonObject { ["RoleName"] = "deployer" })["Role"]!["RoleId"]!.GetValue<string>();
        var session = _account.Assume(_account.Admin, roleArn, "build-42");
        var identity = _account.StsCall("GetCallerIdentity", caller: session);
        Assert.Equal($"arn:aws:sts::{TestAccount.AccountId}:assumed-role/deployer/build-42", identity["Arn"]!.GetValue<string>());
        Assert.Equal($"{roleId}:build-42", identity["UserId"]!.GetValue<string>());

        var root = _account.StsCall("GetCallerIdentity", caller: _account.Root);
        Assert.Equal(TestAccount.AccountId, root["UserId"]!.GetValue<string>());
        Assert.Equal($"arn:aws:iam::{TestAccount.AccountId}:root", root["Arn"]!.GetValue<string>());
    }

    [Fact]
    public void GetCallerIdentity_cannot_be_denied()
    {
        var nobody = _account.UserWithKey("nobody", """{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}""");
        Assert.Null(_account.Sts.Operations["GetCallerIdentity"].Authorize([], _account.Context(nobody), _account.Read()));
        Assert.Equal(TestAccount.Arn("user/nobody"), _account.StsCall("GetCallerIdentity", caller: nobody)["Arn"]!.GetValue<string>());
    }

    [Fact]
    public void AssumeRole_returns_temporary_credentials_for_a_directly_trusted_user()
    {
        var bob = _account.UserWithKey("bob");
        var roleArn = DeployerRole(TestAccount.Arn("user/bob"));

        var result = AssumeRaw(bob, roleArn, "s1");
        var credentials = result["Credentials"]!;
        Assert.Matches(new Regex("^ASIA[A-Z2-7]{16}$"), credentials["AccessKeyId"]!.GetValue<string>());
        Assert.Equal(40, credentials["SecretAccessKey"]!.GetValue<string>().Length);
        Assert.True(credentials["SessionToken"]!.GetValue<string>().Length > 300);
        Assert.Equal("2026-03-01T13:00:00Z", credentials["Expiration"]!.GetValue<string>());
        Assert.StartsWith("AROA", result["AssumedRoleUser"]!["AssumedRoleId"]!.GetValue<string>());
        Assert.EndsWith(":s1", result["AssumedRoleUser"]!["AssumedRoleId"]!.GetValue<string>());
        Assert.Equal($"arn:aws:sts::{TestAccount.AccountId}:assumed-role/deployer/s1", result["AssumedRoleUser"]!["Arn"]!.GetValue<string>());
        Assert.Null(result["PackedPolicySize"]);

        Assert.True(_account.TryResolve(credentials["AccessKeyId"]!.GetValue<string>(), out var resolved));
        Assert.Equal(credentials["SessionToken"]!.GetValue<string>(), resolved.SessionToken);
        Assert.Equal(_account.Clock.Now.AddHours(1), resolved.Expiration);
        Assert.Equal(PrincipalType.AssumedRole, resolved.Caller.Type);
        Assert.Equal("deployer", resolved.Caller.PrincipalName);
        Assert.Equal("s1", resolved.Caller.SessionName);
        Assert.Equal(resolved.Caller.CredentialsExpireAt, resolved.Expiration);
    }

    [Fact]
    public void The_session_arn_leaves_out_the_role_path()
    {
        var roleArn = DeployerRole(TestAccount.Arn("user/admin"), "/teams/ci/");
        Assert.Equal(TestAccount.Arn("role/teams/ci/deployer"), roleArn);
        var session = _account.Assume(_account.Admin, roleArn, "s0");
        Assert.Equal($"arn:aws:sts::{TestAccount.AccountId}:assumed-role/deployer/s0", session.Arn);

        var withoutPath = AssumeFails(_account.Admin, TestAccount.Arn("role/deployer"));
        Assert.Equal("AccessDenied", withoutPath.Code);
    }

    [Fact]
    public void An_account_principal_needs_an_identity_policy_too()
    {
        var roleArn = DeployerRole(TestAccount.Arn("root"));
        var bob = _account.UserWithKey("bob");

        var denied = AssumeFails(bob, roleArn);
        Assert.Equal("AccessDenied", denied.Code);
        Assert.Equal(403, denied.StatusCode);
        Assert.Equal($"User: {TestAccount.Arn("user/bob")} is not authorized to perform: sts:AssumeRole on resource: {roleArn}", denied.Message);

        _account.PutUserPolicy("bob", "assume", TestAccount.Allow("\"sts:AssumeRole\"", roleArn));
        Assert.NotNull(AssumeRaw(bob, roleArn)["Credentials"]);

        // The account id alone also names the account.
        var byId = _account.CreateRole("by-id", TestAccount.TrustPolicy(TestAccount.AccountId))["Arn"]!.GetValue<string>();
        Assert.Equal("AccessDenied", AssumeFails(bob, byId).Code);
        Assert.NotNull(AssumeRaw(_account.Admin, byId)["Credentials"]);
    }

    [Fact]
    public void A_role_trusting_another_account_or_principal_is_not_assumable()
    {
        var otherAccount = DeployerRole("arn:aws:iam::444455556666:root");
        var denied = AssumeFails(_account.Admin, otherAccount);
        Assert.Equal($"User: {TestAccount.Arn("user/admin")} is not authorized to perform: sts:AssumeRole on resource: {otherAccount}", denied.Message);

        _account.CreateUser("carol");
        var forCarol = _account.CreateRole("for-carol", TestAccount.TrustPolicy(TestAccount.Arn("user/carol")))["Arn"]!.GetValue<string>();
        var bob = _account.UserWithKey("bob", TestAccount.AllowAll);
        Assert.Equal("AccessDenied", AssumeFails(bob, forCarol).Code);
    }

    [Fact]
    public void Roles_in_other_accounts_and_missing_roles_are_denied_alike()
    {
        const string foreign = "arn:aws:iam::444455556666:role/deployer";
        Assert.Equal($"User: {TestAccount.Arn("user/admin")} is not authorized to perform: sts:AssumeRole on resource: {foreign}", AssumeFails(_account.Admin, foreign).Message);

        var missing = TestAccount.Arn("role/does-not-exist");
        var error = AssumeFails(_account.Admin, missing);
        Assert.Equal("AccessDenied", error.Code);
        Assert.Equal($"User: {TestAccount.Arn("user/admin")} is not authorized to perform: sts:AssumeRole on resource: {missing}", error.Message);
    }

    [Fact]
    public void The_root_cannot_assume_roles()
    {
        var roleArn = DeployerRole(TestAccount.Arn("root"));
        var error = AssumeFails(_account.Root, roleArn);
        Assert.Equal("AccessDenied", error.Code);
        Assert.Equal("Roles may not be assumed by root accounts.", error.Message);
    }

    [Fact]
    public void An_explicit_deny_in_the_trust_or_identity_policy_wins()
    {
        var bob = _account.UserWithKey("bob");
        var roleArn = DeployerRole(TestAccount.Arn("user/bob"));
        _account.PutUserPolicy("bob", "deny", """{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"*"}]}""");
        Assert.Equal("AccessDenied", AssumeFails(bob, roleArn).Code);
    }

    [Fact]
    public void Duration_is_limited_by_the_role_and_by_the_API()
    {
        var roleArn = DeployerRole(TestAccount.Arn("user/admin"), maxSessionDuration: 7200);

        var result = AssumeRaw(_account.Admin, roleArn, duration: 7200);
        Assert.Equal("2026-03-01T14:00:00Z", result["Credentials"]!["Expiration"]!.GetValue<string>());

        var tooLong = AssumeFails(_account.Admin, roleArn, duration: 7201);
        Assert.Equal("ValidationError", tooLong.Code);
        Assert.Equal("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", tooLong.Message);

        var tooShort = AssumeFails(_account.Admin, roleArn, duration: 899);
        Assert.Equal("1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900", tooShort.Message);
        var overApi = AssumeFails(_account.Admin, roleArn, duration: 43201);
        Assert.Equal("1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200", overApi.Message);
    }

    [Fact]
    public void Session_names_are_validated()
    {
        var roleArn = DeployerRole(TestAccount.Arn("user/admin"));
        Assert.Equal("ValidationError", AssumeFails(_account.Admin, roleArn, "x").Code);
        Assert.Equal("ValidationError", AssumeFails(_account.Admin, roleArn, new string('a', 65)).Code);
        var pattern = AssumeFails(_account.Admin, roleArn, "has space");
        Assert.Equal("1 validation error detected: Value 'has space' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", pattern.Message);
        Assert.NotNull(AssumeRaw(_account.Admin, roleArn, "user@example.com,x=1")["Credentials"]);
    }

    [Fact]
    public void Role_chaining_is_limited_to_one_hour()
    {
        var first = DeployerRole(TestAccount.Arn("user/admin"), maxSessionDuration: 43200);
        _account.IamCall("PutRolePolicy", new JsonObject { ["RoleName"] = "deployer", ["PolicyName"] = "assume", ["PolicyDocument"] = TestAccount.Allow("\"sts:AssumeRole\"") });
        var second = _account.CreateRole("target", TestAccount.TrustPolicy(TestAccount.Arn("role/deployer")), maxSessionDuration: 43200)["Arn"]!.GetValue<string>();
        var session = _account.Assume(_account.Admin, first, "one");

        var error = AssumeFails(session, second, duration: 3601);
        Assert.Equal("ValidationError", error.Code);
        Assert.Equal("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.", error.Message);

        var chained = AssumeRaw(session, second, "two");
        Assert.Equal($"arn:aws:sts::{TestAccount.AccountId}:assumed-role/target/two", chained["AssumedRoleUser"]!["Arn"]!.GetValue<string>());
        Assert.Equal("2026-03-01T13:00:00Z", chained["Credentials"]!["Expiration"]!.GetValue<string>());
    }

    [Fact]
    public void Trust_conditions_see_the_external_id()
    {
        var roleArn = _account.CreateRole("partner", """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/admin"},"Action":"sts:AssumeRole",
              "Condition":{"StringEquals":{"sts:ExternalId":"s3cret"}}}]}
            """)["Arn"]!.GetValue<string>();
        Assert.Equal("AccessDenied", AssumeFails(_account.Admin, roleArn).Code);
        var ok = _account.StsCall("AssumeRole", new JsonObject { ["RoleArn"] = roleArn, ["RoleSessionName"] = "p1", ["ExternalId"] = "s3cret" });
        Assert.NotNull(ok["Credentials"]);
    }

    [Fact]
    public void Session_policies_narrow_the_role_and_report_their_packed_size()
    {
        var roleArn = DeployerRole(TestAccount.Arn("user/admin"));
        _account.IamCall("PutRolePolicy", new JsonObject { ["RoleName"] = "deployer", ["PolicyName"] = "all", ["PolicyDocument"] = TestAccount.AllowAll });
        var result = _account.StsCall("AssumeRole", new JsonObject
        {
            ["RoleArn"] = roleArn,
            ["RoleSessionName"] = "narrow",
            ["Policy"] = TestAccount.Allow("\"eks:Describe*\""),
        });
        Assert.InRange(result["PackedPolicySize"]!.GetValue<int>(), 1, 100);
        var session = _account.CallerFor(result["Credentials"]!["AccessKeyId"]!.GetValue<string>());

        Assert.True(_account.Authorize(new AuthorizationRequest("eks:DescribeCluster", "*"), _account.Context(session)).Allowed);
        var denied = _account.Authorize(new AuthorizationRequest("eks:DeleteCluster", "*"), _account.Context(session));
        Assert.False(denied.Allowed);
        Assert.EndsWith("because no session policy allows the eks:DeleteCluster action", denied.DenialMessage);

        var malformed = Assert.Throws<AwsServiceException>(() => _account.StsCall("AssumeRole", new JsonObject
        {
            ["RoleArn"] = roleArn, ["RoleSessionName"] = "bad", ["Policy"] = "{\"Statement\":[]}",
        }));
        Assert.Equal("MalformedPolicyDocument", malformed.Code);
    }

    [Fact]
    public void Sessions_expire_and_then_resolve_with_their_expiry()
    {
        var roleArn = DeployerRole(TestAccount.Arn("user/admin"));
        var keyId = AssumeRaw(_account.Admin, roleArn, duration: 900)["Credentials"]!["AccessKeyId"]!.GetValue<string>();

        _account.Clock.Advance(TimeSpan.FromMinutes(16));
        Assert.True(_account.TryResolve(keyId, out var expired));
        Assert.True(expired.Expiration < _account.Clock.Now);

        // Long-expired sessions are dropped when new ones are issued.
        _account.Clock.Advance(TimeSpan.FromDays(8));
        AssumeRaw(_account.Admin, roleArn);
        Assert.False(_account.TryResolve(keyId, out _));
    }

    [Fact]
    public void A_session_of_a_deleted_role_authenticates_but_is_not_authorized()
    {
        var roleArn = DeployerRole(TestAccount.Arn("user/admin"));
        _account.IamCall("PutRolePolicy", new JsonObject { ["RoleName"] = "deployer", ["PolicyName"] = "all", ["PolicyDocument"] = TestAccount.AllowAll });
        var session = _account.Assume(_account.Admin, roleArn);
        _account.IamCall("DeleteRolePolicy", new JsonObject { ["RoleName"] = "deployer", ["PolicyName"] = "all" });
        _account.IamCall("DeleteRole", new JsonObject { ["RoleName"] = "deployer" });

        Assert.True(_account.TryResolve(session.AccessKeyId, out var resolved));
        Assert.Equal(session.Arn, resolved.Caller.Arn);
        Assert.False(_account.Authorize(new AuthorizationRequest("eks:ListClusters", "*"), _account.Context(session)).Allowed);

        // A new role of the same name is a different role: the old session does not get its permissions.
        DeployerRole(TestAccount.Arn("user/admin"));
        _account.IamCall("PutRolePolicy", new JsonObject { ["RoleName"] = "deployer", ["PolicyName"] = "all", ["PolicyDocument"] = TestAccount.AllowAll });
        Assert.False(_account.Authorize(new AuthorizationRequest("eks:ListClusters", "*"), _account.Context(session)).Allowed);
    }

    [Fact]
    public void GetSessionToken_issues_credentials_that_act_as_the_user()
    {
        var bob = _account.UserWithKey("bob", TestAccount.Allow("\"eks:*\""));
        var credentials = _account.StsCall("GetSessionToken", caller: bob)["Credentials"]!;
        Assert.StartsWith("ASIA", credentials["AccessKeyId"]!.GetValue<string>());
        Assert.Equal("2026-03-02T00:00:00Z", credentials["Expiration"]!.GetValue<string>());

        var session = _account.CallerFor(credentials["AccessKeyId"]!.GetValue<string>());
        Assert.Equal(TestAccount.Arn("user/bob"), session.Arn);
        Assert.Equal(bob.UserId, session.UserId);
        Assert.Equal(PrincipalType.User, session.Type);
        Assert.True(_account.Authorize(new AuthorizationRequest("eks:ListClusters", "*"), _account.Context(session)).Allowed);
        Assert.Equal(TestAccount.Arn("user/bob"), _account.StsCall("GetCallerIdentity", caller: session)["Arn"]!.GetValue<string>());

        // IAM itself refuses session-token credentials obtained without MFA.
        var iam = _account.IamFails("ListUsers", caller: session);
        Assert.Equal("InvalidClientTokenId", iam.Code);
        Assert.Equal(403, iam.StatusCode);

        var again = Assert.Throws<AwsServiceException>(() => _account.StsCall("GetSessionToken", caller: session));
        Assert.Equal("AccessDenied", again.Code);
        Assert.Equal("Cannot call GetSessionToken with session credentials", again.Message);
    }

    [Fact]
    public void GetSessionToken_durations()
    {
        var shortest = _account.StsCall("GetSessionToken", new JsonObject { ["DurationSeconds"] = 900 })["Credentials"]!;
        Assert.Equal("2026-03-01T12:15:00Z", shortest["Expiration"]!.GetValue<string>());
        var longest = _account.StsCall("GetSessionToken", new JsonObject { ["DurationSeconds"] = 129600 })["Credentials"]!;
        Assert.Equal("2026-03-03T00:00:00Z", longest["Expiration"]!.GetValue<string>());
        Assert.Equal("ValidationError", _account.StsFails("GetSessionToken", new JsonObject { ["DurationSeconds"] = 129601 }).Code);

        var root = _account.StsCall("GetSessionToken", new JsonObject { ["DurationSeconds"] = 7200 }, _account.Root)["Credentials"]!;
        Assert.Equal("2026-03-01T13:00:00Z", root["Expiration"]!.GetValue<string>());
        Assert.Equal(PrincipalType.Root, _account.CallerFor(root["AccessKeyId"]!.GetValue<string>()).Type);

        var roleArn = DeployerRole(TestAccount.Arn("user/admin"));
        var roleSession = _account.Assume(_account.Admin, roleArn);
        Assert.Equal("AccessDenied", _account.StsFails("GetSessionToken", caller: roleSession).Code);
    }

    [Fact]
    public void MFA_given_to_GetSessionToken_is_present_in_the_session()
    {
        var bob = _account.UserWithKey("bob", """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"eks:*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}
            """);
        Assert.False(_account.Authorize(new AuthorizationRequest("eks:ListClusters", "*"), _account.Context(bob)).Allowed);
        var plain = _account.CallerFor(_account.StsCall("GetSessionToken", caller: bob)["Credentials"]!["AccessKeyId"]!.GetValue<string>());
        Assert.False(_account.Authorize(new AuthorizationRequest("eks:ListClusters", "*"), _account.Context(plain)).Allowed);

        var withMfa = _account.StsCall("GetSessionToken", new JsonObject
        {
            ["SerialNumber"] = $"arn:aws:iam::{TestAccount.AccountId}:mfa/bob", ["TokenCode"] = "123456",
        }, bob)["Credentials"]!["AccessKeyId"]!.GetValue<string>();
        var session = _account.CallerFor(withMfa);
        Assert.True(session.MfaPresent);
        Assert.True(_account.Authorize(new AuthorizationRequest("eks:ListClusters", "*"), _account.Context(session)).Allowed);

        // With MFA, session-token credentials may call IAM.
        var adminMfa = _account.CallerFor(_account.StsCall("GetSessionToken", new JsonObject
        {
            ["SerialNumber"] = $"arn:aws:iam::{TestAccount.AccountId}:mfa/admin", ["TokenCode"] = "123456",
        })["Credentials"]!["AccessKeyId"]!.GetValue<string>());
        Assert.Equal("admin", _account.IamCall("GetUser", caller: adminMfa)["User"]!["UserName"]!.GetValue<string>());
    }

    [Fact]
    public void GetAccessKeyInfo_names_the_account_of_a_key()
    {
        Assert.Equal(TestAccount.AccountId, _account.StsCall("GetAccessKeyInfo", new JsonObject { ["AccessKeyId"] = _account.Options.AdminAccessKeyId })["Account"]!.GetValue<string>());
        Assert.Equal("123456789012", _account.StsCall("GetAccessKeyInfo", new JsonObject { ["AccessKeyId"] = "AKIARZPUZDIKGB2VALC4" })["Account"]!.GetValue<string>());
        var minted = _account.IamCall("CreateAccessKey", new JsonObject { ["UserName"] = "admin" })["AccessKey"]!["AccessKeyId"]!.GetValue<string>();
        _account.IamCall("DeleteAccessKey", new JsonObject { ["UserName"] = "admin", ["AccessKeyId"] = minted });
        Assert.Equal(TestAccount.AccountId, _account.StsCall("GetAccessKeyInfo", new JsonObject { ["AccessKeyId"] = minted })["Account"]!.GetValue<string>());
        Assert.Equal(new AuthorizationRequest("sts:GetAccessKeyInfo", "*"),
            _account.Sts.Operations["GetAccessKeyInfo"].Authorize(new JsonObject { ["AccessKeyId"] = minted }, _account.Context(), _account.Read()));
    }

    [Fact]
    public void RoleLastUsed_is_recorded_when_a_session_makes_a_call()
    {
        var roleArn = DeployerRole(TestAccount.Arn("user/admin"));
        _account.IamCall("PutRolePolicy", new JsonObject { ["RoleName"] = "deployer", ["PolicyName"] = "all", ["PolicyDocument"] = TestAccount.AllowAll });
        var session = _account.Assume(_account.Admin, roleArn);
        _account.IamCall("ListUsers", caller: session, region: "eu-west-1");
        var lastUsed = _account.IamCall("GetRole", new JsonObject { ["RoleName"] = "deployer" })["Role"]!["RoleLastUsed"]!;
        Assert.Equal("eu-west-1", lastUsed["Region"]!.GetValue<string>());
        Assert.Equal("2026-03-01T12:00:00Z", lastUsed["LastUsedDate"]!.GetValue<string>());
    }
}
