using System.CommandLine;
using Turnstile.Storage;

namespace Turnstile.Cli.Commands;

/// <summary><c>turnstile reset</c>: empties a store (every AWS and Kubernetes object, and the change history) after a confirmation.</summary>
public static class ResetCommand
{
    public static Command Create()
    {
        var store = new StoreSelection();
        var yes = new Option<bool>("--yes") { Description = "Do not ask for confirmation (for scripts)" };
        var command = new Command("reset",
            "Empty the state store: IAM users, keys, roles and policies, STS sessions, EKS clusters and their Kubernetes objects. " +
            "The next `turnstile serve` starts as on a new store. Stop the replicas serving it first.\n\n" + EmulatorSettings.EnvironmentHelp)
        {
            yes,
        };
        store.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var location = store.Resolve(parse);
            if (location is MemoryLocation) throw new UsageException("a memory store starts empty and ends with its process; there is nothing to reset");
            if (!parse.GetValue(yes))
            {
                await output.WriteAsync(
                    $"This deletes every user, key, role, policy, session, cluster and Kubernetes object in {location.Description}.\nType yes to continue: ");
                await output.FlushAsync(cancellationToken);
                if (Console.In.ReadLine()?.Trim() != "yes")
                {
                    await error.WriteLineAsync("turnstile: reset cancelled; nothing was deleted");
                    return 1;
                }
            }
            try
            {
                await using var opened = await StoreFactory.OpenAsync(location, StoreOptions.Default with { CompactionInterval = TimeSpan.Zero }, cancellationToken);
                await opened.ResetAsync(cancellationToken);
            }
            catch (StoreUnavailableException e)
            {
                await error.WriteLineAsync($"turnstile: cannot open the state store {location.Description}: {e.Message}");
                return 1;
            }
            await output.WriteLineAsync($"turnstile: emptied {location.Description}");
            return 0;
        });
        return command;
    }
}
