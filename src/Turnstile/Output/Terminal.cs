using Spectre.Console;
using Turnstile.Core.Kube;

namespace Turnstile.Cli.Output;

/// <summary>A table cell: its text and, on a terminal, its colour (a Spectre colour name such as <c>green</c>).</summary>
public readonly record struct Cell(string Text, string? Color = null)
{
    public static implicit operator Cell(string text) => new(text);
}

/// <summary>
/// Human output: aligned tables with colours on a terminal (Spectre.Console), kubectl-style plain columns when stdout is
/// piped or NO_COLOR is set, so scripts and tests see stable text.
/// </summary>
public static class Terminal
{
    private static readonly Lazy<IAnsiConsole> Console = new(Create);

    public static bool Plain => System.Console.IsOutputRedirected || Environment.GetEnvironmentVariable("NO_COLOR") is { Length: > 0 };

    /// <summary>Spectre's console on stdout, without ANSI codes when <see cref="Plain"/>.</summary>
    public static IAnsiConsole Out => Console.Value;

    private static IAnsiConsole Create()
    {
        var plain = Plain;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(System.Console.Out),
            Ansi = plain ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = plain ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });
        if (System.Console.IsOutputRedirected) console.Profile.Width = 400;
        return console;
    }

    public static void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<Cell>> rows)
    {
        if (Plain)
        {
            var lines = new List<string[]> { headers.ToArray() };
            lines.AddRange(rows.Select(r => r.Select(c => c.Text).ToArray()));
            System.Console.Write(KubectlTabWriter.Format(lines));
            return;
        }
        var table = new Table { Border = TableBorder.Simple };
        foreach (var header in headers) table.AddColumn(new TableColumn(new Markup($"[bold]{Markup.Escape(header)}[/]")));
        foreach (var row in rows) table.AddRow(row.Select(Render).ToArray());
        Out.Write(table);
    }

    /// <summary>A line of text, in a colour on a terminal.</summary>
    public static void Line(string text, string? color = null)
    {
        if (Plain || color is null) System.Console.WriteLine(text);
        else Out.MarkupLine($"[{color}]{Markup.Escape(text)}[/]");
    }

    private static Markup Render(Cell cell) =>
        new(cell.Color is null ? Markup.Escape(cell.Text) : $"[{cell.Color}]{Markup.Escape(cell.Text)}[/]");
}
