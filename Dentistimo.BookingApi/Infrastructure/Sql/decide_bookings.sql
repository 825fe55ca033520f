-- The booking decision. Applied by the migrations with CREATE OR REPLACE, after seats.sql (take_seat, give_back_seat);
-- a later migration that changes the logic applies this file again (one that changes the parameters or the result type
-- must DROP the function first).
--
-- decide_bookings decides a batch of requests in one round trip and one commit (DecisionBatcher); a single request is a
-- batch of one. The arrays are parallel, one element per request. For each request, in the order given:
--   1. take a seat from the slot's counter (take_seat), or find none free ('fully-booked'); the slot's CHECK makes
--      overbooking impossible;
--   2. take a seat from the patient's counter of upcoming appointments, or give the slot's seat back ('patient-limit-reached'),
--      so a request for a full slot never touches the patient's row and a rejected one holds no seat;
--   3. record the decision in booking_requests and write its events to the outbox, in the same transaction. The caller
--      builds every event; this fills in only what the decision learns: the reason code, and the slot's seats.
-- It returns each request's rejection code, NULL when confirmed.
--
-- Any unique violation (a second decision for a request id, the patient's second appointment at that time, a reference
-- already used) aborts the whole call, seats included: the caller then decides the batch one by one to learn which.
-- The patient's seat is an upsert, which locks the row even when it takes nothing; only requests for one address
-- wait on each other there. The caller orders a batch by slot; batches can still deadlock (one patient at one time in two
-- batches, or a slot and a patient taken in opposite orders), which PostgreSQL breaks after a second, and the caller
-- decides those requests again.

-- Only starts after the instant given: the appointments that still count against a patient then.
CREATE OR REPLACE FUNCTION starts_after(starts timestamptz[], instant timestamptz) RETURNS timestamptz[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ARRAY(SELECT s FROM unnest(starts) AS s WHERE s > instant ORDER BY s);

CREATE OR REPLACE FUNCTION decide_bookings(
    ids uuid[], request_ids uuid[], fingerprints text[], clinic_ids integer[], start_utcs timestamptz[],
    capacities integer[], max_upcomings integer[], booking_references text[], patient_names text[], patient_emails text[],
    patient_phones text[], languages text[], decided_ats timestamptz[],
    event_ids uuid[], event_types text[], event_bodies text[],
    rejected_event_types text[], rejected_event_bodies text[],
    availability_event_ids uuid[], availability_event_bodies text[],
    trace_parents text[] DEFAULT NULL)
RETURNS text[]
LANGUAGE plpgsql
-- PL/pgSQL keeps a statement's plan per connection until the next ANALYZE: planned on a new database's near-empty tables,
-- it read them whole as they grew (seconds per decision until autovacuum analysed). Every statement here goes by key.
SET enable_seqscan = off
AS $function$
DECLARE
    rejections text[] := '{}';
    rejection text;
    seat record;
BEGIN
    FOR i IN 1 .. coalesce(array_length(ids, 1), 0) LOOP
        SELECT seats_booked, seats_version INTO seat FROM take_seat(clinic_ids[i], start_utcs[i], capacities[i]);

        rejection := NULL;
        IF seat.seats_booked IS NULL THEN
            rejection := 'fully-booked';
        ELSE
            INSERT INTO patient_appointments AS patient (patient_email, upcoming_starts, max_upcoming)
            VALUES (lower(patient_emails[i]), ARRAY[start_utcs[i]], max_upcomings[i])
            ON CONFLICT (patient_email) DO UPDATE
                SET upcoming_starts = starts_after(patient.upcoming_starts, decided_ats[i]) || start_utcs[i],
                    max_upcoming = EXCLUDED.max_upcoming
                WHERE cardinality(starts_after(patient.upcoming_starts, decided_ats[i])) < EXCLUDED.max_upcoming;
            IF NOT FOUND THEN
                PERFORM give_back_seat(clinic_ids[i], start_utcs[i]);
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
                    with_seats(availability_event_bodies[i], capacities[i], seat.seats_booked, seat.seats_version),
                    decided_ats[i], trace_parents[i]);
        END IF;

        rejections := rejections || rejection;
    END LOOP;
    RETURN rejections;
END
$function$;
