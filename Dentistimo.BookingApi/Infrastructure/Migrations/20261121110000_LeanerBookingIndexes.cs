using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Dentistimo.BookingApi.Infrastructure.Migrations;

/// <summary>
/// Every booking request writes a row to booking_requests, so each of its indexes costs every decision. Two of them
/// cost the most when a slot is popular, because every request for it writes the same key into the same index page:
/// <c>booking_requests_by_slot</c>, which no query uses (availability is read from slot_bookings), and the
/// reference's unique index, where every rejection wrote a NULL. References are unique among the rows that have one.
/// </summary>
[DbContext(typeof(BookingDbContext))]
[Migration("20261121110000_LeanerBookingIndexes")]
public sealed class LeanerBookingIndexes : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            DROP INDEX booking_requests_by_slot;
            ALTER TABLE booking_requests DROP CONSTRAINT booking_requests_reference_key;
            CREATE UNIQUE INDEX booking_requests_reference_key ON booking_requests (reference) WHERE reference IS NOT NULL;
            """);
    }
}
