using Turnstile.Aws;
using Turnstile.Storage;

namespace Turnstile.Cli.Commands;

/// <summary>
/// Defaults shared by <c>serve</c> and <c>env</c>, each overridable by an environment variable (and then by a flag).
/// </summary>
public static class EmulatorSettings
{
    public const string StoreVariable = "TURNSTILE_STORE";
    public const string DataVariable = "TURNSTILE_DATA";
    public const string AccountVariable = "TURNSTILE_ACCOUNT_ID";
    public const string AdminKeyVariable = "TURNSTILE_ADMIN_ACCESS_KEY_ID";
    public const string AdminSecretVariable = "TURNSTILE_ADMIN_SECRET_ACCESS_KEY";

    public const string DefaultHost = "127.0.0.1";
    public const int DefaultPort = 4566;
    public const int DefaultKubePort = 6443;
    public const string DatabaseFileName = "turnstile.db";

    /// <summary>The help text block that documents the environment variables.</summary>
    public static string EnvironmentHelp =>
        "Environment variables (flags win over them):\n" +
        $"  {StoreVariable,-36} store location: memory, sqlite:PATH or postgresql://USER[:PASSWORD]@HOST[:PORT]/DB\n" +
        $"  {DataVariable,-36} data directory of the default SQLite store (default: {DescribeDefaultDataDirectory()})\n" +
        $"  {AccountVariable,-36} account id (default: {EmulatorOptions.DefaultAccountId})\n" +
        $"  {AdminKeyVariable,-36} bootstrap admin access key id (default: {EmulatorOptions.DefaultAdminAccessKeyId})\n" +
        $"  {AdminSecretVariable,-36} bootstrap admin secret access key (default: the AWS documentation example secret)";

    public static string AccountId(string? flag = null) => flag ?? Variable(AccountVariable) ?? EmulatorOptions.DefaultAccountId;

    public static string AdminAccessKeyId => Variable(AdminKeyVariable) ?? EmulatorOptions.DefaultAdminAccessKeyId;

    public static string AdminSecretAccessKey => Variable(AdminSecretVariable) ?? EmulatorOptions.DefaultAdminSecretAccessKey;

    /// <summary>
    /// <c>--data</c>, else <c>TURNSTILE_DATA</c>, else the per-user data directory: <c>$XDG_DATA_HOME/turnstile</c> or
    /// <c>~/.local/share/turnstile</c> (Linux, macOS), <c>%LOCALAPPDATA%\turnstile</c> (Windows).
    /// </summary>
    public static string DataDirectory(string? flag = null) => flag ?? Variable(DataVariable) ?? DefaultDataDirectory();

    public static string DatabasePath(string? flag = null) => Path.Combine(DataDirectory(flag), DatabaseFileName);

    /// <summary>
    /// Where the state lives: <c>--store</c>, else <c>--in-memory</c> or <c>--data DIR</c> (shorthands for <c>memory</c> and
    /// <c>sqlite:DIR/turnstile.db</c>), else <c>TURNSTILE_STORE</c>, else the SQLite file in the data directory.
    /// </summary>
    /// <exception cref="UsageException">When the location given cannot be parsed.</exception>
    public static StoreLocation Store(string? store, string? data, bool inMemory)
    {
        var (text, source) = store is not null ? (store, "--store")
            : inMemory ? ("memory", "--in-memory")
            : data is not null ? ("sqlite:" + DatabasePath(data), "--data")
            : Variable(StoreVariable) is { } variable ? (variable, StoreVariable)
            : ("sqlite:" + DatabasePath(), "the default");
        try
        {
            return StoreLocation.Parse(text);
        }
        catch (FormatException e)
        {
            throw new UsageException($"{source}: {e.Message}");
        }
    }

    private static string DefaultDataDirectory()
    {
        if (OperatingSystem.IsWindows())
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "turnstile");
        var xdg = Variable("XDG_DATA_HOME");
        if (xdg is not null && Path.IsPathRooted(xdg)) return Path.Combine(xdg, "turnstile");
        var home = Variable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".local", "share", "turnstile");
    }

    private static string DescribeDefaultDataDirectory() =>
        OperatingSystem.IsWindows() ? @"%LOCALAPPDATA%\turnstile" : "$XDG_DATA_HOME/turnstile or ~/.local/share/turnstile";

    private static string? Variable(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
