using Dentistimo.Contracts.Api;

namespace Dentistimo.Web.Services;

public sealed record Coordinates(double Latitude, double Longitude);

public sealed record ClinicSummary(
    int Id,
    string Name,
    string Address,
    Coordinates Coordinates,
    int Dentists,
    IReadOnlyDictionary<string, string> OpeningHours);

// LocalTime is the Stockholm clock time, HH:mm. Version is raised by every change of the seats, as the events' is.
public sealed record SlotAvailability(
    DateTimeOffset Start, DateTimeOffset End, string LocalTime, int Capacity, int Booked, int Free, string State, int Version)
{
    public bool IsBookable => State is SlotStateCodes.Available or SlotStateCodes.FewLeft;
}

public sealed record DayAvailability(
    int ClinicId, DateOnly Date, string TimeZone, bool Closed, string? ClosedReason, int FreeSlots, IReadOnlyList<SlotAvailability> Slots)
{
    // Today once its last time has begun: nothing is free, but not because it was booked.
    public bool IsOver => !Closed && Slots.Count > 0 && Slots.All(slot => slot.State == SlotStateCodes.Past);

    // Never the rejected time itself, which may still have a free seat when the patient already holds another one then.
    public IEnumerable<SlotAvailability> BookableSlotsOtherThan(DateTimeOffset rejected) =>
        Slots.Where(slot => slot.IsBookable && slot.Start != rejected);
}

public sealed record DaySummary(DateOnly Date, bool Closed, string? ClosedReason, int TotalSlots, int FreeSlots, int FullSlots);

public sealed record ClinicDays(int ClinicId, IReadOnlyList<DaySummary> Days);

public sealed record RangeAvailability(DateOnly From, DateOnly To, IReadOnlyList<ClinicDays> Clinics);

public sealed record BookingWindow(int HorizonDays);

public sealed record PatientDetails(string Name, string Email, string? Phone);

public sealed record BookingRequest(Guid RequestId, int ClinicId, DateTimeOffset Start, PatientDetails Patient, string Language);

public abstract record BookingOutcome
{
    public sealed record Confirmed(BookingResponse Booking) : BookingOutcome;

    public sealed record Rejected(BookingResponse Booking) : BookingOutcome;

    // Keyed as BookingApi names the fields: patient.email, start.
    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : BookingOutcome;

    public sealed record RequestIdReused : BookingOutcome;

    public sealed record TooManyRequests(TimeSpan RetryAfter) : BookingOutcome;
}

public abstract record BookingChangeOutcome
{
    public sealed record Changed(BookingResponse Booking) : BookingChangeOutcome;

    // No such booking, or not its token: the same 404 either way.
    public sealed record NotFound : BookingChangeOutcome;

    // A ChangeRefusalCodes or, for a move's new time, a RejectionCodes code.
    public sealed record Refused(string ReasonCode) : BookingChangeOutcome;

    public sealed record Invalid : BookingChangeOutcome;

    public sealed record TooManyRequests(TimeSpan RetryAfter) : BookingChangeOutcome;
}
