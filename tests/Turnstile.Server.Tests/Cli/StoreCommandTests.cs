using System.Diagnostics;
using Turnstile.Server.Tests.Eks;
using Turnstile.Server.Tests.Replicas;
using static Turnstile.Server.Tests.Eks.EksCliFixture;

namespace Turnstile.Server.Tests.Cli;

/// <summary><c>turnstile serve --store</c> and <c>turnstile reset</c> as processes: a store keeps its account, reset empties it.</summary>
[Collection(ReplicaCollection.Name)]
public class StoreCommandTests
{
    /// <summary>Runs <c>turnstile ARGS...</c> to completion with <paramref name="input"/> on standard input.</summary>
    private static async Task<(int ExitCode, string Stdout, string Stderr)> Turnstile(string? input, params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(TurnstileProcess.AssemblyPath);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("TURNSTILE_", StringComparison.OrdinalIgnoreCase)).ToArray())
            start.Environment.Remove(name);
        using var process = Process.Start(start)!;
        if (input is not null) await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(limit.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    [PosixAwsCliFact]
    public async Task A_store_keeps_its_account_and_region_and_reset_empties_it_after_a_confirmation()
    {
        var data = Directory.CreateTempSubdirectory("turnstile-reset-").FullName;
        var database = Path.Combine(data, "turnstile.db");
        try
        {
            await using (var first = await ReplicaTests.Serve("sqlite:" + database))
            {
                await using var aws = await ReplicaTests.Cli(first);
                await aws.Ok("iam", "create-user", "--user-name", "kept");
                Assert.Equal(0, await first.StopAsync());
            }
            // The database holds secret keys: only its owner may read it.
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(database));

            var other = await Turnstile(null, "serve", "--data", data, "--port", "0", "--account-id", "444455556666");
            Assert.Equal(1, other.ExitCode);
            Assert.Equal("", other.Stdout);
            Assert.Equal(
                $"turnstile: the store sqlite {database} holds account {Account} in region {DefaultRegion}, not account 444455556666 in region {DefaultRegion}; " +
                $"start with --account-id {Account} --region {DefaultRegion}, use another store, or empty this one with turnstile reset\n",
                other.Stderr.Replace("\r\n", "\n"));

            var cancelled = await Turnstile("no\n", "reset", "--data", data);
            Assert.Equal(1, cancelled.ExitCode);
            Assert.Equal($"This deletes every user, key, role, policy, session, cluster and Kubernetes object in sqlite {database}.\nType yes to continue: ",
                cancelled.Stdout.Replace("\r\n", "\n"));
            Assert.Equal("turnstile: reset cancelled; nothing was deleted\n", cancelled.Stderr.Replace("\r\n", "\n"));

            var confirmed = await Turnstile("yes\n", "reset", "--store", "sqlite:" + database);
            Assert.Equal(0, confirmed.ExitCode);
            Assert.EndsWith($"turnstile: emptied sqlite {database}\n", confirmed.Stdout.Replace("\r\n", "\n"));

            // Empty again: it may now be served as another account.
            await using (var second = await ReplicaTests.Serve("sqlite:" + database, "--account-id", "444455556666"))
            {
                Assert.Contains("account 444455556666", second.ReadyLine);
                Assert.Equal(0, await second.StopAsync());
            }
            var scripted = await Turnstile(null, "reset", "--data", data, "--yes");
            Assert.Equal((0, $"turnstile: emptied sqlite {database}\n"), (scripted.ExitCode, scripted.Stdout.Replace("\r\n", "\n")));

            var memory = await Turnstile(null, "reset", "--in-memory", "--yes");
            Assert.Equal(2, memory.ExitCode);
            Assert.Equal("error: a memory store starts empty and ends with its process; there is nothing to reset\n", memory.Stderr.Replace("\r\n", "\n"));
            var bad = await Turnstile(null, "serve", "--store", "mysql://x");
            Assert.Equal(2, bad.ExitCode);
            Assert.StartsWith("error: --store: unknown store location", bad.Stderr);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
