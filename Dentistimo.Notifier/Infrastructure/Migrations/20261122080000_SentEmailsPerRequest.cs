using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Dentistimo.Notifier.Infrastructure.Migrations;

/// <summary>
/// A decision may reach us under more than one message id (republished by hand, or published twice by a future bug),
/// so one email per request and kind is a database rule too, next to one email per message.
/// </summary>
[DbContext(typeof(NotifierDbContext))]
[Migration("20261122080000_SentEmailsPerRequest")]
public sealed class SentEmailsPerRequest : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            -- Rows written before this column existed get a random request id: their request is unknown and cannot collide.
            ALTER TABLE sent_emails ADD COLUMN request_id uuid NOT NULL DEFAULT gen_random_uuid();
            ALTER TABLE sent_emails ALTER COLUMN request_id DROP DEFAULT;
            CREATE UNIQUE INDEX sent_emails_one_per_request_and_kind ON sent_emails (request_id, kind);
            """);
    }
}
