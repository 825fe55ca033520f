using System.Data.Common;
using Dentistimo.Notifier.Email;
using Microsoft.EntityFrameworkCore;

namespace Dentistimo.Notifier.Infrastructure;

/// <summary>
/// The row is inserted before sending and committed after SMTP accepted, so a concurrent duplicate waits on the key and
/// then finds the email sent; a duplicate in this process sends nothing while the email is in progress, also while its
/// record lost with the database connection is written again. What can still send twice is in docs/notifier.md
/// ("Exactly one email").
/// </summary>
public sealed class SentEmailLedger(NotifierDbContext db, SendsInProgress sendsInProgress, TimeProvider timeProvider, ILogger<SentEmailLedger> logger)
{
    private static readonly TimeSpan s_maxRecordingBackoff = TimeSpan.FromSeconds(5);

    /// <returns>False when this email was sent before, or is being sent for another delivery, and nothing was sent now.</returns>
    public async Task<bool> SendOnceAsync(Guid messageId, EmailIdentity identity, Func<CancellationToken, Task> send, CancellationToken cancellationToken)
    {
        // That delivery holds its event until the email is recorded, so this one can be acknowledged.
        using var inProgress = sendsInProgress.TryBegin(identity);
        if (inProgress is null)
        {
            return false;
        }

        var sent = new SentEmail { MessageId = messageId, RequestId = identity.Id, Kind = identity.Kind.ToStoredName(), SentAt = timeProvider.GetUtcNow() };
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            if (await InsertAsync(sent, cancellationToken) == 0)
            {
                return false;
            }

            // Never cancelled once started, not even by shutdown: SMTP may accept unheard, and redelivery would send again.
            await send(CancellationToken.None);
            try
            {
                // Nor is the commit: that too would send the email again.
                await transaction.CommitAsync(CancellationToken.None);
                return true;
            }
            catch (DbException exception)
            {
                // Disposing the transaction (leaving this block) lets the context open a new connection.
                logger.LogWarning(
                    "The {Kind} email {EmailId} was accepted by SMTP, but its record was lost with the database connection ({Error}); recording it again",
                    sent.Kind, sent.RequestId, exception.Message);
            }
        }

        await RecordUntilStoredAsync(sent, cancellationToken);
        return true;
    }

    // Holds the event unacknowledged meanwhile; stopped first, the event is redelivered and the email sent again.
    private async Task RecordUntilStoredAsync(SentEmail sent, CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromMilliseconds(250);
        try
        {
            while (true)
            {
                try
                {
                    // Nothing is inserted if the lost commit had in fact gone through.
                    await InsertAsync(sent, cancellationToken);
                    logger.LogInformation("The {Kind} email {EmailId} is recorded as sent", sent.Kind, sent.RequestId);
                    return;
                }
                catch (DbException exception)
                {
                    logger.LogDebug("Recording the {Kind} email {EmailId} failed ({Error}); retrying in {Backoff}",
                        sent.Kind, sent.RequestId, exception.Message, backoff);
                }

                await Task.Delay(backoff, timeProvider, cancellationToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, s_maxRecordingBackoff.Ticks));
            }
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning(
                "Stopped before the {Kind} email {EmailId} could be recorded as sent: its event goes back to the queue, and the email will be sent again",
                sent.Kind, sent.RequestId);
            throw;
        }
    }

    private Task<int> InsertAsync(SentEmail sent, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"""
            INSERT INTO sent_emails (message_id, request_id, kind, sent_at)
            VALUES ({sent.MessageId}, {sent.RequestId}, {sent.Kind}, {sent.SentAt})
            ON CONFLICT DO NOTHING
            """, cancellationToken);
}
