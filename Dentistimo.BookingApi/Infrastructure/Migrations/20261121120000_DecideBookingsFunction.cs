using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Dentistimo.BookingApi.Infrastructure.Migrations;

/// <summary>
/// Booking decisions, as one function that decides a batch of requests in one round trip and one commit
/// (<see cref="DecisionBatcher"/>); a single request is a batch of one. The arrays are parallel, one element per request.
/// </summary>
/// <remarks>
/// For each request, in the order given, one statement takes a seat from the slot's counter (the CHECK constraint
/// makes overbooking impossible) or finds none free, records the request's decision, and writes its events to the
/// outbox. Every CTE runs, but each inserts from the rows of the one before. Any unique violation (a second decision for
/// the request id, the patient's second appointment at that time, a reference already used) aborts the whole call,
/// seats included: the caller then decides the batch's requests one by one, and so learns which one it was.
///
/// A seat is taken by a plain UPDATE of the slot's counter when the slot has a row, and by an upsert only when it has
/// none yet. The UPDATE locks the row only if a seat looks free, so requests for a slot that is already full are
/// rejected side by side; the upsert would lock the row even when its WHERE is false, queueing every request for a
/// popular slot behind one another's commits. The caller orders a batch by slot, so batches lock slots in one order; they
/// can still deadlock on each other's uncommitted unique keys (the same patient at the same time in two batches), which
/// PostgreSQL breaks after a second, and the caller decides the requests again.
/// </remarks>
[DbContext(typeof(BookingDbContext))]
[Migration("20261121120000_DecideBookingsFunction")]
public sealed class DecideBookingsFunction : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            CREATE FUNCTION decide_bookings(
                ids uuid[], request_ids uuid[], fingerprints text[], clinic_ids integer[], start_utcs timestamptz[],
                capacities integer[], booking_references text[], patient_names text[], patient_emails text[],
                patient_phones text[], languages text[], decided_ats timestamptz[],
                event_ids uuid[], event_types text[], event_bodies text[],
                rejected_event_types text[], rejected_event_bodies text[],
                availability_event_ids uuid[], local_dates text[], start_utc_texts text[])
            RETURNS boolean[]
            LANGUAGE plpgsql AS $function$
            DECLARE
                decisions boolean[] := '{}';
                request_confirmed boolean;
            BEGIN
                FOR i IN 1 .. coalesce(array_length(ids, 1), 0) LOOP
                    WITH taken AS (
                        UPDATE slot_bookings AS slot
                        SET booked = slot.booked + 1, capacity = capacities[i]
                        WHERE slot.clinic_id = clinic_ids[i] AND slot.start_utc = start_utcs[i] AND slot.booked < capacities[i]
                        RETURNING slot.booked, slot.capacity
                    ), first_seat AS (
                        INSERT INTO slot_bookings AS slot (clinic_id, start_utc, capacity, booked)
                        SELECT clinic_ids[i], start_utcs[i], capacities[i], 1
                        WHERE NOT EXISTS (SELECT 1 FROM slot_bookings WHERE clinic_id = clinic_ids[i] AND start_utc = start_utcs[i])
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
                        SELECT ids[i], request_ids[i], fingerprints[i], clinic_ids[i], start_utcs[i],
                               CASE WHEN outcome.confirmed THEN 'confirmed' ELSE 'rejected' END,
                               CASE WHEN outcome.confirmed THEN NULL ELSE 'fully-booked' END,
                               CASE WHEN outcome.confirmed THEN booking_references[i] END,
                               patient_names[i], patient_emails[i], patient_phones[i], languages[i], decided_ats[i]
                        FROM outcome
                    ), decision_event AS (
                        INSERT INTO outbox_messages (message_id, message_type, body, created_at)
                        SELECT event_ids[i],
                               CASE WHEN outcome.confirmed THEN event_types[i] ELSE rejected_event_types[i] END,
                               (CASE WHEN outcome.confirmed THEN event_bodies[i] ELSE rejected_event_bodies[i] END)::jsonb,
                               decided_ats[i]
                        FROM outcome
                    ), availability_event AS (
                        INSERT INTO outbox_messages (message_id, message_type, body, created_at)
                        SELECT availability_event_ids[i], 'SlotAvailabilityChanged',
                               jsonb_build_object('clinicId', clinic_ids[i], 'date', local_dates[i], 'startUtc', start_utc_texts[i],
                                                  'capacity', outcome.capacity, 'booked', outcome.booked),
                               decided_ats[i]
                        FROM outcome WHERE outcome.confirmed
                    )
                    SELECT outcome.confirmed INTO request_confirmed FROM outcome;
                    decisions := decisions || request_confirmed;
                END LOOP;
                RETURN decisions;
            END
            $function$;
            """);
    }
}
