using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Dentistimo.Notifier.Infrastructure.Migrations;

/// <remarks>Written by hand: Microsoft.EntityFrameworkCore.Design cannot be restored here.</remarks>
[DbContext(typeof(NotifierDbContext))]
[Migration("20261207100000_InitialSchema")]
public sealed class InitialSchema : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            CREATE TABLE sent_emails (
                message_id uuid        PRIMARY KEY,
                kind       text        NOT NULL,
                sent_at    timestamptz NOT NULL,
                request_id uuid        NOT NULL
            );

            -- A decision may arrive under more than one message id (republished by hand, say), so one email per request
            -- and kind is a database rule too, next to one email per message.
            CREATE UNIQUE INDEX sent_emails_one_per_request_and_kind ON sent_emails (request_id, kind);
            """);
    }
}
