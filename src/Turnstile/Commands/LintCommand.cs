using System.CommandLine;
using Turnstile.Cli.Output;
using Turnstile.Core.Analysis;
using Turnstile.Core.Analysis.Lint;

namespace Turnstile.Cli.Commands;

/// <summary><c>lint</c>: findings over aws-auth, access entries and the RBAC they lead to; exit 1 when any is an error.</summary>
public static class LintCommand
{
    public static Command Create()
    {
        var command = new Command("lint", "Check aws-auth and access entries for what locks people out or grants too much: sections EKS drops, role ARNs with a path, shadowed rows, unknown fields, templates that cannot resolve, system:masters, unbound groups, bindings to missing roles, missing principals, no admin left (exit 1 on any error)");
        var cluster = new ClusterSourceOptions();
        var output = OutputFormat.Option("table", "json", "yaml");
        cluster.AddTo(command);
        command.Add(output);
        command.SetAction(result =>
        {
            var loaded = cluster.Load(result);
            var findings = AccessLinter.Lint(new ClusterAnalysis(loaded.Model), loaded.Principals);
            var format = result.GetRequiredValue(output);
            if (Structured.Handles(format)) Structured.Write(findings, format);
            else Print(findings);
            return findings.Any(f => f.Severity == Severity.Error) ? ExitCodes.No : ExitCodes.Yes;
        });
        return command;
    }

    private static void Print(IReadOnlyList<Finding> findings)
    {
        foreach (var f in findings)
        {
            var color = f.Severity switch { Severity.Error => "red", Severity.Warning => "yellow", _ => "grey" };
            Terminal.Line($"{f.Severity.ToString().ToLowerInvariant()}: {f.Location}: {f.Message} [{f.Check}]", color);
            Console.WriteLine($"  fix: {f.Fix}");
        }
        var counts = Enum.GetValues<Severity>().Reverse().Select(s => (s, n: findings.Count(f => f.Severity == s)));
        Console.WriteLine(string.Join(", ", counts.Select(c => $"{c.n} {c.s.ToString().ToLowerInvariant()}{(c.n == 1 || c.s == Severity.Info ? "" : "s")}")));
    }
}
