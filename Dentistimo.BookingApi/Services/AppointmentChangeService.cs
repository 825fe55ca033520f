using Dentistimo.BookingApi.Infrastructure;
using Dentistimo.BookingApi.Model;
using Dentistimo.BookingApi.Model.Scheduling;
using Dentistimo.Contracts;
using Dentistimo.Contracts.Api;
using Dentistimo.Contracts.IntegrationEvents;
using Npgsql;

namespace Dentistimo.BookingApi.Services;

public abstract record ChangeResult
{
    public sealed record Changed(BookingRecord Booking) : ChangeResult;

    // No such booking, or the wrong token: the caller cannot tell which.
    public sealed record NotFound : ChangeResult;

    public sealed record Refused(string Code, ClinicEntry Clinic) : ChangeResult;
}

public sealed record ManagedBooking(BookingRecord Booking, ClinicEntry? Clinic, DateTimeOffset? ChangeableUntil, DateTimeOffset? MovesStartAfter);

/// <summary>
/// A change is decided from the booking as read and applied in one statement only if the booking is still as read, so
/// a retry, or two tabs at once, changes it once and gets the same answer; its events go to the outbox in that statement.
/// </summary>
public sealed class AppointmentChangeService(
    AppointmentStore appointments,
    BookingStore bookings,
    ClinicCatalog clinics,
    BookingPolicy bookingPolicy,
    AppointmentChangePolicy changePolicy,
    ManageTokens manageTokens,
    RecipientSeal recipientSeal,
    AvailabilityCache availabilityCache,
    OutboxSignal outboxSignal,
    TimeProvider timeProvider,
    ILogger<AppointmentChangeService> logger)
{
    private const int MaxDeadlockAttempts = 3;
    private const int MaxAttempts = 10;

    public async Task<ManagedBooking?> FindAsync(Guid id, string? token, CancellationToken cancellationToken)
    {
        if (!manageTokens.IsValid(id, token) || await bookings.FindAsync(id, cancellationToken) is not { } booking)
        {
            return null;
        }

        var now = timeProvider.GetUtcNow();
        var changeable = booking.Status == BookingStatus.Confirmed && changePolicy.CanChange(booking.StartUtc, now);
        return new ManagedBooking(booking, await clinics.FindAsync(booking.ClinicId, cancellationToken),
            changeable ? changePolicy.ChangeableUntil(booking.StartUtc) : null,
            changeable ? changePolicy.ChangeableStartsAfter(now) : null);
    }

    public Task<ChangeResult> CancelAsync(Guid id, string? token, CancellationToken cancellationToken) =>
        manageTokens.IsValid(id, token)
            ? UntilAppliedAsync(() => TryChangeAsync(id, newStart: null, cancellationToken))
            : Task.FromResult<ChangeResult>(new ChangeResult.NotFound());

    public Task<ChangeResult> MoveAsync(Guid id, string? token, DateTimeOffset newStart, CancellationToken cancellationToken) =>
        manageTokens.IsValid(id, token)
            ? UntilAppliedAsync(() => TryChangeAsync(id, newStart, cancellationToken))
            : Task.FromResult<ChangeResult>(new ChangeResult.NotFound());

    // A change is null when the booking changed after it was read: it is read and decided again, now seeing that change.
    // Changes and decision batches lock rows in different orders, so they can deadlock; PostgreSQL rolls one back, and
    // it is made again.
    private static async Task<ChangeResult> UntilAppliedAsync(Func<Task<ChangeResult?>> change)
    {
        for (int attempt = 1, deadlocks = 0; attempt <= MaxAttempts; attempt++)
        {
            try
            {
                if (await change() is { } result)
                {
                    return result;
                }
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.DeadlockDetected && ++deadlocks < MaxDeadlockAttempts)
            {
            }
        }

        // Only a booking changed again between every read and its change gets here.
        throw new InvalidOperationException($"The booking changed under each of {MaxAttempts} attempts to change it.");
    }

    /// <param name="newStart">Where to move it; null cancels it.</param>
    private async Task<ChangeResult?> TryChangeAsync(Guid id, DateTimeOffset? newStart, CancellationToken cancellationToken)
    {
        if (await appointments.FindAsync(id, cancellationToken) is not { } appointment)
        {
            return new ChangeResult.NotFound();
        }

        var booking = appointment.Booking;
        var clinic = await ClinicOfAsync(booking, cancellationToken);
        switch (booking.Status)
        {
            case BookingStatus.Cancelled when newStart is null:
                return new ChangeResult.Changed(booking);
            case BookingStatus.Cancelled:
                return new ChangeResult.Refused(ChangeRefusalCodes.Cancelled, clinic);
            case BookingStatus.Rejected:
                return new ChangeResult.Refused(ChangeRefusalCodes.NotConfirmed, clinic);
        }

        if (booking.StartUtc == newStart)
        {
            // A retry of this move, or a move to where it is.
            return new ChangeResult.Changed(booking);
        }

        var now = timeProvider.GetUtcNow();
        if (!changePolicy.CanChange(booking.StartUtc, now))
        {
            return new ChangeResult.Refused(ChangeRefusalCodes.TooLateToChange, clinic);
        }

        var recipient = AppointmentEvents.Recipient(recipientSeal, booking);
        var freed = AppointmentEvents.AvailabilityChanged(booking.ClinicId, booking.StartUtc);
        AppointmentChangeRequest change;
        Slot? slot = null;
        if (newStart is null)
        {
            change = new AppointmentChangeRequest(appointment, NewStart: null, NewCapacity: 0, now, OutboxMessage.For(new BookingCancelled(
                booking.Id, booking.RequestId, booking.Reference!, AppointmentEvents.Details(clinic, booking.StartUtc),
                appointment.CalendarSequence + 1, recipient)), freed, Taken: null);
        }
        else
        {
            var decision = bookingPolicy.Decide(clinic.Schedule, newStart.Value, bookedCount: 0, now);
            if (decision.Rejection is { } rejection)
            {
                return new ChangeResult.Refused(rejection.ToApiCode(), clinic);
            }

            if (!changePolicy.CanChange(newStart.Value, now))
            {
                return new ChangeResult.Refused(ChangeRefusalCodes.TooSoonToMoveTo, clinic);
            }

            slot = decision.Slot!;
            change = new AppointmentChangeRequest(appointment, slot.StartUtc, slot.Capacity, now, OutboxMessage.For(new BookingMoved(
                booking.Id, booking.RequestId, Guid.CreateVersion7(now), booking.Reference!, AppointmentEvents.Details(clinic, slot.StartUtc),
                booking.StartUtc, appointment.CalendarSequence + 1, recipient)), freed, AppointmentEvents.AvailabilityChanged(booking.ClinicId, slot.StartUtc));
        }

        switch (await appointments.ChangeAsync(change, cancellationToken))
        {
            case ChangeOutcome.NotFound:
                return new ChangeResult.NotFound();
            case ChangeOutcome.ChangedMeanwhile:
                return null;
            case ChangeOutcome.FullyBooked:
                return new ChangeResult.Refused(RejectionCodes.FullyBooked, clinic);
            case ChangeOutcome.PatientAlreadyBooked:
                return new ChangeResult.Refused(RejectionCodes.PatientAlreadyBooked, clinic);
        }

        availabilityCache.Invalidate(booking.ClinicId, ClinicTime.LocalDate(booking.StartUtc));
        outboxSignal.NewMessages();
        if (slot is null)
        {
            logger.LogInformation("Booking {BookingId} was cancelled by the patient", id);
            return new ChangeResult.Changed(booking with { Status = BookingStatus.Cancelled });
        }

        availabilityCache.Invalidate(booking.ClinicId, slot.LocalDate);
        logger.LogInformation("Booking {BookingId} was moved by the patient", id);
        return new ChangeResult.Changed(booking with { StartUtc = slot.StartUtc });
    }

    private async Task<ClinicEntry> ClinicOfAsync(BookingRecord booking, CancellationToken cancellationToken) =>
        await clinics.FindAsync(booking.ClinicId, cancellationToken)
            ?? throw new InvalidOperationException($"Booking {booking.Id} is at clinic {booking.ClinicId}, which is not in the registry.");
}
