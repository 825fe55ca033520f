using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Dentistimo.BookingApi.Infrastructure.Migrations;

/// <summary>
/// Each outbox row keeps the W3C traceparent of the request that caused it, so the dispatcher publishes it in that
/// request's trace and the notifier's work joins it: without it the outbox ends the trace at BookingApi.
/// </summary>
/// <remarks>
/// <c>decide_bookings</c> is as in DecideBookingsFunction, with <c>trace_parents</c> added last, written to the
/// decision's events. Its default (NULL: no trace) keeps the previous version's 20-argument call working while replicas
/// of both run. Dropping the function drops DecideBookingsByKey's setting with it, so it is set again here.
/// </remarks>
[DbContext(typeof(BookingDbContext))]
[Migration("20261207080000_OutboxTraceParent")]
public sealed class OutboxTraceParent : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            ALTER TABLE outbox_messages ADD COLUMN trace_parent text NULL;

            DROP FUNCTION decide_bookings(
                uuid[], uuid[], text[], integer[], timestamptz[], integer[], text[], text[], text[], text[], text[], timestamptz[],
                uuid[], text[], text[], text[], text[], uuid[], text[], text[]);

            CREATE FUNCTION decide_bookings(
                ids uuid[], request_ids uuid[], fingerprints text[], clinic_ids integer[], start_utcs timestamptz[],
                capacities integer[], booking_references text[], patient_names text[], patient_emails text[],
                patient_phones text[], languages text[], decided_ats timestamptz[],
                event_ids uuid[], event_types text[], event_bodies text[],
                rejected_event_types text[], rejected_event_bodies text[],
                availability_event_ids uuid[], local_dates text[], start_utc_texts text[],
                trace_parents text[] DEFAULT NULL)
            RETURNS boolean[]
            LANGUAGE plpgsql
            SET enable_seqscan = off
            AS $function$
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
                        INSERT INTO outbox_messages (message_id, message_type, body, created_at, trace_parent)
                        SELECT event_ids[i],
                               CASE WHEN outcome.confirmed THEN event_types[i] ELSE rejected_event_types[i] END,
                               (CASE WHEN outcome.confirmed THEN event_bodies[i] ELSE rejected_event_bodies[i] END)::jsonb,
                               decided_ats[i], trace_parents[i]
                        FROM outcome
                    ), availability_event AS (
                        INSERT INTO outbox_messages (message_id, message_type, body, created_at, trace_parent)
                        SELECT availability_event_ids[i], 'SlotAvailabilityChanged',
                               jsonb_build_object('clinicId', clinic_ids[i], 'date', local_dates[i], 'startUtc', start_utc_texts[i],
                                                  'capacity', outcome.capacity, 'booked', outcome.booked),
                               decided_ats[i], trace_parents[i]
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
