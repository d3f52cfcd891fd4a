using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Turnstile.Core.Kube;
using Turnstile.Kube.Handlers;
using Turnstile.Kube.Registry;
using Turnstile.Kube.Reviews;
using Turnstile.Kube.Seeding;
using Turnstile.Kube.Storage;
using Turnstile.State;

namespace Turnstile.Kube.Tests;

/// <summary>A clock that reads a settable time; timers run on real time.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>
/// One emulated cluster's Kubernetes API over an in-memory store: the handlers as the host calls them, with a fixed
/// clock, predictable uids and name suffixes, and a JSON merge patch engine standing in for the real patchers.
/// </summary>
internal sealed class KubeFixture : IAsyncDisposable
{
    public const string Cluster = "demo";
    public static readonly DateTimeOffset Start = new(2026, 12, 2, 13, 0, 0, TimeSpan.Zero);

    private int _uid;

    private KubeFixture(InMemoryStore store, StateCache cache, FixedClock clock, WatchSettings watch, Random random,
        IReadOnlyList<IKubeAdmission>? admission = null, Func<RegistryOptions, AccessReviews>? reviews = null)
    {
        Store = store;
        Cache = cache;
        Clock = clock;
        Storage = new KubeStorage(cache, clock);
        Registry = new KubeRegistry(Storage, new RegistryOptions
        {
            Time = clock,
            NewUid = () => $"00000000-0000-4000-8000-{Interlocked.Increment(ref _uid):D12}",
            Random = random,
        }, admission);
        Handlers = new KubeApiHandlers(Registry, new MergePatcher(), watch: watch, reviews: reviews?.Invoke(Registry.Options));
    }

    public InMemoryStore Store { get; }
    public StateCache Cache { get; }
    public FixedClock Clock { get; }
    public KubeStorage Storage { get; }
    public KubeRegistry Registry { get; }
    public KubeApiHandlers Handlers { get; }

    public static async Task<KubeFixture> StartAsync(int window = StateCache.DefaultWindow, WatchSettings? watch = null, Random? random = null,
        params string[] namespaces)
    {
        var store = new InMemoryStore();
        var cache = await StateCache.StartAsync(store, window);
        var fixture = new KubeFixture(store, cache, new FixedClock(Start), watch ?? new WatchSettings(), random ?? new Random(7));
        foreach (var ns in namespaces.Length == 0 ? ["default"] : namespaces)
            (await fixture.SendAsync("create", "namespaces", body: "{\"metadata\":{\"name\":\"" + ns + "\"}}")).AssertCode(201);
        return fixture;
    }

    /// <summary>
    /// A cluster as EKS creates it: the store holds <see cref="ClusterContent"/> before the registry starts; RBAC
    /// escalation admission and the review APIs decide through <see cref="StoredStateAccess"/> over
    /// <paramref name="model"/> (its RBAC read from the store).
    /// </summary>
    public static async Task<KubeFixture> StartSeededAsync(Turnstile.Core.Clusters.ClusterAccessModel? model = null, ITokenAuthenticator? tokens = null)
    {
        var store = new InMemoryStore();
        var uid = 0;
        var content = ClusterContent.Build(new ClusterContentRequest(Cluster, "1.32", "us-east-1", Start.AddHours(-1), () => $"11111111-0000-4000-8000-{++uid:D12}"));
        await store.TxnAsync(new TxnRequest([], content.Select(o => (Operation)new Put(o.Key, o.Value)).ToList()));
        var cache = await StateCache.StartAsync(store);
        var access = new StoredStateAccess(cache, model);
        return new KubeFixture(store, cache, new FixedClock(Start), new WatchSettings(), new Random(7), [new RbacEscalationAdmission(access)],
            options => new AccessReviews(access, tokens, options));
    }

    public static ApiResource Api(string resource, string group = "") =>
        ApiResourceCatalog.Eks.FindPreferred(group, resource) ?? throw new ArgumentException(resource);

