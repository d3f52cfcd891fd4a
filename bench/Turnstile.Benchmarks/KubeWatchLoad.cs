using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Turnstile.Benchmarks;

/// <summary>
/// Do 1,000 concurrent watches on one namespace all receive one update within a second? Against a running
/// Kubernetes API front (a cluster endpoint of <c>turnstile serve</c>) over HTTPS: creates a ConfigMap, opens N watches
/// of the namespace's ConfigMaps from its resourceVersion (each on its own connection, HTTP/1.1 as kubectl's watches
/// are, or HTTP/2 with <c>--http2</c>), waits until every watch has its response headers, updates the ConfigMap once
/// and times, per watch, the arrival of the MODIFIED event. Usage:
/// <c>kube-watch-load ENDPOINT TOKEN [--watches 1000] [--namespace default] [--http2]</c>.
/// </summary>
public static class KubeWatchLoad
{
    public const string Command = "kube-watch-load";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 2)
        {
            await Console.Error.WriteLineAsync($"usage: {Command} ENDPOINT TOKEN [--watches 1000] [--namespace default] [--http2]");
            return 2;
        }
        var endpoint = args[0].TrimEnd('/');
        var watches = Option(args, "--watches", "1000", int.Parse);
        var ns = Option(args, "--namespace", "default", s => s);
        var version = args.Contains("--http2") ? HttpVersion.Version20 : HttpVersion.Version11;

        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = int.MaxValue,
            EnableMultipleHttp2Connections = true,
            // A load tool against the emulator's own CA on loopback: the certificate is not what is measured.
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        };
        using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan, DefaultRequestVersion = version, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", args[1]);

        var name = "watched-" + Guid.NewGuid().ToString("N")[..8];
        var created = await SendAsync(client, HttpMethod.Post, $"{endpoint}/api/v1/namespaces/{ns}/configmaps",
            $$$"""{"metadata":{"name":"{{{name}}}"},"data":{"round":"0"}}""", "application/json");
        var resourceVersion = created.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString()!;

        using var stop = new CancellationTokenSource();
        var opened = 0;
        var allOpen = new TaskCompletionSource();
        var clock = new Stopwatch();
        var updateSent = new TaskCompletionSource();
        var tasks = Enumerable.Range(0, watches).Select(async _ =>
        {
            var url = $"{endpoint}/api/v1/namespaces/{ns}/configmaps?watch=true&resourceVersion={resourceVersion}&fieldSelector=metadata.name%3D{name}";
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, stop.Token);
            response.EnsureSuccessStatusCode();
            await using var stream = await response.Content.ReadAsStreamAsync(stop.Token);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            if (Interlocked.Increment(ref opened) == watches) allOpen.TrySetResult();
            while (await reader.ReadLineAsync(stop.Token) is { } line)
            {
                if (!line.Contains("\"MODIFIED\"", StringComparison.Ordinal)) continue;
                await updateSent.Task;
                return clock.Elapsed;
            }
            throw new InvalidOperationException("the watch ended before the update arrived");
        }).ToArray();

        var openClock = Stopwatch.StartNew();
        var first = await Task.WhenAny(allOpen.Task, Task.WhenAll(tasks), Task.Delay(TimeSpan.FromSeconds(120)));
        if (first != allOpen.Task)
        {
            await Console.Error.WriteLineAsync($"only {opened} of {watches} watches opened in {openClock.Elapsed.TotalSeconds:F1} s");
            foreach (var failed in tasks.Where(t => t.IsFaulted).Take(3)) await Console.Error.WriteLineAsync(failed.Exception!.InnerException!.Message);
            return 1;
        }
        Console.WriteLine($"{watches} watches open ({(version == HttpVersion.Version20 ? "HTTP/2" : "HTTP/1.1")}) in {openClock.Elapsed.TotalSeconds:F1} s");

        clock.Start();
        await SendAsync(client, HttpMethod.Patch, $"{endpoint}/api/v1/namespaces/{ns}/configmaps/{name}", """{"data":{"round":"1"}}""", "application/merge-patch+json");
        var patched = clock.Elapsed;
        updateSent.SetResult();
        var done = Task.WhenAll(tasks);
        if (await Task.WhenAny(done, Task.Delay(TimeSpan.FromSeconds(30))) != done)
        {
            await Console.Error.WriteLineAsync($"{tasks.Count(t => t.IsCompletedSuccessfully)} of {watches} watches saw the update within 30 s");
            return 1;
        }
        var times = tasks.Select(t => t.Result.TotalMilliseconds).Order().ToArray();
        var withinSecond = times.Count(t => t <= 1000);
        Console.WriteLine(FormattableString.Invariant(
            $"update answered in {patched.TotalMilliseconds:F1} ms; {withinSecond} of {watches} watches saw it within 1 s; median {times[times.Length / 2]:F1} ms, p99 {times[(int)(times.Length * 0.99)]:F1} ms, max {times[^1]:F1} ms"));
        await stop.CancelAsync();
        await SendAsync(client, HttpMethod.Delete, $"{endpoint}/api/v1/namespaces/{ns}/configmaps/{name}", null, null);
        return withinSecond == watches ? 0 : 1;
    }

    private static T Option<T>(string[] args, string name, string fallback, Func<string, T> parse)
    {
        var index = Array.IndexOf(args, name);
        return parse(index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback);
    }

    private static async Task<JsonDocument> SendAsync(HttpClient client, HttpMethod method, string url, string? body, string? contentType)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, contentType!);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{method} {url}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text);
    }
}
