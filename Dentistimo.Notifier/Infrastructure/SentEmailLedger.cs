using Dentistimo.Notifier.Email;
using Microsoft.EntityFrameworkCore;

namespace Dentistimo.Notifier.Infrastructure;

/// <summary>
/// Sends each booking email at most once per message and per (request, kind), even when RabbitMQ delivers an event
/// twice at the same moment to two consumers.
/// </summary>
/// <remarks>
/// The row is inserted in a transaction before sending and committed only after SMTP accepted the email. A concurrent
/// duplicate's insert waits on the uncommitted unique key: if the first sender commits, the duplicate finds the email
/// sent and sends nothing; if it rolls back (SMTP failed), the duplicate takes over. One window remains: a crash, or a
/// lost database connection, after SMTP accepted and before the commit. The event is then redelivered and the email sent
/// again, with the same Message-ID (derived from the request id), which lets mail clients recognise the duplicate.
/// </remarks>
public sealed class SentEmailLedger(NotifierDbContext db, TimeProvider timeProvider)
{
    /// <returns>False when this email was sent before and nothing was sent now.</returns>
    public async Task<bool> SendOnceAsync(Guid messageId, Guid requestId, EmailKind kind, Func<CancellationToken, Task> send, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var sentAt = timeProvider.GetUtcNow();
        var kindName = kind.ToStoredName();
        var claimed = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO sent_emails (message_id, request_id, kind, sent_at)
            VALUES ({messageId}, {requestId}, {kindName}, {sentAt})
            ON CONFLICT DO NOTHING
            """, cancellationToken);
        if (claimed == 0)
        {
            return false;
        }

        await send(cancellationToken);
        // Once SMTP has accepted the email, shutting down must not abort the commit: that would send it again.
        await transaction.CommitAsync(CancellationToken.None);
        return true;
    }
}
