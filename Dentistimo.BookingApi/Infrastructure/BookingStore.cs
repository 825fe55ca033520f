using System.Globalization;
using Dentistimo.BookingApi.Model;
using Npgsql;
using NpgsqlTypes;

namespace Dentistimo.BookingApi.Infrastructure;

public enum ConfirmOutcome
{
    Confirmed,
    FullyBooked,
    PatientAlreadyBooked,

    /// <summary>Another request with the same request id was decided first; read its decision.</summary>
    AlreadyDecided,

    /// <summary>The generated reference collided with an existing one; try again with a new one.</summary>
    ReferenceTaken,
}

/// <summary>
/// Booking decisions in PostgreSQL. Each decision is one SQL statement, so it is atomic without an explicit
/// transaction and costs one round trip: it takes a seat from the slot's counter (the CHECK constraint makes
/// overbooking impossible), records the request, and writes its events to the outbox, or does none of these.
/// </summary>
public sealed class BookingStore(NpgsqlDataSource dataSource)
{
    private const string SelectBooking = """
        SELECT id, request_id, fingerprint, clinic_id, start_utc, status, reason_code, reference,
               patient_name, patient_email, patient_phone, language, decided_at
        FROM booking_requests
        """;

    // Every CTE runs, but each inserts from the rows of the one before: no free seat means no booking and no events.
    private const string ConfirmSql = """
        WITH seat AS (
            INSERT INTO slot_bookings AS slot (clinic_id, start_utc, capacity, booked)
            VALUES (@clinic_id, @start_utc, @capacity, 1)
            ON CONFLICT (clinic_id, start_utc) DO UPDATE
                SET booked = slot.booked + 1, capacity = EXCLUDED.capacity
                WHERE slot.booked < EXCLUDED.capacity
            RETURNING slot.booked, slot.capacity
        ), request AS (
            INSERT INTO booking_requests (id, request_id, fingerprint, clinic_id, start_utc, status, reason_code, reference,
                                          patient_name, patient_email, patient_phone, language, decided_at)
            SELECT @id, @request_id, @fingerprint, @clinic_id, @start_utc, 'confirmed', NULL, @reference,
                   @patient_name, @patient_email, @patient_phone, @language, @decided_at
            FROM seat
            RETURNING id
        ), confirmed_event AS (
            INSERT INTO outbox_messages (message_id, message_type, body, created_at)
            SELECT @event_id, @event_type, @event_body::jsonb, @decided_at FROM request
        ), availability_event AS (
            INSERT INTO outbox_messages (message_id, message_type, body, created_at)
            SELECT @availability_event_id, 'SlotAvailabilityChanged',
                   jsonb_build_object('clinicId', @clinic_id, 'date', @local_date, 'startUtc', @start_utc_text,
                                      'capacity', seat.capacity, 'booked', seat.booked),
                   @decided_at
            FROM seat, request
        )
        SELECT booked FROM seat
        """;

    private const string RejectSql = """
        WITH request AS (
            INSERT INTO booking_requests (id, request_id, fingerprint, clinic_id, start_utc, status, reason_code, reference,
                                          patient_name, patient_email, patient_phone, language, decided_at)
            VALUES (@id, @request_id, @fingerprint, @clinic_id, @start_utc, 'rejected', @reason_code, NULL,
                    @patient_name, @patient_email, @patient_phone, @language, @decided_at)
            ON CONFLICT ON CONSTRAINT booking_request_decided_once DO NOTHING
            RETURNING id
        )
        INSERT INTO outbox_messages (message_id, message_type, body, created_at)
        SELECT @event_id, @event_type, @event_body::jsonb, @decided_at FROM request
        RETURNING sequence
        """;

    public Task<BookingRecord?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        FindOneAsync($"{SelectBooking} WHERE id = @value", id, cancellationToken);

    public Task<BookingRecord?> FindByRequestIdAsync(Guid requestId, CancellationToken cancellationToken) =>
        FindOneAsync($"{SelectBooking} WHERE request_id = @value", requestId, cancellationToken);

