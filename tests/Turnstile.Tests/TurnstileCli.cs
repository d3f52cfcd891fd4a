using System.Diagnostics;

namespace Turnstile.Tests;

/// <summary>Runs the built <c>turnstile</c> command as a separate process, the way a user or CI job does.</summary>
public static class TurnstileCli
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Example(string path) => Path.Combine(RepoRoot, "examples", path);

    public static Result Run(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "turnstile.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("turnstile " + string.Join(' ', args));
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Turnstile.sln"))) return dir.FullName;
        throw new InvalidOperationException("Turnstile.sln not found above the test directory");
    }
}
