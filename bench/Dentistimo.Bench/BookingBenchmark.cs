using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dentistimo.Contracts;
using Dentistimo.Contracts.Api;
using Dentistimo.Load;
using Npgsql;

namespace Dentistimo.Bench;

/// <summary>
/// Availability reads on a cache hit against a bare minimal-API endpoint, then booking decisions with every request
/// on one slot and spread over every free slot of the next weeks, at 256 connections each, and a check that no slot
/// holds more bookings than its capacity.
/// </summary>
public static class BookingBenchmark
{
    private const int Connections = 256;

    private const int BaselinePort = 6090;
    private static readonly TimeSpan s_warmUp = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_measure = TimeSpan.FromSeconds(20);

    // The reads and the baseline take turns, so that a spell of noise on the shared machine falls on both of them rather
    // than on one of two long rows.
    private const int ReadRounds = 4;

    public static async Task<int> RunAsync(TextWriter output, bool includeDecisions = true)
    {
        await Harness.EnsureWrkAsync();
        await using var system = await BenchSystem.StartAsync(BenchSystem.BookingApi);
        using var baseline = await StartBaselineAsync();
        try
        {
            return await MeasureAsync(system, output, includeDecisions);
        }
        finally
        {
            baseline.Kill(entireProcessTree: true);
        }
    }

    private static async Task<int> MeasureAsync(BenchSystem system, TextWriter output, bool includeDecisions)
    {
        var bookingApiUrl = system.Url(BenchSystem.BookingApi);
        using var http = new HttpClient { BaseAddress = bookingApiUrl };

        var slots = await Harness.FindFreeSlotsAsync(http);
        var (firstClinic, firstStart) = slots[0];
        var day = ClinicTime.LocalDate(firstStart);
        var availability = new Uri(bookingApiUrl, $"/api/clinics/{firstClinic}/availability?date={day:yyyy-MM-dd}");
        var baselineUrl = new Uri($"http://127.0.0.1:{BaselinePort}/baseline");

        Console.Error.WriteLine("Warming up...");
        await Wrk.RunAsync(baselineUrl, Connections, s_warmUp);
        await Wrk.RunAsync(availability, Connections, s_warmUp);

        Console.Error.WriteLine("Measuring reads...");
        var (baselineReads, availabilityReads) = await MeasureReadsAsync(baselineUrl, availability);
        if (!includeDecisions)
        {
            output.WriteLine(ReadReport(baselineReads, availabilityReads));
            return 0;
        }

        using var decisions = new DecisionLoad(bookingApiUrl);
        await decisions.WarmUpAsync(await Harness.FindWarmUpSlotsAsync(http));
        var spreadSlots = slots.Skip(1).ToList();

        Console.Error.WriteLine("Measuring booking decisions on one slot...");
        var oneSlot = await MeasureDecisionsAsync(decisions, [slots[0]]);
        Console.Error.WriteLine($"Measuring booking decisions over {spreadSlots.Count} slots...");
        var spread = await MeasureDecisionsAsync(decisions, spreadSlots);
        Console.Error.WriteLine("Measuring cancellations and moves...");
        var bookingDb = await system.ConnectionStringAsync("bookingdb");
        // The AppHost's key, so that the benchmark can make the manage tokens of the appointments it cancels and moves.
        var manageTokens = new ManageTokens(await system.ParameterAsync("recipient-seal-key"));
        using var changes = new ChangeLoad(bookingApiUrl);
        var changed = await changes.RunAsync(await ChangeLoad.ReadConfirmedAsync(bookingDb, manageTokens), DecisionLoad.GoalRate);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var overbooked = await CountOverbookedSlotsAsync(bookingDb);
        var countersOutOfStep = await CountSeatCountersOutOfStepAsync(bookingDb);

        output.WriteLine(Report(baselineReads, availabilityReads, oneSlot, spread, spreadSlots.Count, changed, overbooked, countersOutOfStep));
        return overbooked == 0 && countersOutOfStep == 0 ? 0 : 1;
    }

    /// <returns>Each side's rounds combined (<see cref="WrkResult.MeanOf"/>).</returns>
    private static async Task<(WrkResult Baseline, WrkResult Reads)> MeasureReadsAsync(Uri baseline, Uri reads)
    {
        var (baselineRounds, readRounds) = (new List<WrkResult>(), new List<WrkResult>());
        for (var round = 0; round < ReadRounds; round++)
        {
            baselineRounds.Add(await Wrk.RunAsync(baseline, Connections, s_measure / ReadRounds));
            readRounds.Add(await Wrk.RunAsync(reads, Connections, s_measure / ReadRounds));
        }

        return (WrkResult.MeanOf(baselineRounds), WrkResult.MeanOf(readRounds));
    }

    private static async Task<DecisionLoadResult> MeasureDecisionsAsync(DecisionLoad decisions, IReadOnlyList<SlotToBook> slots)
    {
        var result = await decisions.RunAsync(slots, DecisionLoad.GoalRate, s_measure);
        await Task.Delay(TimeSpan.FromSeconds(2)); // let the outbox drain before the next row
        return result;
    }