    /// <param name="localDate">The slot's Stockholm date, carried in the availability event.</param>
    public async Task<ConfirmOutcome> TryConfirmAsync(
        BookingRecord booking, int capacity, DateOnly localDate, OutboxMessage confirmed, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ConfirmSql);
        AddBookingParameters(command, booking, confirmed);
        command.Parameters.AddWithValue("capacity", capacity);
        command.Parameters.AddWithValue("reference", booking.Reference!);
        command.Parameters.AddWithValue("availability_event_id", Guid.CreateVersion7());
        command.Parameters.AddWithValue("local_date", localDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("start_utc_text", booking.StartUtc.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        try
        {
            return await command.ExecuteScalarAsync(cancellationToken) is null ? ConfirmOutcome.FullyBooked : ConfirmOutcome.Confirmed;
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return exception.ConstraintName switch
            {
                "booking_request_decided_once" => ConfirmOutcome.AlreadyDecided,
                "patient_one_appointment_at_a_time" => ConfirmOutcome.PatientAlreadyBooked,
                "booking_requests_reference_key" => ConfirmOutcome.ReferenceTaken,
                _ => throw new InvalidOperationException($"Unexpected unique violation on {exception.ConstraintName}.", exception),
            };
        }
    }

    /// <returns>False when the request id was already decided; read that decision instead.</returns>
    public async Task<bool> TryRejectAsync(BookingRecord booking, OutboxMessage rejected, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(RejectSql);
        AddBookingParameters(command, booking, rejected);
        command.Parameters.AddWithValue("reason_code", booking.ReasonCode!);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    /// <summary>Bookings held per slot start, for slots starting in [<paramref name="fromUtc"/>, <paramref name="toUtc"/>).</summary>
    public async Task<IReadOnlyList<(int ClinicId, DateTimeOffset StartUtc, int Booked)>> GetBookedCountsAsync(
        int? clinicId, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT clinic_id, start_utc, booked FROM slot_bookings
            WHERE start_utc >= @from AND start_utc < @to AND (@clinic_id IS NULL OR clinic_id = @clinic_id)
            """);
        command.Parameters.AddWithValue("from", fromUtc);
        command.Parameters.AddWithValue("to", toUtc);
        command.Parameters.Add(new NpgsqlParameter<int?>("clinic_id", NpgsqlDbType.Integer) { TypedValue = clinicId });

        var counts = new List<(int, DateTimeOffset, int)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts.Add((reader.GetInt32(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetInt32(2)));
        }

        return counts;
    }

    private static void AddBookingParameters(NpgsqlCommand command, BookingRecord booking, OutboxMessage outgoing)
    {
        command.Parameters.AddWithValue("id", booking.Id);
        command.Parameters.AddWithValue("request_id", booking.RequestId);
        command.Parameters.AddWithValue("fingerprint", booking.Fingerprint);
        command.Parameters.AddWithValue("clinic_id", booking.ClinicId);
        command.Parameters.AddWithValue("start_utc", booking.StartUtc);
        command.Parameters.AddWithValue("patient_name", booking.Patient.Name);
        command.Parameters.AddWithValue("patient_email", booking.Patient.Email);
        command.Parameters.Add(new NpgsqlParameter<string?>("patient_phone", NpgsqlDbType.Text) { TypedValue = booking.Patient.Phone });
        command.Parameters.AddWithValue("language", booking.Language);
        command.Parameters.AddWithValue("decided_at", booking.DecidedAt);
        command.Parameters.AddWithValue("event_id", outgoing.MessageId);
        command.Parameters.AddWithValue("event_type", outgoing.MessageType);
        command.Parameters.AddWithValue("event_body", outgoing.Body);
    }

    private async Task<BookingRecord?> FindOneAsync(string sql, Guid value, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("value", value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new BookingRecord(
            Id: reader.GetGuid(0),
            RequestId: reader.GetGuid(1),
            Fingerprint: reader.GetString(2),
            ClinicId: reader.GetInt32(3),
            StartUtc: reader.GetFieldValue<DateTimeOffset>(4),
            Status: reader.GetString(5) == "confirmed" ? BookingStatus.Confirmed : BookingStatus.Rejected,
            ReasonCode: reader.IsDBNull(6) ? null : reader.GetString(6),
            Reference: reader.IsDBNull(7) ? null : reader.GetString(7),
            Patient: new PatientDetails(reader.GetString(8), reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetString(10)),
            Language: reader.GetString(11),
            DecidedAt: reader.GetFieldValue<DateTimeOffset>(12));
    }
}
