using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Dentistimo.BookingApi.Infrastructure.Migrations;

/// <summary>
/// Patients cancel and move their appointments, and are reminded of them. A cancelled booking keeps its row (a retry
/// of the cancellation answers from it) and gives its seats back; <c>calendar_sequence</c> is the SEQUENCE of the
/// calendar entry its emails carry, raised by each change; <c>reminder_done</c> is set in the transaction that writes the
/// reminder's event (or decides none is needed), so each appointment time is reminded once whatever restarts.
/// </summary>
[DbContext(typeof(BookingDbContext))]
[Migration("20261207090000_AppointmentChanges")]
public sealed class AppointmentChanges : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            ALTER TABLE clinics ADD COLUMN phone text NULL;

            ALTER TABLE booking_requests
                DROP CONSTRAINT booking_requests_status_check,
                DROP CONSTRAINT booking_requests_check,
                DROP CONSTRAINT booking_requests_check1,
                ADD CONSTRAINT booking_status_known CHECK (status IN ('confirmed', 'rejected', 'cancelled')),
                ADD CONSTRAINT only_rejections_have_reasons CHECK ((status = 'rejected') = (reason_code IS NOT NULL)),
                ADD CONSTRAINT only_appointments_have_references CHECK ((status = 'rejected') = (reference IS NULL)),
                ADD COLUMN changed_at        timestamptz NULL,
                ADD COLUMN calendar_sequence integer     NOT NULL DEFAULT 0,
                ADD COLUMN reminder_done     boolean     NOT NULL DEFAULT false;

            CREATE INDEX appointments_to_remind ON booking_requests (start_utc) WHERE status = 'confirmed' AND NOT reminder_done;
            """);
    }
}
