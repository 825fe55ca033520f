using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Dentistimo.BookingApi.Infrastructure.Migrations;

/// <summary>
/// Every statement in <c>decide_bookings</c> finds its rows by key, and must keep doing so however small the tables
/// were when a connection first called it. PL/pgSQL plans each statement once per connection and keeps the plan until
/// the tables' next ANALYZE; on a new database that plan was made while slot_bookings had a page or two, so it read the
/// whole table instead of its primary key, and went on doing so as the table grew: in a benchmark from an empty
/// database, 57,000 sequential scans of 1,800 rows each, and decisions queued for seconds until autovacuum's first
/// ANALYZE, up to a minute later, made PostgreSQL plan again.
/// </summary>
[DbContext(typeof(BookingDbContext))]
[Migration("20261121130000_DecideBookingsByKey")]
public sealed class DecideBookingsByKey : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("ALTER FUNCTION decide_bookings SET enable_seqscan = off;");
    }
}
