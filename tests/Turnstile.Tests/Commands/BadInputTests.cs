using static Turnstile.Tests.TurnstileCli;

namespace Turnstile.Tests.Commands;

public class BadInputTests
{
    [Fact]
    public void Unknown_option_is_exit_2_with_a_message()
    {
        var r = Run("can-i", "get", "pods", "--snapshot", Example("w1-bastion/after"), "--as-arn", "arn:aws:iam::111122223333:user/x", "--bogus");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--bogus", r.Stderr);
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public void Missing_required_options_are_exit_2()
    {
        var r = Run("can-i", "get", "pods");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--snapshot", r.Stderr);
    }

    [Theory]
    [InlineData("not-an-arn", "error: --as-arn: arn 'not-an-arn' is invalid: 'arn: invalid prefix'")]
    [InlineData("arn:aws:s3:::bucket", "error: --as-arn: service s3 in arn arn:aws:s3:::bucket is not a valid service for identities")]
    public void Bad_arns_are_explained(string arn, string message)
    {
        var r = Run("can-i", "get", "pods", "--snapshot", Example("w1-bastion/after"), "--as-arn", arn);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Stderr);
    }

    [Fact]
    public void A_missing_snapshot_directory_is_exit_2()
    {
        var r = Run("whoami", "--snapshot", Path.Combine(Path.GetTempPath(), "no-such-turnstile-snapshot"), "--as-arn", "arn:aws:iam::111122223333:user/x");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("no such directory", r.Stderr);
    }

    [Fact]
    public void An_unreadable_snapshot_file_is_named_with_the_reason()
    {
        var dir = Directory.CreateTempSubdirectory("turnstile-snapshot-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "broken.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: [unclosed\n");
            File.WriteAllText(Path.Combine(dir.FullName, "notes.txt"), "hello: world\n");
            var r = Run("can-i", "get", "pods", "--snapshot", dir.FullName, "--as-arn", "arn:aws:iam::111122223333:user/x");
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("broken.yaml: error:", r.Stderr);
            Assert.Contains("notes.txt: error: is not recognized", r.Stderr);
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public void Namespace_and_all_namespaces_conflict()
    {
        var r = Run("can-i", "get", "pods", "-n", "a", "-A", "--snapshot", Example("w1-bastion/after"), "--as-arn", "arn:aws:iam::111122223333:role/bastion");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("cannot be used together", r.Stderr);
    }

    [Fact]
    public void Unknown_resources_warn_like_kubectl_and_are_still_answered()
    {
        var r = Run("can-i", "get", "widgets.example.com", "--snapshot", Example("w1-bastion/after"), "--as-arn", "arn:aws:iam::111122223333:role/bastion");
        Assert.Equal((0, "yes\n"), (r.ExitCode, r.Stdout));
        Assert.Contains("Warning: the server doesn't have a resource type 'widgets' in group 'example.com'", r.Stderr);
    }
}
