using Turnstile.Cli.Collect;
using Turnstile.Core.Clusters;
using System.CommandLine;
using System.Diagnostics;
using Turnstile.Cli.Offline;
using Turnstile.Cli.Output;
using Turnstile.Core.Analysis;
using Turnstile.Core.Analysis.Assertions;

namespace Turnstile.Cli.Commands;

/// <summary><c>assert FILE</c>: expectations checked in one run, reported like a test runner, optionally as JUnit XML.</summary>
public static class AssertCommand
{
    public static Command Create()
    {
        var command = new Command("assert", "Check a YAML file of expectations (principal, request, allowed/denied/unauthenticated) against a cluster: test-runner report, JUnit XML with --junit (exit 0 all pass, 1 any fails)");
        var file = new Argument<string>("FILE") { Description = "AccessAssertions YAML file (see examples/assertions)" };
        var snapshot = new Option<string?>("--snapshot") { Description = "Snapshot directory (default: the file's snapshot:, relative to the file)" };
        var cluster = new Option<string?>("--cluster") { Description = "Check the live cluster NAME instead of a snapshot (collected as 'turnstile collect' does)" };
        var endpoint = ClusterSourceOptions.EndpointOption();
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Also print how every snapshot file was read" };
        var junit = new Option<string?>("--junit") { Description = "Also write the results as JUnit XML to this file" };
        var output = OutputFormat.Option("table", "json", "yaml");
        command.Add(file);
        command.Add(snapshot);
        command.Add(cluster);
        command.Add(endpoint);
        command.Add(verbose);
        command.Validators.Add(result =>
        {
            if (result.GetResult(cluster) is { Implicit: false } && result.GetResult(snapshot) is { Implicit: false })
                result.AddError("--snapshot and --cluster cannot be used together: read either a snapshot or a live cluster");
            else if (result.GetResult(endpoint) is { Implicit: false } && result.GetResult(cluster) is not { Implicit: false })
                result.AddError("--endpoint goes with --cluster, not --snapshot");
        });
        command.Add(junit);
        command.Add(output);
        command.SetAction(result =>
        {
            var path = result.GetRequiredValue(file);
            AssertionFile assertions;
            try
            {
                assertions = AssertionFile.Parse(File.ReadAllText(path));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"{path}: {e.Message}");
            }
            catch (FormatException e)
            {
                throw new UsageException($"{path}: {e.Message}");
            }
            IClusterSource source = result.GetValue(cluster) is { } name
                ? new CollectedClusterSource(new CollectRequest(name), result.GetValue(endpoint)?.TrimEnd('/'))
                : new SnapshotSource(result.GetValue(snapshot)
                                     ?? (assertions.Snapshot is { } relative ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, relative) : null)
                                     ?? throw new UsageException($"{path} names no snapshot: add snapshot: to the file or pass --snapshot or --cluster"));
            var model = ClusterSourceOptions.Load(source, result.GetValue(verbose)).Model;
            var clock = Stopwatch.StartNew();
            var results = AssertionRunner.Run(new ClusterAnalysis(model), assertions.Assertions);
            if (result.GetValue(junit) is { } junitPath)
            {
                try
                {
                    File.WriteAllText(junitPath, JUnitReport.Write(Path.GetFileName(path), results, clock.Elapsed));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new UsageException($"--junit {junitPath}: {e.Message}");
                }
            }
            var format = result.GetRequiredValue(output);
            if (Structured.Handles(format)) Structured.Write(results, format);
            else Print(results);
            return results.All(r => r.Passed) ? ExitCodes.Yes : ExitCodes.No;
        });
        return command;
    }

    private static void Print(IReadOnlyList<AssertionResult> results)
    {
        foreach (var r in results)
        {
            foreach (var warning in r.Warnings) Console.Error.WriteLine($"Warning: {r.Name}: {warning}");
            if (r.Passed) Terminal.Line($"PASS  {r.Name}", "green");
            else
            {
                Terminal.Line($"FAIL  {r.Name}", "red");
                Console.WriteLine($"      {r.Request} as {r.Principal}: expected {JUnitReport.Text(r.Expected)}, got {(r.Actual is { } a ? JUnitReport.Text(a) : "an error")}");
            }
            Console.WriteLine($"      {r.Detail}");
        }
        var failed = results.Count(r => !r.Passed);
        Console.WriteLine();
        Terminal.Line($"{results.Count - failed} passed, {failed} failed", failed == 0 ? "green" : "red");
    }
}
