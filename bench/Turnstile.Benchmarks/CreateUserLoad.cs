using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Turnstile.Aws;
using Turnstile.Aws.Iam;
using Turnstile.Core.Aws.Sigv4;
using Turnstile.Hosting;
using Turnstile.Server;
using Turnstile.State;
using Turnstile.Storage;

namespace Turnstile.Benchmarks;

/// <summary>
/// Does a write cost more as state grows? Signed CreateUser calls on distinct names, over HTTP to the AWS endpoint of
/// one replica on the given store, from concurrent clients: first on an empty store (after a warm-up run that adds a
/// few hundred users), then with 50,000 users in it, in the same run. Usage: <c>create-user-load STORE [--existing N] [--seconds S] [--clients C]</c> (STORE as
/// <c>--store</c> takes it; it is emptied first).
/// </summary>
public static class CreateUserLoad
{
    public const string Command = "create-user-load";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0)
        {
            await Console.Error.WriteLineAsync($"usage: {Command} STORE [--existing 50000] [--seconds 5] [--clients 16]");
            return 2;
        }
        var location = StoreLocation.Parse(args[0]);
        var existing = Option(args, "--existing", 50_000);
        var seconds = Option(args, "--seconds", 5);
        var clients = Option(args, "--clients", 16);

        await using (var store = await StoreFactory.OpenAsync(location)) await store.ResetAsync();
        await using var runtime = await EmulatorRuntime.StartAsync(await StoreFactory.OpenAsync(location), new EmulatorOptions());
        await using var host = new EmulatorHost(runtime.HostOptions());
        await host.StartAsync();

        await Measure(host.Endpoint, "warm", Math.Max(1, seconds / 2), clients);
        var empty = await Measure(host.Endpoint, "empty", seconds, clients);
        var seeded = await Seed(runtime, existing);
        var full = await Measure(host.Endpoint, "full", seconds, clients);
        Console.WriteLine($"store {location.Description}: empty {empty:F0} req/s; with {seeded:N0} users {full:F0} req/s; ratio {full / empty:P0}");
        return 0;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>Adds users in commits of 1,000 (records and id index keys as CreateUser writes them) until the store holds <paramref name="count"/>.</summary>
    private static async Task<int> Seed(EmulatorRuntime runtime, int count)
    {
        var account = runtime.Iam.Account;
        var have = runtime.Cache.Current.List(IamKeys.Users).Count();
        for (var next = have; next < count;)
        {
            var batch = Math.Min(1000, count - next);
            var start = next;
            await runtime.Cache.RunAsync(tx =>
            {
                var state = new IamState(account, tx);
                for (var i = start; i < start + batch; i++)
                    state.CreateUser(new UserRecord { UserId = IamIds.NewUserId(), UserName = $"seed-{i:D6}", Path = "/", CreateDate = DateTimeOffset.UtcNow });
                return batch;
            });
            next += batch;
        }
        return runtime.Cache.Current.List(IamKeys.Users).Count();
    }

    private static async Task<double> Measure(Uri endpoint, string label, int seconds, int clients)
    {
        var credentials = new AwsCredentials(EmulatorOptions.DefaultAdminAccessKeyId, EmulatorOptions.DefaultAdminSecretAccessKey);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients });
        var deadline = Stopwatch.StartNew();
        var counts = await Task.WhenAll(Enumerable.Range(0, clients).Select(async client =>
        {
            var done = 0;
            for (var n = 0; deadline.Elapsed < TimeSpan.FromSeconds(seconds); n++)
            {
                using var response = await http.SendAsync(Signed(endpoint, credentials, $"Action=CreateUser&Version=2010-05-08&UserName={label}-{client}-{n}"));
                if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"CreateUser answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                done++;
            }
            return done;
        }));
        return counts.Sum() / deadline.Elapsed.TotalSeconds;
    }

    private static HttpRequestMessage Signed(Uri endpoint, AwsCredentials credentials, string form)
    {
        var body = Encoding.UTF8.GetBytes(form);
        var request = new SigV4HttpRequest
        {
            Method = "POST",
            RawPath = "/",
            Headers = [new HttpHeader("Host", endpoint.Authority), new HttpHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
            Body = body,
        };
        var signed = SigV4Signer.Sign(request, credentials, EmulatorOptions.DefaultRegion, "iam", DateTimeOffset.UtcNow).SignedRequest;
        var message = new HttpRequestMessage(HttpMethod.Post, new Uri(endpoint, "/")) { Content = new ByteArrayContent(body) };
        foreach (var header in signed.Headers)
        {
            if (header.Name.Equals("Host", StringComparison.OrdinalIgnoreCase)) continue;
            if (header.Name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(header.Value);
            else message.Headers.TryAddWithoutValidation(header.Name, header.Value);
        }
        return message;
    }
}
