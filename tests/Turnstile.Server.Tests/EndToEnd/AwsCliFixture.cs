using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Turnstile.Server.Tests.Fakes;
using Turnstile.State;

namespace Turnstile.Server.Tests.EndToEnd;

/// <summary>Credentials the AWS CLI subprocess signs with.</summary>
public sealed record AwsCliCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken = null)
{
    public override string ToString() => $"AwsCliCredentials {{ AccessKeyId = {AccessKeyId} }}";
}

/// <summary>What one <c>aws</c> invocation produced.</summary>
public sealed record AwsCliResult(int ExitCode, string Stdout, string Stderr)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>Stdout parsed as JSON (the fixture runs the CLI with <c>--output json</c> by default).</summary>
    public JsonElement Json
    {
        get
        {
            using var document = JsonDocument.Parse(Stdout);
            return document.RootElement.Clone();
        }
    }

    /// <summary>Fails with the CLI's output when the exit code is not 0.</summary>
    public AwsCliResult EnsureSuccess() =>
        Succeeded ? this : throw new Xunit.Sdk.XunitException($"aws exited with {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}");

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>
/// End-to-end harness: starts the emulator in-process on a free loopback port and runs the real, unmodified
/// <c>aws</c> CLI against it as a subprocess, the way a user would with only <c>AWS_ENDPOINT_URL</c> set.
/// </summary>
/// <remarks>
/// <para>
/// The subprocess gets a clean environment: only <c>PATH</c>, <c>HOME</c>/<c>USERPROFILE</c>, locale and Python
/// launcher variables (pyenv) are inherited; <c>AWS_ENDPOINT_URL</c>, the keys, <c>AWS_DEFAULT_REGION</c>/
/// <c>AWS_REGION</c> are set from the fixture; <c>AWS_CONFIG_FILE</c> and <c>AWS_SHARED_CREDENTIALS_FILE</c> point at
/// files in a private temporary folder (so the developer's <c>~/.aws</c> never leaks in); <c>AWS_PAGER</c> is empty,
/// proxies are not inherited and loopback is in <c>NO_PROXY</c>. Retries keep the CLI's defaults so error output reads
/// exactly as users see it; pass <c>AWS_MAX_ATTEMPTS=1</c> through <c>environment</c> when a test provokes 5xx answers.
/// </para>
/// <para>
/// Use it as a class fixture and mark CLI tests with <see cref="AwsCliFactAttribute"/> (skipped when no <c>aws</c>
/// executable is found; set <c>TURNSTILE_AWS_CLI</c> to point at one explicitly):
/// <code>
/// public class StsCliTests(AwsCliFixture aws) : IClassFixture&lt;AwsCliFixture&gt;
/// {
///     [AwsCliFact]
///     public async Task Caller_identity()
///     {
///         var result = (await aws.RunAsync("sts", "get-caller-identity")).EnsureSuccess();
///         Assert.Equal("111122223333", result.Json.GetProperty("Account").GetString());
///     }
/// }
/// </code>
/// </para>
/// <para>
/// The default fixture hosts the fake STS/IAM/EKS services of this test project and signs as the fake admin. To host
/// real services, derive a fixture and override <see cref="CreateHostOptionsAsync"/> (and <see cref="CreateCredentials"/> for
/// the identity the CLI uses), or start one ad hoc with <see cref="StartAsync"/>. The fixture owns the host: it is
/// stopped and the temporary folder deleted on dispose. <see cref="ForEndpointAsync"/> hosts nothing and points the
/// CLI at an endpoint served elsewhere (a <c>turnstile serve</c> subprocess).
/// </para>
/// </remarks>
public class AwsCliFixture : IAsyncLifetime, IAsyncDisposable
{
    private static readonly Lazy<string?> ExecutablePath = new(FindExecutable);
    private EmulatorHost? _host;
    private Uri? _remoteEndpoint;
    private string? _tempDirectory;

    /// <summary>The <c>aws</c> executable used, or null when none was found.</summary>
    public static string? Executable => ExecutablePath.Value;

    public static bool IsAvailable => Executable is not null;

    /// <summary>Region exported to the CLI (and therefore the region in every credential scope).</summary>
    public string Region { get; set; } = TestKeys.Region;

    /// <summary>Identity the CLI signs with unless a call passes its own.</summary>
    public AwsCliCredentials Credentials { get; set; } = null!;

    /// <summary>Per-call limit; the process tree is killed when it is exceeded.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(90);

    public EmulatorHost Host => _host ?? throw new InvalidOperationException("the fixture has not been started");

