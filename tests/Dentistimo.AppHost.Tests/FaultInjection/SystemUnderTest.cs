using System.Diagnostics;
using Aspire.Hosting;
using Dentistimo.AppHost.Tests.Infrastructure;
using Dentistimo.Testing;
using Dentistimo.Notifier.IntegrationEvents;
using Npgsql;

namespace Dentistimo.AppHost.Tests.FaultInjection;

/// <summary>
/// The fault-injection system (<see cref="FaultInjectionSystem"/>) as one test finds it: its data reset, as on a
/// system never used before, so that the test's checkers see its own data alone. Requests go to BookingApi directly;
/// the web app runs as in the AppHost, and no fault here involves it.
/// </summary>
public sealed class SystemUnderTest : IAsyncDisposable
{
    private const string BookingDatabase = "bookingdb";
    private const string NotifierDatabase = "notifierdb";

    private readonly DistributedApplication _app;
    private readonly List<IAsyncDisposable> _logRecordings = [];

    private SystemUnderTest(FaultInjectionSystem system)
    {
        _app = system.App;
        Servers = system.Servers;
        BookingApi = new AppHostService(_app, "bookingapi");
        Notifier = new AppHostService(_app, "notifier");
        Mail = new MailDirectory(system.MailDirectory);
        // The AppHost gives the services RabbitMQ's default virtual host.
        Queues = new RabbitMqQueues(Servers.RabbitMq.ManagementUrl, Servers.RabbitMq.Username, Servers.RabbitMq.Password, "/");
    }

    public AppHostServers Servers { get; }

    public AppHostService BookingApi { get; }

    public AppHostService Notifier { get; }

    public MailDirectory Mail { get; }

    public RabbitMqQueues Queues { get; }

    // Unpooled: the database is dropped before the next test, and these connections are few.
    private string BookingDbConnectionString => Servers.Postgres.ConnectionString(BookingDatabase) + ";Pooling=false";

    /// <summary>
    /// Stops BookingApi and the notifier, empties what they keep (their databases, RabbitMQ's queues, Redis, MailDev's
    /// inbox), then starts them again and returns once both are healthy.
    /// </summary>
    /// <param name="logFolder">Where the services' logs of this test go, restarts included, once it is disposed.</param>
    public static async Task<SystemUnderTest> StartAsync(FaultInjectionSystem fixture, string logFolder)
    {
        var system = new SystemUnderTest(fixture);
        AppHostServer[] servers = [system.Servers.Postgres, system.Servers.Redis, system.Servers.RabbitMq, system.Servers.MailDev];
        foreach (var server in servers.Where(server => system._app.HasExited(server.ResourceName)))
        {
            // A test that failed midway left it down.
            await server.StartAsync();
        }

        foreach (var service in new[] { system.BookingApi, system.Notifier }.Where(service => !system._app.HasExited(service.ResourceName)))
        {
            await service.TerminateAsync();
        }

        await system.ResetDataAsync();
        system._logRecordings.Add(system.BookingApi.RecordLog(Path.Combine(logFolder, "bookingapi.log")));
        system._logRecordings.Add(system.Notifier.RecordLog(Path.Combine(logFolder, "notifier.log")));
        // The notifier is healthy once its queue is bound, so no event published after this is dropped unrouted.
        await Task.WhenAll(system.BookingApi.StartAsync(), system.Notifier.StartAsync());
        return system;
    }

    /// <summary>An abrupt stop of PostgreSQL (SIGQUIT to the postmaster): no checkpoint, clients cut off; the next start recovers from the WAL.</summary>
    public Task CrashPostgresAsync() => ResourceProcess.SignalAndWaitForExitAsync(_app, Servers.Postgres.ResourceName, ResourceProcess.SigQuit);

