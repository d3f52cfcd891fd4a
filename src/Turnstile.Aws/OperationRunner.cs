using System.Runtime.ExceptionServices;
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
    /// <remarks>
    /// The common read-only call (nothing to settle, no error, no write) completes synchronously, without a task, and
    /// records no reads: it is most of the emulator's traffic (GetCallerIdentity, Describe*, and every token the
    /// Kubernetes front has STS verify).
    /// </remarks>
    public static ValueTask<T> RunOperationAsync<T>(this StateCache cache, IAwsService service, AwsOperation operation, DateTimeOffset now,
        Func<OptimisticTransaction, T> body, CancellationToken cancellationToken = default)
    {
        var prepared = service.PrepareAsync(now, cancellationToken);
        if (!operation.ReadOnly || !prepared.IsCompletedSuccessfully)
            return new ValueTask<T>(RunPreparedAsync(cache, prepared, operation.ReadOnly, body, cancellationToken));

        var view = cache.Current;
        var transaction = OptimisticTransaction.ForReading(view);
        try
        {
            var result = body(transaction);
            if (!transaction.HasWrites) return new ValueTask<T>(result);
        }
        catch (AwsServiceException e)
        {
            return new ValueTask<T>(RetryOnFreshViewAsync(cache, view.Revision, e, body, cancellationToken));
        }
        // A read-only operation that wrote after all: run it again as a transaction that commits.
        return new ValueTask<T>(RunReadOnlyAsync(cache, body, cancellationToken));
    }

    private static async Task<T> RunPreparedAsync<T>(StateCache cache, Task prepared, bool readOnly, Func<OptimisticTransaction, T> body,
        CancellationToken cancellationToken)
    {
        await prepared.ConfigureAwait(false);
        return readOnly
            ? await RunReadOnlyAsync(cache, body, cancellationToken).ConfigureAwait(false)
            : await cache.RunAsync(body, fresh: true, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static async Task<T> RunReadOnlyAsync<T>(StateCache cache, Func<OptimisticTransaction, T> body, CancellationToken cancellationToken)
    {
        var seen = cache.Current.Revision;
        try
        {
            return await cache.RunAsync(body, fresh: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException e)
        {
            return await RetryOnFreshViewAsync(cache, seen, e, body, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<T> RetryOnFreshViewAsync<T>(StateCache cache, long seen, AwsServiceException failure,
        Func<OptimisticTransaction, T> body, CancellationToken cancellationToken)
    {
        var fresh = await cache.ReadFreshAsync(cancellationToken).ConfigureAwait(false);
        if (fresh.Revision <= seen) ExceptionDispatchInfo.Throw(failure);
        return await cache.RunAsync(body, fresh: true, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
