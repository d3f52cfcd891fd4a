using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Turnstile.Server.Tests.EndToEnd;

namespace Turnstile.Server.Tests.Eks;

/// <summary>
/// The built <c>turnstile</c> command running as a subprocess (<c>dotnet turnstile.dll ...</c>), the way a user starts
/// it: started, awaited until it prints its ready line, stopped with SIGTERM. Killed on dispose if still running.
/// </summary>
public sealed class TurnstileProcess : IAsyncDisposable
{
    private const int SigTerm = 15;

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Task _pumps;

    private TurnstileProcess(Process process, string readyLine)
    {
        _process = process;
        ReadyLine = readyLine;
        _pumps = Task.WhenAll(Pump(process.StandardOutput, _stdout), Pump(process.StandardError, _stderr));
    }

    private static Task Pump(StreamReader reader, StringBuilder into) => Task.Run(async () =>
    {
        while (await reader.ReadLineAsync() is { } line)
            lock (into) into.AppendLine(line);
    });

    /// <summary>The first line <c>serve</c> printed.</summary>
    public string ReadyLine { get; }

    /// <summary>What it printed after the ready line.</summary>
    public string Stdout
    {
        get { lock (_stdout) return _stdout.ToString(); }
    }

    public string Stderr
    {
        get { lock (_stderr) return _stderr.ToString(); }
    }

    /// <summary>The built <c>turnstile.dll</c>: next to the test assembly (the project references it).</summary>
    public static string AssemblyPath
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "turnstile.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("turnstile.dll is not next to the test assembly; build the solution first", path);
        }
    }

    /// <summary>A loopback port nothing listens on right now.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try { return ((IPEndPoint)listener.LocalEndpoint).Port; }
        finally { listener.Stop(); }
    }

    /// <summary>Starts <c>turnstile ARGS...</c> and waits for its first line of output.</summary>
    public static async Task<TurnstileProcess> StartAsync(IEnumerable<string> args, TimeSpan? readyWithin = null)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(AssemblyPath);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // Settings must come from the command line only.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("TURNSTILE_", StringComparison.OrdinalIgnoreCase)).ToArray())
            start.Environment.Remove(name);
        start.Environment["NO_COLOR"] = "1";

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start turnstile");
        using var limit = new CancellationTokenSource(readyWithin ?? TimeSpan.FromSeconds(60));
        string? line;
        try
        {
            line = await process.StandardOutput.ReadLineAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"turnstile printed no ready line within {readyWithin ?? TimeSpan.FromSeconds(60)}: {await process.StandardError.ReadToEndAsync()}");
        }
        if (line is null)
        {
            await process.WaitForExitAsync();
            throw new InvalidOperationException($"turnstile exited with {process.ExitCode} before it was ready: {await process.StandardError.ReadToEndAsync()}");
        }
        return new TurnstileProcess(process, line);
    }

    /// <summary>The AWS endpoint the ready line names.</summary>
    public Uri Endpoint => new(System.Text.RegularExpressions.Regex.Match(ReadyLine, @"AWS endpoint (\S+)").Groups[1].Value);

    /// <summary>Kills the process at once (SIGKILL, <c>kill -9</c>): no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>Sends SIGTERM (what a service manager or <c>docker stop</c> sends) and returns the exit code.</summary>
    public async Task<int> StopAsync(TimeSpan? within = null)
    {
        if (kill(_process.Id, SigTerm) != 0) throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
        using var limit = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(20));
        await _process.WaitForExitAsync(limit.Token);
        await _pumps;
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}

/// <summary>A fact that needs the AWS CLI and POSIX signals: skipped on Windows, and (outside CI) without an <c>aws</c> executable.</summary>
public sealed class PosixAwsCliFactAttribute : FactAttribute
{
    public PosixAwsCliFactAttribute()
    {
        if (OperatingSystem.IsWindows()) Skip = "needs SIGTERM";
        else if (!AwsCliFixture.IsAvailable && Environment.GetEnvironmentVariable("CI") != "true")
            Skip = "aws CLI not found on PATH (set TURNSTILE_AWS_CLI to its path)";
    }
}
