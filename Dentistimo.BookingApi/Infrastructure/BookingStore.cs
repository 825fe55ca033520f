using Dentistimo.BookingApi.Model;
using Dentistimo.Contracts.Api;
using Npgsql;
using NpgsqlTypes;

namespace Dentistimo.BookingApi.Infrastructure;

public enum DecideOutcome
{
    Confirmed,

    FullyBooked,

    PatientAlreadyBooked,

    // Recorded as rejected, the seat left free.
    PatientLimitReached,

    AlreadyDecided,

    ReferenceTaken,
}

/// <param name="Rejected">The decision writes its reason code into it.</param>
/// <param name="AvailabilityChanged">Written with a confirmation; the decision writes the slot's seats into it.</param>
public sealed record DecisionRequest(
    BookingRecord Booking, int Capacity, int MaxUpcomingPerPatient, OutboxMessage Confirmed, OutboxMessage Rejected, OutboxMessage AvailabilityChanged);

/// <summary>
/// Each call is one SQL statement, so it is atomic without an explicit transaction and costs one round trip however
/// many requests it decides; CHECK constraints make overbooking impossible.
/// </summary>
public sealed class BookingStore(NpgsqlDataSource dataSource)
{
    // The columns ReadBooking reads, in this order, first in a SELECT.
    internal const string BookingColumns = """
        id, request_id, fingerprint, clinic_id, start_utc, status, reason_code, reference,
        patient_name, patient_email, patient_phone, language, decided_at
        """;

    private const string SelectBooking = $"SELECT {BookingColumns} FROM booking_requests";

    private const int MaxDeadlockAttempts = 3;

    // Infrastructure/Sql/decide_bookings.sql holds the decision itself and says how it works.
    private const string DecideSql = """
        SELECT decide_bookings(@ids, @request_ids, @fingerprints, @clinic_ids, @start_utcs, @capacities, @max_upcomings, @booking_references,
                               @patient_names, @patient_emails, @patient_phones, @languages, @decided_ats,
                               @event_ids, @event_types, @event_bodies, @rejected_event_types, @rejected_event_bodies,
                               @availability_event_ids, @availability_event_bodies, @trace_parents)
        """;

    // The event is written only when there is one (@event_id not null): some rejections are not emailed.
    private const string RejectSql = """
        WITH request AS (
            INSERT INTO booking_requests (id, request_id, fingerprint, clinic_id, start_utc, status, reason_code, reference,
                                          patient_name, patient_email, patient_phone, language, decided_at)
            VALUES (@id, @request_id, @fingerprint, @clinic_id, @start_utc, 'rejected', @reason_code, NULL,
                    @patient_name, @patient_email, @patient_phone, @language, @decided_at)
            ON CONFLICT ON CONSTRAINT booking_request_decided_once DO NOTHING
            RETURNING id
        ), rejected_event AS (
            INSERT INTO outbox_messages (message_id, message_type, body, created_at, trace_parent)
            SELECT @event_id, @event_type, @event_body::jsonb, @decided_at, @trace_parent FROM request WHERE @event_id IS NOT NULL
        )
        SELECT id FROM request
        """;

    public Task<BookingRecord?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        FindOneAsync($"{SelectBooking} WHERE id = @value", id, cancellationToken);

    public Task<BookingRecord?> FindByRequestIdAsync(Guid requestId, CancellationToken cancellationToken) =>
        FindOneAsync($"{SelectBooking} WHERE request_id = @value", requestId, cancellationToken);

