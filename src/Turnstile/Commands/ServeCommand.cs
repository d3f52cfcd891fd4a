using System.CommandLine;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Turnstile.Aws;
using Turnstile.Hosting;
using Turnstile.KubeServer;
using Turnstile.Server;
using Turnstile.Storage;

namespace Turnstile.Cli.Commands;

/// <summary><c>turnstile serve</c>: runs the AWS endpoint and the Kubernetes API front until Ctrl-C or SIGTERM.</summary>
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
            "Port of the clusters' Kubernetes API (HTTPS, https://HOST:PORT/clusters/NAME, as DescribeCluster names it); 0 picks a free one",
            EmulatorSettings.DefaultKubePort);
        var store = new StoreSelection();
        var account = new Option<string?>("--account-id")
        {
            Description = $"Account id the emulator plays (default ${EmulatorSettings.AccountVariable} or {EmulatorOptions.DefaultAccountId}); a store keeps the one it was first served with",
        };
        account.Validators.Add(result =>
        {
            if (result.Tokens is [.., var last] && !Turnstile.Core.Arns.IamIdentityRules.IsAccountId(last.Value))
                result.AddError($"--account-id must be 12 digits, got '{last.Value}'");
        });
        var region = new Option<string>("--region")
        {
            Description = "Default region (clients may sign for any region); a store keeps the one it was first served with",
            DefaultValueFactory = _ => EmulatorOptions.DefaultRegion,
        };
        var latency = new Option<bool>("--latency") { Description = "Realistic delays: clusters stay CREATING/UPDATING for a while" };

        var command = new Command("serve", "Run the emulated AWS endpoint (IAM, STS, EKS) and the clusters' Kubernetes API until Ctrl-C. Several replicas may serve one PostgreSQL store.\n\n" +
                                           EmulatorSettings.EnvironmentHelp)
        {
            host, port, kubePort, account, region, latency,
        };
        store.AddTo(command);

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

            KubeApiHost kubeApi;
            try
            {
                kubeApi = await runtime.StartKubeApiAsync(host.Endpoint, settings.Host, settings.KubePort, loggerFactory, cancellationToken: cancellationToken);
            }
            catch (Exception e) when (e is IOException or SocketException)
            {
                await error.WriteLineAsync($"turnstile: cannot listen on {settings.Host}:{settings.KubePort}: {e.Message}");
                return 1;
            }
            catch (OperationCanceledException)
            {
                return 0;
            }
            await using var kubeApiScope = kubeApi;

            var services = string.Join(", ", runtime.Services.Select(s => s.SigningName));
            await output.WriteLineAsync(
                $"turnstile: AWS endpoint {host.Endpoint.ToString().TrimEnd('/')} ({services}), " +
                $"Kubernetes API {kubeApi.Endpoint.ToString().TrimEnd('/')}/clusters/<name>, account {settings.AccountId}, region {settings.Region}, store {settings.Store.Description}");
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
                await kubeApi.StopAsync(stopLimit.Token);
                await host.StopAsync(stopLimit.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
        return 0;
    }
}