    /// <summary>
    /// Waits until nothing is left to do: the outbox is published, no queue but the error queue holds a message, and
    /// every decision has its email, for long enough that RabbitMQ's statistics (refreshed every 5 s) have caught up.
    /// If some decision never gets its email, it returns once nothing has moved for longer, and the checkers report it.
    /// </summary>
    /// <returns>Whether it drained before <paramref name="timeout"/> passed, and how long it waited.</returns>
    public async Task<(bool Drained, TimeSpan Waited)> WaitUntilDrainedAsync(TimeSpan timeout)
    {
        var quietAfterEveryEmail = TimeSpan.FromSeconds(6);
        var quietWithEmailsMissing = TimeSpan.FromSeconds(20);
        var waited = Stopwatch.StartNew();
        var quiet = Stopwatch.StartNew();
        while (waited.Elapsed < timeout)
        {
            var (outboxWaiting, _) = await ReadOutboxAsync();
            var queues = await Queues.ListAsync();
            if (outboxWaiting > 0 || queues.Any(queue => queue.Name != new DeliveryOptions().ErrorQueueName && queue.Messages > 0))
            {
                quiet.Restart();
            }
            else
            {
                var emailed = Mail.ReadAll().Select(email => (email.RequestId, email.Kind)).ToHashSet();
                var everyDecisionEmailed = (await ReadDecisionsAsync()).All(decision => emailed.Contains((decision.RequestId, decision.EmailKind)));
                if (quiet.Elapsed > (everyDecisionEmailed ? quietAfterEveryEmail : quietWithEmailsMissing))
                {
                    return (true, waited.Elapsed);
                }
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        return (false, waited.Elapsed);
    }

    public async Task<SystemState> ObserveAsync()
    {
        var (outboxWaiting, outboxParked) = await ReadOutboxAsync();
        var errorQueue = await Queues.PeekAsync(new DeliveryOptions().ErrorQueueName, count: 1000);
        return new SystemState(
            await ReadDecisionsAsync(),
            await ReadSlotsAsync(),
            outboxWaiting,
            outboxParked,
            Mail.ReadAll(),
            await Queues.ListAsync(),
            errorQueue.Select(message => new FailedMessage(
                message.Headers.GetValueOrDefault("MT-Fault-ExceptionType", ""), message.Headers.GetValueOrDefault("MT-Fault-Message", ""))).ToList());
    }

    /// <summary>Writes the services' logs of this test.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var recording in _logRecordings)
        {
            await recording.DisposeAsync();
        }
    }

    /// <summary>With the services stopped: their databases afresh (they migrate them as they start), and nothing queued, cached or emailed.</summary>
    private async Task ResetDataAsync()
    {
        foreach (var database in new[] { BookingDatabase, NotifierDatabase })
        {
            await Servers.Postgres.DropDatabaseAsync(database);
            await Servers.Postgres.CreateDatabaseAsync(database);
        }

        // Only what a failed test left (the web app's own queue is exclusive to it and stays empty), purged, not deleted.
        foreach (var queue in (await Queues.ListAsync()).Where(queue => queue.Messages > 0))
        {
            await Queues.PurgeAsync(queue.Name);
        }

        Assert.StartsWith("+OK", await Servers.Redis.CommandAsync("FLUSHALL"));
        await Servers.MailDev.DeleteAllEmailsAsync();
        await Eventually.TrueAsync(() => Mail.IsEmpty, TimeSpan.FromSeconds(30), "MailDev to empty its mail directory");
        Mail.Forget();
    }

    private async Task<IReadOnlyList<Decision>> ReadDecisionsAsync() =>
        await QueryAsync("SELECT request_id, status = 'confirmed', decided_at FROM booking_requests", row =>
            new Decision(row.GetGuid(0), row.GetBoolean(1), row.GetFieldValue<DateTimeOffset>(2)));

    // Capacity comes from the clinic registry and bookings from the decisions themselves, not from the seat counter
    // that the decision statement guards: the counter is checked against them.
    private async Task<IReadOnlyList<SlotOccupancy>> ReadSlotsAsync() =>
        await QueryAsync("""
            SELECT request.clinic_id, request.start_utc, clinic.dentists,
                   count(*) FILTER (WHERE request.status = 'confirmed')::int, slot.booked
            FROM booking_requests request
            JOIN clinics clinic ON clinic.id = request.clinic_id
            LEFT JOIN slot_bookings slot ON slot.clinic_id = request.clinic_id AND slot.start_utc = request.start_utc
            GROUP BY request.clinic_id, request.start_utc, clinic.dentists, slot.booked
            """, row => new SlotOccupancy(
                row.GetInt32(0), row.GetFieldValue<DateTimeOffset>(1), row.GetInt32(2), row.GetInt32(3), row.IsDBNull(4) ? null : row.GetInt32(4)));

    private async Task<(int Waiting, IReadOnlyList<string> Parked)> ReadOutboxAsync()
    {
        var rows = await QueryAsync(
            "SELECT parked_at IS NULL, message_type || ' ' || message_id || ': ' || coalesce(parked_because, '') FROM outbox_messages",
            row => (Waiting: row.GetBoolean(0), Description: row.GetString(1)));
        return (rows.Count(row => row.Waiting), rows.Where(row => !row.Waiting).Select(row => row.Description).ToList());
    }

    private async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> read)
    {
        await using var connection = new NpgsqlConnection(BookingDbConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
