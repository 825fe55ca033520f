using System.Diagnostics;

namespace Dentistimo.Load;

/// <summary>One request of a run: when it was due, how long it took from then, and what the client saw.</summary>
/// <param name="Sequence">0, 1, 2, ... in the order the requests were due.</param>
/// <param name="DueAt">When the request was due, from the start of the run.</param>
/// <param name="Latency">From <paramref name="DueAt"/>, not from when it was actually sent, to the answer.</param>
public sealed record Sample<TOutcome>(long Sequence, TimeSpan DueAt, TimeSpan Latency, TOutcome Outcome);

/// <summary>
/// Sends requests at a constant arrival rate: each is due at start + sequence / rate and is sent then, whether or not
/// earlier ones have answered. A closed loop (each client waiting for its answer before sending again, as wrk does)
/// slows down with the server and so hides the queueing a real crowd of patients would meet ("coordinated
/// omission"); here a slow server shows up as latency, measured from when a request was due.
/// </summary>
public static class ConstantArrivalRate
{
    private static readonly TimeSpan s_shortestWait = TimeSpan.FromMilliseconds(1);

    public static async Task<IReadOnlyList<Sample<TOutcome>>> RunAsync<TOutcome>(
        double requestsPerSecond, TimeSpan duration, Func<long, CancellationToken, Task<TOutcome>> send, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(requestsPerSecond);
        return await RunAsync(requestsPerSecond, (long)(requestsPerSecond * duration.TotalSeconds), send, stopSending: CancellationToken.None, ct)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// Sends until <paramref name="stopSending"/> is cancelled, for runs whose length depends on what happens meanwhile (a
    /// fault-injection test keeps the load on until the system has recovered). Requests already sent are still awaited:
    /// stopping is not a fault, and their answers belong to the run. <paramref name="ct"/> cancels everything.
    /// </summary>
    public static async Task<IReadOnlyList<Sample<TOutcome>>> RunUntilAsync<TOutcome>(
        double requestsPerSecond, Func<long, CancellationToken, Task<TOutcome>> send, CancellationToken stopSending, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(requestsPerSecond);
        return await RunAsync(requestsPerSecond, long.MaxValue, send, stopSending, ct).ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<Sample<TOutcome>>> RunAsync<TOutcome>(
        double requestsPerSecond, long total, Func<long, CancellationToken, Task<TOutcome>> send, CancellationToken stopSending, CancellationToken ct)
    {
        var inFlight = new List<Task<Sample<TOutcome>>>((int)Math.Min(total, 1 << 16));
        var clock = Stopwatch.StartNew();
        for (long next = 0; next < total && !ct.IsCancellationRequested && !stopSending.IsCancellationRequested;)
        {
            // Everything due by now goes out at once: timers tick every millisecond or so, far coarser than the
            // gap between requests at thousands per second.
            var dueByNow = Math.Min(total, (long)(clock.Elapsed.TotalSeconds * requestsPerSecond) + 1);
            for (; next < dueByNow; next++)
            {
                inFlight.Add(MeasureAsync(next, TimeSpan.FromSeconds(next / requestsPerSecond), clock, send, ct));
            }

            // At least a millisecond: Task.Delay rounds a shorter delay down to none, and the loop would spin a core
            // (at 2,000 a second the next request is always less than a millisecond away).
            var nextDue = TimeSpan.FromSeconds(next / requestsPerSecond) - clock.Elapsed;
            await WaitAsync(TimeSpan.FromTicks(Math.Max(nextDue.Ticks, s_shortestWait.Ticks)), stopSending, ct).ConfigureAwait(false);
        }

        return await Task.WhenAll(inFlight).ConfigureAwait(false);
    }

    private static async Task WaitAsync(TimeSpan delay, CancellationToken stopSending, CancellationToken ct)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stopSending, ct);
        try
        {
            await Task.Delay(delay, either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // Told to stop sending: the loop ends, and the requests in flight are awaited.
        }
    }

    private static async Task<Sample<TOutcome>> MeasureAsync<TOutcome>(
        long sequence, TimeSpan dueAt, Stopwatch clock, Func<long, CancellationToken, Task<TOutcome>> send, CancellationToken ct)
    {
        await Task.Yield(); // so that a send which blocks before its first await cannot hold up the schedule
        var outcome = await send(sequence, ct).ConfigureAwait(false);
        return new Sample<TOutcome>(sequence, dueAt, clock.Elapsed - dueAt, outcome);
    }
}
