using System.CommandLine;
using Turnstile.Cli.Offline;
using Turnstile.Cli.Output;
using Turnstile.Core.Analysis.Comparison;
using Turnstile.Core.Analysis.Lint;
using Turnstile.Core.Analysis.Migration;
using Turnstile.Core.Mapping;

namespace Turnstile.Cli.Commands;

/// <summary><c>migrate</c> (aws-auth to access entries, with <c>--verify</c>) and <c>diff</c> (any two cluster states).</summary>
public static class MigrationCommands
{
    private sealed record Verification(MigrationPlan Plan, AccessComparison Comparison);

    public static Command Migrate()
    {
        var command = new Command("migrate", "Plan the access entries and policy associations equivalent to aws-auth (system:masters -> AmazonEKSClusterAdminPolicy, node rows -> EC2_LINUX/FARGATE_LINUX), as aws CLI commands, Terraform, eksctl or JSON; --verify proves it: every principal's access before (current mode) and after (API with the plan), exit 0 only when identical");
        var cluster = new ClusterSourceOptions();
        var format = new Option<string>("--format") { Description = "Plan format: aws-cli, terraform, eksctl, json", DefaultValueFactory = _ => "aws-cli" };
        format.AcceptOnlyFromAmong("aws-cli", "terraform", "eksctl", "json");
        var verify = new Option<bool>("--verify") { Description = "Compare every mapped principal's permissions before and after the plan over all resources and verbs; print every difference (exit 0: none, 1: some)" };
        var output = OutputFormat.Option("table", "json", "yaml");
        output.Description = "Output: table (the plan in --format; with --verify, the report), json, yaml (the plan, or plan and comparison)";
        cluster.AddTo(command);
        command.Add(format);
        command.Add(verify);
        command.Add(output);
        command.SetAction(result =>
        {
            var model = cluster.Load(result).Model;
            var plan = MigrationPlanner.Plan(model);
            var outputFormat = result.GetRequiredValue(output);
            if (!result.GetValue(verify))
            {
                if (Structured.Handles(outputFormat))
                {
                    Structured.Write(plan, outputFormat);
                    return ExitCodes.Yes;
                }
                var text = result.GetRequiredValue(format) switch
                {
                    "terraform" => PlanWriters.Terraform(plan),
                    "eksctl" => PlanWriters.Eksctl(plan),
                    "json" => Json.Serialize(plan) + "\n",
                    _ => PlanWriters.AwsCli(plan),
                };
                Console.Write(text);
                return ExitCodes.Yes;
            }
            var comparison = Progress.Run("comparing every principal before and after",
                () => AccessComparer.Compare(model, plan.ApplyTo(model), $"{model.Mode.ToWire()} (now)", "API with the planned entries"));
            if (Structured.Handles(outputFormat)) Structured.Write(new Verification(plan, comparison), outputFormat);
            else
            {
                PrintPlan(plan);
                PrintComparison(comparison);
            }
            return comparison.Same ? ExitCodes.Yes : ExitCodes.No;
        });
        return command;
    }

    public static Command Diff()
    {
        var command = new Command("diff", "Compare two cluster states: every principal either names, on every resource, verb and namespace that matters, printing each difference (exit 0: none, 1: some)");
        var before = new Argument<string>("SNAPSHOT_A") { Description = "Snapshot directory of the first state" };
        var after = new Argument<string>("SNAPSHOT_B") { Description = "Snapshot directory of the second state" };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Also print how every snapshot file was read" };
        var output = OutputFormat.Option("table", "json", "yaml");
        command.Add(before);
        command.Add(after);
        command.Add(verbose);
        command.Add(output);
        command.SetAction(result =>
        {
            var a = ClusterSourceOptions.Load(new SnapshotSource(result.GetRequiredValue(before)), result.GetValue(verbose)).Model;
            var b = ClusterSourceOptions.Load(new SnapshotSource(result.GetRequiredValue(after)), result.GetValue(verbose)).Model;
            var comparison = Progress.Run("comparing every principal",
                () => AccessComparer.Compare(a, b, result.GetRequiredValue(before), result.GetRequiredValue(after)));
            var format = result.GetRequiredValue(output);
            if (Structured.Handles(format)) Structured.Write(comparison, format);
            else PrintComparison(comparison);
            return comparison.Same ? ExitCodes.Yes : ExitCodes.No;
        });
        return command;
    }

