namespace Dentistimo.Contracts.IntegrationEvents;

/// <summary>Who receives the outcome of a booking request, in the language they used on the site.</summary>
public sealed record BookingRecipient(string Name, string Email, string Language);

/// <summary>
/// A <see cref="BookingRecipient"/> as events carry it: the name and email address sealed by <see cref="RecipientSeal"/>
/// (nonce, ciphertext and tag, base64), the language, which is not personal data, in the clear.
/// </summary>
/// <param name="KeyId">Which key sealed it: <see cref="RecipientSeal.KeyId"/>.</param>
public sealed record SealedRecipient(string KeyId, string Contact, string Language);

/// <summary>Where and when the appointment is: enough for an email without asking BookingApi again.</summary>
public sealed record AppointmentDetails(
    int ClinicId,
    string ClinicName,
    string ClinicAddress,
    double Latitude,
    double Longitude,
    DateTimeOffset StartUtc,
    DateTimeOffset EndUtc,
    string? ClinicPhone = null);

/// <summary>A booking request was accepted. <see cref="RequestId"/> is the client's idempotency key and the email's identity.</summary>
public sealed record BookingConfirmed(
    Guid BookingId,
    Guid RequestId,
    string Reference,
    AppointmentDetails Appointment,
    SealedRecipient SealedRecipient);

/// <summary>
/// A booking request was turned down. <see cref="ReasonCode"/> is one of <see cref="Api.RejectionCodes"/>.
/// <see cref="BookingId"/> is the rejected request's record, whose page (<c>/bookings/{id}</c>) says why and offers other times.
/// </summary>
public sealed record BookingRejected(
    Guid RequestId,
    string ReasonCode,
    AppointmentDetails Appointment,
    Guid BookingId,
    SealedRecipient SealedRecipient);

/// <summary>
/// A confirmed appointment was cancelled by the patient; its seat is free again. <see cref="CalendarSequence"/> is the
/// SEQUENCE of the calendar entry that cancels it (UID: the booking id).
/// </summary>
public sealed record BookingCancelled(
    Guid BookingId,
    Guid RequestId,
    string Reference,
    AppointmentDetails Appointment,
    int CalendarSequence,
    SealedRecipient SealedRecipient);

/// <summary>
/// A confirmed appointment was moved to <see cref="AppointmentDetails.StartUtc"/> at the same clinic. Each move has its own
/// <see cref="MoveId"/>, the identity of its email; <see cref="CalendarSequence"/> grows with every move, so the new
/// calendar entry replaces the old one.
/// </summary>
public sealed record BookingMoved(
    Guid BookingId,
    Guid RequestId,
    Guid MoveId,
    string Reference,
    AppointmentDetails Appointment,
    DateTimeOffset PreviousStartUtc,
    int CalendarSequence,
    SealedRecipient SealedRecipient);

/// <summary>
/// A confirmed appointment starts within <c>Reminders:HoursBefore</c>. Published once per appointment time:
/// <see cref="ReminderId"/> is the identity of its email.
/// </summary>
public sealed record AppointmentReminderDue(
    Guid BookingId,
    Guid RequestId,
    Guid ReminderId,
    string Reference,
    AppointmentDetails Appointment,
    int CalendarSequence,
    SealedRecipient SealedRecipient);

/// <summary>A slot's free capacity changed; browsers showing that clinic and day refresh it live.</summary>
public sealed record SlotAvailabilityChanged(int ClinicId, DateOnly Date, DateTimeOffset StartUtc, int Capacity, int Booked);
