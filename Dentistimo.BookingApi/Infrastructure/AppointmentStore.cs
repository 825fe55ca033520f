using Dentistimo.BookingApi.Model;
using Dentistimo.Contracts.Api;
using Npgsql;
using NpgsqlTypes;

namespace Dentistimo.BookingApi.Infrastructure;

/// <param name="CalendarSequence">Raised by every change: a change applies only to the booking as it was read.</param>
public sealed record StoredAppointment(BookingRecord Booking, int CalendarSequence)
{
    // The columns Read reads, in this order, first in a SELECT.
    public const string Columns = $"{BookingStore.BookingColumns}, calendar_sequence";

    public static StoredAppointment Read(NpgsqlDataReader reader) => new(BookingStore.ReadBooking(reader), reader.GetInt32(13));
}

public sealed record SlotSeats(int ClinicId, DateTimeOffset StartUtc, int Capacity, int Booked);

/// <summary>A cancellation (no <paramref name="NewStart"/>) or a move of <paramref name="Appointment"/> as it was read.</summary>
/// <param name="Freed">SlotAvailabilityChanged of the appointment's time; the change writes the slot's seats into it.</param>
/// <param name="Taken">A move's SlotAvailabilityChanged of its new time; the change writes the slot's seats into it.</param>
public sealed record AppointmentChangeRequest(
    StoredAppointment Appointment, DateTimeOffset? NewStart, int NewCapacity, DateTimeOffset ChangedAt,
    OutboxMessage Changed, OutboxMessage Freed, OutboxMessage? Taken);

public enum ChangeOutcome
{
    Changed,

    NotFound,

    // Changed by someone else since it was read: read it again and decide again.
    ChangedMeanwhile,

    FullyBooked,

    PatientAlreadyBooked,
}

/// <summary>
/// A change is one SQL statement (Infrastructure/Sql/change_appointment.sql says how it works): its seats, the patient's
/// count, the booking and its events commit together or not at all, and the booking's row is locked for that call alone.
/// </summary>
public sealed class AppointmentStore(NpgsqlDataSource dataSource)
{
    private const string ChangeSql = """
        SELECT change_appointment(@booking_id, @seen_sequence, @new_start, @new_capacity, @change_time,
                                  @change_event_id, @change_event_type, @change_event_body,
                                  @freed_event_id, @freed_event_body, @taken_event_id, @taken_event_body, @trace_parent)
        """;

    public async Task<StoredAppointment?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {StoredAppointment.Columns} FROM booking_requests WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? StoredAppointment.Read(reader) : null;
    }

    public async Task<ChangeOutcome> ChangeAsync(AppointmentChangeRequest change, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ChangeSql);
        command.Parameters.AddWithValue("booking_id", change.Appointment.Booking.Id);
        command.Parameters.AddWithValue("seen_sequence", change.Appointment.CalendarSequence);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset?>("new_start", NpgsqlDbType.TimestampTz) { TypedValue = change.NewStart });
        command.Parameters.AddWithValue("new_capacity", change.NewCapacity);
        command.Parameters.AddWithValue("change_time", change.ChangedAt);
        command.Parameters.AddWithValue("change_event_id", change.Changed.MessageId);
        command.Parameters.AddWithValue("change_event_type", change.Changed.MessageType);
        command.Parameters.AddWithValue("change_event_body", change.Changed.Body);
        command.Parameters.AddWithValue("freed_event_id", change.Freed.MessageId);
        command.Parameters.AddWithValue("freed_event_body", change.Freed.Body);
        command.Parameters.Add(new NpgsqlParameter<Guid?>("taken_event_id", NpgsqlDbType.Uuid) { TypedValue = change.Taken?.MessageId });
        command.Parameters.Add(new NpgsqlParameter<string?>("taken_event_body", NpgsqlDbType.Text) { TypedValue = change.Taken?.Body });
        command.Parameters.Add(new NpgsqlParameter<string?>("trace_parent", NpgsqlDbType.Text) { TypedValue = change.Changed.TraceParent });
        try
        {
            return await command.ExecuteScalarAsync(cancellationToken) switch
            {
                DBNull => ChangeOutcome.Changed,
                "not-found" => ChangeOutcome.NotFound,
                "changed-meanwhile" => ChangeOutcome.ChangedMeanwhile,
                RejectionCodes.FullyBooked => ChangeOutcome.FullyBooked,
                var other => throw new InvalidOperationException($"change_appointment answered '{other}', which it never should."),
            };
        }
        catch (PostgresException exception) when (exception.ConstraintName == "patient_one_appointment_at_a_time")
        {
            // The whole call was rolled back, the seat it took included.
            return ChangeOutcome.PatientAlreadyBooked;
        }
    }
}
