using Dentistimo.BookingApi.Model.Scheduling;
using Dentistimo.BookingApi.Services;
using Dentistimo.Contracts.IntegrationEvents;
using Dentistimo.Migrations;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dentistimo.BookingApi.Infrastructure;

public sealed class ReminderOptions
{
    public const string SectionName = "Reminders";

    [System.ComponentModel.DataAnnotations.Range(1, 24 * 14)]
    public int HoursBefore { get; set; } = AppointmentChangePolicy.DefaultReminderHoursBefore;

    [System.ComponentModel.DataAnnotations.Range(1, 3600)]
    public int ScanIntervalSeconds { get; set; } = 60;
}

/// <summary>
/// The schedule is the bookings table itself, marked done in the event's transaction: restarts lose and repeat
/// nothing, and a moved appointment is never reminded at its old time. Rows another replica holds are skipped.
/// </summary>
public sealed class AppointmentReminders(
    DatabaseMigrator<BookingDbContext> migrator,
    NpgsqlDataSource dataSource,
    ClinicCatalog clinics,
    AppointmentChangePolicy policy,
    RecipientSeal recipientSeal,
    OutboxSignal outboxSignal,
    IOptions<ReminderOptions> options,
    TimeProvider timeProvider,
    ILogger<AppointmentReminders> logger) : BackgroundService
{
    private const int BatchSize = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await migrator.Migrated.WaitAsync(stoppingToken);
        var interval = TimeSpan.FromSeconds(options.Value.ScanIntervalSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await PublishDueAsync(timeProvider.GetUtcNow(), stoppingToken) == BatchSize)
                {
                }
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Looking for due reminders failed ({Error}); trying again in {Interval}", exception.Message, interval);
            }

            await Task.Delay(interval, timeProvider, stoppingToken);
        }
    }

    /// <returns>How many appointments it looked at, each now done.</returns>
    public async Task<int> PublishDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Those starting within the lead; the policy decides which of them get a reminder, and all are marked done.
        var due = new List<(StoredAppointment Appointment, DateTimeOffset ScheduledAt)>();
        await using (var select = new NpgsqlCommand($"""
            SELECT {StoredAppointment.Columns}, coalesce(changed_at, decided_at)
            FROM booking_requests
            WHERE status = 'confirmed' AND NOT reminder_done AND start_utc > @now AND start_utc <= @now + @lead
            ORDER BY start_utc LIMIT @batch_size
            FOR UPDATE SKIP LOCKED
            """, connection, transaction))
        {
            select.Parameters.AddWithValue("now", now);
            select.Parameters.AddWithValue("lead", policy.ReminderLead);
            select.Parameters.AddWithValue("batch_size", BatchSize);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                due.Add((StoredAppointment.Read(reader), reader.GetFieldValue<DateTimeOffset>(14)));
            }
        }

        if (due.Count == 0)
        {
            return 0;
        }

        var reminders = new List<OutboxMessage>();
        foreach (var ((booking, calendarSequence), scheduledAt) in due)
        {
            if (!policy.IsReminderDue(booking.StartUtc, now) || !policy.IsReminded(booking.StartUtc, scheduledAt))
            {
                continue;
            }

            var clinic = await clinics.FindAsync(booking.ClinicId, cancellationToken)
                ?? throw new InvalidOperationException($"Booking {booking.Id} is at clinic {booking.ClinicId}, which is not in the registry.");
            reminders.Add(OutboxMessage.For(new AppointmentReminderDue(
                booking.Id, booking.RequestId, Guid.CreateVersion7(now), booking.Reference!,
                AppointmentEvents.Details(clinic, booking.StartUtc), calendarSequence,
                AppointmentEvents.Recipient(recipientSeal, booking))));
        }

        await using (var write = new NpgsqlCommand("""
            WITH done AS (UPDATE booking_requests SET reminder_done = true WHERE id = ANY(@ids))
            INSERT INTO outbox_messages (message_id, message_type, body, created_at)
            SELECT message_id, message_type, body::jsonb, @now FROM unnest(@message_ids, @message_types, @bodies) AS m(message_id, message_type, body)
            """, connection, transaction))
        {
            write.Parameters.AddWithValue("ids", due.Select(candidate => candidate.Appointment.Booking.Id).ToArray());
            write.Parameters.AddWithValue("now", now);
            write.Parameters.AddWithValue("message_ids", reminders.Select(message => message.MessageId).ToArray());
            write.Parameters.AddWithValue("message_types", reminders.Select(message => message.MessageType).ToArray());
            write.Parameters.AddWithValue("bodies", reminders.Select(message => message.Body).ToArray());
            await write.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        outboxSignal.NewMessages();
        if (reminders.Count > 0)
        {
            logger.LogInformation("Wrote {Count} appointment reminders", reminders.Count);
        }

        return due.Count;
    }
}
