-- A slot's seats: the one place they are taken and given back, by decide_bookings (a booking) and change_appointment
-- (a move, a cancellation) alike. Applied with CREATE OR REPLACE by the migrations, before the functions that call them.
--
-- The slot's CHECK (0 <= booked <= capacity) makes overbooking impossible whoever writes the counter; these functions
-- make taking a seat one rule: under the capacity the caller's schedule gives, recorded on the slot, or no seat at all.
-- They run under their caller's settings (enable_seqscan off, see decide_bookings.sql), which also plan their statements.

-- Takes a seat from the slot's counter and returns how many are booked now, or NULL when none is free.
-- A plain UPDATE when the slot has a row, an upsert only when it has none: the UPDATE locks the row only if a seat looks
-- free, so requests for a full slot are refused side by side instead of queueing on one another's commits.
CREATE OR REPLACE FUNCTION take_seat(slot_clinic_id integer, slot_start_utc timestamptz, slot_capacity integer)
RETURNS integer
LANGUAGE plpgsql
AS $function$
DECLARE
    seats_booked integer;
BEGIN
    WITH taken AS (
        UPDATE slot_bookings AS slot
        SET booked = slot.booked + 1, capacity = slot_capacity
        WHERE slot.clinic_id = slot_clinic_id AND slot.start_utc = slot_start_utc AND slot.booked < slot_capacity
        RETURNING slot.booked
    ), first_seat AS (
        INSERT INTO slot_bookings AS slot (clinic_id, start_utc, capacity, booked)
        SELECT slot_clinic_id, slot_start_utc, slot_capacity, 1
        WHERE NOT EXISTS (SELECT 1 FROM slot_bookings WHERE clinic_id = slot_clinic_id AND start_utc = slot_start_utc)
        -- Another transaction inserted the row after this statement's snapshot: take a seat from it as the UPDATE would.
        ON CONFLICT (clinic_id, start_utc) DO UPDATE
            SET booked = slot.booked + 1, capacity = EXCLUDED.capacity
            WHERE slot.booked < EXCLUDED.capacity
        RETURNING slot.booked
    )
    SELECT seat.booked INTO seats_booked FROM (SELECT booked FROM taken UNION ALL SELECT booked FROM first_seat) AS seat;
    RETURN seats_booked;
END
$function$;

-- Gives a seat back to the slot's counter and returns the slot's seats after it. A slot with no row holds no seat to
-- give back: its caller's booking and the counters are out of step, which must not pass silently.
CREATE OR REPLACE FUNCTION give_back_seat(
    slot_clinic_id integer, slot_start_utc timestamptz, OUT seats_capacity integer, OUT seats_booked integer)
LANGUAGE plpgsql
AS $function$
BEGIN
    UPDATE slot_bookings SET booked = booked - 1
    WHERE clinic_id = slot_clinic_id AND start_utc = slot_start_utc
    RETURNING capacity, booked INTO seats_capacity, seats_booked;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'A seat was given back to clinic %, %, which holds none in slot_bookings.', slot_clinic_id, slot_start_utc;
    END IF;
END
$function$;

-- A SlotAvailabilityChanged body the caller built, with the seats the database counted.
CREATE OR REPLACE FUNCTION with_seats(availability_body text, seats_capacity integer, seats_booked integer) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN jsonb_set(jsonb_set(availability_body::jsonb, '{capacity}', to_jsonb(seats_capacity)), '{booked}', to_jsonb(seats_booked));
