using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace Turnstile.Cli.Commands;

/// <summary>Exit codes shared by every command (documented in README).</summary>
public static class ExitCodes
{
    public const int Yes = 0;
    public const int No = 1;
    public const int BadInput = 2;
    public const int Unauthenticated = 3;

    /// <summary>A bug in Turnstile (an exception nobody expected): EX_SOFTWARE of sysexits.h.</summary>
    public const int InternalError = 70;
}

/// <summary>A user-facing failure: printed as <c>error: ...</c> with exit code 2, never a stack trace.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>
/// Parses and runs the command line. Every parse error is one line on stderr (<c>error: ...</c>, saying what was
/// wrong and where the option belongs) with exit code 2; a failure of the command itself is a <see cref="UsageException"/>
/// (exit 2). Nothing reaches the user as a stack trace: an unexpected exception is reported in one line as an
/// internal error (exit 70), with the trace only when <c>TURNSTILE_DEBUG</c> is set.
/// </summary>
public static partial class CommandLineRunner
{
    public static int Run(RootCommand root, string[] args)
    {
        var error = Console.Error;
        try
        {
            ParseResult result;
            try
            {
                result = root.Parse(args);
            }
            catch (InvalidOperationException e)
            {
                // A validator read an option whose value did not convert; System.CommandLine reports that by throwing.
                error.WriteLine("error: " + OneLine(e.Message));
                return ExitCodes.BadInput;
            }
            if (result.Errors.Count > 0)
            {
                error.WriteLine("error: " + OneLine(ParseErrorText.Describe(root, result)));
                return ExitCodes.BadInput;
            }
            return result.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (UsageException e)
        {
            error.WriteLine("error: " + OneLine(e.Message));
            return ExitCodes.BadInput;
        }
        catch (Exception e)
        {
            error.WriteLine($"turnstile: internal error: {e.GetType().Name}: {OneLine(e.Message)} (a bug in Turnstile; please report it with the command line)");
            if (Environment.GetEnvironmentVariable("TURNSTILE_DEBUG") is { Length: > 0 }) error.WriteLine(e);
            return ExitCodes.InternalError;
        }
    }

    /// <summary>Folds a multi-line message (System.CommandLine lists allowed values one per line) onto one line.</summary>
    internal static string OneLine(string message) => LineBreaks().Replace(message.Trim(), " ");

    /// <summary>A user's token as it can be shown inside a one-line message: control characters escaped.</summary>
    internal static string Printable(string token)
    {
        var sb = new System.Text.StringBuilder(token.Length);
        foreach (var c in token)
            sb.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\x{(int)c:x2}",
                _ => c.ToString(),
            });
        return sb.ToString();
    }

    [GeneratedRegex(@"\s*[\r\n]+\s*")]
    private static partial Regex LineBreaks();
}

/// <summary>The one line that explains a failed parse, in the order a user would want to fix things.</summary>
internal static class ParseErrorText
{
    /// <summary>The name users type (the root command's own name is the host executable's, e.g. <c>dotnet</c>'s when run in-process).</summary>
    private const string ProgramName = "turnstile";

    public static string Describe(RootCommand root, ParseResult result)
    {
        var command = result.CommandResult.Command;
        var path = string.Join(' ', CommandPath(result.CommandResult));
        var help = $"(see '{path} --help')";

        if (UnknownOptions(result).FirstOrDefault() is { } unknown)
        {
            var name = CommandLineRunner.Printable(unknown.Split('=', 2)[0]);
            var owners = CommandsWithOption(root, name, "").Where(c => c.Command != command).Select(c => c.Path).ToArray();
            return owners.Length > 0
                ? $"{path} has no option {name}; {name} belongs to {string.Join(", ", owners)} {help}"
                : $"unknown option {name} for {path} {help}";
        }
        if (result.UnmatchedTokens.Count > 0)
        {
            var token = CommandLineRunner.Printable(result.UnmatchedTokens[0]);
            return command == root
                ? $"unknown command '{token}'; the commands are {string.Join(", ", root.Subcommands.Select(c => c.Name))} (see '{ProgramName} --help')"
                : $"unexpected argument '{token}' for {path} {help}";
        }
        var first = result.Errors[0];
        if (command == root && first.SymbolResult is CommandResult { Command: RootCommand })
            return $"a command is required: {string.Join(", ", root.Subcommands.Select(c => c.Name))} (see '{ProgramName} --help')";
        return first.SymbolResult is OptionResult option
            ? $"{OptionText(option)} {help}"
            : $"{CommandLineRunner.OneLine(first.Message)} {help}";
    }

    /// <summary>System.CommandLine's wording for an option's value, made specific to the option.</summary>
    private static string OptionText(OptionResult option)
    {
        var name = option.Option.Name;
        var message = option.Errors.FirstOrDefault()?.Message ?? "";
        if (option.Tokens.Count == 0) return $"{name} needs a value";
        if (message.StartsWith("Cannot parse argument", StringComparison.Ordinal))
            return $"{name}: '{CommandLineRunner.Printable(option.Tokens[^1].Value)}' is not a valid {TypeName(option.Option.ValueType)}";
        return message.Contains(name, StringComparison.Ordinal) ? CommandLineRunner.OneLine(message) : $"{name}: {CommandLineRunner.OneLine(message)}";
    }

    private static string TypeName(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(int) || type == typeof(long)) return "number";
        return type == typeof(bool) ? "true or false" : type.Name.ToLowerInvariant();
    }

    /// <summary>
    /// Arguments that look like options (<c>-o</c>, <c>--bogus</c>) but are none of the command's, before any <c>--</c>.
    /// System.CommandLine takes them as positional values (<c>can-i get pods -o json</c> makes <c>-o</c> the NAME),
    /// so they are found among the tokens no option consumed.
    /// </summary>
    private static IEnumerable<string> UnknownOptions(ParseResult result)
    {
        var optionValues = new HashSet<Token>(ReferenceEqualityComparer.Instance);
        foreach (var child in result.CommandResult.Children)
            if (child is OptionResult option)
                foreach (var token in option.Tokens) optionValues.Add(token);
        foreach (var token in result.Tokens)
        {
            if (token.Type == TokenType.DoubleDash) yield break;
            if (token.Type == TokenType.Argument && token.Value.Length > 1 && token.Value[0] == '-' &&
                !char.IsAsciiDigit(token.Value[1]) && !optionValues.Contains(token))
                yield return token.Value;
        }
    }

    /// <summary>The commands that have the option, named by their path under the root (<c>iamidentitymapping get</c>).</summary>
    private static IEnumerable<(Command Command, string Path)> CommandsWithOption(Command command, string name, string prefix)
    {
        foreach (var sub in command.Subcommands)
        {
            if (sub.Options.Any(o => o.Name == name || o.Aliases.Contains(name))) yield return (sub, prefix + sub.Name);
            foreach (var nested in CommandsWithOption(sub, name, prefix + sub.Name + " ")) yield return nested;
        }
    }

    private static IEnumerable<string> CommandPath(CommandResult command)
    {
        var names = new List<string>();
        for (SymbolResult? r = command; r is CommandResult c; r = c.Parent)
            names.Insert(0, c.Command is RootCommand ? ProgramName : c.Command.Name);
        return names;
    }
}
