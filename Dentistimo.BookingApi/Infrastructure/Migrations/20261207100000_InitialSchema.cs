using Dentistimo.BookingApi.Infrastructure.Sql;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Dentistimo.BookingApi.Infrastructure.Migrations;

/// <summary>The invariants that must never break live here, in the database, not only in code.</summary>
/// <remarks>Written by hand: Microsoft.EntityFrameworkCore.Design cannot be restored here.</remarks>
[DbContext(typeof(BookingDbContext))]
[Migration("20261207100000_InitialSchema")]
public sealed class InitialSchema : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            CREATE TABLE clinics (
                id            integer PRIMARY KEY,
                name          text             NOT NULL,
                address       text             NOT NULL,
                latitude      double precision NOT NULL,
                longitude     double precision NOT NULL,
                dentists      integer          NOT NULL CHECK (dentists > 0),
                opening_hours jsonb            NOT NULL,
                breaks        text[]           NOT NULL,
                closure_dates date[]           NOT NULL,
                phone         text             NULL
            );

            -- One row per slot that has ever been booked; slots without a row have no bookings.
            CREATE TABLE slot_bookings (
                clinic_id integer     NOT NULL REFERENCES clinics (id),
                start_utc timestamptz NOT NULL,
                capacity  integer     NOT NULL,
                booked    integer     NOT NULL,
                PRIMARY KEY (clinic_id, start_utc),
                CONSTRAINT slot_never_overbooked CHECK (booked >= 0 AND booked <= capacity)
            );

            -- One row per booking request: its decision is made once and answered the same way on every retry. A cancelled
            -- booking keeps its row (a retry of the cancellation answers from it); calendar_sequence is the SEQUENCE of the
            -- calendar entry its emails carry, raised by each change; reminder_done is set in the transaction that writes the
            -- reminder's event, so each appointment time is reminded once whatever restarts.
            -- No foreign key to clinics: checking it locked the clinic's row (FOR KEY SHARE) for every decision. Clinics are
            -- never deleted, BookingApi decides only for clinics it knows, and slot_bookings' foreign key checks each slot once.
            CREATE TABLE booking_requests (
                id                uuid        PRIMARY KEY,
                request_id        uuid        NOT NULL CONSTRAINT booking_request_decided_once UNIQUE,
                fingerprint       text        NOT NULL,
                clinic_id         integer     NOT NULL,
                start_utc         timestamptz NOT NULL,
                status            text        NOT NULL,
                reason_code       text        NULL,
                reference         text        NULL,
                patient_name      text        NOT NULL,
                patient_email     text        NOT NULL,
                patient_phone     text        NULL,
                language          text        NOT NULL,
                decided_at        timestamptz NOT NULL,
                changed_at        timestamptz NULL,
                calendar_sequence integer     NOT NULL DEFAULT 0,
                reminder_done     boolean     NOT NULL DEFAULT false,
                CONSTRAINT booking_status_known CHECK (status IN ('confirmed', 'rejected', 'cancelled')),
                CONSTRAINT only_rejections_have_reasons CHECK ((status = 'rejected') = (reason_code IS NOT NULL)),
                CONSTRAINT only_appointments_have_references CHECK ((status = 'rejected') = (reference IS NULL))
            );

            -- A patient (by normalised email) cannot hold two confirmed appointments that start at the same time.
            CREATE UNIQUE INDEX patient_one_appointment_at_a_time
                ON booking_requests (lower(patient_email), start_utc) WHERE status = 'confirmed';

            -- Every decision writes to each index of booking_requests: rejections, which have no reference, skip this one.
            -- (No index by slot: availability is read from slot_bookings.)
            CREATE UNIQUE INDEX booking_requests_reference_key ON booking_requests (reference) WHERE reference IS NOT NULL;

            CREATE INDEX appointments_to_remind ON booking_requests (start_utc) WHERE status = 'confirmed' AND NOT reminder_done;

            -- A patient's upcoming appointments, across clinics, counted as a slot's seats are: under a CHECK against the limit
            -- the row was last taken under, so concurrent decisions for one patient queue on this row. PatientDataRetention
            -- deletes the row, which holds the address, once every appointment it counts has started.
            CREATE TABLE patient_appointments (
                patient_email   text          PRIMARY KEY, -- lower(booking_requests.patient_email)
                upcoming_starts timestamptz[] NOT NULL,    -- of confirmed appointments; those already started are pruned on the next booking
                max_upcoming    integer       NOT NULL,
                CONSTRAINT patient_never_over_limit CHECK (cardinality(upcoming_starts) <= max_upcoming)
            );

            -- Transactional outbox: written with the decision, published by the dispatcher, deleted once RabbitMQ confirmed it.
            -- A message the dispatcher cannot read (an event type this version does not know, say) is parked with its reason
            -- instead of blocking every message behind it. trace_parent (W3C) lets the dispatcher publish in the request's trace.
            CREATE TABLE outbox_messages (
                sequence       bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                message_id     uuid        NOT NULL UNIQUE,
                message_type   text        NOT NULL,
                body           jsonb       NOT NULL,
                created_at     timestamptz NOT NULL,
                parked_at      timestamptz NULL,
                parked_because text        NULL,
                trace_parent   text        NULL
            );

            CREATE INDEX outbox_messages_waiting ON outbox_messages (sequence) WHERE parked_at IS NULL;
            """);

        migrationBuilder.Sql(BookingSql.Seats);
        migrationBuilder.Sql(BookingSql.DecideBookings);
    }
}