    public Task<KubeResponse> SendAsync(string verb, string resource, string ns = "", string name = "", string body = "", string query = "",
        string? contentType = null, string? accept = null, string subresource = "", string group = "", CancellationToken cancellationToken = default,
        Turnstile.Core.Authn.KubeUser? user = null) =>
        Handlers.HandleAsync(new KubeRequest
        {
            Cluster = Cluster,
            Verb = verb,
            Resource = Api(resource, group),
            Namespace = ns,
            Name = name,
            Subresource = subresource,
            Query = GoUrlQuery.Parse(query),
            Body = body.Length == 0 ? null : new MemoryStream(Encoding.UTF8.GetBytes(body)),
            ContentType = contentType,
            Accept = accept,
            UserAgent = "kubectl/v1.32.0 (linux/amd64) kubernetes/abc",
            User = user,
        }, cancellationToken);

    public async Task<JsonObject> CreateAsync(string resource, string ns, string body, string group = "")
    {
        var response = await SendAsync("create", resource, ns, body: body, group: group);
        response.AssertCode(201);
        return response.Json();
    }

    public ValueTask DisposeAsync() => DisposeAllAsync();

    private async ValueTask DisposeAllAsync()
    {
        await Registry.DisposeAsync();
        await Cache.DisposeAsync();
        await Store.DisposeAsync();
    }
}

internal static class ResponseAssertions
{
    public static KubeResponse AssertCode(this KubeResponse response, int code)
    {
        Assert.True(response.StatusCode == code, $"expected {code}, got {response.StatusCode}: {response.BodyText}");
        return response;
    }

    public static JsonObject Json(this KubeResponse response) => (JsonObject)JsonNode.Parse(response.Body)!;

    public static string Message(this KubeResponse response) => response.Json()["message"]!.GetValue<string>();

    public static string Str(this JsonNode node, string path)
    {
        JsonNode? current = node;
        foreach (var part in path.Split('.')) current = current?[part];
        return current is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : current?.ToJsonString() ?? "";
    }

    /// <summary>Reads a watch stream until it ends (timeout or error) and returns its lines.</summary>
    public static async Task<List<string>> StreamLinesAsync(this KubeResponse response, CancellationToken cancellationToken = default)
    {
        var stream = new MemoryStream();
        await response.Stream!(stream, cancellationToken);
        return Encoding.UTF8.GetString(stream.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }
}

/// <summary>RFC 7386 JSON merge patch only: the stand-in for the real patch engines in these tests.</summary>
internal sealed class MergePatcher : IPatcher
{
    public IReadOnlyList<PatchType> SupportedTypes(ApiResource resource) => [PatchType.Merge];

    public PatchResult Apply(PatchRequest request)
    {
        JsonNode? patch;
        try
        {
            patch = JsonNode.Parse(request.Patch.Span);
        }
        catch (JsonException e)
        {
            throw KubeApiException.BadRequest("error decoding patch: " + e.Message);
        }
        var merged = Merge(request.Current ?? new JsonObject(), patch);
        return new PatchResult(merged as JsonObject ?? throw KubeApiException.BadRequest("Invalid JSON Patch"), []);
    }

    private static JsonNode? Merge(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject p) return patch?.DeepClone();
        var result = target as JsonObject ?? new JsonObject();
        foreach (var (key, value) in p)
        {
            if (value is null) result.Remove(key);
            else result[key] = Merge(result[key]?.DeepClone(), value);
        }
        return result;
    }
}

/// <summary>Reads a watch response line by line while it streams.</summary>
internal sealed class WatchClient : IAsyncDisposable
{
    private readonly System.IO.Pipelines.Pipe _pipe = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _writer;
    private readonly StreamReader _reader;

    public WatchClient(KubeResponse response)
    {
        Assert.NotNull(response.Stream);
        var output = _pipe.Writer.AsStream();
        _writer = Task.Run(async () =>
        {
            try
            {
                await response.Stream!(output, _stop.Token);
            }
            finally
            {
                await _pipe.Writer.CompleteAsync();
            }
        });
        _reader = new StreamReader(_pipe.Reader.AsStream());
    }

    /// <summary>The next event line, or null when the stream ended.</summary>
    public async Task<string?> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        return await _reader.ReadLineAsync(cts.Token);
    }

    public async Task<JsonObject> NextEventAsync(TimeSpan? timeout = null)
    {
        var line = await NextAsync(timeout) ?? throw new InvalidOperationException("the watch ended");
        return (JsonObject)JsonNode.Parse(line)!;
    }

    public Task Completion => _writer;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _writer;
    }
}
