namespace Dentistimo.Contracts.IntegrationEvents;

public sealed record BookingRecipient(string Name, string Email, string Language);

/// <summary>The name and email address sealed by <see cref="RecipientSeal"/>; the language in the clear.</summary>
public sealed record SealedRecipient(string KeyId, string Contact, string Language);

public sealed record AppointmentDetails(
    int ClinicId,
    string ClinicName,
    string ClinicAddress,
    double Latitude,
    double Longitude,
    DateTimeOffset StartUtc,
    DateTimeOffset EndUtc,
    string? ClinicPhone = null);

public sealed record BookingConfirmed(
    Guid BookingId,
    Guid RequestId,
    string Reference,
    AppointmentDetails Appointment,
    SealedRecipient SealedRecipient);

public sealed record BookingRejected(
    Guid RequestId,
    string ReasonCode,
    AppointmentDetails Appointment,
    Guid BookingId,
    SealedRecipient SealedRecipient);

public sealed record BookingCancelled(
    Guid BookingId,
    Guid RequestId,
    string Reference,
    AppointmentDetails Appointment,
    int CalendarSequence,
    SealedRecipient SealedRecipient);

/// <summary><see cref="CalendarSequence"/> grows with every move, so the new calendar entry replaces the old one.</summary>
public sealed record BookingMoved(
    Guid BookingId,
    Guid RequestId,
    Guid MoveId,
    string Reference,
    AppointmentDetails Appointment,
    DateTimeOffset PreviousStartUtc,
    int CalendarSequence,
    SealedRecipient SealedRecipient);

public sealed record AppointmentReminderDue(
    Guid BookingId,
    Guid RequestId,
    Guid ReminderId,
    string Reference,
    AppointmentDetails Appointment,
    int CalendarSequence,
    SealedRecipient SealedRecipient);

/// <param name="Version">
/// Raised by every change of the slot's seats, so a receiver can tell an older event from a newer one: events are not
/// delivered in order. Null in events from before it existed, whose order is unknown.
/// </param>
public sealed record SlotAvailabilityChanged(
    int ClinicId, DateOnly Date, DateTimeOffset StartUtc, int Capacity, int Booked, int? Version = null);
