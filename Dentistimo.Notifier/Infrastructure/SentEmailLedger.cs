using System.Data.Common;
using Dentistimo.Notifier.Email;
using Microsoft.EntityFrameworkCore;

namespace Dentistimo.Notifier.Infrastructure;

/// <summary>
/// The row is inserted before sending and committed after SMTP accepted, so a concurrent duplicate waits on the key and
/// then finds the email sent; a duplicate in this process sends nothing while the email is in progress, also while its
/// record lost with the database connection is written again. An email about a booking is not sent once one that
/// supersedes it was (<see cref="BookingEmailOrder"/>). What can still go wrong is in docs/notifier.md
/// ("Exactly one email", "Order").
/// </summary>
public sealed class SentEmailLedger(NotifierDbContext db, SendsInProgress sendsInProgress, TimeProvider timeProvider, ILogger<SentEmailLedger> logger)
{
    private static readonly TimeSpan s_maxRecordingBackoff = TimeSpan.FromSeconds(5);

    /// <param name="order">Where the email stands among its booking's emails; null for one about no booking that stands (a rejection).</param>
    public async Task<SendOutcome> SendOnceAsync(
        Guid messageId, EmailIdentity identity, BookingEmailOrder? order, Func<CancellationToken, Task> send, CancellationToken cancellationToken)
    {
        // That delivery holds its event until the email is recorded, so this one can be acknowledged.
        using var inProgress = sendsInProgress.TryBegin(identity);
        if (inProgress is null)
        {
            return SendOutcome.SentBefore;
        }

        var sent = new SentEmail
        {
            MessageId = messageId, RequestId = identity.Id, Kind = identity.Kind.ToStoredName(), SentAt = timeProvider.GetUtcNow(),
            BookingId = order?.BookingId, CalendarSequence = order?.CalendarSequence,
        };
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            if (order is not null)
            {
                await LockBookingAsync(order.BookingId, cancellationToken);
            }

            if (await InsertAsync(sent, cancellationToken) == 0)
            {
                return SendOutcome.SentBefore;
            }

            // Leaving without a commit rolls this email's row back: it was not sent.
            if (order is not null && await FindSupersedingAsync(sent, order, cancellationToken) is { } superseding)
            {
                return SendOutcome.Superseded(superseding);
            }

            // Never cancelled once started, not even by shutdown: SMTP may accept unheard, and redelivery would send again.
            await send(CancellationToken.None);
            try
            {
                // Nor is the commit: that too would send the email again.
                await transaction.CommitAsync(CancellationToken.None);
                return SendOutcome.Sent;
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
        return SendOutcome.Sent;
    }

    // Two emails about one booking, on two replicas at once, would each miss the other's uncommitted row; this
    // transaction lock makes the later wait until the earlier one is committed (or rolled back), and then see it.
    private Task LockBookingAsync(Guid bookingId, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({bookingId}::text, 0))", cancellationToken);

    private async Task<SentEmail?> FindSupersedingAsync(SentEmail sent, BookingEmailOrder order, CancellationToken cancellationToken)
    {
        var others = await db.SentEmails.AsNoTracking()
            .Where(other => other.BookingId == order.BookingId && other.MessageId != sent.MessageId)
            .ToListAsync(cancellationToken);
        return others.FirstOrDefault(other => order.IsSupersededBy(EmailKindNames.FromStoredName(other.Kind), other.CalendarSequence!.Value));
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
            INSERT INTO sent_emails (message_id, request_id, kind, sent_at, booking_id, calendar_sequence)
            VALUES ({sent.MessageId}, {sent.RequestId}, {sent.Kind}, {sent.SentAt}, {sent.BookingId}, {sent.CalendarSequence})
            ON CONFLICT DO NOTHING
            """, cancellationToken);
}

/// <param name="SupersededBy">For <see cref="Superseded"/>, the email sent before that this one would contradict.</param>
public sealed record SendOutcome(bool WasSent, SentEmail? SupersededBy = null)
{
    public static readonly SendOutcome Sent = new(WasSent: true);

    /// <summary>Sent before, or being sent for another delivery: nothing was sent now.</summary>
    public static readonly SendOutcome SentBefore = new(WasSent: false);

    public static SendOutcome Superseded(SentEmail by) => new(WasSent: false, by);
}