    /// <summary>The endpoint the CLI is pointed at: the in-process host, or the one given to <see cref="ForEndpointAsync"/>.</summary>
    public Uri Endpoint => _remoteEndpoint ?? Host.Endpoint;

    /// <summary>Options for the in-process host; the port is forced to a free one. Register what they need disposed with <see cref="Own"/>.</summary>
    protected virtual async Task<EmulatorHostOptions> CreateHostOptionsAsync()
    {
        var state = await StateCache.StartAsync(new InMemoryStore());
        Own(state);
        return new EmulatorHostOptions
        {
            State = state,
            Services = [FakeServices.Sts(), FakeServices.Iam(), FakeServices.Eks()],
            Credentials = new FakeCredentialSource().Seed(),
            Authorizer = new FakeAuthorizer(),
        };
    }

    private readonly List<IAsyncDisposable> _owned = [];

    /// <summary>Disposes <paramref name="resource"/> (a runtime, a state cache) with the fixture, after the host stops.</summary>
    protected void Own(IAsyncDisposable resource) => _owned.Add(resource);

    protected virtual AwsCliCredentials CreateCredentials() => new(TestKeys.AdminKey, TestKeys.AdminSecret);

    /// <summary>
    /// Starts a fixture for <paramref name="options"/> outside xunit's fixture lifecycle; dispose it when done (which
    /// also disposes <paramref name="owned"/>, e.g. the runtime the options came from).
    /// </summary>
    public static async Task<AwsCliFixture> StartAsync(EmulatorHostOptions options, AwsCliCredentials credentials, IAsyncDisposable? owned = null)
    {
        var fixture = new OptionsFixture(options, credentials);
        if (owned is not null) fixture.Own(owned);
        await fixture.InitializeAsync();
        return fixture;
    }

    /// <summary>
    /// A fixture that starts no host and runs the CLI against <paramref name="endpoint"/>, e.g. a <c>turnstile serve</c>
    /// subprocess; dispose it when done.
    /// </summary>
    public static async Task<AwsCliFixture> ForEndpointAsync(Uri endpoint, AwsCliCredentials credentials)
    {
        var fixture = new OptionsFixture(null, credentials) { _remoteEndpoint = endpoint };
        await fixture.InitializeAsync();
        return fixture;
    }

    public async Task InitializeAsync()
    {
        Credentials = CreateCredentials();
        _tempDirectory = Directory.CreateTempSubdirectory("turnstile-awscli-").FullName;
        await File.WriteAllTextAsync(Path.Combine(_tempDirectory, "config"), "[default]\noutput = json\n");
        await File.WriteAllTextAsync(Path.Combine(_tempDirectory, "credentials"), "");
        if (_remoteEndpoint is not null) return;
        var options = await CreateHostOptionsAsync() with { Host = "127.0.0.1", Port = 0 };
        var host = new EmulatorHost(options);
        await host.StartAsync();
        _host = host;
    }

    /// <summary>Runs <c>aws ARGS...</c> with the fixture's credentials.</summary>
    public Task<AwsCliResult> RunAsync(params string[] args) => RunAsync(args, credentials: null);

    /// <summary>Runs the CLI and fails with its output unless it succeeds; returns the parsed JSON output (undefined when there is none).</summary>
    public async Task<JsonElement> Ok(AwsCliCredentials? credentials, params string[] args)
    {
        var result = (await RunAsync(args, credentials)).EnsureSuccess();
        return string.IsNullOrWhiteSpace(result.Stdout) ? default : result.Json;
    }

    public Task<JsonElement> Ok(params string[] args) => Ok(null, args);

    /// <summary>Runs the CLI expecting it to fail and returns the error line it prints.</summary>
    public async Task<string> Fails(AwsCliCredentials? credentials, params string[] args)
    {
        var result = await RunAsync(args, credentials);
        Assert.False(result.Succeeded, $"expected aws {string.Join(' ', args)} to fail\n{result}");
        return result.Stderr.Trim();
    }

    public Task<string> Fails(params string[] args) => Fails(null, args);

