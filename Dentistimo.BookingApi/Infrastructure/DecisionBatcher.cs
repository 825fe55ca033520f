using System.Diagnostics;
using System.Threading.Channels;
using Dentistimo.BookingApi.Services;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dentistimo.BookingApi.Infrastructure;

/// <summary>
/// Decides the booking requests that arrive together in one round trip and one commit. A decision's cost in
/// PostgreSQL is mostly the statement around it: measured with pgbench, deciding 16 requests per call costs about
/// half as much per request as one per call. Nothing waits to fill a batch: each of <see cref="BookingOptions.DecisionWorkers"/>
/// takes whatever has queued while the previous calls ran, so a quiet system decides each request at once, alone.
/// </summary>
/// <remarks>
/// A batch is ordered by slot, so that batches lock slot counters in one order. If any request in it violates a unique
/// constraint (a retried request id, a patient's second appointment at that time), PostgreSQL decides none of them,
/// and the batch's requests are decided again one by one, which tells each its own outcome. So is a batch PostgreSQL
/// chose to break a deadlock with: two batches that wait on each other's uncommitted unique keys (the same patient at
/// the same time in both), or that take one patient's row and a slot's in opposite orders, can still deadlock.
/// </remarks>
public sealed class DecisionBatcher(BookingStore store, IOptions<BookingOptions> options, ILogger<DecisionBatcher> logger) : IHostedService
{
    private static readonly ActivitySource s_activitySource = new("Dentistimo.BookingApi.Decisions");

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>();
    private Task _workers = Task.CompletedTask;

    /// <param name="Caller">The trace of the request that queued it: the workers run outside any request.</param>
    private sealed record Pending(DecisionRequest Request, TaskCompletionSource<DecideOutcome> Outcome, ActivityContext Caller);

    /// <remarks>
    /// Not cancellable once queued: the decision will be made, and the caller must see it through (evict the day from
    /// the cache, wake the outbox). The wait is bounded by the queue ahead (at most the rate limiter's admitted
    /// requests) and each batch's command timeout.
    /// </remarks>
    public Task<DecideOutcome> DecideAsync(DecisionRequest request)
    {
        var pending = new Pending(
            request, new TaskCompletionSource<DecideOutcome>(TaskCreationOptions.RunContinuationsAsynchronously), Activity.Current?.Context ?? default);
        // Once stopping, nothing takes from the queue any more: decide on the caller's own round trip.
        return _queue.Writer.TryWrite(pending) ? pending.Outcome.Task : store.DecideAsync(request, CancellationToken.None);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _workers = Task.WhenAll(Enumerable.Range(0, options.Value.DecisionWorkers).Select(_ => Task.Run(WorkAsync, CancellationToken.None)));
        return Task.CompletedTask;
    }

    /// <summary>The server has stopped taking requests by now; the ones queued are still decided.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await _workers.WaitAsync(cancellationToken);
    }

    private async Task WorkAsync()
    {
        var batch = new List<Pending>(options.Value.DecisionBatchSize);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < options.Value.DecisionBatchSize && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            if (batch.Count == 0)
            {
                continue; // another worker took what woke this one
            }

            batch.Sort((x, y) => (x.Request.Booking.ClinicId, x.Request.Booking.StartUtc).CompareTo((y.Request.Booking.ClinicId, y.Request.Booking.StartUtc)));
            await DecideAsync(batch);
            batch.Clear();
        }
    }

    /// <summary>
    /// A span for a batch's round trip, so that its SQL shows in a request's trace: a child of the first request's, and
    /// linked to the others' (one span cannot have several parents). A quiet system's batch of one is the request's own.
    /// </summary>
    private static Activity? StartDecisionActivity(IReadOnlyList<Pending> batch)
    {
        var links = batch.Skip(1).Where(pending => pending.Caller != default).Select(pending => new ActivityLink(pending.Caller));
        var activity = s_activitySource.StartActivity("Decide booking batch", ActivityKind.Internal, batch[0].Caller, links: links);
        activity?.SetTag("dentistimo.batch_size", batch.Count);
        return activity;
    }

    private async Task DecideAsync(List<Pending> batch)
    {
        using var activity = StartDecisionActivity(batch);
        try
        {
            var outcomes = await store.DecideAllAsync(batch.Select(pending => pending.Request).ToList(), CancellationToken.None);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Outcome.TrySetResult(outcomes[i]);
            }
        }
        catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DeadlockDetected)
        {
            logger.LogDebug("A batch of {Count} booking decisions was refused ({SqlState}); deciding them one by one", batch.Count, exception.SqlState);
            // One after another, in slot order: all at once could take a connection each, up to a batch per worker.
            foreach (var pending in batch)
            {
                await DecideAloneAsync(pending);
            }
        }
        catch (Exception exception)
        {
            foreach (var pending in batch)
            {
                pending.Outcome.TrySetException(exception);
            }
        }
    }

    private async Task DecideAloneAsync(Pending pending)
    {
        using var activity = StartDecisionActivity([pending]);
        try
        {
            pending.Outcome.TrySetResult(await store.DecideAsync(pending.Request, CancellationToken.None));
        }
        catch (Exception exception)
        {
            pending.Outcome.TrySetException(exception);
        }
    }
}
