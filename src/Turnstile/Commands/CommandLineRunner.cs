using System.CommandLine;

namespace Turnstile.Cli.Commands;

/// <summary>Exit codes shared by every command (documented in README).</summary>
public static class ExitCodes
{
    public const int Yes = 0;
    public const int No = 1;
    public const int BadInput = 2;
    public const int Unauthenticated = 3;
}

/// <summary>A user-facing failure: printed as <c>error: ...</c> with exit code 2, never a stack trace.</summary>
public sealed class UsageException(string message) : Exception(message);

public static class CommandLineRunner
{
    public static int Run(RootCommand root, string[] args)
    {
        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors) Console.Error.WriteLine("error: " + error.Message);
            Console.Error.WriteLine($"Run '{root.Name} {string.Join(' ', CommandPath(result))} --help' for usage.");
            return ExitCodes.BadInput;
        }
        try
        {
            return result.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine("error: " + e.Message);
            return ExitCodes.BadInput;
        }
    }

    private static IEnumerable<string> CommandPath(ParseResult result)
    {
        var names = new List<string>();
        for (var command = result.CommandResult; command.Parent is not null; command = (System.CommandLine.Parsing.CommandResult)command.Parent)
            names.Insert(0, command.Command.Name);
        return names;
    }
}