    /// <summary>
    /// Runs <c>aws</c> with <paramref name="args"/>. <paramref name="environment"/> entries are added to (or, with a null
    /// value, removed from) the clean environment described on the class.
    /// </summary>
    public async Task<AwsCliResult> RunAsync(IEnumerable<string> args, AwsCliCredentials? credentials = null,
        IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var executable = Executable ?? throw new InvalidOperationException("no aws CLI found on PATH (set TURNSTILE_AWS_CLI)");
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = _tempDirectory,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        FillEnvironment(start.Environment, credentials ?? Credentials, environment);

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + executable);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout ?? Timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"aws {string.Join(' ', start.ArgumentList)} did not finish within {timeout ?? Timeout}");
        }
        return new AwsCliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The clean environment the CLI runs in (see the class), for other tools that run <c>aws</c> themselves (<c>turnstile collect</c>).</summary>
    public Dictionary<string, string?> CliEnvironment(AwsCliCredentials? credentials = null, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal);
        FillEnvironment(env, credentials ?? Credentials, extra);
        return env;
    }

    private void FillEnvironment(IDictionary<string, string?> env, AwsCliCredentials credentials, IReadOnlyDictionary<string, string?>? extra)
    {
        var inherited = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in new[]
                 {
                     "PATH", "HOME", "USERPROFILE", "SYSTEMROOT", "SYSTEMDRIVE", "TEMP", "TMP", "TMPDIR", "APPDATA", "LOCALAPPDATA",
                     "PATHEXT", "COMSPEC", "LANG", "LC_ALL", "PYENV_ROOT", "PYENV_VERSION",
                 })
        {
            if (Environment.GetEnvironmentVariable(name) is { } value) inherited[name] = value;
        }
        env.Clear();
        foreach (var (name, value) in inherited) env[name] = value;

        env["AWS_ENDPOINT_URL"] = Endpoint.ToString().TrimEnd('/');
        env["AWS_ACCESS_KEY_ID"] = credentials.AccessKeyId;
        env["AWS_SECRET_ACCESS_KEY"] = credentials.SecretAccessKey;
        if (credentials.SessionToken is not null) env["AWS_SESSION_TOKEN"] = credentials.SessionToken;
        env["AWS_DEFAULT_REGION"] = Region;
        env["AWS_REGION"] = Region;
        env["AWS_CONFIG_FILE"] = Path.Combine(_tempDirectory!, "config");
        env["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(_tempDirectory!, "credentials");
        env["AWS_PAGER"] = "";
        env["AWS_CLI_AUTO_PROMPT"] = "off";
        env["AWS_EC2_METADATA_DISABLED"] = "true";
        env["NO_PROXY"] = "127.0.0.1,localhost";
        env["no_proxy"] = "127.0.0.1,localhost";
        env["PYTHONIOENCODING"] = "utf-8";
        if (!env.ContainsKey("LANG")) env["LANG"] = "C.UTF-8";

        if (extra is not null)
            foreach (var (name, value) in extra)
                if (value is null) env.Remove(name);
                else env[name] = value;
    }

    private static string? FindExecutable()
    {
        var explicitPath = Environment.GetEnvironmentVariable("TURNSTILE_AWS_CLI");
        if (!string.IsNullOrEmpty(explicitPath)) return File.Exists(explicitPath) ? explicitPath : null;
        var names = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? new[] { "aws.exe", "aws.cmd" } : ["aws"];
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            foreach (var name in names)
            {
                var candidate = Path.Combine(directory, name);
                if (File.Exists(candidate)) return candidate;
            }
        return null;
    }

    public async Task DisposeAsync()
    {
        if (_host is { } host)
        {
            _host = null;
            await host.DisposeAsync();
        }
        foreach (var resource in _owned) await resource.DisposeAsync();
        _owned.Clear();
        if (_tempDirectory is { } dir && Directory.Exists(dir))
        {
            try { Directory.Delete(dir, recursive: true); }
            catch (IOException) { }
        }
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    private sealed class OptionsFixture(EmulatorHostOptions? options, AwsCliCredentials credentials) : AwsCliFixture
    {
        protected override Task<EmulatorHostOptions> CreateHostOptionsAsync() =>
            Task.FromResult(options ?? throw new InvalidOperationException("this fixture hosts nothing"));
        protected override AwsCliCredentials CreateCredentials() => credentials;
    }
}

/// <summary>A fact that needs the AWS CLI; skipped (with the reason) when no <c>aws</c> executable is found.</summary>
public sealed class AwsCliFactAttribute : FactAttribute
{
    public AwsCliFactAttribute()
    {
        // In CI (CI=true) a missing aws CLI must fail the run, not quietly skip the end-to-end tests.
        if (!AwsCliFixture.IsAvailable && Environment.GetEnvironmentVariable("CI") != "true")
            Skip = "aws CLI not found on PATH (set TURNSTILE_AWS_CLI to its path)";
    }
}
