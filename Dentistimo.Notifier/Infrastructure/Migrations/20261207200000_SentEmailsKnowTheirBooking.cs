using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Dentistimo.Notifier.Infrastructure.Migrations;

/// <remarks>Written by hand, as <see cref="InitialSchema"/> is.</remarks>
[DbContext(typeof(NotifierDbContext))]
[Migration("20261207200000_SentEmailsKnowTheirBooking")]
public sealed class SentEmailsKnowTheirBooking : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            -- Emails recorded before this know no booking, and supersede nothing.
            ALTER TABLE sent_emails
                ADD COLUMN booking_id        uuid,
                ADD COLUMN calendar_sequence integer,
                ADD CONSTRAINT sent_emails_booking_has_calendar_sequence CHECK ((booking_id IS NULL) = (calendar_sequence IS NULL));

            CREATE INDEX sent_emails_by_booking ON sent_emails (booking_id) WHERE booking_id IS NOT NULL;
            """);
    }
}
