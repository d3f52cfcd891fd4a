using Turnstile.Core.Arns;
using Turnstile.Core.Authn;

namespace Turnstile.Core.Tests.Arns;

public class PrincipalArnTests
{
    [Theory]
    [InlineData("arn:aws:iam::123456789012:user/Alice", "arn:aws:iam::123456789012:user/Alice", PrincipalType.User)]
    [InlineData("arn:aws:iam::123456789012:role/Users", "arn:aws:iam::123456789012:role/Users", PrincipalType.Role)]
    [InlineData("arn:aws:sts::123456789012:assumed-role/Admin/Session", "arn:aws:iam::123456789012:role/Admin", PrincipalType.AssumedRole)]
    [InlineData("arn:aws:sts::123456789012:federated-user/Bob", "arn:aws:sts::123456789012:federated-user/Bob", PrincipalType.FederatedUser)]
    [InlineData("arn:aws:iam::123456789012:root", "arn:aws:iam::123456789012:root", PrincipalType.Root)]
    [InlineData("arn:aws:sts::123456789012:assumed-role/Org/Team/Admin/Session", "arn:aws:iam::123456789012:role/Org/Team/Admin", PrincipalType.AssumedRole)]
    [InlineData("arn:aws-iso:iam::123456789012:user/Chris", "arn:aws-iso:iam::123456789012:user/Chris", PrincipalType.User)]
    [InlineData("arn:aws-iso-b:iam::123456789012:user/Chris", "arn:aws-iso-b:iam::123456789012:user/Chris", PrincipalType.User)]
    [InlineData("arn:aws-cn:sts::123456789012:assumed-role/Admin/s", "arn:aws-cn:iam::123456789012:role/Admin", PrincipalType.AssumedRole)]
    [InlineData("arn:aws-us-gov:iam::123456789012:user/division/Alice", "arn:aws-us-gov:iam::123456789012:user/division/Alice", PrincipalType.User)]
    public void Canonicalizes_like_aws_iam_authenticator(string input, string canonical, PrincipalType type)
    {
        var principal = PrincipalArn.Parse(input);
        Assert.Equal(canonical, principal.Canonical);
        Assert.Equal(type, principal.Type);
    }

    [Theory]
    [InlineData("NOT AN ARN", "arn 'NOT AN ARN' is invalid: 'arn: invalid prefix'")]
    [InlineData("arn:aws:iam:123456789012:role/x", "arn 'arn:aws:iam:123456789012:role/x' is invalid: 'arn: not enough sections'")]
    [InlineData("arn:aws-nk:iam::123456789012:role/x", "arn 'arn:aws-nk:iam::123456789012:role/x' does not have a recognized partition")]
    [InlineData("arn:aws:sts::123456789012:assumed-role/OnlyRole", "assumed-role arn 'arn:aws:sts::123456789012:assumed-role/OnlyRole' does not have a role")]
    [InlineData("arn:aws:sts::123456789012:user/x", "unrecognized resource user/x for service sts")]
    [InlineData("arn:aws:iam::123456789012:group/x", "unrecognized resource group/x for service iam")]
    [InlineData("arn:aws:s3:::bucket", "service s3 in arn arn:aws:s3:::bucket is not a valid service for identities")]
    public void Rejects_with_the_authenticators_messages(string input, string message)
    {
        var e = Assert.Throws<ArnException>(() => PrincipalArn.Parse(input));
        Assert.Equal(message, e.Message);
    }

    [Theory]
    [InlineData("arn:aws:iam::123456789012:role/Org/Team/Admin", "arn:aws:iam::123456789012:role/Admin")]
    [InlineData("arn:aws:iam::123456789012:role/Admin", "arn:aws:iam::123456789012:role/Admin")]
    [InlineData("arn:aws:iam::123456789012:user/Alice", "arn:aws:iam::123456789012:user/Alice")]
    [InlineData("arn:aws:sts::123456789012:federated-user/Bob", "arn:aws:sts::123456789012:federated-user/Bob")]
    public void StripPath_keeps_only_the_role_name(string input, string expected) =>
        Assert.Equal(expected, PrincipalArn.StripPath(input));