    public async Task<DecideOutcome> DecideAsync(DecisionRequest request, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return (await DecideAllAsync([request], cancellationToken))[0];
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < MaxDeadlockAttempts)
            {
                // Rolled back to break a deadlock with a batch: decide it again.
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                return ToOutcome(exception);
            }
        }
    }

    private static DecideOutcome ToOutcome(PostgresException exception) =>
        exception.ConstraintName switch
        {
            "booking_request_decided_once" => DecideOutcome.AlreadyDecided,
            "patient_one_appointment_at_a_time" => DecideOutcome.PatientAlreadyBooked,
            "booking_requests_reference_key" => DecideOutcome.ReferenceTaken,
            _ => throw new InvalidOperationException($"Unexpected unique violation on {exception.ConstraintName}.", exception),
        };

    /// <exception cref="PostgresException">Any request's unique violation, which decides none of them.</exception>
    public async Task<DecideOutcome[]> DecideAllAsync(IReadOnlyList<DecisionRequest> requests, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(DecideSql);
        Add("ids", requests, r => r.Booking.Id);
        Add("request_ids", requests, r => r.Booking.RequestId);
        Add("fingerprints", requests, r => r.Booking.Fingerprint);
        Add("clinic_ids", requests, r => r.Booking.ClinicId);
        Add("start_utcs", requests, r => r.Booking.StartUtc);
        Add("capacities", requests, r => r.Capacity);
        Add("max_upcomings", requests, r => r.MaxUpcomingPerPatient);
        Add("booking_references", requests, r => r.Booking.Reference!);
        Add("patient_names", requests, r => r.Booking.Patient.Name);
        Add("patient_emails", requests, r => r.Booking.Patient.Email);
        Add("patient_phones", requests, r => r.Booking.Patient.Phone);
        Add("languages", requests, r => r.Booking.Language);
        Add("decided_ats", requests, r => r.Booking.DecidedAt);
        Add("event_ids", requests, r => r.Confirmed.MessageId);
        Add("event_types", requests, r => r.Confirmed.MessageType);
        Add("event_bodies", requests, r => r.Confirmed.Body);
        Add("rejected_event_types", requests, r => r.Rejected.MessageType);
        Add("rejected_event_bodies", requests, r => r.Rejected.Body);
        Add("availability_event_ids", requests, r => r.AvailabilityChanged.MessageId);
        Add("availability_event_bodies", requests, r => r.AvailabilityChanged.Body);
        Add("trace_parents", requests, r => r.Confirmed.TraceParent);

        var rejections = (string?[])(await command.ExecuteScalarAsync(cancellationToken))!;
        return rejections.Select(rejection => rejection switch
        {
            null => DecideOutcome.Confirmed,
            RejectionCodes.FullyBooked => DecideOutcome.FullyBooked,
            RejectionCodes.PatientLimitReached => DecideOutcome.PatientLimitReached,
            _ => throw new InvalidOperationException($"decide_bookings rejected a request as '{rejection}', which it never should."),
        }).ToArray();

        void Add<T>(string name, IReadOnlyList<DecisionRequest> all, Func<DecisionRequest, T> value) =>
            command.Parameters.Add(new NpgsqlParameter<T[]>(name, all.Select(value).ToArray()));
    }

    /// <returns>False when the request id was already decided; read that decision instead.</returns>
    public async Task<bool> TryRejectAsync(BookingRecord booking, OutboxMessage? rejected, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(RejectSql);
        AddBookingParameters(command, booking);
        command.Parameters.AddWithValue("reason_code", booking.ReasonCode!);
        command.Parameters.Add(new NpgsqlParameter<Guid?>("event_id", NpgsqlDbType.Uuid) { TypedValue = rejected?.MessageId });
        command.Parameters.Add(new NpgsqlParameter<string?>("event_type", NpgsqlDbType.Text) { TypedValue = rejected?.MessageType });
        command.Parameters.Add(new NpgsqlParameter<string?>("event_body", NpgsqlDbType.Text) { TypedValue = rejected?.Body });
        command.Parameters.Add(new NpgsqlParameter<string?>("trace_parent", NpgsqlDbType.Text) { TypedValue = rejected?.TraceParent });
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    public async Task<IReadOnlyList<(int ClinicId, DateTimeOffset StartUtc, SeatCount Seats)>> GetBookedCountsAsync(
        int? clinicId, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT clinic_id, start_utc, booked, version FROM slot_bookings
            WHERE start_utc >= @from AND start_utc < @to AND (@clinic_id IS NULL OR clinic_id = @clinic_id)
            """);
        command.Parameters.AddWithValue("from", fromUtc);
        command.Parameters.AddWithValue("to", toUtc);
        command.Parameters.Add(new NpgsqlParameter<int?>("clinic_id", NpgsqlDbType.Integer) { TypedValue = clinicId });

        var counts = new List<(int, DateTimeOffset, SeatCount)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts.Add((reader.GetInt32(0), reader.GetFieldValue<DateTimeOffset>(1), new SeatCount(reader.GetInt32(2), reader.GetInt32(3))));
        }

        return counts;
    }

    private static void AddBookingParameters(NpgsqlCommand command, BookingRecord booking)
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
    }

    private static BookingStatus ParseStatus(string status) => status switch
    {
        "confirmed" => BookingStatus.Confirmed,
        "rejected" => BookingStatus.Rejected,
        "cancelled" => BookingStatus.Cancelled,
        _ => throw new InvalidOperationException($"Unknown booking status '{status}'."),
    };

    private async Task<BookingRecord?> FindOneAsync(string sql, Guid value, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("value", value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadBooking(reader) : null;
    }

    internal static BookingRecord ReadBooking(NpgsqlDataReader reader) => new(
        Id: reader.GetGuid(0),
        RequestId: reader.GetGuid(1),
        Fingerprint: reader.GetString(2),
        ClinicId: reader.GetInt32(3),
        StartUtc: reader.GetFieldValue<DateTimeOffset>(4),
        Status: ParseStatus(reader.GetString(5)),
        ReasonCode: reader.IsDBNull(6) ? null : reader.GetString(6),
        Reference: reader.IsDBNull(7) ? null : reader.GetString(7),
        Patient: new PatientDetails(reader.GetString(8), reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetString(10)),
        Language: reader.GetString(11),
        DecidedAt: reader.GetFieldValue<DateTimeOffset>(12));
}
