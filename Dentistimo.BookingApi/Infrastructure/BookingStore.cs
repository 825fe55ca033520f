using System.Globalization;
using Dentistimo.BookingApi.Model;
using Npgsql;
using NpgsqlTypes;

namespace Dentistimo.BookingApi.Infrastructure;

public enum DecideOutcome
{
    Confirmed,

    /// <summary>No seat was free: the request is recorded as rejected, fully booked.</summary>
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
/// overbooking impossible) or finds none free, records the request's decision, and writes its events to the outbox.
/// </summary>
public sealed class BookingStore(NpgsqlDataSource dataSource)
{
    private const string SelectBooking = """
        SELECT id, request_id, fingerprint, clinic_id, start_utc, status, reason_code, reference,
               patient_name, patient_email, patient_phone, language, decided_at
        FROM booking_requests
        """;

    // Every CTE runs, but each inserts from the rows of the one before. Without a free seat the request is recorded as
    // fully booked, in the same round trip; any unique violation (a second decision for the request id, the patient's
    // second appointment at that time) aborts the whole statement, seat included.
    //
    // A seat is taken by a plain UPDATE of the slot's counter when the slot has a row, and by an upsert only when it has
    // none yet. The UPDATE locks the row only if a seat looks free, so requests for a slot that is already full are
    // rejected side by side; the upsert would lock the row even when its WHERE is false, queueing every request for a
    // popular slot behind one another's commits.
    private const string DecideSql = """
        WITH taken AS (
            UPDATE slot_bookings AS slot
            SET booked = slot.booked + 1, capacity = @capacity
            WHERE slot.clinic_id = @clinic_id AND slot.start_utc = @start_utc AND slot.booked < @capacity
            RETURNING slot.booked, slot.capacity
        ), first_seat AS (
            INSERT INTO slot_bookings AS slot (clinic_id, start_utc, capacity, booked)
            SELECT @clinic_id, @start_utc, @capacity, 1
            WHERE NOT EXISTS (SELECT 1 FROM slot_bookings WHERE clinic_id = @clinic_id AND start_utc = @start_utc)
            -- Another request inserted the row after this statement's snapshot: take a seat from it as the UPDATE would.
            ON CONFLICT (clinic_id, start_utc) DO UPDATE
                SET booked = slot.booked + 1, capacity = EXCLUDED.capacity
                WHERE slot.booked < EXCLUDED.capacity
            RETURNING slot.booked, slot.capacity
        ), seat AS (
            SELECT booked, capacity FROM taken UNION ALL SELECT booked, capacity FROM first_seat
        ), outcome AS (
            SELECT seat.booked IS NOT NULL AS confirmed, seat.booked, seat.capacity
            FROM (VALUES (1)) AS one LEFT JOIN seat ON true
        ), request AS (
            INSERT INTO booking_requests (id, request_id, fingerprint, clinic_id, start_utc, status, reason_code, reference,
                                          patient_name, patient_email, patient_phone, language, decided_at)
            SELECT @id, @request_id, @fingerprint, @clinic_id, @start_utc,
                   CASE WHEN outcome.confirmed THEN 'confirmed' ELSE 'rejected' END,
                   CASE WHEN outcome.confirmed THEN NULL ELSE 'fully-booked' END,
                   CASE WHEN outcome.confirmed THEN @reference END,
                   @patient_name, @patient_email, @patient_phone, @language, @decided_at
            FROM outcome
        ), decision_event AS (
            INSERT INTO outbox_messages (message_id, message_type, body, created_at)
            SELECT @event_id,
                   CASE WHEN outcome.confirmed THEN @event_type ELSE @rejected_event_type END,
                   (CASE WHEN outcome.confirmed THEN @event_body ELSE @rejected_event_body END)::jsonb,
                   @decided_at
            FROM outcome
        ), availability_event AS (
            INSERT INTO outbox_messages (message_id, message_type, body, created_at)
            SELECT @availability_event_id, 'SlotAvailabilityChanged',
                   jsonb_build_object('clinicId', @clinic_id, 'date', @local_date, 'startUtc', @start_utc_text,
                                      'capacity', outcome.capacity, 'booked', outcome.booked),
                   @decided_at
            FROM outcome WHERE outcome.confirmed
        )
        SELECT confirmed FROM outcome
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

    /// <summary>
    /// Takes a seat and confirms <paramref name="booking"/>, or records it as fully booked when no seat is free,
    /// writing <paramref name="confirmed"/> or <paramref name="rejected"/> (and, when confirmed, an availability event) to the outbox.
    /// </summary>
    /// <param name="localDate">The slot's Stockholm date, carried in the availability event.</param>
    public async Task<DecideOutcome> DecideAsync(
        BookingRecord booking, int capacity, DateOnly localDate, OutboxMessage confirmed, OutboxMessage rejected, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(DecideSql);
        AddBookingParameters(command, booking, confirmed);
        command.Parameters.AddWithValue("capacity", capacity);
        command.Parameters.AddWithValue("reference", booking.Reference!);
        command.Parameters.AddWithValue("rejected_event_type", rejected.MessageType);
        command.Parameters.AddWithValue("rejected_event_body", rejected.Body);
        command.Parameters.AddWithValue("availability_event_id", Guid.CreateVersion7());
        command.Parameters.AddWithValue("local_date", localDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("start_utc_text", booking.StartUtc.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        try
        {
            return await command.ExecuteScalarAsync(cancellationToken) is true ? DecideOutcome.Confirmed : DecideOutcome.FullyBooked;
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return exception.ConstraintName switch
            {
                "booking_request_decided_once" => DecideOutcome.AlreadyDecided,
                "patient_one_appointment_at_a_time" => DecideOutcome.PatientAlreadyBooked,
                "booking_requests_reference_key" => DecideOutcome.ReferenceTaken,
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
