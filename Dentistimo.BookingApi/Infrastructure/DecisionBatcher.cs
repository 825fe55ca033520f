using System.Diagnostics;
using System.Threading.Channels;
using Dentistimo.BookingApi.Services;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dentistimo.BookingApi.Infrastructure;

/// <summary>
/// One round trip and commit for the requests that queued meanwhile (docs/architecture.md); nothing waits to fill a
/// batch. A batch refused for a unique violation or a deadlock is decided again one by one, to tell each its outcome.
/// </summary>
public sealed class DecisionBatcher(BookingStore store, IOptions<BookingOptions> options, ILogger<DecisionBatcher> logger) : IHostedService
{
    private static readonly ActivitySource s_activitySource = new("Dentistimo.BookingApi.Decisions");

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>();
    private Task _workers = Task.CompletedTask;

    // Workers run outside any request, so each keeps its caller's trace.
    private sealed record Pending(DecisionRequest Request, TaskCompletionSource<DecideOutcome> Outcome, ActivityContext Caller);

    // Not cancellable once queued: the decision will be made, and the caller must see it through (cache, outbox).
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

    // Kestrel has stopped taking requests by now; those queued are still decided.
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

            // By slot, so that batches lock slot counters in one order.
            batch.Sort((x, y) => (x.Request.Booking.ClinicId, x.Request.Booking.StartUtc).CompareTo((y.Request.Booking.ClinicId, y.Request.Booking.StartUtc)));
            await DecideAsync(batch);
            batch.Clear();
        }
    }

    // A child of the first request's span, linked to the others' (a span has one parent).
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
