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
/// A change is decided under the booking's row lock, so a retry, or two tabs at once, changes it once and gets the same
/// answer; its events go to the outbox in the same transaction.
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
            ? RetriedOnDeadlockAsync(() => TryCancelAsync(id, cancellationToken))
            : Task.FromResult<ChangeResult>(new ChangeResult.NotFound());

    public Task<ChangeResult> MoveAsync(Guid id, string? token, DateTimeOffset newStart, CancellationToken cancellationToken) =>
        manageTokens.IsValid(id, token)
            ? RetriedOnDeadlockAsync(() => TryMoveAsync(id, newStart, cancellationToken))
            : Task.FromResult<ChangeResult>(new ChangeResult.NotFound());

    // A move takes its new seat before freeing the old, so changes and decision batches can deadlock; PostgreSQL rolls
    // one back, and it is made again.
    private static async Task<ChangeResult> RetriedOnDeadlockAsync(Func<Task<ChangeResult>> change)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await change();
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < MaxDeadlockAttempts)
            {
            }
        }
    }

    private async Task<ChangeResult> TryCancelAsync(Guid id, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using (var change = await appointments.BeginChangeAsync(id, cancellationToken))
        {
            if (change.Appointment is not { } appointment)
            {
                return new ChangeResult.NotFound();
            }

            var clinic = await ClinicOfAsync(appointment, cancellationToken);
            switch (appointment.Status)
            {
                case BookingStatus.Cancelled:
                    return await CurrentAsync(id, cancellationToken);
                case BookingStatus.Rejected:
                    return new ChangeResult.Refused(ChangeRefusalCodes.NotConfirmed, clinic);
            }

            if (!changePolicy.CanChange(appointment.StartUtc, now))
            {
                return new ChangeResult.Refused(ChangeRefusalCodes.TooLateToChange, clinic);
            }

            var freed = await change.CancelAsync(now, cancellationToken);
            await change.AddToOutboxAsync(
            [
                OutboxMessage.For(new BookingCancelled(appointment.Id, appointment.RequestId, appointment.Reference!,
                    AppointmentEvents.Details(clinic, appointment.StartUtc), appointment.CalendarSequence + 1,
                    AppointmentEvents.Recipient(recipientSeal, appointment))),
                AppointmentEvents.AvailabilityChanged(freed),
            ], now, cancellationToken);
            await change.CommitAsync(cancellationToken);
            availabilityCache.Invalidate(appointment.ClinicId, ClinicTime.LocalDate(appointment.StartUtc));
        }

        outboxSignal.NewMessages();
        logger.LogInformation("Booking {BookingId} was cancelled by the patient", id);
        return await CurrentAsync(id, cancellationToken);
    }

    private async Task<ChangeResult> TryMoveAsync(Guid id, DateTimeOffset newStart, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using (var change = await appointments.BeginChangeAsync(id, cancellationToken))
        {
            if (change.Appointment is not { } appointment)
            {
                return new ChangeResult.NotFound();
            }

            var clinic = await ClinicOfAsync(appointment, cancellationToken);
            switch (appointment.Status)
            {
                case BookingStatus.Cancelled:
                    return new ChangeResult.Refused(ChangeRefusalCodes.Cancelled, clinic);
                case BookingStatus.Rejected:
                    return new ChangeResult.Refused(ChangeRefusalCodes.NotConfirmed, clinic);
            }

            if (appointment.StartUtc == newStart)
            {
                // A retry of this move, or a move to where it is.
                return await CurrentAsync(id, cancellationToken);
            }

            if (!changePolicy.CanChange(appointment.StartUtc, now))
            {
                return new ChangeResult.Refused(ChangeRefusalCodes.TooLateToChange, clinic);
            }

            var decision = bookingPolicy.Decide(clinic.Schedule, newStart, bookedCount: 0, now);
            if (decision.Rejection is { } rejection)
            {
                return new ChangeResult.Refused(rejection.ToApiCode(), clinic);
            }

            if (!changePolicy.CanChange(newStart, now))
            {
                return new ChangeResult.Refused(ChangeRefusalCodes.TooSoonToMoveTo, clinic);
            }

            var slot = decision.Slot!;
            switch (await change.TryMoveAsync(slot.StartUtc, slot.Capacity, now, cancellationToken))
            {
                case MoveOutcome.FullyBooked:
                    return new ChangeResult.Refused(RejectionCodes.FullyBooked, clinic);
                case MoveOutcome.PatientAlreadyBooked:
                    return new ChangeResult.Refused(RejectionCodes.PatientAlreadyBooked, clinic);
                case MoveOutcome.Moved(var taken, var freed):
                    await change.AddToOutboxAsync(
                    [
                        OutboxMessage.For(new BookingMoved(appointment.Id, appointment.RequestId, Guid.CreateVersion7(now), appointment.Reference!,
                            AppointmentEvents.Details(clinic, slot.StartUtc), appointment.StartUtc, appointment.CalendarSequence + 1,
                            AppointmentEvents.Recipient(recipientSeal, appointment))),
                        AppointmentEvents.AvailabilityChanged(taken),
                        AppointmentEvents.AvailabilityChanged(freed),
                    ], now, cancellationToken);
                    await change.CommitAsync(cancellationToken);
                    availabilityCache.Invalidate(appointment.ClinicId, slot.LocalDate);
                    availabilityCache.Invalidate(appointment.ClinicId, ClinicTime.LocalDate(appointment.StartUtc));
                    break;
            }
        }

        outboxSignal.NewMessages();
        logger.LogInformation("Booking {BookingId} was moved by the patient", id);
        return await CurrentAsync(id, cancellationToken);
    }

    private async Task<ClinicEntry> ClinicOfAsync(StoredAppointment appointment, CancellationToken cancellationToken) =>
        await clinics.FindAsync(appointment.ClinicId, cancellationToken)
            ?? throw new InvalidOperationException($"Booking {appointment.Id} is at clinic {appointment.ClinicId}, which is not in the registry.");

    private async Task<ChangeResult> CurrentAsync(Guid id, CancellationToken cancellationToken) =>
        new ChangeResult.Changed(await bookings.FindAsync(id, cancellationToken)
            ?? throw new InvalidOperationException($"Booking {id} was changed but cannot be read."));
}
