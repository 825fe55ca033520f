using System.Diagnostics;
using Dentistimo.AppHost.Tests.Infrastructure;
using Dentistimo.LocalServers;
using Dentistimo.Notifier.IntegrationEvents;
using Dentistimo.Testing;
using Npgsql;

namespace Dentistimo.AppHost.Tests.FaultInjection;

/// <summary>
/// BookingApi and the notifier as processes from their build output, on databases, a RabbitMQ virtual host and a Redis
/// key prefix of their own on the fault-injection servers: one per test, so each test's checkers see its data alone.
/// The web app is not started: every request goes to BookingApi directly, and no fault here involves it.
/// </summary>
public sealed class SystemUnderTest
{
    // Web (not started), BookingApi and notifier: away from the launcher (5080-5082), the benchmarks (6080-6282) and
    // LaunchedSystem (7080-7152). One fault-injection run at a time owns the server set, and so these ports too.
    private const int PortBase = 7300;
    private static readonly HttpClient s_mailDev = new() { Timeout = TimeSpan.FromSeconds(30) };

    private readonly string _suffix = Guid.NewGuid().ToString("N")[..10];
    private DentistimoSystem _system = null!;

    private SystemUnderTest(LocalServerSet servers)
    {
        Servers = servers;
        Mail = new MailDirectory(Path.Combine(servers.MailDev.Folder, "mail"));
        Queues = new RabbitMqQueues(servers.RabbitMq.ManagementUrl, servers.RabbitMq.Username, servers.RabbitMq.Password, VirtualHost);
    }

    public LocalServerSet Servers { get; }

    public DentistimoService BookingApi => _system.BookingApi;

    public DentistimoService Notifier => _system.Notifier;

    public MailDirectory Mail { get; }

    public RabbitMqQueues Queues { get; }

    private string BookingDatabase => $"bookingdb_faults_{_suffix}";

    private string NotifierDatabase => $"notifierdb_faults_{_suffix}";

    private string VirtualHost => $"faults-{_suffix}";

    // Unpooled: the database is dropped at the end, and these connections are few.
    private string BookingDbConnectionString => Servers.Postgres.ConnectionString(BookingDatabase) + ";Pooling=false";

    /// <summary>Empties MailDev's inbox, then starts BookingApi and the notifier and returns once both are healthy.</summary>
    public static async Task<SystemUnderTest> StartAsync(LocalServerSet servers)
    {
        // A test that failed midway may have left the server it stopped down.
        await servers.StartAsync();
        var system = new SystemUnderTest(servers);
        await system.EmptyInboxAsync();
        var messaging = await servers.RabbitMq.CreateVirtualHostAsync(system.VirtualHost);
        system._system = await DentistimoSystem.AcquireAsync(servers, new DentistimoSystemOptions
        {
            Configuration = TestBuild.Configuration,
            BookingDatabase = system.BookingDatabase,
            NotifierDatabase = system.NotifierDatabase,
            Messaging = messaging,
            CacheKeyPrefix = $"faults-{system._suffix}:",
            WebPort = PortBase,
            BookingApiPort = PortBase + 1,
            NotifierPort = PortBase + 2,
        });
        try
        {
            // The notifier is healthy once its queue is bound, so no event published after this is dropped unrouted.
            await Task.WhenAll(system.BookingApi.StartAsync(), system.Notifier.StartAsync());
        }
        catch
        {
            await system._system.DisposeAsync();
            throw;
        }

        return system;
    }

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

    /// <summary>Stops the services, keeps their logs in <paramref name="logFolder"/>, and drops the databases and virtual host.</summary>
    public async Task StopAsync(string logFolder)
    {
        await _system.DisposeAsync();
        Directory.CreateDirectory(logFolder);
        foreach (var service in new[] { BookingApi, Notifier })
        {
            // Each test's services write to the same files (named by port): keep this test's, restarts included.
            File.Copy(service.LogFile, Path.Combine(logFolder, $"{service.Name}.log"), overwrite: true);
        }

        // On a server a failed test left down, this test's databases or virtual host stay behind (unique names, harmless):
        // failing here would hide why the test failed.
        if (await Servers.Postgres.IsAnsweringAsync())
        {
            await Servers.Postgres.DropDatabaseAsync(BookingDatabase);
            await Servers.Postgres.DropDatabaseAsync(NotifierDatabase);
        }

        if (await Servers.RabbitMq.IsAnsweringAsync())
        {
            await Servers.RabbitMq.DeleteVirtualHostAsync(VirtualHost);
        }
    }

    private async Task EmptyInboxAsync()
    {
        using var _ = await s_mailDev.DeleteAsync(new Uri(Servers.MailDev.WebUrl, "email/all"));
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
