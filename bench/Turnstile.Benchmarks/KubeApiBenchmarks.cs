using System.Text;
using BenchmarkDotNet.Attributes;
using Turnstile.Core.Kube;
using Turnstile.Kube.Handlers;
using Turnstile.Kube.Registry;
using Turnstile.Kube.Storage;
using Turnstile.State;

namespace Turnstile.Benchmarks;

/// <summary>
/// The Kubernetes API front's storage side, in process, without authentication or authorization (the host's
/// filters): one GET and one LIST of 100 pods through the handlers, and the fan-out of one update to 1,000 watches
/// of the same namespace. Target for the fan-out: every watch has written the event within 1 s.
/// </summary>
[MemoryDiagnoser]
public class KubeApiBenchmarks
{
    private const int Watchers = 1000;
    private static readonly ApiResource Pods = ApiResourceCatalog.Eks.FindPreferred("", "pods")!;
    private static readonly ApiResource ConfigMaps = ApiResourceCatalog.Eks.FindPreferred("", "configmaps")!;

    private InMemoryStore _store = null!;
    private StateCache _cache = null!;
    private KubeApiHandlers _handlers = null!;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _streams = [];
    private CountdownEvent _delivered = null!;
    private int _update;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _store = new InMemoryStore();
        _cache = await StateCache.StartAsync(_store);
        _handlers = new KubeApiHandlers(new KubeRegistry(new KubeStorage(_cache)));
        await SendAsync("create", ApiResourceCatalog.Eks.FindPreferred("", "namespaces")!, "", "", """{"metadata":{"name":"default"}}""");
        for (var i = 0; i < 100; i++)
            await SendAsync("create", Pods, "default", "",
                "{\"metadata\":{\"name\":\"pod-" + i + "\",\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}");
        await SendAsync("create", ConfigMaps, "default", "", """{"metadata":{"name":"watched"},"data":{"n":"0"}}""");

        _delivered = new CountdownEvent(Watchers);
        var revision = _cache.Current.Revision.ToString();
        for (var i = 0; i < Watchers; i++)
        {
            var response = await _handlers.HandleAsync(new KubeRequest
            {
                Cluster = "bench",
                Verb = "watch",
                Resource = ConfigMaps,
                Namespace = "default",
                Query = GoUrlQuery.Parse("resourceVersion=" + revision),
            });
            _streams.Add(Task.Run(() => response.Stream!(new SignalingStream(_delivered), _stop.Token)));
        }
        // Let every watch subscribe before measuring.
        await UpdateAndWaitAsync();
    }

    [Benchmark]
    public Task<KubeResponse> GetPod() => SendAsync("get", Pods, "default", "pod-42", "");

    [Benchmark]
    public Task<KubeResponse> ListHundredPods() => SendAsync("list", Pods, "default", "", "");

    [Benchmark]
    public Task OneUpdateReachesThousandWatches() => UpdateAndWaitAsync();

    private async Task UpdateAndWaitAsync()
    {
        _delivered.Reset(Watchers);
        var n = Interlocked.Increment(ref _update);
        await SendAsync("update", ConfigMaps, "default", "watched", "{\"metadata\":{\"name\":\"watched\"},\"data\":{\"n\":\"" + n + "\"}}");
        if (!_delivered.Wait(TimeSpan.FromSeconds(10))) throw new TimeoutException($"{_delivered.CurrentCount} watches did not get the update");
    }

    private Task<KubeResponse> SendAsync(string verb, ApiResource resource, string ns, string name, string body) =>
        _handlers.HandleAsync(new KubeRequest
        {
            Cluster = "bench",
            Verb = verb,
            Resource = resource,
            Namespace = ns,
            Name = name,
            Body = body.Length == 0 ? null : new MemoryStream(Encoding.UTF8.GetBytes(body)),
        });

    [GlobalCleanup]
    public void Cleanup()
    {
        _stop.Cancel();
        Task.WaitAll(_streams.ToArray());
        _cache.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>A response body that counts each written event as one delivery.</summary>
    private sealed class SignalingStream(CountdownEvent delivered) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => 0;
        public override long Position { get; set; }

        public override void Write(byte[] buffer, int offset, int count) => Signal();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Signal();
            return ValueTask.CompletedTask;
        }

        private void Signal() => delivered.Signal();

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
