using System.CommandLine;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Turnstile.Aws;
using Turnstile.Hosting;
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
        var store = new StoreSelection();
        var account = new Option<string?>("--account-id")
        {
            Description = $"Account id the emulator plays (default ${EmulatorSettings.AccountVariable} or {EmulatorOptions.DefaultAccountId}); a store keeps the one it was first served with",
        };
        var region = new Option<string>("--region")
        {
            Description = "Default region (clients may sign for any region); a store keeps the one it was first served with",
            DefaultValueFactory = _ => EmulatorOptions.DefaultRegion,
        };
        var latency = new Option<bool>("--latency") { Description = "Realistic delays: clusters stay CREATING/UPDATING for a while" };

        var command = new Command("serve", "Run the emulated AWS endpoint (IAM, STS, EKS) until Ctrl-C. Several replicas may serve one PostgreSQL store.\n\n" +
                                           EmulatorSettings.EnvironmentHelp)
        {
            host, port, kubePort, account, region, latency,
        };
        store.AddTo(command);
        command.Validators.Add(result =>
        {
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
                parse.GetValue(host)!, parse.GetValue(port), parse.GetValue(kubePort), store.Resolve(parse),
                EmulatorSettings.AccountId(parse.GetValue(account)), parse.GetValue(region)!, parse.GetValue(latency));
            return await RunAsync(settings, output, error, cancellationToken);
        });
        return command;
    }

    /// <summary>Resolved <c>serve</c> options.</summary>
    public sealed record ServeSettings(string Host, int Port, int KubePort, StoreLocation Store, string AccountId, string Region, bool Latency);

    public static async Task<int> RunAsync(ServeSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
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
        EmulatorRuntime runtime;
        try
        {
            runtime = await EmulatorRuntime.StartAsync(await StoreFactory.OpenAsync(settings.Store, cancellationToken: cancellationToken), options,
                cancellationToken: cancellationToken);
        }
        catch (StoreUnavailableException e)
        {
            await error.WriteLineAsync($"turnstile: cannot open the state store {settings.Store.Description}: {e.Message}");
            return 1;
        }
        catch (StoreMismatchException e)
        {
            await error.WriteLineAsync("turnstile: " + e.Message);
            return 1;
        }
        catch (OperationCanceledException)
        {
            return 0;
        }

        await using (runtime)
        {
            using var loggerFactory = LoggerFactory.Create(logging => logging
                .SetMinimumLevel(LogLevel.Warning)
                .AddFilter("Microsoft", LogLevel.Error)
                .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace)
                .AddSimpleConsole(console => console.SingleLine = true));

            await using var host = new EmulatorHost(runtime.HostOptions(settings.Host, settings.Port, loggerFactory));
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

            var services = string.Join(", ", runtime.Services.Select(s => s.SigningName));
            await output.WriteLineAsync(
                $"turnstile: AWS endpoint {host.Endpoint.ToString().TrimEnd('/')} ({services}), " +
                $"cluster endpoints https://{settings.Host}:{settings.KubePort}/clusters/<name> (not served yet), account {settings.AccountId}, region {settings.Region}, store {settings.Store.Description}");
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
