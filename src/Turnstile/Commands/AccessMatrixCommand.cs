using System.CommandLine;
using Turnstile.Cli.Output;
using Turnstile.Core.Analysis;
using Turnstile.Core.Authn;

namespace Turnstile.Cli.Commands;

/// <summary>
/// <c>access-matrix</c>: rakkess's resources × verbs view, for one IAM principal (<c>--as-arn</c>), one Kubernetes subject
/// (<c>--subject</c>, as if impersonated) or every principal the cluster maps in one namespace.
/// </summary>
public static class AccessMatrixCommand
{
    private sealed record PrincipalMatrix(string Principal, string MappedBy, string Username, IReadOnlyList<string> Groups, AccessMatrix Matrix);

    public static Command Create()
    {
        var command = new Command("access-matrix", "Show resources x verbs as allowed, denied or partial (only some resourceNames), like rakkess: for an IAM principal (--as-arn), a Kubernetes subject (--subject), or every mapped principal in a namespace");
        var cluster = new ClusterSourceOptions();
        var principal = new PrincipalOptions("IAM principal whose access to show (without it and --subject: every principal the cluster maps, in -n NAMESPACE)");
        var subject = new Option<string?>("--subject") { Description = SubjectSpec.Help + " (evaluated as if impersonated: access policies do not apply)" };
        var ns = new Option<string?>("--namespace", "-n") { Description = "Namespace: only namespaced resources, evaluated there (default: across all namespaces; 'default' for every principal)" };
        var verbs = new Option<string?>("--verbs") { Description = "Comma-separated verbs (default list,create,update,delete; 'all' for every standard verb)" };
        var subresources = new Option<bool>("--subresources") { Description = "Also list subresources (pods/log, deployments/scale...)" };
        var output = OutputFormat.Option("table", "json", "yaml");
        cluster.AddTo(command);
        principal.AddTo(command);
        command.Add(subject);
        command.Add(ns);
        command.Add(verbs);
        command.Add(subresources);
        command.Add(output);
        command.SetAction(result =>
        {
            var analysis = new ClusterAnalysis(cluster.Load(result).Model);
            var verbList = Verbs(result.GetValue(verbs));
            var format = result.GetRequiredValue(output);
            var subjectText = result.GetValue(subject);
            if (subjectText is not null && principal.Given(result)) throw new UsageException("give --as-arn or --subject, not both");
            var everyone = subjectText is null && !principal.Given(result);
            var namespaceValue = result.GetValue(ns) ?? (everyone ? "default" : "");
            var targets = ResourceTarget.From(analysis.Model.ApiResources, namespacedOnly: namespaceValue.Length > 0, withSubresources: result.GetValue(subresources));
            var authorizer = analysis.Engine.Authorizer;

            if (subjectText is not null)
            {
                var spec = SubjectSpec.Parse(subjectText);
                var user = spec.User();
                var matrix = AccessMatrix.For(authorizer, user, [], targets, verbList, namespaceValue);
                Write([new PrincipalMatrix(spec.ToString(), "impersonated", user.Username, user.Groups, matrix)], format, everyone: false);
                return ExitCodes.Yes;
            }
            if (!everyone)
            {
                var view = principal.Resolve(result, analysis);
                if (view.User is not { } user) return RbacViewCommands.Refuse(view);
                var matrix = AccessMatrix.For(authorizer, user, view.Policies, targets, verbList, namespaceValue);
                Write([new PrincipalMatrix(view.Principal.Arn, view.MappedBy, user.Username, user.Groups, matrix)], format, everyone: false);
                return ExitCodes.Yes;
            }
            var all = Progress.Run("evaluating every principal", () => analysis.Principals.Where(p => p.User is not null)
                .Select(p => new PrincipalMatrix(p.Principal.Display, p.MappedBy, p.User!.Username, p.User.Groups,
                    AccessMatrix.For(authorizer, p.User, p.Policies, targets, verbList, namespaceValue))).ToArray());
            Write(all, format, everyone: true);
            return ExitCodes.Yes;
        });
        return command;
    }

    private static IReadOnlyList<string> Verbs(string? text)
    {
        if (text is null) return AccessMatrix.DefaultVerbs;
        if (text is "all" or "*") return AccessMatrix.AllVerbs;
        var verbs = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = verbs.Where(v => !AccessMatrix.AllVerbs.Contains(v)).ToArray();
        if (verbs.Length == 0 || unknown.Length > 0)
            throw new UsageException($"--verbs: unexpected verb(s) {string.Join(", ", unknown)}; use {string.Join(",", AccessMatrix.AllVerbs)} or all");
        return verbs;
    }

    private static void Write(IReadOnlyList<PrincipalMatrix> matrices, string format, bool everyone)
    {
        if (Structured.Handles(format))
        {
            if (everyone) Structured.Write(matrices, format);
            else Structured.Write(matrices[0], format);
            return;
        }
        foreach (var m in matrices)
        {
            if (everyone || matrices.Count > 1)
                Terminal.Line($"{m.Principal} ({m.MappedBy}; user {m.Username}, groups [{string.Join(' ', m.Groups)}])", "yellow");
            var rows = everyone ? m.Matrix.Rows.Where(r => r.Cells.Any(c => c.Access is CellAccess.Allowed or CellAccess.Partial)).ToArray() : m.Matrix.Rows;
            if (rows.Count == 0)
            {
                Console.WriteLine("  nothing allowed");
                Console.WriteLine();
                continue;
            }
            Terminal.Table([.. m.Matrix.Verbs.Select(v => v.ToUpperInvariant()).Prepend("NAME")],
                rows.Select(r => r.Cells.Select(Render).Prepend(new Cell(r.Resource)).ToArray()));
            if (everyone) Console.WriteLine();
        }
    }

    private static Cell Render(MatrixCell cell) => cell.Access switch
    {
        CellAccess.Allowed => new("✔", "green"),
        CellAccess.Denied => new("✖", "red"),
        CellAccess.Partial => new("◐ " + string.Join(",", cell.Names), "yellow"),
        _ => new(""),
    };
}
