using Spectre.Console;

namespace Turnstile.Cli.Output;

/// <summary>
/// A spinner on stderr for work that takes longer than a second, only when stderr is a terminal: piped output and
/// tests never see it, and quick commands never flash it.
/// </summary>
public static class Progress
{
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(1);

    public static T Run<T>(string label, Func<T> work)
    {
        if (Console.IsErrorRedirected || Environment.GetEnvironmentVariable("NO_COLOR") is { Length: > 0 }) return work();
        var task = Task.Run(work);
        if (task.Wait(Delay)) return task.GetAwaiter().GetResult();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        console.Status().Spinner(Spinner.Known.Dots).Start(label, _ => task.Wait());
        return task.GetAwaiter().GetResult();
    }
}