    [Fact]
    public void StripPath_rejects_garbage() => Assert.Throws<ArnException>(() => PrincipalArn.StripPath("NOT AN ARN"));

    [Theory]
    [InlineData("arn:aws:iam::000000000000:role/some-role", "arn:aws:iam::000000000000:role/some-role", true)]
    [InlineData("arn:aws:iam::000000000000:role/some-role", "arn:aws:iam::000000000000:*", true)]
    [InlineData("arn:aws:iam::000000000000:role/some-role", "arn:*:*:*:*:*", true)]
    [InlineData("arn:aws:iam::000000000000:role/some-role", "arn:aws:iam::000000000000:**", true)]
    [InlineData("arn:aws:iam::000000000000:role/some-role", "arn:aws:iam::000000000000:*role*", true)]
    [InlineData("arn:aws:iam::000000000000:role/some-role", "arn:aws:iam::000000000000:ro*", true)]
    [InlineData("arn:aws:iam::000000000000:role/some-role", "arn:aws:iam::000000000000:??????????????", true)]
    [InlineData("arn:aws:testservice::000000000000:some/wacky-new-[resource]{with}\\metacharacters", "arn:aws:testservice::000000000000:some/wacky-new-[reso*", true)]
    [InlineData("arn:aws:iam::111111111111:role/some-role", "arn:aws:iam::000000000000:role/some-role", false)]
    [InlineData("arn:aws:testservice::000000000000:some/wacky:resource:with:colon:delims", "arn:aws:testservice::**:delims", false)]
    [InlineData("arn:aws:iam::000000000000:role/some-role", "arn:*", false)]
    public void ArnLike_matches_sections(string arn, string pattern, bool expected) =>
        Assert.Equal(expected, ArnLike.Matches(arn, pattern));
}

public class AwsIdentityTests
{
    [Fact]
    public void User_identity_keeps_the_sts_user_id()
    {
        var id = AwsIdentity.FromCallerIdentity("arn:aws:iam::123456789012:user/Alice", "123456789012", "AIDAIYCCCMMMMMMMMGGDA", "ASIABCDEFGHIJKLMNOPQ");
        Assert.Equal("arn:aws:iam::123456789012:user/Alice", id.CanonicalArn);
        Assert.Equal("AIDAIYCCCMMMMMMMMGGDA", id.UserId);
        Assert.Equal("", id.SessionName);
        Assert.Equal("ASIABCDEFGHIJKLMNOPQ", id.AccessKeyId);
    }

    [Fact]
    public void Assumed_role_splits_user_id_and_session()
    {
        var id = AwsIdentity.FromCallerIdentity("arn:aws:sts::123456789012:assumed-role/Alice/extra", "123456789012", "Alice:session-name");
        Assert.Equal("arn:aws:sts::123456789012:assumed-role/Alice/extra", id.Arn);
        Assert.Equal("arn:aws:iam::123456789012:role/Alice", id.CanonicalArn);
        Assert.Equal("Alice", id.UserId);
        Assert.Equal("session-name", id.SessionName);
    }

    [Theory]
    [InlineData("not:vailid:userid")]
    [InlineData("AROAZZCCCNNNNNNNNFFFA")]
    public void Role_without_a_session_part_is_malformed(string userId)
    {
        var e = Assert.Throws<ArnException>(() => AwsIdentity.FromCallerIdentity("arn:aws:iam::123456789012:role/Alice", "123456789012", userId));
        Assert.Equal($"malformed UserID \"{userId}\"", e.Message);
    }

    [Fact]
    public void Root_and_federated_pass_through()
    {
        var root = AwsIdentity.FromCallerIdentity("arn:aws:iam::123456789012:root", "123456789012", "123456789012");
        Assert.Equal("123456789012", root.UserId);
        Assert.Equal(root.Arn, root.CanonicalArn);
        var fed = AwsIdentity.FromCallerIdentity("arn:aws:sts::123456789012:federated-user/Alice", "123456789012", "123456789012:Alice");
        Assert.Equal("123456789012:Alice", fed.UserId);
        Assert.Equal("", fed.SessionName);
    }
}
