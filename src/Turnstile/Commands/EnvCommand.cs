using System.CommandLine;
using System.Text;
using Turnstile.Aws;

namespace Turnstile.Cli.Commands;

/// <summary><c>turnstile env</c>: prints shell statements that point the AWS CLI and SDKs at the emulator.</summary>
public static class EnvCommand
{
    public static Command Create()
    {
        var endpoint = new Option<string>("--endpoint")
        {
            Description = "URL of the emulator's AWS endpoint, e.g. http://192.0.2.10:4567 for one on another host or port",
            DefaultValueFactory = _ => $"http://{EmulatorSettings.DefaultHost}:{EmulatorSettings.DefaultPort}",
            HelpName = "URL",
        };
        var shell = new Option<string>("--shell")
        {
            Description = "Syntax to print",
            DefaultValueFactory = _ => OperatingSystem.IsWindows() ? "powershell" : "bash",
        };
        shell.AcceptOnlyFromAmong("bash", "fish", "powershell");
        var region = new Option<string>("--region")
        {
            Description = "Region to export",
            DefaultValueFactory = _ => EmulatorOptions.DefaultRegion,
        };

        var command = new Command("env",
            "Print environment settings for the bootstrap admin, e.g. eval \"$(turnstile env)\".\n\n" + EmulatorSettings.EnvironmentHelp)
        {
            endpoint, shell, region,
        };
        endpoint.Validators.Add(result =>
        {
            if (result.Tokens is [.., var url] && !(Uri.TryCreate(url.Value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
                result.AddError($"--endpoint must be an http(s) URL such as http://127.0.0.1:4566, got '{url.Value}'");
        });
        command.SetAction(parse =>
        {
            var text = Render(parse.GetValue(shell)!, parse.GetValue(endpoint)!.TrimEnd('/'),
                EmulatorSettings.AdminAccessKeyId, EmulatorSettings.AdminSecretAccessKey, parse.GetValue(region)!);
            parse.InvocationConfiguration.Output.Write(text);
            return 0;
        });
        return command;
    }

    /// <summary>
    /// The statements for <paramref name="shell"/>. A stale <c>AWS_SESSION_TOKEN</c> would be sent with the admin's
    /// long-term key and get every call refused, so it is cleared too.
    /// </summary>
    public static string Render(string shell, string endpoint, string accessKeyId, string secretAccessKey, string region)
    {
        (string Name, string Value)[] variables =
        [
            ("AWS_ENDPOINT_URL", endpoint),
            ("AWS_ACCESS_KEY_ID", accessKeyId),
            ("AWS_SECRET_ACCESS_KEY", secretAccessKey),
            ("AWS_DEFAULT_REGION", region),
            ("AWS_REGION", region),
        ];
        var sb = new StringBuilder();
        foreach (var (name, value) in variables)
        {
            sb.Append(shell switch
            {
                "fish" => $"set -gx {name} {FishQuote(value)}",
                "powershell" => $"$Env:{name} = '{value.Replace("'", "''")}'",
                _ => $"export {name}={PosixQuote(value)}",
            }).Append('\n');
        }
        sb.Append(shell switch
        {
            "fish" => "set -e AWS_SESSION_TOKEN",
            "powershell" => "Remove-Item Env:AWS_SESSION_TOKEN -ErrorAction SilentlyContinue",
            _ => "unset AWS_SESSION_TOKEN",
        }).Append('\n');
        return sb.ToString();
    }

    private static string PosixQuote(string value) =>
        IsPlain(value) ? value : "'" + value.Replace("'", "'\\''") + "'";

    private static string FishQuote(string value) =>
        IsPlain(value) ? value : "'" + value.Replace("\\", "\\\\").Replace("'", "\\'") + "'";

    private static bool IsPlain(string value)
    {
        if (value.Length == 0) return false;
        foreach (var c in value)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '/' or ':' or '.' or '-' or '_' or '+' or '=' or ',' or '@'))
                return false;
        return true;
    }
}
