using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Dentistimo.BookingApi.Infrastructure.Migrations;

// Written by hand: Microsoft.EntityFrameworkCore.Design cannot be restored here, and plain SQL states the schema exactly.
[DbContext(typeof(BookingDbContext))]
[Migration("20261121080000_Clinics")]
public sealed class Clinics : Migration
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
                closure_dates date[]           NOT NULL
            );
            """);
    }
}
