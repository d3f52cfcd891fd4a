using Turnstile.State;

namespace Turnstile.Storage;

/// <summary>
/// kube-apiserver's compactor: at every tick, compact up to the revision the store had at the previous tick, so the
/// history always covers at least one interval. Replicas sharing a database each run one; compaction is idempotent.
/// </summary>
internal sealed class PeriodicCompactor : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public PeriodicCompactor(IStore store, TimeSpan interval)
    {
        _loop = interval > TimeSpan.Zero ? Task.Run(() => RunAsync(store, interval)) : Task.CompletedTask;
    }

    private async Task RunAsync(IStore store, TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        long? previous = null;
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                try
                {
                    var head = await store.GetRevisionAsync(_stop.Token).ConfigureAwait(false);
                    if (previous is { } revision) await store.CompactAsync(revision, _stop.Token).ConfigureAwait(false);
                    previous = head;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The database is unreachable: try again at the next tick.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
