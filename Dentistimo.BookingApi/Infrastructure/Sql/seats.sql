-- A slot's seats: the one place they are taken and given back, by decide_bookings (a booking) and change_appointment
-- (a move, a cancellation) alike. Applied with CREATE OR REPLACE by the migrations, before the functions that call them.
--
-- The slot's CHECK (0 <= booked <= capacity) makes overbooking impossible whoever writes the counter; these functions
-- make taking a seat one rule: under the capacity the caller's schedule gives, recorded on the slot, or no seat at all.
-- They run under their caller's settings (enable_seqscan off, see decide_bookings.sql), which also plan their statements.
-- Every change of a slot's seats raises its version, under the row's lock, so the events that carry the seats can be
-- put in order by whoever receives them out of order (the live slot grid).

-- Takes a seat from the slot's counter and returns how many are booked now and the seats' version, or NULLs when none
-- is free.
-- A plain UPDATE when the slot has a row, an upsert only when it has none: the UPDATE locks the row only if a seat looks
-- free, so requests for a full slot are refused side by side instead of queueing on one another's commits.
CREATE OR REPLACE FUNCTION take_seat(
    slot_clinic_id integer, slot_start_utc timestamptz, slot_capacity integer, OUT seats_booked integer, OUT seats_version integer)
LANGUAGE plpgsql
AS $function$
BEGIN
    WITH taken AS (
        UPDATE slot_bookings AS slot
        SET booked = slot.booked + 1, capacity = slot_capacity, version = slot.version + 1
        WHERE slot.clinic_id = slot_clinic_id AND slot.start_utc = slot_start_utc AND slot.booked < slot_capacity
        RETURNING slot.booked, slot.version
    ), first_seat AS (
        INSERT INTO slot_bookings AS slot (clinic_id, start_utc, capacity, booked, version)
        SELECT slot_clinic_id, slot_start_utc, slot_capacity, 1, 1
        WHERE NOT EXISTS (SELECT 1 FROM slot_bookings WHERE clinic_id = slot_clinic_id AND start_utc = slot_start_utc)
        -- Another transaction inserted the row after this statement's snapshot: take a seat from it as the UPDATE would.
        ON CONFLICT (clinic_id, start_utc) DO UPDATE
            SET booked = slot.booked + 1, capacity = EXCLUDED.capacity, version = slot.version + 1
            WHERE slot.booked < EXCLUDED.capacity
        RETURNING slot.booked, slot.version
    )
    SELECT seat.booked, seat.version INTO seats_booked, seats_version
    FROM (SELECT booked, version FROM taken UNION ALL SELECT booked, version FROM first_seat) AS seat;
END
$function$;

-- Gives a seat back to the slot's counter and returns the slot's seats after it. A slot with no row holds no seat to
-- give back: its caller's booking and the counters are out of step, which must not pass silently.
CREATE OR REPLACE FUNCTION give_back_seat(
    slot_clinic_id integer, slot_start_utc timestamptz,
    OUT seats_capacity integer, OUT seats_booked integer, OUT seats_version integer)
LANGUAGE plpgsql
AS $function$
BEGIN
    UPDATE slot_bookings SET booked = booked - 1, version = version + 1
    WHERE clinic_id = slot_clinic_id AND start_utc = slot_start_utc
    RETURNING capacity, booked, version INTO seats_capacity, seats_booked, seats_version;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'A seat was given back to clinic %, %, which holds none in slot_bookings.', slot_clinic_id, slot_start_utc;
    END IF;
END
$function$;

-- A SlotAvailabilityChanged body the caller built, with the seats the database counted and their version.
CREATE OR REPLACE FUNCTION with_seats(
    availability_body text, seats_capacity integer, seats_booked integer, seats_version integer) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN availability_body::jsonb
    || jsonb_build_object('capacity', seats_capacity, 'booked', seats_booked, 'version', seats_version);
