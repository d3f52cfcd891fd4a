using System.CommandLine;

namespace Turnstile.Cli.Commands;

/// <summary>The options that choose the state store, shared by <c>serve</c> and <c>reset</c>.</summary>
public sealed class StoreSelection
{
    public Option<string?> Store { get; } = new("--store")
    {
        Description = $"Where the state lives: memory, sqlite:PATH or postgresql://USER[:PASSWORD]@HOST[:PORT]/DB (default ${EmulatorSettings.StoreVariable}, else an SQLite file in the data directory)",
        HelpName = "LOCATION",
    };

    public Option<string?> Data { get; } = new("--data")
    {
        Description = $"Shorthand for --store sqlite:DIR/{EmulatorSettings.DatabaseFileName} (default ${EmulatorSettings.DataVariable} or the per-user data directory)",
        HelpName = "DIR",
    };

    public Option<bool> InMemory { get; } = new("--in-memory") { Description = "Shorthand for --store memory (state is lost on exit)" };

    public void AddTo(Command command)
    {
        command.Options.Add(Store);
        command.Options.Add(Data);
        command.Options.Add(InMemory);
        // Reads only what was given: a validator that reads an option whose value did not parse throws.
        command.Validators.Add(result =>
        {
            var given = new Option[] { Store, Data, InMemory }.Count(o => result.GetResult(o) is { Implicit: false });
            if (given > 1) result.AddError("--store, --data and --in-memory cannot be used together");
        });
    }

    /// <exception cref="UsageException">When the location cannot be parsed.</exception>
    public Storage.StoreLocation Resolve(ParseResult parse) => EmulatorSettings.Store(parse.GetValue(Store), parse.GetValue(Data), parse.GetValue(InMemory));
}
