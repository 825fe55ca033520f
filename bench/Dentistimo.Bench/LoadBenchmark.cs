using System.Globalization;
using System.Text;
using Dentistimo.Load;

namespace Dentistimo.Bench;

/// <summary>
/// How much booking traffic the system holds: booking requests at a constant arrival rate, in steps of rising rate,
/// each for a new patient and spread over every free slot, through up to 256 connections. Latency runs from when a
/// request was due, so queueing shows. The answer is the highest step whose p99 stays under <see cref="LatencyGoal"/>
/// with every request decided; the steps beyond show how latency grows past it.
/// </summary>
public static class LoadBenchmark
{
    public static readonly TimeSpan LatencyGoal = TimeSpan.FromMilliseconds(500);
    public static readonly IReadOnlyList<int> DefaultRates = [250, 500, 1_000, 1_500, 2_000, 2_500, 3_000, 4_000];
    private static readonly TimeSpan s_step = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan s_pause = TimeSpan.FromSeconds(3);

    public static async Task<int> RunAsync(TextWriter output, IReadOnlyList<int> rates)
    {
        await using var system = await BenchSystem.StartAsync(BenchSystem.BookingApi);
        using var http = new HttpClient { BaseAddress = system.Url(BenchSystem.BookingApi) };
        var slots = await Harness.FindFreeSlotsAsync(http);
        using var decisions = new DecisionLoad(system.Url(BenchSystem.BookingApi));
        await decisions.WarmUpAsync(await Harness.FindWarmUpSlotsAsync(http));

        var steps = new List<DecisionLoadResult>();
        foreach (var rate in rates)
        {
            await Task.Delay(s_pause); // the outbox of the step before drains
            Console.Error.WriteLine($"{rate}/s for {s_step.TotalSeconds:0} s...");
            var step = await decisions.RunAsync(slots, rate, s_step);
            steps.Add(step);
            Console.Error.WriteLine($"  p99 {step.Latency.P99.TotalMilliseconds:0} ms; per 2 s: {step.P99ByWindow(TimeSpan.FromSeconds(2))} ms");
            if (step.Latency.P99 > 20 * LatencyGoal)
            {
                break; // far past the knee: the steps after only queue more
            }
        }

        output.WriteLine(Report(steps, slots.Count));
        return 0;
    }

    private static bool Holds(DecisionLoadResult step) =>
        step.Latency.P99 < LatencyGoal && step.Count(BookingOutcome.Failed) + step.Count(BookingOutcome.TimedOut) == 0;

    private static string Report(List<DecisionLoadResult> steps, int slots)
    {
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture,
            $"Machine: {Harness.Machine}; BookingApi (Release, Production) with PostgreSQL, Redis and RabbitMQ, and the load generator, on the same machine. Booking requests at a constant arrival rate over {slots:N0} slots through up to {DecisionLoad.Connections} connections, {s_step.TotalSeconds:0} s per step; latency from when each request was due.");
        report.AppendLine();
        report.AppendLine("| rate | decisions/s | p50 | p99 | p99.9 | max | notes |");
        report.AppendLine("|---:|---:|---:|---:|---:|---:|---|");
        foreach (var step in steps)
        {
            report.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {step.Rate:N0}/s | {step.DecisionsPerSecond:N0} | {step.Latency.P50.TotalMilliseconds:N1} ms | {step.Latency.P99.TotalMilliseconds:N1} ms | {step.Latency.P999.TotalMilliseconds:N1} ms | {step.Latency.Max.TotalMilliseconds:N1} ms | {step.Count(BookingOutcome.Confirmed):N0} confirmed, {step.Count(BookingOutcome.Rejected):N0} rejected, {step.Count(BookingOutcome.Failed) + step.Count(BookingOutcome.TimedOut):N0} failed or timed out{(Holds(step) ? "" : "; p99 over the goal")} |"));
        }

        report.AppendLine();
        report.AppendLine(steps.LastOrDefault(Holds) is { } held
            ? string.Create(CultureInfo.InvariantCulture, $"Held: {held.Rate:N0} booking requests a second with p99 {held.Latency.P99.TotalMilliseconds:N0} ms (goal: under {LatencyGoal.TotalMilliseconds:N0} ms).")
            : $"No step held p99 under {LatencyGoal.TotalMilliseconds:N0} ms.");
        return report.ToString();
    }
}
