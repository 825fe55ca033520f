using System.Collections.Concurrent;
using Dentistimo.Load;

namespace Dentistimo.AppHost.Tests.FaultInjection;

/// <summary>One attempt at a booking request as the client saw it, timed by the wall clock the services use too (same machine).</summary>
public sealed record Attempt(DateTimeOffset SentAt, DateTimeOffset AnsweredAt, BookingOutcome Outcome)
{
    /// <summary>The client was told the decision: 201 confirmed or 409 rejected.</summary>
    public bool IsAcknowledged => Outcome is BookingOutcome.Confirmed or BookingOutcome.Rejected;
}

/// <summary>A booking request and every attempt the client made at it, all with the same request id and body.</summary>
public sealed class BookingRequest(Guid requestId, SlotToBook slot)
{
    private readonly List<Attempt> _attempts = [];

    public Guid RequestId => requestId;

    public SlotToBook Slot => slot;

    public IReadOnlyList<Attempt> Attempts
    {
        get
        {
            lock (_attempts)
            {
                return [.. _attempts];
            }
        }
    }

    /// <summary>The first attempt that told the client the decision; null while the request is indeterminate.</summary>
    public Attempt? FirstAcknowledged => Attempts.FirstOrDefault(attempt => attempt.IsAcknowledged);

    internal void Add(Attempt attempt)
    {
        lock (_attempts)
        {
            _attempts.Add(attempt);
        }
    }
}

/// <summary>
/// What the client sent and saw, as in Jepsen's histories: every booking request with each attempt's outcome. A request
/// that only failed or timed out is indeterminate: the client cannot know whether it was decided. So the client does
/// what the web app's patient does and sends it again with the same request id, which BookingApi answers with the
/// decision it made, if it made one, or decides now; either way the request becomes determinate.
/// </summary>
public sealed class BookingHistory(BookingTraffic traffic)
{
    private static readonly TimeSpan s_pauseBetweenRetries = TimeSpan.FromSeconds(1);
    private readonly ConcurrentQueue<BookingRequest> _requests = new();

    /// <summary>Every request sent so far, in the order they were sent.</summary>
    public IReadOnlyList<BookingRequest> Requests => [.. _requests];

    /// <summary>Sends a new booking request (a new request id and patient) for <paramref name="slot"/> and records what came back.</summary>
    public Task<BookingOutcome> SendNewAsync(SlotToBook slot, CancellationToken ct)
    {
        var request = new BookingRequest(Guid.NewGuid(), slot);
        _requests.Enqueue(request);
        return AttemptAsync(request, ct);
    }

    /// <summary>Sends every indeterminate request again, with its own request id, until each is acknowledged or <paramref name="giveUpAfter"/> passes.</summary>
    /// <returns>How many attempts were made.</returns>
    public async Task<int> RetryIndeterminateAsync(TimeSpan giveUpAfter)
    {
        var giveUpAt = DateTimeOffset.UtcNow + giveUpAfter;
        var attempts = 0;
        while (true)
        {
            var indeterminate = _requests.Where(request => request.FirstAcknowledged is null).ToList();
            if (indeterminate.Count == 0 || DateTimeOffset.UtcNow > giveUpAt)
            {
                return attempts;
            }

            await Parallel.ForEachAsync(indeterminate, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (request, ct) =>
            {
                await AttemptAsync(request, ct);
                Interlocked.Increment(ref attempts);
            });
            if (_requests.Any(request => request.FirstAcknowledged is null))
            {
                await Task.Delay(s_pauseBetweenRetries);
            }
        }
    }

    private async Task<BookingOutcome> AttemptAsync(BookingRequest request, CancellationToken ct)
    {
        var sentAt = DateTimeOffset.UtcNow;
        var outcome = await traffic.RequestAsync(request.RequestId, request.Slot, ct);
        request.Add(new Attempt(sentAt, DateTimeOffset.UtcNow, outcome));
        return outcome;
    }
}
