using Dentistimo.BookingApi.Infrastructure.Sql;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Dentistimo.BookingApi.Infrastructure.Migrations;

/// <summary>
/// A patient's change is one call of change_appointment, and it and decide_bookings take seats through seats.sql's
/// functions: all three applied again, seats first.
/// </summary>
[DbContext(typeof(BookingDbContext))]
[Migration("20261207120000_AppointmentChangeInOneCall")]
public sealed class AppointmentChangeInOneCall : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql(BookingSql.Seats);
        migrationBuilder.Sql(BookingSql.DecideBookings);
        migrationBuilder.Sql(BookingSql.ChangeAppointment);
    }
}
