using System.Diagnostics;

namespace Turnstile.KubeServer.Tests;

/// <summary>What one subprocess printed.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public CliResult Ok()
    {
        Assert.True(ExitCode == 0, ToString());
        return this;
    }

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>
/// Runs the real <c>aws</c> and <c>kubectl</c> against the fixture's endpoints in a private directory: its own HOME,
/// AWS config and credentials files and KUBECONFIG (nothing of the developer's setup leaks in or is touched).
/// </summary>
public sealed class Cli : IDisposable
{
    private readonly Dictionary<string, string> _environment;

    public Cli(FrontFixture front)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("turnstile-kubectl-").FullName;
        File.WriteAllText(Path.Combine(Directory, "aws-config"), "[default]\noutput = json\n");
        File.WriteAllText(Path.Combine(Directory, "aws-credentials"), "");
        _environment = new Dictionary<string, string>
        {
            ["HOME"] = Directory,
            ["AWS_ENDPOINT_URL"] = front.AwsEndpoint.GetLeftPart(UriPartial.Authority),
            ["AWS_ACCESS_KEY_ID"] = FrontFixture.Admin.AccessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = FrontFixture.Admin.SecretAccessKey,
            ["AWS_DEFAULT_REGION"] = FrontFixture.Region,
            ["AWS_REGION"] = FrontFixture.Region,
            ["AWS_CONFIG_FILE"] = Path.Combine(Directory, "aws-config"),
            ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(Directory, "aws-credentials"),
            ["AWS_PAGER"] = "",
            ["KUBECONFIG"] = Path.Combine(Directory, "kubeconfig"),
            ["NO_PROXY"] = "127.0.0.1,localhost",
        };
    }

    public string Directory { get; }

    public Task<CliResult> AwsAsync(params string[] args) => RunAsync("aws", args, null);

    public Task<CliResult> KubectlAsync(params string[] args) => KubectlAsAsync(null, args);

    /// <summary>kubectl whose token plugin (<c>aws eks get-token</c>) signs with <paramref name="keys"/> (default: the admin's).</summary>
    public Task<CliResult> KubectlAsAsync(Turnstile.Core.Aws.Sigv4.AwsCredentials? keys, params string[] args) =>
        RunAsync("kubectl", [.. args, "--cache-dir=" + Path.Combine(Directory, "kube-cache")],
            keys is null ? null : new() { ["AWS_ACCESS_KEY_ID"] = keys.AccessKeyId, ["AWS_SECRET_ACCESS_KEY"] = keys.SecretAccessKey });

    private Task<CliResult> RunAsync(string program, string[] args, Dictionary<string, string>? extra)
    {
        var environment = new Dictionary<string, string>(_environment);
        foreach (var (name, value) in extra ?? []) environment[name] = value;
        return RunProcessAsync(program, args, environment);
    }

    /// <summary>Runs a real client with only <paramref name="environment"/>'s AWS, kubeconfig and proxy settings (none inherited).</summary>
    public static async Task<CliResult> RunProcessAsync(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var name in psi.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal) || k is "KUBECONFIG" || k.EndsWith("_PROXY", StringComparison.OrdinalIgnoreCase)).ToList())
            psi.Environment.Remove(name);
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
