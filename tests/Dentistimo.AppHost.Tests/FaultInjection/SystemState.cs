using Dentistimo.Testing;
using Dentistimo.Notifier.Email;

namespace Dentistimo.AppHost.Tests.FaultInjection;

/// <summary>A decision as BookingApi recorded it (booking_requests).</summary>
public sealed record Decision(Guid RequestId, bool Confirmed, DateTimeOffset DecidedAt)
{
    /// <summary>The kind of email the patient must get for it, as the notifier names it in the Message-ID.</summary>
    public string EmailKind => (Confirmed ? Notifier.Email.EmailKind.Confirmation : Notifier.Email.EmailKind.Rejection).ToStoredName();
}

/// <summary>
/// A slot that has decisions: its capacity (the clinic's dentists), how many confirmed bookings were recorded for it,
/// and the seat counter the decision statement takes from (slot_bookings.booked; null if it has no row).
/// </summary>
public sealed record SlotOccupancy(int ClinicId, DateTimeOffset Start, int Capacity, int Confirmed, int? Counter);

/// <summary>An email MailDev accepted, by the booking request and the kind its Message-ID names.</summary>
public sealed record DeliveredEmail(Guid RequestId, string Kind);

/// <summary>A message in the notifier's error queue and the reason MassTransit wrote into its fault headers.</summary>
public sealed record FailedMessage(string ExceptionType, string Reason);

/// <summary>Everything the checkers look at once the system has drained: the database, MailDev and RabbitMQ.</summary>
public sealed record SystemState(
    IReadOnlyList<Decision> Decisions,
    IReadOnlyList<SlotOccupancy> Slots,
    int OutboxWaiting,
    IReadOnlyList<string> OutboxParked,
    IReadOnlyList<DeliveredEmail> Emails,
    IReadOnlyList<QueueDepth> Queues,
    IReadOnlyList<FailedMessage> ErrorQueue);
