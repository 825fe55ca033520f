using System.Diagnostics;
using Dentistimo.Load;
using Dentistimo.Notifier.IntegrationEvents;
using Xunit.Abstractions;

namespace Dentistimo.AppHost.Tests.FaultInjection;

/// <summary>
/// The whole system on real servers under a steady stream of booking requests, with one fault per test injected a few
/// seconds in and healed again; then the client retries what it never got an answer to, the system drains, and the
/// checkers (<see cref="InvariantChecks"/>) compare the recorded history with the database, MailDev and RabbitMQ.
/// </summary>
[Collection(FaultInjectionCollection.Name)]
public sealed class FaultInjectionTests(FaultInjectionSystem fixture, ITestOutputHelper output)
{
    private const double RequestsPerSecond = 25;

    /// <summary>
    /// Consecutive requests go to the same slot, more of them than any clinic has dentists, and the stream moves on to
    /// the next slot: capacity is contested all the time, and there are confirmations and "fully booked" rejections alike.
    /// </summary>
    private const int RequestsPerSlot = 4;

    private static readonly TimeSpan s_loadBeforeFault = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan s_loadAfterRecovery = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan s_clientTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_retryFor = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan s_drainTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public Task Nothing_is_lost_when_BookingApi_is_killed_with_SIGKILL_and_restarted() => RunAsync(new Fault(
        "kill -9 BookingApi, restart", system => system.BookingApi.KillAsync(), system => system.BookingApi.StartAsync()));

    [Fact]
    public Task Nothing_is_lost_when_the_notifier_is_killed_with_SIGKILL_and_restarted() => RunAsync(new Fault(
        "kill -9 notifier, restart", system => system.Notifier.KillAsync(), system => system.Notifier.StartAsync())
    {
        // At most the emails being sent at the moment of the crash.
        ToleratedDuplicateEmails = new DeliveryOptions().ConcurrentMessageLimit,
    });

    [Fact]
    public Task Nothing_is_lost_when_RabbitMQ_is_stopped_and_started() => RunAsync(new Fault(
        "RabbitMQ stopped, started", system => system.Servers.RabbitMq.StopAsync(), system => system.Servers.RabbitMq.StartAsync()));

    [Fact]
    public Task Nothing_is_lost_when_PostgreSQL_stops_abruptly_and_starts_again() => RunAsync(new Fault(
        "PostgreSQL stopped abruptly (immediate), started", system => system.CrashPostgresAsync(), system => system.Servers.Postgres.StartAsync()));

    [Fact]
    public Task Nothing_is_lost_when_Redis_is_stopped() => RunAsync(new Fault(
        "Redis stopped, started", system => system.Servers.Redis.StopAsync(), system => system.Servers.Redis.StartAsync()));

    [Fact]
    public Task Nothing_is_lost_when_the_SMTP_server_is_stopped_and_started() => RunAsync(new Fault(
        "SMTP server (MailDev) stopped, started", system => system.Servers.MailDev.StopAsync(), system => system.Servers.MailDev.StartAsync()));

    [Fact]
    public async Task A_rolling_restart_of_BookingApi_lets_the_requests_in_flight_finish_and_loses_nothing()
    {
        int? exitCode = null;
        var report = await RunAsync(new Fault(
            "SIGTERM BookingApi, restart (rolling deploy)",
            async system =>
            {
                await system.BookingApi.TerminateAsync();
                exitCode = system.BookingApi.LastExitCode;
            },
            system => system.BookingApi.StartAsync()) { Outage = TimeSpan.Zero });

        Assert.True(exitCode == 0, $"BookingApi did not shut down by itself after SIGTERM (exit code {exitCode}).");
        // A request cut off in flight would have been decided without the client hearing of it.
        Assert.Equal(0, report.DecidedUnanswered);
    }

    [Fact]
    public async Task A_rolling_restart_of_the_notifier_finishes_or_returns_the_messages_in_flight_and_loses_nothing()
    {
        int? exitCode = null;
        var report = await RunAsync(new Fault(
            "SIGTERM notifier, restart (rolling deploy)",
            async system =>
            {
                await system.Notifier.TerminateAsync();
                exitCode = system.Notifier.LastExitCode;
            },
            system => system.Notifier.StartAsync()) { Outage = TimeSpan.Zero });

        Assert.True(exitCode == 0, $"The notifier did not shut down by itself after SIGTERM (exit code {exitCode}).");
        Assert.Equal(0, report.DuplicatedEmails);
    }

