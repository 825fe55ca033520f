using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Dentistimo.Notifier.Infrastructure.Migrations;

// Written by hand: Microsoft.EntityFrameworkCore.Design cannot be restored here.
[DbContext(typeof(NotifierDbContext))]
[Migration("20261121080000_SentEmails")]
public sealed class SentEmails : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            CREATE TABLE sent_emails (
                message_id uuid        PRIMARY KEY,
                kind       text        NOT NULL,
                sent_at    timestamptz NOT NULL
            );
            """);
    }
}
