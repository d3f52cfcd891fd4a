using System.CommandLine;
using System.Diagnostics;
using Turnstile.Cli.Output;
using Turnstile.Core.Analysis;

namespace Turnstile.Cli.Commands;

/// <summary><c>graph</c>: the path from an IAM principal (or a Kubernetes subject) to roles and rules, as Graphviz dot or Mermaid.</summary>
public static class GraphCommand
{
    public static Command Create()
    {
        var command = new Command("graph", "Draw the path from an IAM principal through its mapping, Kubernetes user and groups, bindings, roles and rules (or from a Kubernetes subject) as Graphviz dot or Mermaid; --svg renders it with Graphviz");
        var cluster = new ClusterSourceOptions();
        var principal = new PrincipalOptions("IAM principal to start from");
        var subject = new Option<string?>("--subject") { Description = SubjectSpec.Help + " to start from" };
        var output = OutputFormat.Option("dot", "mermaid", "json", "yaml");
        var svg = new Option<string?>("--svg") { Description = "Render to this SVG file with Graphviz's dot (must be installed)" };
        cluster.AddTo(command);
        principal.AddTo(command);
        command.Add(subject);
        command.Add(output);
        command.Add(svg);
        command.SetAction(result =>
        {
            var subjectText = result.GetValue(subject);
            if ((subjectText is null) == !principal.Given(result)) throw new UsageException("give exactly one of --as-arn and --subject");
            var analysis = new ClusterAnalysis(cluster.Load(result).Model);
            AccessGraph graph;
            if (subjectText is not null)
            {
                var spec = SubjectSpec.Parse(subjectText);
                graph = AccessGraph.ForSubject(analysis, spec.Kind, spec.Name, spec.Namespace);
            }
            else graph = AccessGraph.ForPrincipal(analysis, principal.Resolve(result, analysis));

            if (result.GetValue(svg) is { } svgPath)
            {
                Render(graph.ToDot(), svgPath);
                Console.Error.WriteLine($"wrote {svgPath}");
                return ExitCodes.Yes;
            }
            var format = result.GetRequiredValue(output);
            if (Structured.Handles(format)) Structured.Write(new { graph.Nodes, graph.Edges }, format);
            else Console.Write(format == "mermaid" ? graph.ToMermaid() : graph.ToDot());
            return ExitCodes.Yes;
        });
        return command;
    }

    private static void Render(string dot, string svgPath)
    {
        var start = new ProcessStartInfo("dot") { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-Tsvg");
        start.ArgumentList.Add("-o");
        start.ArgumentList.Add(svgPath);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new UsageException("--svg: could not start Graphviz's dot");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new UsageException("--svg needs Graphviz's `dot` on PATH (install graphviz), or pipe `-o dot` into a renderer");
        }
        using (process)
        {
            var errors = process.StandardError.ReadToEndAsync();
            process.StandardInput.Write(dot);
            process.StandardInput.Close();
            process.WaitForExit();
            if (process.ExitCode != 0) throw new UsageException($"--svg: dot failed: {errors.Result.Trim()}");
        }
    }
}