    [Fact]
    public async Task A_rolling_restart_of_the_notifier_while_SMTP_is_down_returns_the_messages_being_retried_to_the_queue()
    {
        int? exitCode = null;
        var report = await RunAsync(new Fault(
            "SIGTERM notifier while SMTP is down, restart",
            async system =>
            {
                await system.Servers.MailDev.StopAsync();
                // Long enough for the notifier to be retrying a full batch of messages when it is told to stop.
                await Task.Delay(TimeSpan.FromSeconds(3));
                await system.Notifier.TerminateAsync();
                exitCode = system.Notifier.LastExitCode;
            },
            async system =>
            {
                // SMTP first: the notifier counts as started once /health answers 200, and that needs SMTP.
                await system.Servers.MailDev.StartAsync();
                await system.Notifier.StartAsync();
            }));

        Assert.True(exitCode == 0, $"The notifier did not shut down by itself after SIGTERM (exit code {exitCode}).");
        Assert.Equal(0, report.DuplicatedEmails);
        Assert.Empty(report.ErrorQueue);
    }

    private async Task<FaultReport> RunAsync(Fault fault)
    {
        var took = Stopwatch.StartNew();
        var logs = fixture.LogFolder(fault);
        output.WriteLine($"The services' logs: {logs}");
        FaultReport report;
        bool drained;
        await using (var system = await SystemUnderTest.StartAsync(fixture, logs))
        {
            (report, drained) = await RunAsync(fault, system);
        }

        output.WriteLine(report.ToString());
        await fixture.AppendToSummaryAsync(report, took.Elapsed);
        Assert.True(drained, $"The system did not drain within {s_drainTimeout}.\n{report}");
        Assert.True(report.Violations.Count == 0, report.ToString());
        return report;
    }

    private async Task<(FaultReport Report, bool Drained)> RunAsync(Fault fault, SystemUnderTest system)
    {
        using var bookingApi = BookingTraffic.CreateClient(system.BookingApi.Url, connections: 64, s_clientTimeout);
        var slots = (await FreeSlots.FindAsync(bookingApi, DateOnly.FromDateTime(DateTime.UtcNow).AddDays(2), days: 10))
            .OrderBy(slot => slot.Start).ThenBy(slot => slot.ClinicId).ToList();
        var history = new BookingHistory(new BookingTraffic(bookingApi));

        var clock = Stopwatch.StartNew();
        void Log(string message) => output.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0} s  {message}");
        using var stopSending = new CancellationTokenSource();
        Log($"{RequestsPerSecond} booking requests/s, {RequestsPerSlot} per slot in turn, over {slots.Count} slots");
        var stream = ConstantArrivalRate.RunUntilAsync(
            RequestsPerSecond, (sequence, ct) => history.SendNewAsync(slots[(int)(sequence / RequestsPerSlot % slots.Count)], ct), stopSending.Token);
        try
        {
            await Task.Delay(s_loadBeforeFault);
            Log($"fault: {fault.Name}");
            await fault.Inject(system);
            try
            {
                await Task.Delay(fault.Outage);
            }
            finally
            {
                Log("healing");
                await fault.Heal(system);
            }

            Log("healed");
            await Task.Delay(s_loadAfterRecovery);
        }
        finally
        {
            stopSending.Cancel();
        }

        var samples = await stream;
        Log($"stream stopped: {samples.Count} requests, {string.Join(", ", samples.CountBy(sample => sample.Outcome).Select(count => $"{count.Value} {count.Key}"))}");
        var retries = await history.RetryIndeterminateAsync(s_retryFor);
        Log($"retried the indeterminate requests with their own request ids: {retries} attempts");
        var (drained, waited) = await system.WaitUntilDrainedAsync(s_drainTimeout);
        Log(drained ? $"drained after {waited.TotalSeconds:0} s" : $"not drained after {waited.TotalSeconds:0} s");
        return (InvariantChecks.Check(fault.Name, history, await system.ObserveAsync(), fault.ToleratedDuplicateEmails), drained);
    }
}
