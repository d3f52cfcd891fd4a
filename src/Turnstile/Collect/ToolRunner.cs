using System.Diagnostics;
using System.Text;

namespace Turnstile.Cli.Collect;

/// <summary>What one run of <c>aws</c> or <c>kubectl</c> printed.</summary>
public sealed record ToolResult(int ExitCode, string Stdout, string Stderr)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The tool's last non-empty stderr line (its error message), for one-line reports.</summary>
    public string ErrorLine => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault()
                               ?? $"exit code {ExitCode}, no message";
}

/// <summary>A failure of a collection step: printed as one line, exit code 2.</summary>
public sealed class CollectException(string message) : Exception(message);

/// <summary>Runs the user's own <c>aws</c> and <c>kubectl</c>.</summary>
public interface IToolRunner
{
    Task<ToolResult> RunAsync(string tool, IReadOnlyList<string> args, CancellationToken cancellationToken);
}

/// <summary>
/// Runs a tool found on <c>PATH</c> as a subprocess that inherits this process's environment (AWS_ENDPOINT_URL,
/// AWS_CONFIG_FILE, AWS_PROFILE, KUBECONFIG...), with <paramref name="overrides"/> added on top.
/// </summary>
public sealed class ProcessToolRunner(IReadOnlyDictionary<string, string>? overrides = null) : IToolRunner
{
    public async Task<ToolResult> RunAsync(string tool, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var executable = Find(tool) ?? throw new CollectException(
            $"{tool} not found on PATH: install {(tool == "aws" ? "the AWS CLI" : "kubectl")} or add it to PATH");
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // The aws CLI must not page its output into a pager waiting for a terminal.
        start.Environment["AWS_PAGER"] = "";
        foreach (var (name, value) in overrides ?? new Dictionary<string, string>()) start.Environment[name] = value;
        using var process = Process.Start(start) ?? throw new CollectException($"could not start {executable}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return new ToolResult(process.ExitCode, await stdout, await stderr);
    }

    private static string? Find(string tool)
    {
        var names = OperatingSystem.IsWindows() ? new[] { tool + ".exe", tool + ".cmd" } : [tool];
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            foreach (var name in names)
            {
                var candidate = Path.Combine(directory, name);
                if (File.Exists(candidate)) return candidate;
            }
        return null;
    }
}
