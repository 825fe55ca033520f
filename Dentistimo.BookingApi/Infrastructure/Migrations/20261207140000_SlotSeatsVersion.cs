using Dentistimo.BookingApi.Infrastructure.Sql;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Dentistimo.BookingApi.Infrastructure.Migrations;

/// <summary>
/// A slot's seats have a version that every change of them raises, written into each SlotAvailabilityChanged, so the
/// live grid can tell an older event from a newer one. The seat functions return it: dropped and created again, then the
/// two that call them applied again.
/// </summary>
[DbContext(typeof(BookingDbContext))]
[Migration("20261207140000_SlotSeatsVersion")]
public sealed class SlotSeatsVersion : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            ALTER TABLE slot_bookings ADD COLUMN version integer NOT NULL DEFAULT 0;

            DROP FUNCTION take_seat(integer, timestamptz, integer);
            DROP FUNCTION give_back_seat(integer, timestamptz);
            DROP FUNCTION IF EXISTS with_seats(text, integer, integer);
            """);
        migrationBuilder.Sql(BookingSql.Seats);
        migrationBuilder.Sql(BookingSql.DecideBookings);
        migrationBuilder.Sql(BookingSql.ChangeAppointment);
    }
}
