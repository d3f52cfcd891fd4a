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
        var port = new Option<int>("--port")
        {
            Description = "Port of the AWS endpoint (IAM, STS, EKS); 0 picks a free one",
            DefaultValueFactory = _ => EmulatorSettings.DefaultPort,
        };
        var kubePort = new Option<int>("--kube-port")
        {
            Description = "Port DescribeCluster names as the clusters' Kubernetes API endpoint (https://HOST:PORT/clusters/NAME; the API front itself is not served by this version)",
            DefaultValueFactory = _ => EmulatorSettings.DefaultKubePort,
        };
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
        command.Validators.Add(result =>
        {
            if (result.GetValue(inMemory) && result.GetValue(data) is not null)
                result.AddError("--data and --in-memory cannot be used together");
            if (result.GetValue(port) is < 0 or > 65535) result.AddError("--port must be between 0 and 65535");
            if (result.GetValue(kubePort) is < 0 or > 65535) result.AddError("--kube-port must be between 0 and 65535");
            if (result.GetValue(account) is { } id && (id.Length != 12 || !id.All(char.IsAsciiDigit)))
                result.AddError("--account-id must be 12 digits");
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
