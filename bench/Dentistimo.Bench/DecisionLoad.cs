using Dentistimo.Load;

namespace Dentistimo.Bench;

/// <summary>What one step of booking requests at a constant rate gave: every request's latency and outcome.</summary>
public sealed record DecisionLoadResult(double Rate, TimeSpan Duration, IReadOnlyList<Sample<BookingOutcome>> Samples)
{
    public LatencySummary Latency { get; } = LatencySummary.Of(Samples.Select(sample => sample.Latency));

    public int Count(BookingOutcome outcome) => Samples.Count(sample => sample.Outcome == outcome);

    /// <summary>p99 of the requests due in each <paramref name="window"/> of the run, in milliseconds.</summary>
    public string P99ByWindow(TimeSpan window) => string.Join(", ",
        LatencySummary.ByWindow(Samples, sample => sample.DueAt, sample => sample.Latency, window)
            .Select(part => $"{part.Latency.P99.TotalMilliseconds:N0}"));

    /// <summary>
    /// Decisions (confirmed or rejected) per second, from the first request until the last answer: a server that falls
    /// behind the rate answers after the step's duration, which lowers this below the rate offered.
    /// </summary>
    public double DecisionsPerSecond =>
        (Count(BookingOutcome.Confirmed) + Count(BookingOutcome.Rejected)) /
        Math.Max(Duration.TotalSeconds, Samples.Max(sample => sample.DueAt + sample.Latency).TotalSeconds);
}

/// <summary>
/// Booking requests at a constant arrival rate over a set of slots, through at most <see cref="Connections"/>
/// connections: the open-loop counterpart of wrk, so that a slow server shows as latency rather than as fewer requests.
/// </summary>
public static class DecisionLoad
{
    public const int Connections = 256;

    public static async Task<DecisionLoadResult> RunAsync(Uri bookingApi, IReadOnlyList<SlotToBook> slots, double rate, TimeSpan duration)
    {
        using var http = BookingTraffic.CreateClient(bookingApi, Connections, TimeSpan.FromSeconds(30));
        var traffic = new BookingTraffic(http);
        var samples = await ConstantArrivalRate.RunAsync(rate, duration,
            (sequence, ct) => traffic.RequestAsync(Guid.NewGuid(), slots[(int)(sequence % slots.Count)], ct));
        return new DecisionLoadResult(rate, duration, samples);
    }
}
