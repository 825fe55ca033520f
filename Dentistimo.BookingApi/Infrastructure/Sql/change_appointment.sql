-- A patient's change to a confirmed appointment: a cancellation, or a move when new_start is given. Applied by the
-- migrations with CREATE OR REPLACE, after seats.sql; a migration that changes it applies this file again (one that
-- changes the parameters or the result type must DROP the function first).
--
-- One round trip and one commit, as a booking decision is. The caller read the booking without a lock, decided the
-- change from it (status, cutoff, the new slot's schedule) and built every event; this applies the change only if the
-- booking is still as read, which seen_sequence says (every change raises calendar_sequence), under the booking's row
-- lock held for this call alone:
--   1. a move takes a seat at its new time (take_seat), or finds none free ('fully-booked');
--   2. the booking is cancelled or moved (a moved one is reminded again, at its new time), the patient's count keeps
--      the appointment's time, or drops it, and the old time's seat is given back (give_back_seat);
--   3. its events go to the outbox: the change's own, and SlotAvailabilityChanged for each slot touched, with the seats
--      counted here.
-- It returns NULL when changed, 'not-found' for no such booking, 'changed-meanwhile' when the booking is no longer as
-- read (the caller reads it again and decides again), or 'fully-booked'. The patient's other appointment at the new time
-- is a unique violation of patient_one_appointment_at_a_time, which aborts the whole call, seat included.
-- A change locks rows in another order than a decision (which locks a slot, then its patients), so it can deadlock with
-- decisions and other changes; PostgreSQL breaks that after a second and the caller makes the change again.
CREATE OR REPLACE FUNCTION change_appointment(
    booking_id uuid, seen_sequence integer, new_start timestamptz, new_capacity integer, change_time timestamptz,
    change_event_id uuid, change_event_type text, change_event_body text,
    freed_event_id uuid, freed_event_body text, taken_event_id uuid, taken_event_body text, event_trace_parent text)
RETURNS text
LANGUAGE plpgsql
-- As decide_bookings: planned on a new database's near-empty tables, its statements would read them whole as they grew.
SET enable_seqscan = off
AS $function$
DECLARE
    booking record;
    taken_booked integer;
    taken_version integer;
    freed record;
BEGIN
    SELECT clinic_id, start_utc, status, calendar_sequence, patient_email INTO booking
    FROM booking_requests WHERE id = booking_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN 'not-found';
    END IF;

    IF booking.status <> 'confirmed' OR booking.calendar_sequence <> seen_sequence THEN
        RETURN 'changed-meanwhile';
    END IF;

    IF new_start IS NULL THEN
        UPDATE booking_requests
        SET status = 'cancelled', changed_at = change_time, calendar_sequence = calendar_sequence + 1
        WHERE id = booking_id;
        UPDATE patient_appointments SET upcoming_starts = array_remove(upcoming_starts, booking.start_utc)
        WHERE patient_email = lower(booking.patient_email);
    ELSE
        SELECT seats_booked, seats_version INTO taken_booked, taken_version
        FROM take_seat(booking.clinic_id, new_start, new_capacity);
        IF taken_booked IS NULL THEN
            RETURN 'fully-booked';
        END IF;

        UPDATE booking_requests
        SET start_utc = new_start, changed_at = change_time, calendar_sequence = calendar_sequence + 1, reminder_done = false
        WHERE id = booking_id;
        UPDATE patient_appointments SET upcoming_starts = array_replace(upcoming_starts, booking.start_utc, new_start)
        WHERE patient_email = lower(booking.patient_email);
    END IF;

    SELECT seats_capacity, seats_booked, seats_version INTO freed FROM give_back_seat(booking.clinic_id, booking.start_utc);

    -- The change first, then the seat a move took, then the seat given back: the order they happened in.
    INSERT INTO outbox_messages (message_id, message_type, body, created_at, trace_parent)
    SELECT event.id, event.type, event.body, change_time, event_trace_parent
    FROM (VALUES (1, change_event_id, change_event_type, change_event_body::jsonb),
                 (2, taken_event_id, 'SlotAvailabilityChanged', with_seats(taken_event_body, new_capacity, taken_booked, taken_version)),
                 (3, freed_event_id, 'SlotAvailabilityChanged', with_seats(freed_event_body, freed.seats_capacity, freed.seats_booked, freed.seats_version)))
        AS event (position, id, type, body)
    WHERE event.id IS NOT NULL
    ORDER BY event.position;

    RETURN NULL;
END
$function$;
