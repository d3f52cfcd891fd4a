using System.Text;
using Turnstile.State;

namespace Turnstile.Storage.Tests.Conformance;

/// <summary>Small helpers shared by the store tests.</summary>
public static class StoreTestSupport
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    public static string Text(KeyValue value) => Encoding.UTF8.GetString(value.Value);

    public static ValueTask<TxnResult> PutAsync(this IStore store, string key, string value) => store.TxnAsync(TxnRequest.Of(new Put(key, Bytes(value))));

    public static ValueTask<TxnResult> DeleteAsync(this IStore store, string key) => store.TxnAsync(TxnRequest.Of(new Delete(key)));

    /// <summary>Reads batches from a watch until <paramref name="done"/> says enough, or fails after <see cref="Patience"/>.</summary>
    public static async Task<List<WatchBatch>> CollectAsync(IAsyncEnumerable<WatchBatch> watch, Func<List<WatchBatch>, bool> done, TimeSpan? within = null)
    {
        using var limit = new CancellationTokenSource(within ?? Patience);
        var batches = new List<WatchBatch>();
        try
        {
            await foreach (var batch in watch.WithCancellation(limit.Token))
            {
                batches.Add(batch);
                if (done(batches)) return batches;
            }
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            Assert.Fail($"the watch delivered {batches.Count} batches (revisions {string.Join(",", batches.Select(b => b.Revision))}) and then nothing more within {within ?? Patience}");
        }
        Assert.Fail("the watch ended early after revisions " + string.Join(",", batches.Select(b => b.Revision)));
        return batches;
    }

    /// <summary>Collects until a batch at or past <paramref name="revision"/> arrives.</summary>
    public static Task<List<WatchBatch>> CollectUntilAsync(IAsyncEnumerable<WatchBatch> watch, long revision, TimeSpan? within = null) =>
        CollectAsync(watch, batches => batches[^1].Revision >= revision, within);

    /// <summary>The first MoveNextAsync of a watch, which is where a "too old" revision is refused.</summary>
    public static async Task FirstAsync(IAsyncEnumerable<WatchBatch> watch)
    {
        using var limit = new CancellationTokenSource(Patience);
        await using var enumerator = watch.GetAsyncEnumerator(limit.Token);
        await enumerator.MoveNextAsync();
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <see cref="Patience"/> runs out.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"{what} did not happen within {Patience}");
            await Task.Delay(20);
        }
    }
}
