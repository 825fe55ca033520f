using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Dentistimo.BookingApi.Infrastructure.Migrations;

/// <summary>
/// Drops the foreign key from booking_requests to clinics. It was checked for every decision, with a query that
/// locks the clinic's row (FOR KEY SHARE): every concurrent decision for a clinic locked the same row, on the same
/// page, and logged that lock. At 2,000 decisions a second that was 7% of PostgreSQL's CPU, the largest part of a
/// decision that decides nothing.
/// </summary>
/// <remarks>
/// The clinic stays checked where it matters: BookingApi decides only for clinics in the registry, clinics are never
/// deleted, and a confirmed booking takes its seat in slot_bookings, whose foreign key to clinics remains (checked
/// once per slot, when its first seat is taken).
/// </remarks>
[DbContext(typeof(BookingDbContext))]
[Migration("20261121140000_NoClinicLockPerDecision")]
public sealed class NoClinicLockPerDecision : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("ALTER TABLE booking_requests DROP CONSTRAINT booking_requests_clinic_id_fkey;");
    }
}