    /// <summary>Slots whose confirmed bookings exceed their capacity, counted from the bookings themselves, not the counter.</summary>
    private static async Task<long> CountOverbookedSlotsAsync(string bookingDb)
    {
        await using var connection = new NpgsqlConnection(bookingDb);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT count(*) FROM (
                SELECT r.clinic_id, r.start_utc, count(*) AS confirmed, max(c.dentists) AS capacity
                FROM booking_requests r JOIN clinics c ON c.id = r.clinic_id
                WHERE r.status = 'confirmed'
                GROUP BY r.clinic_id, r.start_utc
            ) slots WHERE confirmed > capacity
            """, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Slots whose seat counter differs from the confirmed bookings it counts: a seat a change took or gave back twice.</summary>
    private static async Task<long> CountSeatCountersOutOfStepAsync(string bookingDb)
    {
        await using var connection = new NpgsqlConnection(bookingDb);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT count(*) FROM slot_bookings AS slot
            WHERE slot.booked <> (SELECT count(*) FROM booking_requests AS r
                                  WHERE r.clinic_id = slot.clinic_id AND r.start_utc = slot.start_utc AND r.status = 'confirmed')
            """, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<Process> StartBaselineAsync()
    {
        // With ASP.NET Core's own garbage collector, as the services run, not the load generator's.
        var start = new ProcessStartInfo("dotnet", [typeof(BaselineServer).Assembly.Location, "baseline", BaselinePort.ToString(CultureInfo.InvariantCulture)])
        {
            Environment = { ["DOTNET_gcServer"] = "1", ["DOTNET_gcConcurrent"] = "1" },
        };
        var process = Process.Start(start)!;
        using var http = new HttpClient();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                await http.GetAsync($"http://127.0.0.1:{BaselinePort}/baseline");
                return process;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
        }

        process.Kill();
        throw new InvalidOperationException("The baseline server did not start.");
    }

    private static string ReadReport(WrkResult baseline, WrkResult reads)
    {
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Harness.Machine}; {s_measure.TotalSeconds:0} s per row, the load generator on the same machine.");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"Reads: wrk, {Wrk.Threads} threads, {Connections} connections (closed loop), the baseline and the reads in turn, {ReadRounds} rounds of {(s_measure / ReadRounds).TotalSeconds:0} s each; each figure is the mean of its rounds.");
        report.AppendLine();
        report.AppendLine("| what | requests/s | p50 | p99 | notes |");
        report.AppendLine("|---|---:|---:|---:|---|");
        report.AppendLine(CultureInfo.InvariantCulture, $"| bare minimal-API JSON endpoint (baseline) | {baseline.RequestsPerSecond:N0} | {baseline.P50Milliseconds:0.0} ms | {baseline.P99Milliseconds:0.0} ms | |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| availability of one clinic-day, cache hit | {reads.RequestsPerSecond:N0} | {reads.P50Milliseconds:0.0} ms | {reads.P99Milliseconds:0.0} ms | {reads.RequestsPerSecond / baseline.RequestsPerSecond:0.00} of the baseline |");
        return report.ToString();
    }

    private static string Report(
        WrkResult baseline, WrkResult reads, DecisionLoadResult oneSlot, DecisionLoadResult spread, int spreadSlots, DecisionLoadResult changed,
        long overbooked, long countersOutOfStep)
    {
        var report = new StringBuilder(ReadReport(baseline, reads));
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"Decisions: {DecisionLoad.GoalRate:N0} booking requests a second at a constant arrival rate over up to {DecisionLoad.Connections} connections (open loop; latency from when each request was due).");
        report.AppendLine();
        report.AppendLine("| what | decisions/s | p50 | p99 | p99.9 | notes |");
        report.AppendLine("|---|---:|---:|---:|---:|---|");
        report.AppendLine(DecisionRow("booking decisions, every request on one slot", oneSlot));
        report.AppendLine(DecisionRow($"booking decisions, spread over {spreadSlots:N0} slots", spread));
        report.AppendLine(DecisionRow("cancellations and moves, half each, every appointment confirmed above changed once (\"confirmed\": changed, \"rejected\": refused)", changed));
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"p99 per 2 s, one slot: {oneSlot.P99ByWindow(TimeSpan.FromSeconds(2))} ms; spread: {spread.P99ByWindow(TimeSpan.FromSeconds(2))} ms.");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"Overbooked slots: {overbooked}; seat counters out of step with their bookings: {countersOutOfStep}. Read socket errors: {baseline.SocketErrors + reads.SocketErrors}.");
        return report.ToString();
    }

    private static string DecisionRow(string what, DecisionLoadResult result) => string.Create(CultureInfo.InvariantCulture,
        $"| {what} | {result.DecisionsPerSecond:N0} | {result.Latency.P50.TotalMilliseconds:0.0} ms | {result.Latency.P99.TotalMilliseconds:0.0} ms | {result.Latency.P999.TotalMilliseconds:0.0} ms | {result.Samples.Count:N0} requests: {result.Count(BookingOutcome.Confirmed):N0} confirmed, {result.Count(BookingOutcome.Rejected):N0} rejected, {result.Count(BookingOutcome.Throttled):N0} throttled, {result.Count(BookingOutcome.Failed):N0} failed, {result.Count(BookingOutcome.TimedOut):N0} timed out |");
}
