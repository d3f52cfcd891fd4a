using Turnstile.Core.Aws.Sigv4;

namespace Turnstile.KubeServer.Tests.Walkthroughs;

/// <summary>
/// One machine of a walkthrough (the admin's host, a bastion, "operations server 2"): its own HOME with
/// <c>~/.aws/config</c>, <c>~/.aws/credentials</c> and <c>~/.kube/config</c> (and kubectl's discovery cache under
/// <c>~/.kube/cache</c>), <c>AWS_ENDPOINT_URL</c> and the region in the environment, keys only in profiles. It runs the
/// real <c>aws</c> and <c>kubectl</c>; nothing of the developer's setup (AWS_* keys, KUBECONFIG, proxies) leaks in.
/// </summary>
public sealed class Terminal : IDisposable
{
    private readonly Dictionary<string, string> _environment;

    public Terminal(FrontFixture front)
    {
        Home = Directory.CreateTempSubdirectory("turnstile-walk-").FullName;
        Directory.CreateDirectory(Path.Combine(Home, ".aws"));
        File.WriteAllText(ConfigFile, "[default]\noutput = json\n\n");
        File.WriteAllText(CredentialsFile, "");
        _environment = new Dictionary<string, string>
        {
            ["HOME"] = Home,
            ["AWS_ENDPOINT_URL"] = front.AwsEndpoint.GetLeftPart(UriPartial.Authority),
            ["AWS_DEFAULT_REGION"] = FrontFixture.Region,
            ["AWS_PAGER"] = "",
            ["NO_PROXY"] = "127.0.0.1,localhost",
        };
        // A pyenv shim finds its Python through PYENV_ROOT, which defaults to ~/.pyenv of the real home.
        var pyenv = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".pyenv");
        if (Environment.GetEnvironmentVariable("PYENV_ROOT") is null && Directory.Exists(pyenv)) _environment["PYENV_ROOT"] = pyenv;
    }

    public string Home { get; }

    public string ConfigFile => Path.Combine(Home, ".aws", "config");

    public string CredentialsFile => Path.Combine(Home, ".aws", "credentials");

    public string KubeconfigFile => Path.Combine(Home, ".kube", "config");

    /// <summary>What <c>aws configure</c> writes: keys of <paramref name="profile"/> in the credentials file.</summary>
    public Terminal Keys(AwsCredentials keys, string profile = "default")
    {
        File.AppendAllText(CredentialsFile, $"[{profile}]\naws_access_key_id = {keys.AccessKeyId}\naws_secret_access_key = {keys.SecretAccessKey}\n\n");
        return this;
    }

    /// <summary>A config profile; <paramref name="settings"/> are <c>name = value</c> lines.</summary>
    public Terminal Profile(string profile, params (string Name, string Value)[] settings)
    {
        File.AppendAllText(ConfigFile, $"[profile {profile}]\n" + string.Concat(settings.Select(s => $"{s.Name} = {s.Value}\n")) + "\n");
        return this;
    }

    /// <summary>Sets an environment variable for the commands that follow (e.g. <c>KUBE_EDITOR</c>).</summary>
    public Terminal Set(string name, string value)
    {
        _environment[name] = value;
        return this;
    }

    public string Write(string name, string text)
    {
        var path = Path.Combine(Home, name);
        File.WriteAllText(path, text);
        return path;
    }

    public Task<CliResult> Aws(params string[] args) => RunAsync("aws", args);

    public Task<CliResult> Kubectl(params string[] args) => RunAsync("kubectl", args);

    private Task<CliResult> RunAsync(string program, string[] args) => Cli.RunProcessAsync(program, args, _environment);

    public void Dispose()
    {
        try { Directory.Delete(Home, recursive: true); }
        catch (IOException) { }
    }
}
