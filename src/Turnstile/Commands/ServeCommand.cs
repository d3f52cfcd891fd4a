using System.CommandLine;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Turnstile.Aws;
using Turnstile.Aws.State;
using Turnstile.Cli.Composition;
using Turnstile.Server;
using Turnstile.Storage;

namespace Turnstile.Cli.Commands;

/// <summary><c>turnstile serve</c>: runs the AWS endpoint until Ctrl-C or SIGTERM.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var host = new Option<string>("--host")
        {
            Description = "Address to listen on (an IP address or localhost)",
            DefaultValueFactory = _ => EmulatorSettings.DefaultHost,
        };
        var port = PortOption("--port", "Port of the AWS endpoint (IAM, STS, EKS); 0 picks a free one", EmulatorSettings.DefaultPort);
        var kubePort = PortOption("--kube-port",
            "Port DescribeCluster names as the clusters' Kubernetes API endpoint (https://HOST:PORT/clusters/NAME; the API front itself is not served by this version)",
            EmulatorSettings.DefaultKubePort);
        var data = new Option<string?>("--data")
        {
            Description = $"Directory for the state database ({EmulatorSettings.DatabaseFileName}); default ${EmulatorSettings.DataVariable} or the per-user data directory",
            HelpName = "DIR",
        };
        var inMemory = new Option<bool>("--in-memory") { Description = "Keep state in memory only (lost on exit)" };
        var account = new Option<string?>("--account-id")
        {
            Description = $"Account id the emulator plays (default ${EmulatorSettings.AccountVariable} or {EmulatorOptions.DefaultAccountId})",
        };
        account.Validators.Add(result =>
        {
            if (result.Tokens is [.., var last] && !Turnstile.Core.Arns.IamIdentityRules.IsAccountId(last.Value))
                result.AddError($"--account-id must be 12 digits, got '{last.Value}'");
        });
        var region = new Option<string>("--region")
        {
            Description = "Default region (clients may sign for any region)",
            DefaultValueFactory = _ => EmulatorOptions.DefaultRegion,
        };
        var latency = new Option<bool>("--latency") { Description = "Realistic delays: clusters stay CREATING/UPDATING for a while" };

        var command = new Command("serve", "Run the emulated AWS endpoint (IAM, STS, EKS) until Ctrl-C.\n\n" + EmulatorSettings.EnvironmentHelp)
        {
            host, port, kubePort, data, inMemory, account, region, latency,
        };
        // Reads only what was given: a command validator that reads an option whose value did not parse throws.
        command.Validators.Add(result =>
        {
            if (result.GetResult(inMemory) is { Implicit: false } && result.GetResult(data) is { Implicit: false })
                result.AddError("--data and --in-memory cannot be used together");
        });

        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var settings = new ServeSettings(
                parse.GetValue(host)!, parse.GetValue(port), parse.GetValue(kubePort),
                parse.GetValue(inMemory) ? null : EmulatorSettings.DatabasePath(parse.GetValue(data)),
                EmulatorSettings.AccountId(parse.GetValue(account)), parse.GetValue(region)!, parse.GetValue(latency));
            return await RunAsync(settings, output, error, cancellationToken);
        });
        return command;
    }

    /// <summary>An option holding a TCP port: a number from 0 to 65535, said so in one line when it is not.</summary>
    private static Option<int> PortOption(string name, string description, int defaultPort) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultPort,
        CustomParser = result =>
        {
            var text = result.Tokens[^1].Value;
            if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value <= 65535)
                return value;
            result.AddError($"{name} must be a port number from 0 to 65535, got '{text}'");
            return 0;
        },
    };

    /// <summary>Resolved <c>serve</c> options; <see cref="DatabasePath"/> null means in-memory.</summary>
    public sealed record ServeSettings(string Host, int Port, int KubePort, string? DatabasePath, string AccountId, string Region, bool Latency);

    public static async Task<int> RunAsync(ServeSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        IStateStore store;
        try
        {
            store = settings.DatabasePath is null ? new InMemoryStateStore() : new SqliteStateStore(settings.DatabasePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            await error.WriteLineAsync($"turnstile: cannot open the state store {settings.DatabasePath}: {e.Message}");
            return 1;
        }

        using (store)
        {
            var options = new EmulatorOptions
            {
                AccountId = settings.AccountId,
                Region = settings.Region,
                AdminAccessKeyId = EmulatorSettings.AdminAccessKeyId,
                AdminSecretAccessKey = EmulatorSettings.AdminSecretAccessKey,
                EndpointHost = $"{settings.Host}:{settings.Port}",
                KubeHost = settings.Host,
                KubePort = settings.KubePort,
                RealisticLatency = settings.Latency,
            };
            var composed = EmulatorComposition.CreateServices(new EmulatorState(store, options));
            using var loggerFactory = LoggerFactory.Create(logging => logging
                .SetMinimumLevel(LogLevel.Warning)
                .AddFilter("Microsoft", LogLevel.Error)
                .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace)
                .AddSimpleConsole(console => console.SingleLine = true));

            await using var host = new EmulatorHost(new EmulatorHostOptions
            {
                Host = settings.Host,
                Port = settings.Port,
                Services = composed.Services,
                Credentials = composed.Credentials,
                Authorizer = composed.Authorizer,
                DefaultRegion = settings.Region,
                LoggerFactory = loggerFactory,
            });
            try
            {
                await host.StartAsync(cancellationToken);
            }
            catch (Exception e) when (e is IOException or SocketException)
            {
                await error.WriteLineAsync($"turnstile: cannot listen on {settings.Host}:{settings.Port}: {e.Message}");
                return 1;
            }
            catch (OperationCanceledException)
            {
                return 0;
            }

            var services = composed.Services.Count == 0 ? "no services" : string.Join(", ", composed.Services.Select(s => s.SigningName));
            await output.WriteLineAsync(
                $"turnstile: AWS endpoint {host.Endpoint.ToString().TrimEnd('/')} ({services}), " +
                $"cluster endpoints https://{settings.Host}:{settings.KubePort}/clusters/<name> (not served yet), account {settings.AccountId}, region {settings.Region}, store {store.Description}");
            await output.FlushAsync(CancellationToken.None);

            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }

            // Stop well within System.CommandLine's termination grace period so the process exits 0.
            using var stopLimit = new CancellationTokenSource(TimeSpan.FromSeconds(1.5));
            try
            {
                await host.StopAsync(stopLimit.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
        return 0;
    }
}
