using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Dentistimo.BookingApi.Infrastructure.Migrations;

/// <summary>
/// A message the dispatcher cannot read (an event type this version does not know, during a rolling deploy, say)
/// is parked with its reason instead of blocking every message behind it. Parked rows stay for an operator.
/// </summary>
[DbContext(typeof(BookingDbContext))]
[Migration("20261121100000_OutboxParking")]
public sealed class OutboxParking : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            ALTER TABLE outbox_messages ADD COLUMN parked_at timestamptz NULL, ADD COLUMN parked_because text NULL;
            CREATE INDEX outbox_messages_waiting ON outbox_messages (sequence) WHERE parked_at IS NULL;
            """);
    }
}
