using Turnstile.Server.Tests.EndToEnd;

namespace Turnstile.Server.Tests.Walkthroughs;

/// <summary>
/// A private home for one test's aws CLI runs: <c>HOME</c>, <c>~/.aws/config</c>, <c>~/.aws/credentials</c> and
/// <c>KUBECONFIG</c> in a temporary folder, no keys in the environment (profiles only). Deleted on dispose.
/// </summary>
public sealed class CliHome : IDisposable
{
    private readonly Dictionary<string, string?> _environment;

    public CliHome()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("turnstile-home-").FullName;
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, ".aws"));
        File.WriteAllText(ConfigFile, "");
        File.WriteAllText(CredentialsFile, "");
        _environment = new Dictionary<string, string?>
        {
            ["HOME"] = Directory,
            ["USERPROFILE"] = Directory,
            ["AWS_CONFIG_FILE"] = ConfigFile,
            ["AWS_SHARED_CREDENTIALS_FILE"] = CredentialsFile,
            ["KUBECONFIG"] = KubeconfigFile,
            ["AWS_ACCESS_KEY_ID"] = null,
            ["AWS_SECRET_ACCESS_KEY"] = null,
            ["AWS_SESSION_TOKEN"] = null,
        };
        // A pyenv shim finds its Python through PYENV_ROOT, which defaults to ~/.pyenv of the real home.
        var pyenv = Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".pyenv");
        if (System.Environment.GetEnvironmentVariable("PYENV_ROOT") is null && System.IO.Directory.Exists(pyenv)) _environment["PYENV_ROOT"] = pyenv;
    }

    public string Directory { get; }

    public string ConfigFile => Path.Combine(Directory, ".aws", "config");

    public string CredentialsFile => Path.Combine(Directory, ".aws", "credentials");

    public string KubeconfigFile => Path.Combine(Directory, ".kube", "config");

    /// <summary>Adds a profile with static keys to the credentials file.</summary>
    public void AddKeys(string profile, AwsCliCredentials keys) =>
        File.AppendAllText(CredentialsFile, $"[{profile}]\naws_access_key_id = {keys.AccessKeyId}\naws_secret_access_key = {keys.SecretAccessKey}\n\n");

    /// <summary>Adds a config profile; <paramref name="settings"/> are <c>name = value</c> lines.</summary>
    public void AddProfile(string profile, params (string Name, string Value)[] settings) =>
        File.AppendAllText(ConfigFile, $"[profile {profile}]\n" + string.Concat(settings.Select(s => $"{s.Name} = {s.Value}\n")) + "\n");

    /// <summary>The environment for <see cref="AwsCliFixture.RunAsync(IEnumerable{string}, AwsCliCredentials?, IReadOnlyDictionary{string, string?}?, TimeSpan?, CancellationToken)"/>, with <c>AWS_PROFILE</c> when given.</summary>
    public IReadOnlyDictionary<string, string?> Environment(string? profile = null) =>
        new Dictionary<string, string?>(_environment) { ["AWS_PROFILE"] = profile };

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
    }
}
