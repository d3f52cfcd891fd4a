using System.CommandLine;
using Turnstile.Cli.Output;
using Turnstile.Core.Analysis;
using Turnstile.Core.Kube;

namespace Turnstile.Cli.Commands;

/// <summary><c>who-can VERB RESOURCE [NAME]</c>: every Kubernetes subject and every mapped IAM principal allowed, with what grants it.</summary>
public static class WhoCanCommand
{
    public static Command Create()
    {
        var command = new Command("who-can", "List every IAM principal (aws-auth rows, whole accounts, access entries, the cluster creator) and Kubernetes subject allowed to make a request, with the binding, access policy or system:masters that grants it");
        var cluster = new ClusterSourceOptions();
        var request = new RequestArguments();
        var output = OutputFormat.Option("table", "json", "yaml");
        cluster.AddTo(command);
        request.AddTo(command);
        command.Add(output);
        command.SetAction(result =>
        {
            var model = cluster.Load(result).Model;
            var (attributes, warnings) = request.Build(result, model.ApiResources);
            foreach (var warning in warnings) Console.Error.Write(KubectlErrorText.Warning(warning));
            var analysis = new ClusterAnalysis(model);
            var answer = Progress.Run("evaluating every principal", () => WhoCan.Run(analysis, attributes));
            var format = result.GetRequiredValue(output);
            if (Structured.Handles(format)) Structured.Write(answer, format);
            else Print(answer);
            return ExitCodes.Yes;
        });
        return command;
    }

    private static void Print(WhoCanResult answer)
    {
        if (answer.Principals.Count == 0) Console.WriteLine("No IAM principal the cluster maps is allowed.");
        else
            Terminal.Table(["IAM PRINCIPAL", "MAPPED BY", "KUBERNETES USER", "GRANTED BY"],
                answer.Principals.Select(p => new Cell[] { new(p.Display, "yellow"), p.MappedBy, p.Username, p.GrantedBy.ToString() }));
        Console.WriteLine();
        Terminal.Table(["KIND", "SUBJECT", "NAMESPACE", "GRANTED BY"],
            answer.Subjects.Select(s => new Cell[] { s.Kind, new(s.Name, "yellow"), s.Namespace, string.Join("; ", s.GrantedBy.Select(g => g.Binding?.ToString() ?? g.ToString())) }));
    }
}
