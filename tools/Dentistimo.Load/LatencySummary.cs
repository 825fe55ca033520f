namespace Dentistimo.Load;

/// <summary>Percentiles of a set of latencies, by the nearest-rank method.</summary>
public sealed record LatencySummary(int Count, TimeSpan P50, TimeSpan P99, TimeSpan P999, TimeSpan Max)
{
    public static LatencySummary Of(IEnumerable<TimeSpan> latencies)
    {
        var sorted = latencies.Order().ToArray();
        if (sorted.Length == 0)
        {
            return new LatencySummary(0, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);
        }

        TimeSpan Percentile(double fraction) => sorted[Math.Max(0, (int)Math.Ceiling(fraction * sorted.Length) - 1)];
        return new LatencySummary(sorted.Length, Percentile(0.50), Percentile(0.99), Percentile(0.999), sorted[^1]);
    }

    /// <summary>
    /// One summary per <paramref name="window"/> of a run, by when each request was due (<paramref name="dueAt"/>, from
    /// the run's start), in order: a stall shows in one window, a queue in all of them.
    /// </summary>
    public static IReadOnlyList<(TimeSpan From, LatencySummary Latency)> ByWindow<T>(
        IEnumerable<T> requests, Func<T, TimeSpan> dueAt, Func<T, TimeSpan> latency, TimeSpan window) =>
        requests
            .GroupBy(request => (long)(dueAt(request) / window))
            .OrderBy(group => group.Key)
            .Select(group => (group.Key * window, Of(group.Select(latency))))
            .ToList();
}
