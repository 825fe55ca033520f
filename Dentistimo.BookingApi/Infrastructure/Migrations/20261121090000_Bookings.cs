using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Dentistimo.BookingApi.Infrastructure.Migrations;

/// <summary>
/// The invariants that must never break live here, in the database, not only in application code:
/// a slot's bookings never exceed its capacity, a request id is decided once, and a patient holds
/// at most one appointment at a time. Outgoing events are written in the same transaction as the decision.
/// </summary>
[DbContext(typeof(BookingDbContext))]
[Migration("20261121090000_Bookings")]
public sealed class Bookings : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            -- One row per slot that has ever been booked; slots without a row have no bookings.
            CREATE TABLE slot_bookings (
                clinic_id integer     NOT NULL REFERENCES clinics (id),
                start_utc timestamptz NOT NULL,
                capacity  integer     NOT NULL,
                booked    integer     NOT NULL,
                PRIMARY KEY (clinic_id, start_utc),
                CONSTRAINT slot_never_overbooked CHECK (booked >= 0 AND booked <= capacity)
            );

            -- One row per booking request: its decision is made once and answered the same way on every retry.
            CREATE TABLE booking_requests (
                id              uuid        PRIMARY KEY,
                request_id      uuid        NOT NULL CONSTRAINT booking_request_decided_once UNIQUE,
                fingerprint     text        NOT NULL,
                clinic_id       integer     NOT NULL REFERENCES clinics (id),
                start_utc       timestamptz NOT NULL,
                status          text        NOT NULL CHECK (status IN ('confirmed', 'rejected')),
                reason_code     text        NULL,
                reference       text        NULL UNIQUE,
                patient_name    text        NOT NULL,
                patient_email   text        NOT NULL,
                patient_phone   text        NULL,
                language        text        NOT NULL,
                decided_at      timestamptz NOT NULL,
                CHECK ((status = 'confirmed') = (reason_code IS NULL)),
                CHECK ((status = 'confirmed') = (reference IS NOT NULL))
            );

            -- A patient (by normalised email) cannot hold two confirmed appointments that start at the same time.
            CREATE UNIQUE INDEX patient_one_appointment_at_a_time
                ON booking_requests (lower(patient_email), start_utc) WHERE status = 'confirmed';

            CREATE INDEX booking_requests_by_slot ON booking_requests (clinic_id, start_utc);

            -- Transactional outbox: written with the decision, published by the dispatcher, deleted once RabbitMQ confirmed it.
            CREATE TABLE outbox_messages (
                sequence     bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                message_id   uuid        NOT NULL UNIQUE,
                message_type text        NOT NULL,
                body         jsonb       NOT NULL,
                created_at   timestamptz NOT NULL
            );
            """);
    }
}
