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
/// The connections stay open from the warm-up through every measurement, as a web front end's pool to BookingApi does:
/// opened anew for each row, their set-up landed in the row's first second.
/// </summary>
public sealed class DecisionLoad(Uri bookingApi) : IDisposable
{
    public const int Connections = 256;

    /// <summary>The goal: 2,000 decisions a second from 256 clients, sent at that rate whatever the answers.</summary>
    public const int GoalRate = 2_000;

    private static readonly TimeSpan s_warmUp = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan s_settle = TimeSpan.FromSeconds(3);

    private readonly HttpClient _http = BookingTraffic.CreateClient(bookingApi, Connections, TimeSpan.FromSeconds(30));

    /// <summary>
    /// Brings BookingApi to its steady state before anything is measured: at the goal's rate, with confirmations and
    /// rejections, in batches of every size, all the way through, so that both paths are compiled and tiered up. Each
    /// second books a fresh share of <paramref name="warmUpSlots"/> (slots that measurements leave alone), which fill
    /// within it. The JIT tiers up only methods called after its start-up delay: warmed up more slowly, or with every
    /// confirmation in the first second, BookingApi was still compiling for the first 8 s measured, a quarter of its CPU.
    /// </summary>
    public async Task WarmUpAsync(IReadOnlyList<SlotToBook> warmUpSlots)
    {
        Console.Error.WriteLine($"Warming up at {GoalRate:N0}/s for {s_warmUp.TotalSeconds:0} s...");
        var slotsPerSecond = Math.Max(1, warmUpSlots.Count / (int)s_warmUp.TotalSeconds);
        await RunAsync(GoalRate, s_warmUp,
            sequence => warmUpSlots[(int)((sequence / GoalRate * slotsPerSecond + sequence % slotsPerSecond) % warmUpSlots.Count)]);
        await Task.Delay(s_settle); // the outbox drains and the last methods finish tiering up
    }

    public Task<DecisionLoadResult> RunAsync(IReadOnlyList<SlotToBook> slots, double rate, TimeSpan duration) =>
        RunAsync(rate, duration, sequence => slots[(int)(sequence % slots.Count)]);

    public void Dispose() => _http.Dispose();

    private async Task<DecisionLoadResult> RunAsync(double rate, TimeSpan duration, Func<long, SlotToBook> slotFor)
    {
        var traffic = new BookingTraffic(_http);
        var samples = await ConstantArrivalRate.RunAsync(rate, duration,
            (sequence, ct) => traffic.RequestAsync(Guid.NewGuid(), slotFor(sequence), ct));
        return new DecisionLoadResult(rate, duration, samples);
    }
}
