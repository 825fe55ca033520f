namespace Dentistimo.Contracts.Api;

/// <summary>
/// Why BookingApi turned a request down, as its answers and <c>BookingRejected</c> events say it. A public contract:
/// the web and the emails word each code, so a code is never renamed, only added.
/// </summary>
public static class RejectionCodes
{
    public const string FullyBooked = "fully-booked";
    public const string NoSuchSlot = "no-such-slot";
    public const string OutsideBookingWindow = "outside-booking-window";
    public const string PatientAlreadyBooked = "patient-already-booked";

    /// <summary>The address already holds <c>Booking:MaxUpcomingPerPatient</c> upcoming appointments, at any clinics.</summary>
    public const string PatientLimitReached = "patient-limit-reached";

    public static IReadOnlyList<string> All { get; } = [FullyBooked, NoSuchSlot, OutsideBookingWindow, PatientAlreadyBooked, PatientLimitReached];

    /// <summary>
    /// Decisions that depend on the address's other appointments. Only the address's owner may learn them, by email:
    /// the web tells whoever typed the address a neutral sentence instead, so that it cannot be used to probe addresses.
    /// </summary>
    public static bool DependsOnThePatientsOtherAppointments(string? code) => code is PatientAlreadyBooked or PatientLimitReached;

    /// <summary>
    /// Decisions on a real slot in the booking window, which the patient is emailed about. A time that never existed or
    /// cannot be booked now gets no email: otherwise any request could make us send mail to any address.
    /// </summary>
    public static bool IsEmailed(string code) => code is FullyBooked or PatientAlreadyBooked or PatientLimitReached;
}

/// <summary>Why BookingApi refused to cancel or move an appointment, beside the <see cref="RejectionCodes"/> a move's new time may get.</summary>
public static class ChangeRefusalCodes
{
    /// <summary>The appointment has started, or starts within <c>Booking:CancellationCutoffHours</c>: the patient calls the clinic.</summary>
    public const string TooLateToChange = "too-late-to-change";

    /// <summary>The request was turned down: there is no appointment to change.</summary>
    public const string NotConfirmed = "not-confirmed";

    /// <summary>A cancelled appointment cannot be moved; the patient books again.</summary>
    public const string Cancelled = "cancelled";
}

/// <summary>A slot's state in BookingApi's answers, which the calendar colours (R2.1).</summary>
public static class SlotStateCodes
{
    public const string Available = "available";
    public const string FewLeft = "few-left";
    public const string Full = "full";
    public const string Past = "past";
    public const string Closed = "closed";

    /// <summary>
    /// A slot shows as "few left" once no more than a third of its chairs are free, and always when only the last one
    /// is. At a one-dentist clinic a single free chair is simply the normal state of an open slot, not scarcity, so it
    /// never shows "few left". Here rather than in BookingApi alone, because the web colours a slot from an
    /// availability event's counts by the same rule.
    /// </summary>
    public static int FewLeftThreshold(int capacity) => capacity <= 1 ? 0 : Math.Max(1, capacity / 3);

    /// <summary>The state of a slot still in the booking window, from its counts alone.</summary>
    public static string FromCounts(int capacity, int booked)
    {
        var free = capacity - booked;
        return free <= 0 ? Full : free <= FewLeftThreshold(capacity) ? FewLeft : Available;
    }
}

/// <summary>Why a clinic takes no bookings on a date, in BookingApi's answers.</summary>
public static class ClosedReasonCodes
{
    public const string NotOpenThatWeekday = "not-open-that-weekday";
    public const string PublicHoliday = "public-holiday";
    public const string ClosureDate = "closure-date";
}
