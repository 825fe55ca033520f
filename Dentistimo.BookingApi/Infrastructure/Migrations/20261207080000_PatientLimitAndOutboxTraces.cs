using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Dentistimo.BookingApi.Infrastructure.Migrations;

/// <summary>
/// A patient (an email address, in any case, its domain in IDNA as BookingApi keeps it) holds at most
/// <c>Booking:MaxUpcomingPerPatient</c> appointments that have not started, across all clinics. Enforced as capacity is:
/// one row per patient counts their upcoming appointments, under a CHECK that the count never exceeds the limit the row
/// was last taken under, and concurrent decisions for one patient queue on that row.
/// </summary>
/// <remarks>
/// <c>decide_bookings</c> now takes a seat from the slot first, as before, and only then from the patient, giving the
/// slot's seat back when the patient has none: a request for a full slot never touches the patient's row, and a
/// rejected one holds no seat. It returns each request's rejection code (null when confirmed) instead of a flag, and
/// writes the rejection's code into the rejected event's body. The patient's seat is an upsert, which locks the row even
/// when it takes nothing; only requests for the same address wait on each other there. Two batches can still deadlock on
/// a slot and a patient taken in opposite orders; PostgreSQL breaks that after a second, and the caller decides the
/// requests again (<see cref="DecisionBatcher"/>).
///
/// The row holds the address, so <see cref="PatientDataRetention"/> deletes it once every appointment it counts has started.
///
/// The function also takes <c>trace_parents</c>, last and NULL by default, and writes them to the decision's outbox rows.
/// </remarks>
[DbContext(typeof(BookingDbContext))]
[Migration("20261207080000_PatientLimitAndOutboxTraces")]
public sealed class PatientLimitAndOutboxTraces : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            -- Only starts after the instant given: the appointments that still count against a patient then.
            CREATE FUNCTION starts_after(starts timestamptz[], instant timestamptz) RETURNS timestamptz[]
            LANGUAGE sql IMMUTABLE PARALLEL SAFE
            RETURN ARRAY(SELECT s FROM unnest(starts) AS s WHERE s > instant ORDER BY s);

            CREATE TABLE patient_appointments (
                patient_email   text          PRIMARY KEY, -- lower(booking_requests.patient_email)
                upcoming_starts timestamptz[] NOT NULL,    -- of confirmed appointments; those already started are pruned on the next booking
                max_upcoming    integer       NOT NULL,
                CONSTRAINT patient_never_over_limit CHECK (cardinality(upcoming_starts) <= max_upcoming)
            );

            -- Appointments confirmed before this migration count too; a patient over the limit already keeps them.
            INSERT INTO patient_appointments (patient_email, upcoming_starts, max_upcoming)
            SELECT lower(patient_email), array_agg(start_utc ORDER BY start_utc), count(*)
            FROM booking_requests WHERE status = 'confirmed' AND start_utc > now()
            GROUP BY lower(patient_email);

            -- Each outbox row keeps the W3C traceparent of the request that caused it, so the dispatcher publishes it in that
            -- request's trace: without it the outbox ends the trace at BookingApi.
            ALTER TABLE outbox_messages ADD COLUMN trace_parent text NULL;

            DROP FUNCTION decide_bookings;

            CREATE FUNCTION decide_bookings(
                ids uuid[], request_ids uuid[], fingerprints text[], clinic_ids integer[], start_utcs timestamptz[],
                capacities integer[], max_upcomings integer[], booking_references text[], patient_names text[], patient_emails text[],
                patient_phones text[], languages text[], decided_ats timestamptz[],
                event_ids uuid[], event_types text[], event_bodies text[],
                rejected_event_types text[], rejected_event_bodies text[],
                availability_event_ids uuid[], local_dates text[], start_utc_texts text[],
                trace_parents text[] DEFAULT NULL)
            RETURNS text[]
            LANGUAGE plpgsql
            -- Migration DecideBookingsByKey says why.
            SET enable_seqscan = off
            AS $function$
            DECLARE
                rejections text[] := '{}';
                rejection text;
                seat_booked integer;
                seat_capacity integer;
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
                    )
                    SELECT seat.booked, seat.capacity INTO seat_booked, seat_capacity
                    FROM (SELECT booked, capacity FROM taken UNION ALL SELECT booked, capacity FROM first_seat) AS seat;

                    rejection := NULL;
                    IF seat_booked IS NULL THEN
                        rejection := 'fully-booked';
                    ELSE
                        INSERT INTO patient_appointments AS patient (patient_email, upcoming_starts, max_upcoming)
                        VALUES (lower(patient_emails[i]), ARRAY[start_utcs[i]], max_upcomings[i])
                        ON CONFLICT (patient_email) DO UPDATE
                            SET upcoming_starts = starts_after(patient.upcoming_starts, decided_ats[i]) || start_utcs[i],
                                max_upcoming = EXCLUDED.max_upcoming
                            WHERE cardinality(starts_after(patient.upcoming_starts, decided_ats[i])) < EXCLUDED.max_upcoming;
                        IF NOT FOUND THEN
                            UPDATE slot_bookings SET booked = booked - 1 WHERE clinic_id = clinic_ids[i] AND start_utc = start_utcs[i];
                            rejection := 'patient-limit-reached';
                        END IF;
                    END IF;

                    INSERT INTO booking_requests (id, request_id, fingerprint, clinic_id, start_utc, status, reason_code, reference,
                                                  patient_name, patient_email, patient_phone, language, decided_at)
                    VALUES (ids[i], request_ids[i], fingerprints[i], clinic_ids[i], start_utcs[i],
                            CASE WHEN rejection IS NULL THEN 'confirmed' ELSE 'rejected' END, rejection,
                            CASE WHEN rejection IS NULL THEN booking_references[i] END,
                            patient_names[i], patient_emails[i], patient_phones[i], languages[i], decided_ats[i]);

                    INSERT INTO outbox_messages (message_id, message_type, body, created_at, trace_parent)
                    VALUES (event_ids[i],
                            CASE WHEN rejection IS NULL THEN event_types[i] ELSE rejected_event_types[i] END,
                            CASE WHEN rejection IS NULL THEN event_bodies[i]::jsonb
                                 ELSE jsonb_set(rejected_event_bodies[i]::jsonb, '{reasonCode}', to_jsonb(rejection)) END,
                            decided_ats[i], trace_parents[i]);

                    IF rejection IS NULL THEN
                        INSERT INTO outbox_messages (message_id, message_type, body, created_at, trace_parent)
                        VALUES (availability_event_ids[i], 'SlotAvailabilityChanged',
                                jsonb_build_object('clinicId', clinic_ids[i], 'date', local_dates[i], 'startUtc', start_utc_texts[i],
                                                   'capacity', seat_capacity, 'booked', seat_booked),
                                decided_ats[i], trace_parents[i]);
                    END IF;

                    rejections := rejections || rejection;
                END LOOP;
                RETURN rejections;
            END
            $function$;
            """);
    }
}
