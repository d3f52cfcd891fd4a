using Turnstile.State;

namespace Turnstile.Aws;

/// <summary>How every AWS call meets the state: one optimistic transaction per call.</summary>
public static class OperationRunner
{
    /// <summary>
    /// Runs <paramref name="body"/> (a call to <paramref name="operation"/>) in one optimistic transaction, after the
    /// service's <see cref="IAwsService.PrepareAsync"/>. A mutating call starts from a fresh view (it includes
    /// every commit any replica made before the call) and retries on newer state when a compare fails. A read-only call
    /// runs on the replica's current view; when it fails with an AWS error (an unknown key, a missing entity, a denial)
    /// and the store has moved on since that view, it runs once more on a fresh view, so what another replica just
    /// wrote is seen at once.
    /// </summary>
    public static async Task<T> RunOperationAsync<T>(this StateCache cache, IAwsService service, AwsOperation operation, DateTimeOffset now,
        Func<OptimisticTransaction, T> body, CancellationToken cancellationToken = default)
    {
        await service.PrepareAsync(now, cancellationToken).ConfigureAwait(false);
        if (!operation.ReadOnly) return await cache.RunAsync(body, fresh: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        var seen = cache.Current.Revision;
        try
        {
            return await cache.RunAsync(body, fresh: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException)
        {
            var fresh = await cache.ReadFreshAsync(cancellationToken).ConfigureAwait(false);
            if (fresh.Revision <= seen) throw;
        }
        return await cache.RunAsync(body, fresh: true, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
