using System.Data.Common;
using Dentistimo.Notifier.Email;
using Microsoft.EntityFrameworkCore;

namespace Dentistimo.Notifier.Infrastructure;

/// <summary>
/// Sends each booking email once per message and per <see cref="EmailIdentity"/>, as far as the notifier can know, even when RabbitMQ
/// delivers an event twice at the same moment to two consumers.
/// </summary>
/// <remarks>
/// The row is inserted in a transaction before sending and committed only after SMTP accepted the email. A concurrent
/// duplicate's insert waits on the uncommitted unique key: if the first sender commits, the duplicate finds the email
/// sent and sends nothing; if it rolls back (SMTP failed), the duplicate takes over. If the database connection is lost
/// between SMTP's acceptance and the commit, the row is written again in a transaction of its own once the database is
/// back, before the event is acknowledged. Two windows remain, in which the email is sent again with the same Message-ID
/// (derived from the email's identity), which lets mail clients recognise the duplicate: a crash of the notifier after SMTP
/// accepted and before the row is stored, and a send that fails without the server's word on it (no answer within the
/// sender's deadline, or the connection lost after the email went out), which rolls the row back although the server
/// may have accepted the email, so that a retry or a re-drive sends it again.
/// </remarks>
public sealed class SentEmailLedger(NotifierDbContext db, SendsInProgress sendsInProgress, TimeProvider timeProvider, ILogger<SentEmailLedger> logger)
{
    private static readonly TimeSpan s_maxRecordingBackoff = TimeSpan.FromSeconds(5);

    /// <returns>False when this email was sent before and nothing was sent now.</returns>
    public async Task<bool> SendOnceAsync(Guid messageId, EmailIdentity identity, Func<CancellationToken, Task> send, CancellationToken cancellationToken)
    {
        var sent = new SentEmail { MessageId = messageId, RequestId = identity.Id, Kind = identity.Kind.ToStoredName(), SentAt = timeProvider.GetUtcNow() };
        using var inProgress = sendsInProgress.Begin();
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            if (await InsertAsync(sent, cancellationToken) == 0)
            {
                return false;
            }

            // Once started, a send is not cancelled, not even by shutdown: cancelled midway, SMTP may have accepted the
            // email without our knowing, and the redelivered event would send it again. The sender's own deadline bounds it.
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

    /// <summary>
    /// Retries until the database is back. It holds the event meanwhile, unacknowledged; if the notifier is told to stop
    /// first, the event goes back to the queue and the email will be sent a second time.
    /// </summary>
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