    private static void PrintPlan(MigrationPlan plan)
    {
        var byEks = plan.Entries.Count(e => e.CreatedByEks);
        Console.WriteLine($"Plan for cluster {plan.ClusterName}: {plan.FromMode} -> API with {plan.Entries.Count} access entries" +
                          (byEks > 0 ? $" ({byEks} created by EKS itself)" : ""));
        foreach (var entry in plan.Entries)
        {
            var details = new List<string> { entry.Type };
            if (entry.Username is { } username) details.Add("username " + username);
            if (entry.KubernetesGroups.Count > 0) details.Add($"groups [{string.Join(' ', entry.KubernetesGroups)}]");
            details.AddRange(entry.AccessPolicies.Select(p => $"{p.PolicyArn[(p.PolicyArn.LastIndexOf('/') + 1)..]} ({p.ToScope()})"));
            Console.WriteLine($"  {entry.PrincipalArn}: {string.Join(", ", details)}  <- {entry.From}{(entry.CreatedByEks ? " (created by EKS)" : "")}");
        }
        foreach (var note in plan.Notes)
            Terminal.Line($"  {note.Severity.ToString().ToLowerInvariant()}: {note.Location}: {note.Message}",
                note.Severity switch { Severity.Error => "red", Severity.Warning => "yellow", _ => null });
        Console.WriteLine();
    }

    private static void PrintComparison(AccessComparison comparison)
    {
        Console.WriteLine($"Compared {comparison.PrincipalCount} principals on {comparison.RequestKinds:N0} kinds of request, in every namespace that matters ({comparison.Evaluations:N0} decisions):");
        Console.WriteLine($"  before: {comparison.BeforeLabel}");
        Console.WriteLine($"  after:  {comparison.AfterLabel}");
        foreach (var p in comparison.Principals.Where(p => p.Differs || p.IdentityNotes.Count > 0))
        {
            Console.WriteLine();
            Terminal.Line(p.Display, "yellow");
            Console.WriteLine($"  before: {p.Before}");
            Console.WriteLine($"  after:  {p.After}");
            foreach (var note in p.IdentityNotes) Console.WriteLine($"  note: {note}");
            foreach (var change in Grouped(p.Changes))
                Terminal.Line("  " + change, change.Contains("-> allowed", StringComparison.Ordinal) || change.Contains("-> partial", StringComparison.Ordinal) ? "yellow" : "red");
        }
        Console.WriteLine();
        if (comparison.Same) Terminal.Line("No differences: every principal keeps exactly the same access.", "green");
        else Terminal.Line($"{Count(comparison.ChangeCount, "difference")} for {Count(comparison.Differences.Count, "principal")}.", "red");
    }

    /// <summary>Changes of one target and namespace with the same answers merged into one line listing their verbs.</summary>
    private static IEnumerable<string> Grouped(IReadOnlyList<PermissionChange> changes) =>
        changes.GroupBy(c => (c.Target, c.Namespace, c.Before, c.After, c.BeforeGrant, c.AfterGrant, Names(c.BeforeNames), Names(c.AfterNames)))
            .Select(g =>
            {
                var (target, ns, was, now, wasGrant, nowGrant, wasNames, nowNames) = g.Key;
                var where = target.StartsWith('/') ? "" : ns.Length == 0 ? " (cluster scope / all namespaces)" : ns.StartsWith('(') ? " in " + ns.Trim('(', ')') : $" in {ns}";
                return $"{string.Join(',', g.Select(c => c.Verb))} {target}{where}: {Answer(was, wasNames, wasGrant)} -> {Answer(now, nowNames, nowGrant)}";
            });

    private static string Count(int n, string noun) => $"{n} {noun}{(n == 1 ? "" : "s")}";

    private static string Names(IReadOnlyList<string> names) => string.Join(",", names);

    private static string Answer(Outcome outcome, string names, string? grant) => outcome switch
    {
        Outcome.Allowed => $"allowed ({grant})",
        Outcome.Partial => $"partial [{names}] ({grant})",
        _ => "denied",
    };
}
