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

/// <param name="Start">UTC.</param>
/// <param name="LocalTime">The Stockholm clock time, HH:mm.</param>
/// <param name="State">available, few-left, full, past or closed.</param>
public sealed record SlotAvailability(DateTimeOffset Start, DateTimeOffset End, string LocalTime, int Capacity, int Booked, int Free, string State)
{
    public bool IsBookable => State is SlotStateCodes.Available or SlotStateCodes.FewLeft;
}

public sealed record DayAvailability(
    int ClinicId, DateOnly Date, string TimeZone, bool Closed, string? ClosedReason, int FreeSlots, IReadOnlyList<SlotAvailability> Slots)
{
    /// <summary>
    /// The free times to offer instead of a rejected one at <paramref name="rejected"/>: never that time itself, which
    /// may still have a free seat when the patient already holds another one then.
    /// </summary>
    public IEnumerable<SlotAvailability> BookableSlotsOtherThan(DateTimeOffset rejected) =>
        Slots.Where(slot => slot.IsBookable && slot.Start != rejected);
}

/// <param name="FullSlots">0 from a BookingApi older than the field: its days without free slots then show as closed.</param>
public sealed record DaySummary(DateOnly Date, bool Closed, string? ClosedReason, int TotalSlots, int FreeSlots, int FullSlots);

public sealed record ClinicDays(int ClinicId, IReadOnlyList<DaySummary> Days);

public sealed record RangeAvailability(DateOnly From, DateOnly To, IReadOnlyList<ClinicDays> Clinics);

/// <param name="HorizonDays">How far ahead BookingApi takes bookings (its <c>Booking:HorizonDays</c>).</param>
public sealed record BookingWindow(int HorizonDays)
{
    /// <summary>BookingApi's default horizon (its <c>BookingPolicy.DefaultHorizon</c>).</summary>
    public static readonly BookingWindow Default = new(90);
}

public sealed record PatientDetails(string Name, string Email, string? Phone);

public sealed record BookingRequest(Guid RequestId, int ClinicId, DateTimeOffset Start, PatientDetails Patient, string Language);

/// <summary>What became of a booking request, as far as the form needs to know.</summary>
public abstract record BookingOutcome
{
    public sealed record Confirmed(BookingResponse Booking) : BookingOutcome;

    public sealed record Rejected(BookingResponse Booking) : BookingOutcome;

    /// <summary>Field errors keyed as BookingApi names the fields: <c>patient.email</c>, <c>start</c>.</summary>
    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : BookingOutcome;

    public sealed record RequestIdReused : BookingOutcome;

    public sealed record TooManyRequests(TimeSpan RetryAfter) : BookingOutcome;
}

/// <summary>What became of a cancellation or a move, as far as the manage page needs to know.</summary>
public abstract record BookingChangeOutcome
{
    public sealed record Changed(BookingResponse Booking) : BookingChangeOutcome;

    /// <summary>No such booking, or not its token: the page answers 404 either way.</summary>
    public sealed record NotFound : BookingChangeOutcome;

    /// <param name="ReasonCode">A <see cref="ChangeRefusalCodes"/> or, for a move's new time, a <see cref="RejectionCodes"/> code.</param>
    public sealed record Refused(string ReasonCode) : BookingChangeOutcome;

    /// <summary>The new time was not a time at all; the form sends only times it listed, so it was stale or tampered with.</summary>
    public sealed record Invalid : BookingChangeOutcome;

    public sealed record TooManyRequests(TimeSpan RetryAfter) : BookingChangeOutcome;
}
