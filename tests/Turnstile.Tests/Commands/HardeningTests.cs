using System.Net.Sockets;
using static Turnstile.Tests.TurnstileCli;

namespace Turnstile.Tests.Commands;

/// <summary>
/// Issue 6 on the command line, in-process: every parse error is one line and exit 2, ARNs are checked before use,
/// and the snapshot directory is read safely (regular files only, a size limit, no empty or merged snapshots).
/// </summary>
public class HardeningTests
{
    private const string User = "arn:aws:iam::111122223333:user/x";

    private static Result Cli(params string[] args) => InProcessCli.Run(args);

    private static void AssertOneLineError(Result r, string expected)
    {
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Equal(expected + "\n", r.Stderr);
    }

    [Theory]
    [InlineData("error: --port must be a port number from 0 to 65535, got 'abc' (see 'turnstile serve --help')", "serve", "--port", "abc")]
    [InlineData("error: --port needs a value (see 'turnstile serve --help')", "serve", "--port")]
    [InlineData("error: --port must be a port number from 0 to 65535, got '65536' (see 'turnstile serve --help')", "serve", "--port", "65536")]
    [InlineData("error: --kube-port must be a port number from 0 to 65535, got '-1' (see 'turnstile serve --help')", "serve", "--kube-port", "-1")]
    [InlineData("error: --account-id must be 12 digits, got '1234' (see 'turnstile serve --help')", "serve", "--account-id", "1234")]
    [InlineData("error: --data needs a value (see 'turnstile serve --help')", "serve", "--data")]
    [InlineData("error: --store, --data and --in-memory cannot be used together (see 'turnstile serve --help')", "serve", "--in-memory", "--data", "d")]
    [InlineData("error: unknown command 'bogus'; the commands are can-i, whoami, explain, who-can, access-matrix, lookup, rolesum, policy-rules, lint, migrate, diff, assert, graph, collect, serve, reset, env, webhook-config, iamidentitymapping (see 'turnstile --help')", "bogus")]
    [InlineData("error: a command is required: can-i, whoami, explain, who-can, access-matrix, lookup, rolesum, policy-rules, lint, migrate, diff, assert, graph, collect, serve, reset, env, webhook-config, iamidentitymapping (see 'turnstile --help')")]
    [InlineData("error: turnstile can-i has no option -o; -o belongs to whoami, explain, who-can, access-matrix, lookup, rolesum, policy-rules, lint, migrate, diff, assert, graph, iamidentitymapping get (see 'turnstile can-i --help')", "can-i", "get", "pods", "--snapshot", "s", "--as-arn", User, "-o", "json")]
    [InlineData("error: turnstile can-i has no option --output; --output belongs to whoami, explain, who-can, access-matrix, lookup, rolesum, policy-rules, lint, migrate, diff, assert, graph, iamidentitymapping get (see 'turnstile can-i --help')", "can-i", "get", "pods", "--output=json")]
    [InlineData("error: unknown option --bogus for turnstile whoami (see 'turnstile whoami --help')", "whoami", "--bogus")]
    [InlineData("error: --output: Argument 'xml' not recognized. Must be one of: 'table' 'json' 'yaml' (see 'turnstile whoami --help')", "whoami", "--snapshot", "s", "--as-arn", User, "-o", "xml")]
    [InlineData("error: --endpoint needs a value (see 'turnstile env --help')", "env", "--endpoint")]
    [InlineData("error: --endpoint must be an http(s) URL such as http://127.0.0.1:4566, got 'ftp://x' (see 'turnstile env --help')", "env", "--endpoint", "ftp://x")]
    [InlineData("error: unexpected argument 'maybe' for turnstile serve (see 'turnstile serve --help')", "serve", "--latency", "maybe")]
    public void Parse_errors_are_one_line_with_exit_2(string expected, params string[] args) => AssertOneLineError(Cli(args), expected);

