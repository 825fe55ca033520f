using System.Diagnostics;
using System.Security.Cryptography;
using Dentistimo.BookingApi.Infrastructure;
using Dentistimo.BookingApi.Model;
using Dentistimo.BookingApi.Model.Scheduling;
using Dentistimo.Contracts.Api;
using Dentistimo.Contracts.IntegrationEvents;

namespace Dentistimo.BookingApi.Services;

public sealed record BookingCommand(Guid RequestId, int ClinicId, DateTimeOffset Start, PatientDetails Patient, string Language);

public abstract record BookingResult
{
    /// <param name="Earlier">A retry: the request was decided before.</param>
    public sealed record Decided(BookingRecord Booking, bool Earlier = false) : BookingResult;

    public sealed record UnknownClinic : BookingResult;

    // Used before for a different request: the client has a bug, and we must not guess.
    public sealed record RequestIdReused : BookingResult;
}

/// <summary>
/// The rules say whether the slot exists and is bookable now; PostgreSQL decides capacity and idempotency atomically.
/// </summary>
public sealed class BookingService(
    BookingStore store,
    DecisionBatcher decisions,
    ClinicCatalog clinics,
    BookingPolicy policy,
    AvailabilityCache availabilityCache,
    OutboxSignal outboxSignal,
    RecipientSeal recipientSeal,
    TimeProvider timeProvider,
    ILogger<BookingService> logger)
{
    private static readonly ActivitySource s_activitySource = new("Dentistimo.BookingApi.Bookings");

    public async Task<BookingResult> RequestAsync(BookingCommand command, CancellationToken cancellationToken)
    {
        using var activity = s_activitySource.StartActivity("Decide booking request");
        activity?.SetTag("dentistimo.request_id", command.RequestId);

        // No lookup of the request id first: the decision itself refuses a second one (AlreadyDecided), saving a round trip.
        var fingerprint = Fingerprint(command);
        if (await clinics.FindAsync(command.ClinicId, cancellationToken) is not { } clinic)
        {
            return new BookingResult.UnknownClinic();
        }

        // Capacity is PostgreSQL's to decide, so the rules are asked as if the slot were empty.
        var now = timeProvider.GetUtcNow();
        var decision = policy.Decide(clinic.Schedule, command.Start, bookedCount: 0, now);
        var booking = new BookingRecord(
            Guid.CreateVersion7(now), command.RequestId, fingerprint, command.ClinicId, command.Start.ToUniversalTime(),
            BookingStatus.Confirmed, ReasonCode: null, Reference: null, command.Patient, command.Language, now);

        // Sealed once: the events a decision may publish share it.
        var recipient = recipientSeal.Seal(new BookingRecipient(command.Patient.Name, command.Patient.Email, command.Language), command.RequestId);
        var outcome = decision.Rejection is { } rejection
            ? await RejectAsync(booking, rejection, clinic, recipient, cancellationToken)
            : await ConfirmAsync(booking, decision.Slot!, clinic, recipient, cancellationToken);

        outboxSignal.NewMessages();
        if (outcome is BookingResult.Decided { Booking: var decided, Earlier: var earlier })
        {
            activity?.SetTag("dentistimo.booking_id", decided.Id);
            activity?.SetTag("dentistimo.decision", decided.ReasonCode ?? "confirmed");
            activity?.SetTag("dentistimo.decided_earlier", earlier);
            if (earlier)
            {
                logger.LogInformation("Booking request {RequestId} was sent again; it was decided before as {Decision}; booking {BookingId}",
                    decided.RequestId, decided.ReasonCode ?? "confirmed", decided.Id);
            }
            else
            {
                logger.LogInformation("Booking request {RequestId} decided as {Decision}; booking {BookingId}",
                    decided.RequestId, decided.ReasonCode ?? "confirmed", decided.Id);
            }
        }

        return outcome;
    }

    public Task<BookingRecord?> FindAsync(Guid id, CancellationToken cancellationToken) => store.FindAsync(id, cancellationToken);

    private async Task<BookingResult> ConfirmAsync(
        BookingRecord booking, Slot slot, ClinicEntry clinic, SealedRecipient recipient, CancellationToken cancellationToken)
    {
        while (true)
        {
            var confirmed = booking with { Reference = BookingReference.New() };
            var fullyBooked = booking with { Status = BookingStatus.Rejected, ReasonCode = RejectionReason.FullyBooked.ToApiCode() };
            var confirmedEvent = new BookingConfirmed(
                confirmed.Id, confirmed.RequestId, confirmed.Reference!, AppointmentEvents.Details(clinic, slot.StartUtc), recipient);

            var outcome = await decisions.DecideAsync(new DecisionRequest(
                confirmed, slot.Capacity, policy.MaxUpcomingPerPatient,
                OutboxMessage.For(confirmedEvent), OutboxMessage.For(RejectedEvent(fullyBooked, clinic, recipient)),
                AppointmentEvents.AvailabilityChanged(clinic.Clinic.Id, slot.StartUtc)));
            switch (outcome)
            {
                case DecideOutcome.Confirmed:
                    availabilityCache.Invalidate(confirmed.ClinicId, slot.LocalDate);
                    return new BookingResult.Decided(confirmed);
                case DecideOutcome.FullyBooked:
                    return new BookingResult.Decided(fullyBooked);
                case DecideOutcome.PatientLimitReached:
                    return new BookingResult.Decided(fullyBooked with { ReasonCode = RejectionReason.PatientLimitReached.ToApiCode() });
                case DecideOutcome.PatientAlreadyBooked:
                    return await RejectAsync(booking, RejectionReason.PatientAlreadyBooked, clinic, recipient, cancellationToken);
                case DecideOutcome.AlreadyDecided:
                    // A first attempt may have committed and lost its connection before it could say so or invalidate the day.
                    availabilityCache.Invalidate(confirmed.ClinicId, slot.LocalDate);
                    return await ReplayStoredAsync(booking, cancellationToken);
                case DecideOutcome.ReferenceTaken:
                    continue;
            }
        }
    }

    private async Task<BookingResult> RejectAsync(
        BookingRecord booking, RejectionReason reason, ClinicEntry clinic, SealedRecipient recipient, CancellationToken cancellationToken)
    {
        var rejected = booking with { Status = BookingStatus.Rejected, ReasonCode = reason.ToApiCode() };
        // Recorded so a retry gets the same answer; only a decision on a real, bookable slot is emailed.
        var rejectedEvent = RejectionCodes.IsEmailed(rejected.ReasonCode) ? OutboxMessage.For(RejectedEvent(rejected, clinic, recipient)) : null;
        return await store.TryRejectAsync(rejected, rejectedEvent, cancellationToken)
            ? new BookingResult.Decided(rejected)
            : await ReplayStoredAsync(booking, cancellationToken);
    }

    private async Task<BookingResult> ReplayStoredAsync(BookingRecord booking, CancellationToken cancellationToken)
    {
        var stored = await store.FindByRequestIdAsync(booking.RequestId, cancellationToken)
            ?? throw new InvalidOperationException($"Request {booking.RequestId} was decided but its decision cannot be read.");
        return Replay(stored, booking.Fingerprint);
    }

    private static BookingResult Replay(BookingRecord stored, string fingerprint) =>
        stored.Fingerprint == fingerprint ? new BookingResult.Decided(stored, Earlier: true) : new BookingResult.RequestIdReused();

    private static BookingRejected RejectedEvent(BookingRecord rejected, ClinicEntry clinic, SealedRecipient recipient) =>
        new(rejected.RequestId, rejected.ReasonCode!, AppointmentEvents.Details(clinic, rejected.StartUtc), rejected.Id, recipient);


    private static string Fingerprint(BookingCommand command) => Convert.ToHexString(BookingRequestIdentity.Hash(
        command.ClinicId, command.Start, command.Patient.Name, command.Patient.Email, command.Patient.Phone, command.Language));
}

/// <summary>Read over the phone: no 0/O or 1/I to confuse.</summary>
public static class BookingReference
{
    private const string Alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

    public static string New() => "DT-" + RandomNumberGenerator.GetString(Alphabet, 8);
}
