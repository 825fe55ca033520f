using Dentistimo.BookingApi.Model;
using Npgsql;

namespace Dentistimo.BookingApi.Infrastructure;

public sealed record StoredAppointment(
    Guid Id, Guid RequestId, BookingStatus Status, string? Reference, int ClinicId, DateTimeOffset StartUtc,
    string PatientName, string PatientEmail, string Language, int CalendarSequence)
{
    // The columns Read reads, in this order, first in a SELECT.
    public const string Columns = "id, request_id, status, reference, clinic_id, start_utc, patient_name, patient_email, language, calendar_sequence";

    public static StoredAppointment Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetGuid(1), BookingStore.ParseStatus(reader.GetString(2)), reader.IsDBNull(3) ? null : reader.GetString(3),
        reader.GetInt32(4), reader.GetFieldValue<DateTimeOffset>(5), reader.GetString(6), reader.GetString(7), reader.GetString(8),
        reader.GetInt32(9));
}

public sealed record SlotSeats(int ClinicId, DateTimeOffset StartUtc, int Capacity, int Booked);

public abstract record MoveOutcome
{
    public sealed record Moved(SlotSeats Taken, SlotSeats Freed) : MoveOutcome;

    public sealed record FullyBooked : MoveOutcome;

    public sealed record PatientAlreadyBooked : MoveOutcome;
}

/// <summary>
/// Each change holds the booking's row from the moment it is read; its seats, the patient's count, the booking and its
/// events commit together or not at all.
/// </summary>
public sealed class AppointmentStore(NpgsqlDataSource dataSource)
{
    public async Task<AppointmentChange> BeginChangeAsync(Guid id, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var read = new NpgsqlCommand(
                $"SELECT {StoredAppointment.Columns} FROM booking_requests WHERE id = @id FOR UPDATE", connection, transaction);
            read.Parameters.AddWithValue("id", id);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            var appointment = await reader.ReadAsync(cancellationToken) ? StoredAppointment.Read(reader) : null;
            return new AppointmentChange(connection, transaction, appointment);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}

public sealed class AppointmentChange(NpgsqlConnection connection, NpgsqlTransaction transaction, StoredAppointment? appointment) : IAsyncDisposable
{
    public StoredAppointment? Appointment { get; } = appointment;

    public async Task<SlotSeats> CancelAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var appointment = Appointment!;
        await ExecuteAsync("""
            UPDATE booking_requests SET status = 'cancelled', changed_at = @now, calendar_sequence = calendar_sequence + 1 WHERE id = @id
            """, cancellationToken, ("now", now), ("id", appointment.Id));
        await GivePatientSeatBackAsync(appointment, replacement: null, cancellationToken);
        return await FreeSeatAsync(appointment.ClinicId, appointment.StartUtc, cancellationToken);
    }

    public async Task<MoveOutcome> TryMoveAsync(DateTimeOffset newStartUtc, int capacity, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var appointment = Appointment!;
        const string BeforeMove = "before_move";
        await transaction.SaveAsync(BeforeMove, cancellationToken);
        try
        {
            if (await TakeSeatAsync(appointment.ClinicId, newStartUtc, capacity, cancellationToken) is not { } taken)
            {
                return new MoveOutcome.FullyBooked();
            }

            await ExecuteAsync("""
                UPDATE booking_requests
                SET start_utc = @start, changed_at = @now, calendar_sequence = calendar_sequence + 1, reminder_done = false
                WHERE id = @id
                """, cancellationToken, ("start", newStartUtc), ("now", now), ("id", appointment.Id));
            await GivePatientSeatBackAsync(appointment, replacement: newStartUtc, cancellationToken);
            return new MoveOutcome.Moved(taken, await FreeSeatAsync(appointment.ClinicId, appointment.StartUtc, cancellationToken));
        }
        catch (PostgresException exception) when (exception.ConstraintName == "patient_one_appointment_at_a_time")
        {
            // The seat taken above goes back with the savepoint.
            await transaction.RollbackAsync(BeforeMove, cancellationToken);
            return new MoveOutcome.PatientAlreadyBooked();
        }
    }

    public async Task AddToOutboxAsync(IReadOnlyList<OutboxMessage> messages, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO outbox_messages (message_id, message_type, body, created_at, trace_parent)
            SELECT message_id, message_type, body::jsonb, @now, trace_parent
            FROM unnest(@message_ids, @message_types, @bodies, @trace_parents) AS m(message_id, message_type, body, trace_parent)
            """, connection, transaction);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("message_ids", messages.Select(message => message.MessageId).ToArray());
        command.Parameters.AddWithValue("message_types", messages.Select(message => message.MessageType).ToArray());
        command.Parameters.AddWithValue("bodies", messages.Select(message => message.Body).ToArray());
        command.Parameters.Add(new NpgsqlParameter<string?[]>("trace_parents", messages.Select(message => message.TraceParent).ToArray()));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task CommitAsync(CancellationToken cancellationToken) => transaction.CommitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }

    private async Task<SlotSeats?> TakeSeatAsync(int clinicId, DateTimeOffset startUtc, int capacity, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO slot_bookings AS slot (clinic_id, start_utc, capacity, booked) VALUES (@clinic_id, @start_utc, @capacity, 1)
            ON CONFLICT (clinic_id, start_utc) DO UPDATE SET booked = slot.booked + 1, capacity = EXCLUDED.capacity
                WHERE slot.booked < EXCLUDED.capacity
            RETURNING booked
            """, connection, transaction);
        command.Parameters.AddWithValue("clinic_id", clinicId);
        command.Parameters.AddWithValue("start_utc", startUtc);
        command.Parameters.AddWithValue("capacity", capacity);
        return await command.ExecuteScalarAsync(cancellationToken) is int booked ? new SlotSeats(clinicId, startUtc, capacity, booked) : null;
    }

    private async Task<SlotSeats> FreeSeatAsync(int clinicId, DateTimeOffset startUtc, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            UPDATE slot_bookings SET booked = booked - 1 WHERE clinic_id = @clinic_id AND start_utc = @start_utc RETURNING capacity, booked
            """, connection, transaction);
        command.Parameters.AddWithValue("clinic_id", clinicId);
        command.Parameters.AddWithValue("start_utc", startUtc);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException($"A confirmed booking at clinic {clinicId}, {startUtc:u}, holds no seat in slot_bookings.");
        }

        return new SlotSeats(clinicId, startUtc, reader.GetInt32(0), reader.GetInt32(1));
    }

    private Task GivePatientSeatBackAsync(StoredAppointment appointment, DateTimeOffset? replacement, CancellationToken cancellationToken) =>
        replacement is { } newStart
            ? ExecuteAsync("UPDATE patient_appointments SET upcoming_starts = array_replace(upcoming_starts, @start, @new_start) WHERE patient_email = lower(@email)",
                cancellationToken, ("start", appointment.StartUtc), ("new_start", newStart), ("email", appointment.PatientEmail))
            : ExecuteAsync("UPDATE patient_appointments SET upcoming_starts = array_remove(upcoming_starts, @start) WHERE patient_email = lower(@email)",
                cancellationToken, ("start", appointment.StartUtc), ("email", appointment.PatientEmail));

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