    /// <summary>Found by the fuzzer: a token with a newline made the "one line" two.</summary>
    [Fact]
    public void Control_characters_in_tokens_are_escaped()
    {
        AssertOneLineError(Cli("whoami", "--bo\ngus"), "error: unknown option --bo\\ngus for turnstile whoami (see 'turnstile whoami --help')");
        AssertOneLineError(Cli("bo\tgus"), "error: unknown command 'bo\\tgus'; the commands are can-i, whoami, explain, who-can, access-matrix, lookup, rolesum, policy-rules, lint, migrate, diff, assert, graph, collect, serve, reset, env, webhook-config, iamidentitymapping (see 'turnstile --help')");
    }

    [Theory]
    [InlineData("arn:aws:iam::1234:user/x", "error: --as-arn: invalid ARN arn:aws:iam::1234:user/x: account '1234' is not a 12-digit AWS account id")]
    [InlineData("arn:aws:iam::111122223333:user/", "error: --as-arn: invalid ARN arn:aws:iam::111122223333:user/: the user name is empty")]
    [InlineData("arn:aws:iam::*:role/x", "error: --as-arn: invalid ARN arn:aws:iam::*:role/x: account '*' is not a 12-digit AWS account id")]
    [InlineData("arn:aws:iam::111122223333:role/dev*", "error: --as-arn: invalid ARN arn:aws:iam::111122223333:role/dev*: wildcards (* and ?) cannot name a principal")]
    [InlineData("arn:aws:sts::111122223333:assumed-role/r/s", "error: --as-arn: invalid ARN arn:aws:sts::111122223333:assumed-role/r/s: session name 's' is not valid: it must be 2 to 64 characters of letters, digits and +=,.@_-")]
    public void Arns_no_principal_can_have_are_refused_before_use(string arn, string message)
    {
        foreach (var command in new[] { "can-i", "explain" })
            AssertOneLineError(Cli(command, "get", "pods", "--snapshot", Example("w1-bastion/after"), "--as-arn", arn), message);
        AssertOneLineError(Cli("whoami", "--snapshot", Example("w1-bastion/after"), "--as-arn", arn), message);
    }

    [Fact]
    public void Session_names_are_checked()
    {
        AssertOneLineError(Cli("can-i", "get", "pods", "--snapshot", Example("w1-bastion/after"), "--as-arn", "arn:aws:iam::111122223333:role/bastion", "--session-name", "a b"),
            "error: --session-name: session name 'a b' is not valid: it must be 2 to 64 characters of letters, digits and +=,.@_-");
    }

