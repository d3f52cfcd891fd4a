using System.CommandLine;
using Turnstile.Cli.Collect;

namespace Turnstile.Cli.Commands;

/// <summary><c>collect</c>: a snapshot directory of a live cluster, made with the user's own aws and kubectl.</summary>
public static class CollectCommand
{
    public static Command Create()
    {
        var command = new Command("collect",
            "Export a cluster's access state into a snapshot directory with your own aws and kubectl (their environment, credentials and kubeconfig): " +
            "describe-cluster, access entries and their policies, aws-auth, RBAC, CRDs, api-resources, and the IAM unique ids of mapped principals");
        var name = new Option<string>("--cluster-name") { Description = "The EKS cluster's name", Required = true };
        var context = new Option<string>("--context") { Description = "kubeconfig context to read (default: the one named after the cluster ARN, else the current one)" };
        var region = new Option<string>("--region") { Description = "AWS region for the aws CLI (default: its configuration)" };
        var profile = new Option<string>("--profile") { Description = "AWS CLI profile (default: its configuration)" };
        var endpoint = ClusterSourceOptions.EndpointOption();
        var output = new Option<string>("--out") { Description = "Directory to write the snapshot into (new or empty)", Required = true };
        command.Add(name);
        command.Add(context);
        command.Add(region);
        command.Add(profile);
        command.Add(endpoint);
        command.Add(output);
        command.SetAction(result =>
        {
            var request = new CollectRequest(result.GetRequiredValue(name), result.GetValue(context), result.GetValue(region), result.GetValue(profile));
            var overrides = result.GetValue(endpoint) is { } url ? new Dictionary<string, string> { ["AWS_ENDPOINT_URL"] = url.TrimEnd('/') } : null;
            var directory = result.GetRequiredValue(output);
            var collector = new ClusterCollector(new ProcessToolRunner(overrides), line => Console.Error.WriteLine("collect: " + line));
            try
            {
                var snapshot = collector.CollectAsync(request).GetAwaiter().GetResult();
                snapshot.WriteTo(directory);
                Console.Error.WriteLine($"collect: wrote {snapshot.Files.Count} files to {directory}");
            }
            catch (CollectException e)
            {
                throw new UsageException(e.Message);
            }
            return ExitCodes.Yes;
        });
        return command;
    }
}
