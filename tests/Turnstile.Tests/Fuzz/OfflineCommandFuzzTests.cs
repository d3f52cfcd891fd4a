using CsCheck;
using Turnstile.Fuzzing;

namespace Turnstile.Tests.Fuzz;

/// <summary>
/// Property-based fuzzing of the offline commands through the CLI entry point, in-process (issue 6): on any snapshot
/// directory and any arguments, <c>can-i</c>, <c>whoami</c> and <c>explain</c> exit 0, 1, 2 or 3 and never throw.
/// An internal error (exit 70) or an escaping exception fails the property.
/// </summary>
public class OfflineCommandFuzzTests
{
    private static readonly int[] Allowed = [0, 1, 2, 3];

    private static readonly string[] Words =
    [
        "get", "list", "create", "delete", "*", "impersonate", "escalate", "pods", "po", "nodes", "deployments.apps", "deploy",
        "widgets.example.com", "pods/log", "/healthz", "/", "secrets", "", "-", "--", "-x", "--bogus", "é", "a/b/c",
    ];

    private static readonly Gen<string[]> Options = Gen.OneOf(
        Gen.OneOf<string[]>(["-A"], ["--all-namespaces"], ["--list"], ["-q"], ["--quiet"], ["-v"], ["--verbose"], ["--help"]),
        Gen.Select(Gen.OneOf("-n", "--namespace", "--subresource", "-o", "--output", "--session-name", "--access-key-id"),
            Gen.Frequency((3, Gen.OneOf("default", "kube-system", "app", "json", "yaml", "table", "tree", "log", "session", "AKIAIOSFODNN7EXAMPLE")),
                (1, MalformedText.Snippet)),
            (name, value) => new[] { name, value }),
        Gen.OneOf(MalformedText.Arns).Select(arn => new[] { "--as-arn", arn }),
        MalformedText.Snippet.Select(s => new[] { s }));

    private static readonly Gen<string[]> Arguments =
        from command in Gen.OneOf("can-i", "whoami", "explain", "env")
        from words in Gen.OneOf(Words).Array[0, 3]
        from arn in Gen.Frequency((4, Gen.OneOf("arn:aws:iam::111122223333:role/bastion", "arn:aws:iam::111122223333:user/admin",
            "arn:aws:iam::111122223333:user/testuser", "arn:aws:iam::111122223333:role/developers")), (1, Gen.OneOf(MalformedText.Arns)))
        from options in Options.Array[0, 3]
        select (string[])[command, .. words, "--as-arn", arn, .. options.SelectMany(o => o)];

    [Fact]
    public void Offline_commands_exit_0_1_2_or_3_on_any_snapshot()
    {
        var gen = Gen.Select(SnapshotFiles.Directory, Arguments);
        FuzzBudget.Run(gen, sample =>
        {
            var (files, args) = sample;
            using var dir = new TempDirectory();
            foreach (var (name, content) in files) File.WriteAllBytes(Path.Combine(dir.Path, name), System.Text.Encoding.UTF8.GetBytes(content));
            string[] full = [.. args, "--snapshot", dir.Path];
            var result = InProcessCli.Run(full);
            Assert.True(Allowed.Contains(result.ExitCode), $"exit {result.ExitCode}: {result.Stderr}");
        }, cases: 200, threads: 1, print: s => $"turnstile {string.Join(' ', s.Item2.Select(a => $"'{a}'"))}\n" +
            string.Join("\n", s.Item1.Select(f => $"--- {f.Name}\n{f.Content}")));
    }

    [Fact]
    public void Any_arguments_without_a_snapshot_are_answered_in_one_line_or_run()
    {
        var args = Gen.Frequency(
            (3, Arguments),
            (1, Gen.OneOf("can-i", "whoami", "explain", "env", "serve", "bogus", "").SelectMany(c =>
                Gen.OneOf(Words.Concat(["--port", "abc", "--kube-port", "--data", "--in-memory", "--account-id", "-o", "--endpoint", "--shell"]).ToArray())
                    .Array[0, 5].Select(rest => (string[])[c, .. rest]))));
        FuzzBudget.Run(args, a =>
        {
            // serve with arguments that parse would start a server: only its parse errors are fuzzed.
            if (a.Length > 0 && a[0] == "serve" && !a.Any(x => x is "abc" or "--bogus" or "-x" or "-" || x.Length == 0)) return;
            var result = InProcessCli.Run(a.Concat(a[0] == "serve" ? ["--port", "not-a-port"] : []).ToArray());
            Assert.True(Allowed.Contains(result.ExitCode), $"exit {result.ExitCode}: {result.Stderr}");
            // No snapshot is read here, so every failure is a parse or argument error: exactly one line.
            if (result.ExitCode == 2) Assert.Matches("^error: [^\n]+\n$", result.Stderr);
        }, cases: 400, threads: 1, print: a => "turnstile " + string.Join(' ', a.Select(x => $"'{x}'")));
    }
}