    [Fact]
    public void An_empty_directory_is_not_a_snapshot()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(dir.Path, ".hidden"));
        File.WriteAllText(Path.Combine(dir.Path, ".hidden", "aws-auth.yaml"), "x");
        var r = Cli("whoami", "--snapshot", dir.Path, "--as-arn", User);
        AssertOneLineError(r, $"error: --snapshot {dir.Path}: the directory is empty (names starting with '.' are skipped); an empty directory is not a snapshot");
    }

    [Fact]
    public void The_parent_of_two_snapshots_is_not_merged()
    {
        var r = Cli("can-i", "list", "nodes", "-A", "--snapshot", Example("w1-bastion"), "--as-arn", "arn:aws:iam::111122223333:role/bastion");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("before/aws-auth.yaml: error: the aws-auth ConfigMap is also in after/aws-auth.yaml; after/ and before/ look like two snapshots: pass one of them to --snapshot", r.Stderr);
        Assert.Contains("before/describe-cluster.json: error: `aws eks describe-cluster` output is also in after/describe-cluster.json", r.Stderr);
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public void Fifos_sockets_and_links_to_devices_are_skipped_unopened()
    {
        if (OperatingSystem.IsWindows()) return;
        using var dir = new TempDirectory();
        CopyExample("w1-bastion/after", dir.Path);
        Assert.Equal(0, Mono.Unix.Native.Syscall.mkfifo(Path.Combine(dir.Path, "pipe"), Mono.Unix.Native.FilePermissions.DEFFILEMODE));
        File.CreateSymbolicLink(Path.Combine(dir.Path, "zero"), "/dev/zero");
        File.CreateSymbolicLink(Path.Combine(dir.Path, "null"), "/dev/null");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(Path.Combine(dir.Path, "sock")));

        // A FIFO opened for reading waits for a writer and /dev/zero never ends: a hang here is the defect.
        var run = Task.Run(() => Cli("can-i", "list", "nodes", "-A", "--snapshot", dir.Path, "--as-arn", "arn:aws:iam::111122223333:role/bastion"));
        Assert.True(run.Wait(TimeSpan.FromSeconds(60)), "turnstile hung on a special file");
        var r = run.Result;
        Assert.Equal((0, "yes\n"), (r.ExitCode, r.Stdout));
        Assert.Equal(
        [
            "null: warning: is a character device, not a regular file; skipped",
            "pipe: warning: is a FIFO (named pipe), not a regular file; skipped",
            "sock: warning: is a socket, not a regular file; skipped",
            "zero: warning: is a character device, not a regular file; skipped",
        ], r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Oversized_and_non_utf8_files_are_named_errors()
    {
        using var dir = new TempDirectory();
        CopyExample("w1-bastion/after", dir.Path);
        using (var big = File.Create(Path.Combine(dir.Path, "huge.yaml"))) big.SetLength(Turnstile.Cli.Offline.SnapshotDirectory.MaxFileBytes + 1);
        File.WriteAllBytes(Path.Combine(dir.Path, "latin1.yaml"), [(byte)'a', (byte)':', (byte)' ', 0xE9, (byte)'\n']);
        var r = Cli("whoami", "--snapshot", dir.Path, "--as-arn", User);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal(
        [
            "huge.yaml: error: is larger than 64 MiB, the limit for one snapshot file; split the export (e.g. one file per kind)",
            "latin1.yaml: error: is not UTF-8 text (invalid byte sequence at byte 3); export it again as UTF-8",
            $"error: the snapshot {dir.Path} has errors (see above); fix or remove those files",
        ], r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Utf16_exports_with_a_byte_order_mark_read()
    {
        using var dir = new TempDirectory();
        CopyExample("w1-bastion/after", dir.Path);
        var awsAuth = Path.Combine(dir.Path, "aws-auth.yaml");
        File.WriteAllText(awsAuth, File.ReadAllText(awsAuth), new System.Text.UnicodeEncoding(bigEndian: false, byteOrderMark: true));
        var r = Cli("can-i", "list", "nodes", "-A", "--snapshot", dir.Path, "--as-arn", "arn:aws:iam::111122223333:role/bastion");
        Assert.Equal((0, "yes\n", ""), (r.ExitCode, r.Stdout, r.Stderr));
    }

    [Fact]
    public void A_dropped_aws_auth_section_is_a_warning_on_every_command()
    {
        using var dir = new TempDirectory();
        CopyExample("w1-bastion/after", dir.Path);
        var awsAuth = Path.Combine(dir.Path, "aws-auth.yaml");
        // One space too many before the second row's username: the whole mapRoles section fails to parse.
        File.WriteAllText(awsAuth, File.ReadAllText(awsAuth).Replace("      username: bastion", "       username: bastion"));
        const string warning = "aws-auth.yaml: warning: aws-auth mapRoles cannot be parsed (";
        const string consequence = "EKS drops the whole mapRoles section, so none of its rows map anyone";
        string[][] commands =
        [
            ["can-i", "list", "nodes", "-A"],
            ["whoami"],
            ["explain", "list", "nodes", "-A"],
        ];
        foreach (var command in commands)
        {
            var r = Cli([.. command, "--snapshot", dir.Path, "--as-arn", "arn:aws:iam::111122223333:role/bastion"]);
            Assert.Equal(3, r.ExitCode);
            Assert.Contains(warning, r.Stderr);
            Assert.Contains(consequence, r.Stderr);
        }
    }

    private static void CopyExample(string example, string target)
    {
        foreach (var file in Directory.GetFiles(Example(example)))
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
    }
}
