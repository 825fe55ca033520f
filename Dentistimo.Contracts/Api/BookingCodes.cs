namespace Dentistimo.Contracts.Api;

/// <summary>A public contract that the web and the emails word: codes are added, never renamed.</summary>
public static class RejectionCodes
{
    public const string FullyBooked = "fully-booked";
    public const string NoSuchSlot = "no-such-slot";
    public const string OutsideBookingWindow = "outside-booking-window";
    public const string PatientAlreadyBooked = "patient-already-booked";

    public const string PatientLimitReached = "patient-limit-reached";

    public static IReadOnlyList<string> All { get; } = [FullyBooked, NoSuchSlot, OutsideBookingWindow, PatientAlreadyBooked, PatientLimitReached];

    // Told only to the address's owner, by email, so that the web cannot be used to probe addresses.
    public static bool DependsOnThePatientsOtherAppointments(string? code) => code is PatientAlreadyBooked or PatientLimitReached;

    // A time that never existed or cannot be booked gets no email: otherwise any request could make us mail any address.
    public static bool IsEmailed(string code) => code is FullyBooked or PatientAlreadyBooked or PatientLimitReached;
}

public static class ChangeRefusalCodes
{
    public const string TooLateToChange = "too-late-to-change";

    // A move to a time inside the cut-off, which the patient could no longer change online.
    public const string TooSoonToMoveTo = "too-soon-to-move-to";

    public const string NotConfirmed = "not-confirmed";

    public const string Cancelled = "cancelled";
}

public static class SlotStateCodes
{
    public const string Available = "available";
    public const string FewLeft = "few-left";
    public const string Full = "full";
    public const string Past = "past";
    public const string Closed = "closed";

    // A single free chair at a one-dentist clinic is normal, not scarce. Shared: the web colours events' slots by it.
    public static int FewLeftThreshold(int capacity) => capacity <= 1 ? 0 : Math.Max(1, capacity / 3);

    public static string FromCounts(int capacity, int booked)
    {
        var free = capacity - booked;
        return free <= 0 ? Full : free <= FewLeftThreshold(capacity) ? FewLeft : Available;
    }
}

public static class ClosedReasonCodes
{
    public const string NotOpenThatWeekday = "not-open-that-weekday";
    public const string PublicHoliday = "public-holiday";
    public const string ClosureDate = "closure-date";
}
