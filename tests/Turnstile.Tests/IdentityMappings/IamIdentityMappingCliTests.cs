namespace Turnstile.Tests.IdentityMappings;

/// <summary>eksctl's checks of <c>iamidentitymapping</c>'s options, made before the aws CLI or the cluster is called.</summary>
public sealed class IamIdentityMappingCliTests
{
    [Theory]
    [InlineData("error: --arn must be set", "create", "--cluster", "c")]
    [InlineData("error: account can only be set alone", "create", "--cluster", "c", "--account", "111122223333", "--username", "u")]
    [InlineData("error: account '12' is not a 12-digit AWS account ID", "create", "--cluster", "c", "--account", "12")]
    [InlineData("error: arn 'nope' is invalid: 'arn: invalid prefix'", "create", "--cluster", "c", "--arn", "nope")]
    [InlineData("error: unrecognized resource group/g for service iam", "create", "--cluster", "c", "--arn", "arn:aws:iam::111122223333:group/g")]
    [InlineData("error: arn 'arn:aws:sts::111122223333:assumed-role/r/s' is not an IAM role or user ARN (arn:PARTITION:iam::ACCOUNT:role/NAME or ...:user/NAME)", "create", "--cluster", "c", "--arn", "arn:aws:sts::111122223333:assumed-role/r/s")]
    [InlineData("error: either --arn or --account must be set", "delete", "--cluster", "c")]
    [InlineData("error: either --arn or --account must be set", "delete", "--cluster", "c", "--arn", "arn:aws:iam::111122223333:role/r", "--account", "111122223333")]
    [InlineData("error: --cluster needs a value (see 'turnstile iamidentitymapping get --help')", "get")]
    public void Bad_input_is_one_line_and_exit_2(string expected, params string[] args)
    {
        var r = InProcessCli.Run(["iamidentitymapping", .. args]);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal(expected + "\n", r.Stderr);
        Assert.Equal("", r.Stdout);
    }
}
